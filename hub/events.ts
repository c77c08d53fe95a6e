// Typed events between the hub's processes (workers → desk servers), carried over Redis pub/sub.
// Events carry ids, not personal data; a receiver reads what it needs from the database.
import { z } from 'zod';
import type { Redis } from 'ioredis';

export const HubEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message.created'), conversationId: z.string(), messageId: z.string() }),
  z.object({ type: z.literal('message.updated'), conversationId: z.string(), messageId: z.string() }),
  z.object({ type: z.literal('conversation.updated'), conversationId: z.string() }),
]);
export type HubEvent = z.infer<typeof HubEvent>;

export interface EventBus {
  publish(event: HubEvent): Promise<void>;
  subscribe(handler: (event: HubEvent) => void): () => void;
  close(): Promise<void>;
}

export async function createEventBus(publisher: Redis, prefix: string, onInvalid: (raw: string) => void = () => {}): Promise<EventBus> {
  const channel = `${prefix}:events`;
  const subscriber = publisher.duplicate();
  const handlers = new Set<(event: HubEvent) => void>();
  subscriber.on('message', (from: string, raw: string) => {
    if (from !== channel) return;
    let event: HubEvent;
    try {
      event = HubEvent.parse(JSON.parse(raw));
    } catch {
      return onInvalid(raw);
    }
    for (const handler of handlers) handler(event);
  });
  await subscriber.subscribe(channel);
  return {
    publish: async (event) => void (await publisher.publish(channel, JSON.stringify(HubEvent.parse(event)))),
    subscribe: (handler) => {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    close: async () => {
      handlers.clear();
      subscriber.disconnect();
    },
  };
}

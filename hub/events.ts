// Typed events between the hub's processes (workers → desk servers), carried over Redis pub/sub.
// Events carry ids, not personal data; a receiver reads what it needs from the database.
import { z } from 'zod';
import type { Redis } from 'ioredis';

export const HubEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message.created'), conversationId: z.string(), messageId: z.string() }),
  z.object({ type: z.literal('message.updated'), conversationId: z.string(), messageId: z.string() }),
  z.object({ type: z.literal('conversation.updated'), conversationId: z.string() }),
  /** A phone call joined the queue, was taken, rang, was answered or ended. */
  z.object({ type: z.literal('call.updated'), callId: z.string(), conversationId: z.string() }),
  /** The customer is typing (web chat): shown to agents for a few seconds. */
  z.object({ type: z.literal('customer.typing'), conversationId: z.string() }),
  /** Routing offered a waiting conversation to one agent. */
  z.object({ type: z.literal('offer.created'), offerId: z.string(), conversationId: z.string(), agentId: z.string() }),
  /** An offer is over: accepted, declined, run out, or withdrawn because the conversation was taken another way. */
  z.object({
    type: z.literal('offer.ended'),
    offerId: z.string(),
    conversationId: z.string(),
    agentId: z.string(),
    status: z.enum(['accepted', 'declined', 'expired', 'withdrawn']),
  }),
  /** An agent's presence, skills, teams or capacity changed. */
  z.object({ type: z.literal('agent.updated'), agentId: z.string() }),
  /** Something supervisors watch changed: a conversation started or stopped waiting, or was assigned. */
  z.object({ type: z.literal('queue.changed') }),
  /** A hand-off was made, delivered, accepted, redirected, answered, closed, or is overdue. */
  z.object({ type: z.literal('handoff.updated'), handoffId: z.string(), conversationId: z.string(), serviceId: z.string() }),
]);
export type HubEvent = z.infer<typeof HubEvent>;

export interface EventBus {
  publish(event: HubEvent): Promise<void>;
  subscribe(handler: (event: HubEvent) => void): () => void;
  /**
   * Pub/sub drops whatever is published while a subscriber is reconnecting; after a Redis blip the
   * handler is called so receivers can reload from the database instead of trusting the stream.
   */
  onReconnect(handler: () => void): () => void;
  close(): Promise<void>;
}

export async function createEventBus(publisher: Redis, prefix: string, onInvalid: (raw: string) => void = () => {}): Promise<EventBus> {
  const channel = `${prefix}:events`;
  const subscriber = publisher.duplicate();
  // The publisher's owner already reports connection errors; this one only needs them handled.
  subscriber.on('error', () => undefined);
  const handlers = new Set<(event: HubEvent) => void>();
  const reconnectHandlers = new Set<() => void>();
  let connectedBefore = false;
  subscriber.on('ready', () => {
    if (connectedBefore) for (const handler of reconnectHandlers) handler();
    connectedBefore = true;
  });
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
    onReconnect: (handler) => {
      reconnectHandlers.add(handler);
      return () => reconnectHandlers.delete(handler);
    },
    close: async () => {
      handlers.clear();
      reconnectHandlers.clear();
      subscriber.disconnect();
    },
  };
}

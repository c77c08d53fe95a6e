// The Fanout channels use to reach a connection another process holds (a visitor's socket):
// Redis pub/sub under the hub's prefix. At most once: receivers resync from the database.
import type { Redis } from 'ioredis';
import type { Fanout } from '../channels/contract.ts';

export async function createFanout(publisher: Redis, prefix: string): Promise<Fanout & { close(): void }> {
  const subscriber = publisher.duplicate();
  subscriber.on('error', () => undefined); // the publisher's owner reports connection trouble
  const handlers = new Map<string, Set<(message: string) => void>>();
  const channelOf = (topic: string) => `${prefix}:fanout:${topic}`;
  subscriber.on('message', (channel: string, message: string) => {
    for (const handler of handlers.get(channel) ?? []) handler(message);
  });
  await subscriber.connect().catch(() => undefined);
  return {
    publish: async (topic, message) => void (await publisher.publish(channelOf(topic), message)),
    subscribe(topic, handler) {
      const channel = channelOf(topic);
      let set = handlers.get(channel);
      if (!set) {
        handlers.set(channel, (set = new Set()));
        void subscriber.subscribe(channel);
      }
      set.add(handler);
      return () => set.delete(handler);
    },
    close: () => subscriber.disconnect(),
  };
}

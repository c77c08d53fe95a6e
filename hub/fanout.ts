// The Fanout channels use to reach a connection another process holds (a visitor's socket): Redis
// pub/sub under the hub's prefix. At most once: receivers resync from the database.
//
// Each message is handled in ONE process: every process that subscribes to the topic hears it, and the
// first to claim its id runs the handlers. Handlers emit through socket.io's Redis streams adapter, which
// already reaches the sockets of every process (and records the event for connection-state recovery on
// another process), so running them in every process would deliver the event once per process. They cannot
// simply run where the message is published: a worker-only process (HUB_ROLES=worker) has no socket.io server.
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Fanout } from '../channels/contract.ts';

/** How long a claim is remembered: far longer than pub/sub takes to reach every process, even through a blip. */
const CLAIM_MS = 10 * 60_000;

export async function createFanout(publisher: Redis, prefix: string): Promise<Fanout & { close(): void }> {
  const subscriber = publisher.duplicate();
  subscriber.on('error', () => undefined); // the publisher's owner reports connection trouble
  const handlers = new Map<string, Set<(message: string) => void>>();
  const channelOf = (topic: string) => `${prefix}:fanout:${topic}`;
  subscriber.on('message', (channel: string, raw: string) => {
    const set = handlers.get(channel);
    if (!set?.size) return;
    let envelope: { id: string; message: string };
    try {
      envelope = JSON.parse(raw);
    } catch {
      return;
    }
    if (typeof envelope?.id !== 'string' || typeof envelope.message !== 'string') return;
    void publisher
      .set(`${prefix}:fanout:claimed:${envelope.id}`, '1', 'PX', CLAIM_MS, 'NX')
      .then((claimed) => {
        if (claimed === 'OK') for (const handler of set) handler(envelope.message);
      })
      .catch(() => undefined); // a connection closed at shutdown, or a malformed message: at most once
  });
  await subscriber.connect().catch(() => undefined);
  return {
    publish: async (topic, message) => void (await publisher.publish(channelOf(topic), JSON.stringify({ id: randomUUID(), message }))),
    subscribe(topic, handler) {
      const channel = channelOf(topic);
      let set = handlers.get(channel);
      if (!set) {
        handlers.set(channel, (set = new Set()));
        // Refused only when the connection closes first (a hub stopped as it starts); ioredis subscribes again on reconnect.
        subscriber.subscribe(channel).catch(() => undefined);
      }
      set.add(handler);
      return () => set.delete(handler);
    },
    close: () => subscriber.disconnect(),
  };
}

// The effects runner on the real Redis: what a use case returns is queued, published and routed once, in
// order, routing last; and a runner whose Redis is gone still answers (the change has committed; the sweeper
// and the desks' reload make good what could not be queued or told).
import { Redis } from 'ioredis';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEffectsRunner, fx } from '../../hub/effects.ts';
import { createEventBus, type EventBus, type HubEvent } from '../../hub/events.ts';
import { createLogger } from '../../hub/logger.ts';
import { createQueues, type Queues } from '../../hub/queues.ts';
import { uniquePrefix } from '../helpers/hub.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const settings = (prefix: string) => ({
  prefix,
  onError: () => undefined,
  outbound: { attempts: 3, backoffMs: 100 },
  handoff: { attempts: 3, backoffMs: 100 },
});

async function until<T>(read: () => Promise<T> | T, done: (value: T) => boolean, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('effects runner', () => {
  let redis: Redis;
  let queues: Queues;
  let bus: EventBus;
  const prefix = uniquePrefix('effects');

  beforeAll(async () => {
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queues = createQueues(redis, settings(prefix));
    bus = await createEventBus(redis, prefix);
  });
  afterAll(async () => {
    await bus.close();
    await queues.close();
    for (const key of await redis.keys(`${prefix}*`)) await redis.del(key);
    redis.disconnect();
  });

  it('queues, schedules and publishes each effect once, in order, and asks for routing once, after the events', async () => {
    // What the runner had published (Redis acknowledged) by each moment, and what subscribers then received.
    const order: string[] = [];
    const events: HubEvent[] = [];
    const stop = bus.subscribe((event) => events.push(event));
    const recording: EventBus = {
      ...bus,
      publish: async (event) => {
        await bus.publish(event);
        order.push(event.type);
      },
    };
    const runner = createEffectsRunner({ queues, bus: recording, logger: createLogger('silent'), requestRouting: () => order.push('route') });
    const at = new Date(Date.now() + 60_000);
    await runner.run([
      ...fx.message('c1', 'm1'),
      fx.route(),
      fx.conversationChanged('c1'),
      fx.deliver('d1'),
      fx.schedule('h1', 'remind', at),
      fx.conversationChanged('c1'),
      fx.route(),
      fx.queueChanged(),
    ]);
    await until(
      () => events.length,
      (n) => n >= 3,
      'the events',
    );
    expect(events).toEqual([
      { type: 'message.created', conversationId: 'c1', messageId: 'm1' },
      { type: 'conversation.updated', conversationId: 'c1' },
      { type: 'queue.changed' },
    ]);
    // Routing is asked once, after every event was published (the router reads what the events describe).
    expect(order).toEqual(['message.created', 'conversation.updated', 'queue.changed', 'route']);
    const sent = await until(
      () => queues.outbound.getJobs(['waiting', 'prioritized']),
      (jobs) => jobs.length >= 1,
      'the outbound job',
    );
    expect(sent.map((j) => j.data)).toEqual([{ messageId: 'm1' }]);
    const delivered = await until(
      () => queues.handoff.getJobs(['waiting', 'prioritized']),
      (jobs) => jobs.length >= 1,
      'the hand-off job',
    );
    expect(delivered.map((j) => j.data)).toEqual([{ deliveryId: 'd1' }]);
    const timers = await until(
      () => queues.handoffTimer.getJobs(['delayed']),
      (jobs) => jobs.length >= 1,
      'the timer',
    );
    expect(timers.map((j) => [j.id, j.data])).toEqual([['h1-remind', { handoffId: 'h1', stage: 'remind' }]]);
    expect(timers[0]!.timestamp + timers[0]!.delay).toBeGreaterThan(at.getTime() - 5_000);
    stop();
  });

  it('with Redis gone, it logs what it could not do and still returns (and routing is still asked)', async () => {
    const lost = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
    await lost.connect();
    const deadQueues = createQueues(lost, settings(uniquePrefix('effects-dead')));
    const deadBus = await createEventBus(lost, uniquePrefix('effects-dead'));
    lost.disconnect();
    const lines: string[] = [];
    const logger = createLogger(
      'warn',
      new Writable({
        write: (chunk, _enc, next) => {
          lines.push(String(chunk));
          next();
        },
      }),
    );
    let routed = 0;
    const runner = createEffectsRunner({ queues: deadQueues, bus: deadBus, logger, requestRouting: () => routed++ });
    await expect(runner.run([...fx.message('c1', 'm1'), fx.route()])).resolves.toBeUndefined();
    expect(routed).toBe(1);
    await until(
      () => lines.join(''),
      (text) => text.includes('could not publish message.created') && text.includes('could not queue a message'),
      'the warnings',
    );
    await deadBus.close();
    await deadQueues.close().catch(() => undefined);
  });
});

// Identity under real concurrency: two worker processes and a burst of first contacts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { PUBLIC_BASE_URL, startTestHub, testEnv, uniquePrefix } from '../helpers/hub.ts';
import { inboundSmsFields, newMessageSid, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import { spawnHub, type HubProcess } from '../../testkit/processes.ts';
import type { RunningHub } from '../../app/compose.ts';
import { createFirstContact } from '../../hub/identity/resolve.ts';

let database: TestDatabase;
let hub: RunningHub & { url: string };
const workers: HubProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase('identity_race');
  const prefix = uniquePrefix('race');
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, QUEUE_PREFIX: prefix, HUB_ROLES: 'web' }));
  for (let i = 0; i < 2; i++) {
    const worker = spawnHub(testEnv({ DATABASE_URL: database.url, QUEUE_PREFIX: prefix, HUB_ROLES: 'worker', LOG_LEVEL: 'info' }));
    workers.push(worker);
    await worker.waitForLog(/starting contact-hub/);
  }
});

afterAll(async () => {
  for (const worker of workers) await worker.kill('SIGTERM');
  await hub?.stop();
  await database?.drop();
});

const burst = (from: string, count: number) =>
  Array.from({ length: count }, (_, i) =>
    postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, `${from} #${i}`, newMessageSid())),
  );

describe('first contacts racing across worker processes', () => {
  it('a burst from one new number makes exactly one customer; two numbers at once make two intact records', async () => {
    const single = '+447911200701';
    const [left, right] = ['+447911200702', '+447911200703'];
    const responses = await Promise.all([...burst(single, 40), ...burst(left, 20), ...burst(right, 20)]);
    expect(responses.every((r) => r.status === 200)).toBe(true);

    const db = hub.database.prisma;
    await expect.poll(() => db.message.count(), { timeout: 30_000 }).toBe(80);
    for (const [address, expected] of [
      [single, 40],
      [left, 20],
      [right, 20],
    ] as const) {
      const customers = await db.customer.findMany({
        where: { contactPoints: { some: { address } } },
        include: { contactPoints: true, conversations: { include: { _count: { select: { messages: true } } } } },
      });
      expect(customers).toHaveLength(1);
      // Each record holds only its own address and only its own messages, all in one conversation.
      expect(customers[0]!.contactPoints.map((p) => p.address)).toEqual([address]);
      expect(customers[0]!.conversations.map((c) => c._count.messages)).toEqual([expected]);
      expect(await db.message.count({ where: { fromAddress: address, conversation: { customerId: customers[0]!.id } } })).toBe(expected);
    }
    expect(await db.customer.count()).toBe(3);
    // Neither worker process died on a conflict.
    expect(workers.every((w) => w.child.exitCode === null)).toBe(true);
  });

  it('a first contact made twice at once for one address makes one record, and the other finds it taken', async () => {
    const db = hub.database.prisma;
    const from = { kind: 'phone' as const, address: '+447911200704' };
    const made = await Promise.all([createFirstContact(db, from, 'test', 'sms'), createFirstContact(db, from, 'test', 'sms')]);
    expect(made.filter(Boolean)).toHaveLength(1);
    expect(await createFirstContact(db, from, 'test', 'sms')).toBeNull();
    const customers = await db.customer.findMany({ where: { contactPoints: { some: { address: from.address } } }, include: { conversations: true } });
    const winner = made.find(Boolean)!;
    expect(customers.map((c) => [c.id, c.conversations.map((v) => [v.id, v.openForCustomer])])).toEqual([
      [winner.customerId, [[winner.conversationId, winner.customerId]]],
    ]);
    // The one that lost left nothing behind.
    expect(await db.customer.count({ where: { contactPoints: { none: {} } } })).toBe(0);
  });
});

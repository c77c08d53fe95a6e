// Faults for real: a worker process killed mid-job, and a Redis restart that loses every queued job.
// Either way each message is persisted exactly once and still reaches the agent's screen.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { PUBLIC_BASE_URL, apiJson, connectDesk, nextEvent, signIn, startTestHub, startTestWorker, testEnv, uniquePrefix } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import { privateRedis, spawnHub, type HubProcess, type PrivateRedis } from '../../testkit/processes.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';

let database: TestDatabase;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  database = await createTestDatabase('faults');
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  await database?.drop();
});

async function webOnlyHub(env: Record<string, string>) {
  const hub = await startTestHub(testEnv({ DATABASE_URL: database.url, HUB_ROLES: 'web', ...env }));
  cleanups.push(() => hub.stop());
  const cookie = await signIn(hub.url);
  const desk = await connectDesk(hub.url, cookie);
  cleanups.push(() => void desk.close());
  return { hub, desk, cookie };
}

describe('a worker killed in the middle of a job', () => {
  // Starts two hub processes one after the other: on a loaded 2-core machine each start can take half a minute.
  it('loses nothing: another worker takes the job over and stores the message once', { timeout: 180_000 }, async () => {
    const prefix = uniquePrefix('kill');
    const { hub, desk } = await webOnlyHub({ QUEUE_PREFIX: prefix });
    const workerEnv = { ...testEnv({ DATABASE_URL: database.url, HUB_ROLES: 'worker', QUEUE_PREFIX: prefix, WORKER_LOCK_MS: '1000', LOG_LEVEL: 'info' }) };
    const first: HubProcess = spawnHub(workerEnv);
    cleanups.push(() => first.kill());
    await first.waitForLog(/starting contact-hub/);

    // Hold a lock that blocks inserts into "Message", so the worker is caught half-way through its job.
    const blocker = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    cleanups.push(() => blocker.end());
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE "Message" IN EXCLUSIVE MODE');

    const fields = inboundSmsFields('+447911200001', 'I need help with my rent');
    const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.providerMessageId === fields.MessageSid);
    expect((await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', fields)).status).toBe(200);

    // Mid-job: the job is active in Redis and the worker's insert is waiting on our lock.
    await expect.poll(() => hub.queues.inbound.getActiveCount(), { timeout: 20_000 }).toBe(1);
    // Asked on another connection: inside the blocker's transaction pg_stat_activity is a frozen snapshot.
    const observer = new pg.Client({ connectionString: database.url });
    await observer.connect();
    cleanups.push(() => observer.end());
    const lockWaits = async () =>
      (await observer.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = $1`, [database.name])).rows[0].n;
    await expect.poll(lockWaits, { timeout: 20_000 }).toBeGreaterThan(0);

    await first.kill('SIGKILL');
    await blocker.query('ROLLBACK');
    // The killed worker's write is one statement: PostgreSQL may finish it once the lock is gone, or not at all,
    // never half. Either way the next worker must end with the message stored once.

    const second = spawnHub(workerEnv);
    cleanups.push(() => second.kill());
    const message = await arrived;
    expect(message.body).toBe('I need help with my rent');
    expect(await hub.database.prisma.message.count({ where: { providerMessageId: fields.MessageSid } })).toBe(1);
    expect(await hub.database.prisma.customer.count({ where: { contactPoints: { some: { address: '+447911200001' } } } })).toBe(1);
  });
});

describe('a Redis restart', () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await privateRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('loses queued jobs, but the inbox sweeper re-queues them and each message is stored once', async () => {
    const prefix = uniquePrefix('redis');
    const { hub, desk, cookie } = await webOnlyHub({ QUEUE_PREFIX: prefix, REDIS_URL: redis.url });

    // One contact queued with no worker running yet...
    const queued = inboundSmsFields('+447911200002', 'first, queued before the restart');
    expect((await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', queued)).status).toBe(200);
    const probe = new Queue('inbound', { connection: new Redis(redis.url, { maxRetriesPerRequest: null }), prefix });
    await expect.poll(() => probe.getWaitingCount()).toBe(1);
    await probe.close();
    await probe.disconnect();

    // The desk's server will lose its Redis subscription too, and must tell the agent's page to reload.
    const resynced = new Promise<void>((resolve) => desk.once('desk.resync', () => resolve()));

    // ...then Redis dies: the queued job is gone. A contact that arrives meanwhile is still accepted.
    await redis.stop();
    const during = inboundSmsFields('+447911200002', 'second, sent while Redis was down');
    expect((await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', during)).status).toBe(200);
    const health = await fetch(`${hub.url}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ database: 'up', redis: 'down' });
    await redis.start();

    const worker: RunningHub = await startTestWorker(testEnv({ DATABASE_URL: database.url, QUEUE_PREFIX: prefix, REDIS_URL: redis.url }));
    cleanups.push(() => worker.stop());
    for (const sid of [queued.MessageSid!, during.MessageSid!]) {
      await expect.poll(() => hub.database.prisma.message.count({ where: { providerMessageId: sid } }), { timeout: 20_000 }).toBe(1);
    }
    await resynced;
    // What the page reloads has both messages, once each.
    const list = await apiJson<{ conversations: { id: string; customer: { contactPoints: { address: string }[] } }[] }>(hub.url, cookie, '/api/conversations');
    const conversation = list.body.conversations.find((c) => c.customer.contactPoints.some((p) => p.address === '+447911200002'))!;
    const detail = await apiJson<{ conversation: { messages: MessageView[] } }>(hub.url, cookie, `/api/conversations/${conversation.id}`);
    expect(detail.body.conversation.messages.map((m) => m.body).sort()).toEqual([during.Body, queued.Body].sort());
  });
});

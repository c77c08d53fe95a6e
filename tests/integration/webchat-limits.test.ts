// Web-chat limits across two real hub processes of one deployment (one database, one Redis, one
// QUEUE_PREFIX): a visitor's connections and messages count once for the deployment, wherever the load
// balancer sends them, so running more processes does not multiply the limits. When Redis goes away each
// process keeps counting on its own (the chat stays open, still limited) and says so in its log.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { testEnv, uniquePrefix } from '../helpers/hub.ts';
import { freePort, privateRedis, spawnHub, type HubProcess, type PrivateRedis } from '../../testkit/processes.ts';
import type { ChatAck } from '../../channels/webchat/webchat.adapter.ts';

const CONNECTIONS = 3;
const MESSAGES = 4;

let database: TestDatabase;
let redis: PrivateRedis;
let hubA: { process: HubProcess; url: string };
let hubB: { process: HubProcess; url: string };
const prefix = uniquePrefix('chatlimits');
const sockets: Socket[] = [];

async function startHub() {
  const port = await freePort();
  const process = spawnHub(
    testEnv({
      DATABASE_URL: database.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: prefix,
      PORT: String(port),
      HUB_ROLES: 'web',
      LOG_LEVEL: 'info',
      WEBCHAT_CONNECTIONS_PER_MINUTE: String(CONNECTIONS),
      WEBCHAT_MESSAGES_PER_MINUTE: String(MESSAGES),
    }),
  );
  await process.waitForLog(/contact-hub is listening/);
  return { process, url: `http://127.0.0.1:${port}` };
}

/** A visitor's browser behind the council's load balancer (which hands on the visitor's address): 'connected' or why not. */
function open(url: string, forwardedFor: string, visitorId = randomUUID()): Promise<{ outcome: string; socket: Socket }> {
  const socket = connect(`${url}/chat`, {
    auth: { visitorId },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { 'x-forwarded-for': forwardedFor },
  });
  sockets.push(socket);
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ outcome: 'connected', socket }));
    socket.once('connect_error', (error) => resolve({ outcome: error.message, socket }));
  });
}

const say = (socket: Socket, text: string) => socket.timeout(10_000).emitWithAck('message', { clientMessageId: randomUUID(), text }) as Promise<ChatAck>;

beforeAll(async () => {
  database = await createTestDatabase('webchat_limits');
  redis = await privateRedis();
  // One after the other: the first applies the migrations.
  hubA = await startHub();
  hubB = await startHub();
}, 180_000);

afterAll(async () => {
  for (const socket of sockets) socket.close();
  await hubA?.process.kill('SIGTERM');
  await hubB?.process.kill('SIGTERM');
  await redis?.stop();
  await database?.drop();
}, 60_000);

describe('web-chat limits shared by the hub processes', () => {
  it('connections from one address count once for both processes', async () => {
    const address = '203.0.113.41';
    const outcomes = [];
    // Alternating between the processes, as a load balancer would: each has let fewer than the limit through.
    for (const hub of [hubA, hubB, hubA, hubB]) outcomes.push((await open(hub.url, address)).outcome);
    expect(outcomes).toEqual(['connected', 'connected', 'connected', expect.stringMatching(/too many connections/)]);
    // Another address is counted on its own.
    expect((await open(hubA.url, '203.0.113.42')).outcome).toBe('connected');
  });

  it("one visitor's messages count once, whichever process each connection reached", async () => {
    const visitorId = randomUUID();
    const onA = await open(hubA.url, '198.51.100.51', visitorId);
    const onB = await open(hubB.url, '198.51.100.52', visitorId);
    expect([onA.outcome, onB.outcome]).toEqual(['connected', 'connected']);
    const acks: ChatAck[] = [];
    for (let i = 0; i < MESSAGES + 1; i++) acks.push(await say(i % 2 ? onB.socket : onA.socket, `message ${i + 1}`));
    expect(acks.slice(0, MESSAGES)).toEqual(Array(MESSAGES).fill({ ok: true, duplicate: false }));
    expect(acks[MESSAGES]).toEqual({ ok: false, error: 'You are sending messages very quickly. Please wait a minute and try again.', retry: true });
  });

  it('with Redis away, each process still limits on its own, keeps the chat open, and says so', async () => {
    await redis.stop();
    try {
      const address = '192.0.2.61';
      const outcomes = [];
      for (let i = 0; i < CONNECTIONS + 1; i++) outcomes.push((await open(hubA.url, address)).outcome);
      expect(outcomes).toEqual([...Array(CONNECTIONS).fill('connected'), expect.stringMatching(/too many connections/)]);
      await hubA.process.waitForLog(/rate limit counted in this process only: Redis did not answer/);
    } finally {
      // Back for the processes' orderly stop.
      await redis.start();
    }
  }, 60_000);
});

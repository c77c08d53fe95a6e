// Two real hub processes of one deployment (one PostgreSQL database, one Redis, one QUEUE_PREFIX) on
// different ports: the customer's chat is on one, the agent's desk on the other. socket.io's Redis streams
// adapter carries chat events between them and lets a customer who lands on the other process recover what
// they missed; desk events come from the hub's own bus, which every process hears and emits locally.
// Every event must arrive exactly once: each check waits for a later event (a barrier) and then counts.
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { io as connect, type Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { apiJson, connectDesk, signIn, testEnv, uniquePrefix } from '../helpers/hub.ts';
import { freePort, privateRedis, spawnHub, type HubProcess, type PrivateRedis } from '../../testkit/processes.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';
import type { ChatAck } from '../../channels/webchat/webchat.adapter.ts';
import type { TranscriptEntry } from '../../channels/contract.ts';

interface Hub {
  process: HubProcess;
  port: number;
  url: string;
}

/** Every event a socket receives, in order, with a way to wait for one that has arrived or will. */
interface Recorder {
  events: { name: string; args: any[] }[];
  waitFor<T = any>(name: string, match?: (payload: T) => boolean): Promise<T>;
  count<T = any>(name: string, match?: (payload: T) => boolean): number;
}

function record(socket: Socket): Recorder {
  const events: Recorder['events'] = [];
  const listeners = new Set<() => void>();
  socket.onAny((name: string, ...args: any[]) => {
    events.push({ name, args });
    for (const listener of listeners) listener();
  });
  const matching = (name: string, match: (payload: any) => boolean) => events.filter((e) => e.name === name && match(e.args[0]));
  return {
    events,
    count: (name, match = () => true) => matching(name, match).length,
    waitFor: (name, match = () => true) =>
      new Promise((resolve) => {
        const check = () => {
          const found = matching(name, match)[0];
          if (!found) return;
          listeners.delete(check);
          resolve(found.args[0]);
        };
        listeners.add(check);
        check();
      }),
  };
}

/**
 * The council's load balancer in front of the hubs, for the chat: it forwards each connection to the hub it
 * currently routes to. cut() drops every open connection (the hub behind it went away, or the network
 * blipped); connections that come in before the next route() wait for it.
 */
async function loadBalancer() {
  let target: number | null = null;
  const open = new Set<net.Socket>();
  const waiting: net.Socket[] = [];
  const forward = (client: net.Socket, port: number) => {
    const upstream = net.connect(port, '127.0.0.1');
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    for (const side of [client, upstream]) {
      open.add(side);
      side.on('error', drop).on('close', drop);
    }
    client.pipe(upstream).pipe(client);
  };
  const server = net.createServer((client) => {
    if (target !== null) return forward(client, target);
    client.on('error', () => client.destroy());
    waiting.push(client); // its request stays unread until it is forwarded
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    route(port: number) {
      target = port;
      for (const client of waiting.splice(0)) if (!client.destroyed) forward(client, port);
    },
    cut() {
      target = null;
      for (const side of [...open]) side.destroy();
    },
    close: () => {
      for (const side of [...open, ...waiting]) side.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let database: TestDatabase;
let redis: PrivateRedis;
let inspect: Redis;
let hubA: Hub;
let hubB: Hub;
let cookie: string;
let deskA: Socket;
let deskB: Socket;
let lb: Awaited<ReturnType<typeof loadBalancer>>;
const prefix = uniquePrefix('cluster');
const sockets: Socket[] = [];

async function startHub(): Promise<Hub> {
  const port = await freePort();
  const process = spawnHub(testEnv({ DATABASE_URL: database.url, REDIS_URL: redis.url, QUEUE_PREFIX: prefix, PORT: String(port), LOG_LEVEL: 'info' }));
  await process.waitForLog(/contact-hub is listening/);
  return { process, port, url: `http://127.0.0.1:${port}` };
}

beforeAll(async () => {
  database = await createTestDatabase('realtime_cluster');
  // A private redis-server, so the last test can restart it under the running hubs.
  redis = await privateRedis();
  inspect = new Redis(redis.url, { maxRetriesPerRequest: null });
  inspect.on('error', () => undefined);
  // One after the other: the first applies the migrations and creates the admin account.
  hubA = await startHub();
  hubB = await startHub();
  cookie = await signIn(hubB.url);
  deskB = await connectDesk(hubB.url, cookie);
  // The same agent with the desk open on the other process too: each desk must get each event once.
  deskA = await connectDesk(hubA.url, cookie);
  lb = await loadBalancer();
  // Two hub processes started one after the other: from a fresh clone each first compiles the hub's TypeScript,
  // which on a busy two-core machine has taken over a minute.
}, 180_000);

afterAll(async () => {
  for (const socket of [...sockets, deskA, deskB]) socket?.close();
  await lb?.close();
  await hubA?.process.kill();
  await hubB?.process.kill();
  inspect?.disconnect();
  await redis?.stop();
  await database?.drop();
});

/** A visitor's browser through the load balancer; it reconnects by itself, as the widget does. */
function customer(visitorId = randomUUID()) {
  const socket = connect(`${lb.url}/chat`, {
    auth: { visitorId },
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
  });
  sockets.push(socket);
  return { visitorId, socket, seen: record(socket) };
}

/** The customer sends a message; the widget shows it at once, under its client id. */
const say = async ({ socket, seen }: { socket: Socket; seen: Recorder }, text: string) => {
  const clientMessageId = randomUUID();
  seen.events.push({ name: 'typed', args: [{ clientMessageId, text }] });
  expect(await (socket.timeout(10_000).emitWithAck('message', { clientMessageId, text }) as Promise<ChatAck>)).toEqual({ ok: true, duplicate: false });
  return clientMessageId;
};

/** The agent answers through hub B's API; the message's id. */
async function reply(conversationId: string, text: string): Promise<string> {
  const sent = await apiJson<{ message: MessageView }>(hubB.url, cookie, `/api/conversations/${conversationId}/messages`, {
    method: 'POST',
    body: JSON.stringify({ text }),
  });
  expect(sent.status).toBe(202);
  return sent.body.message.id;
}

/** What the widget shows, built as widget.js builds it: what was typed, the transcript and live messages, one line per message id. */
function widgetLines(seen: Recorder): string[] {
  const lines = new Map<string, string>();
  for (const { name, args } of seen.events) {
    if (name === 'transcript') {
      for (const entry of args[0] as TranscriptEntry[]) {
        const id = entry.direction === 'inbound' ? (entry.providerMessageId ?? '').split(':')[1] || entry.id : entry.id;
        lines.set(id, `${entry.direction === 'inbound' ? 'You' : 'Council'}: ${entry.text}`);
      }
    }
    if (name === 'message') lines.set(args[0].id, `Council: ${args[0].text}`);
    if (name === 'typed') lines.set(args[0].clientMessageId, `You: ${args[0].text}`);
  }
  return [...lines.values()];
}

const fromVisitor = (visitorId: string, clientMessageId: string) => (m: MessageView) => m.providerMessageId === `${visitorId}:${clientMessageId}`;

/** Both desks have the message (once each, checked by the caller after a barrier). */
async function onBothDesks(desks: Recorder[], match: (m: MessageView) => boolean): Promise<MessageView> {
  const [first] = await Promise.all(desks.map((desk) => desk.waitFor<MessageView>('message.created', match)));
  return first!;
}

describe('two hub processes, customer on one and agent on the other', () => {
  it('the customer’s message to hub A reaches the agent on hub B once, and the reply through hub B reaches the customer on A once', async () => {
    lb.route(hubA.port);
    const desks = [record(deskA), record(deskB)];
    const chat = customer();
    const { visitorId, seen } = chat;
    expect(await seen.waitFor('transcript')).toEqual([]);

    const asked = await say(chat, 'My bin was not collected');
    const inbound = await onBothDesks(desks, fromVisitor(visitorId, asked));
    expect(inbound).toMatchObject({ channel: 'webchat', direction: 'inbound', body: 'My bin was not collected' });
    const barrier = await say(chat, 'It is the green one');
    await onBothDesks(desks, fromVisitor(visitorId, barrier));
    for (const desk of desks) expect(desk.count<MessageView>('message.created', (m) => m.id === inbound.id)).toBe(1);

    const answer = await reply(inbound.conversationId, 'We will collect it tomorrow.');
    expect(await seen.waitFor('message', (e: TranscriptEntry) => e.id === answer)).toMatchObject({
      direction: 'outbound',
      text: 'We will collect it tomorrow.',
    });
    const later = await reply(inbound.conversationId, 'Is there anything else?');
    await seen.waitFor('message', (e: TranscriptEntry) => e.id === later);
    expect(seen.count('message', (e: TranscriptEntry) => e.id === answer)).toBe(1);
    // The agent's own reply shows on each desk once too.
    await onBothDesks(desks, (m) => m.id === later);
    for (const desk of desks) expect(desk.count<MessageView>('message.created', (m) => m.id === answer)).toBe(1);

    expect(widgetLines(seen)).toEqual([
      'You: My bin was not collected',
      'You: It is the green one',
      'Council: We will collect it tomorrow.',
      'Council: Is there anything else?',
    ]);
  });

  it('a customer cut off from hub A reconnects to hub B and is given what they missed (connection-state recovery)', async () => {
    lb.route(hubA.port);
    const desks = [record(deskA), record(deskB)];
    const chat = customer();
    const { visitorId, socket, seen } = chat;
    await seen.waitFor('transcript');
    const asked = await say(chat, 'When is my collection?');
    const { conversationId } = await onBothDesks(desks, fromVisitor(visitorId, asked));
    // A reply received before the cut gives the browser its place in the stream to resume from.
    const first = await reply(conversationId, 'Let me check.');
    await seen.waitFor('message', (e: TranscriptEntry) => e.id === first);
    const { id: sessionId } = socket;
    const pid = (socket as unknown as { _pid: string })._pid;

    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));
    lb.cut();
    expect(await disconnected).toBe('transport close');
    // Hub A keeps the session in Redis for whichever process the browser reaches next.
    await expect.poll(() => inspect.exists(`${prefix}:socket.io:session:${pid}`)).toBe(1);

    // The same visitor in another tab, on hub B: shows when the reply has gone out while the first was away.
    const tab = connect(`${hubB.url}/chat`, { auth: { visitorId }, transports: ['websocket'], forceNew: true, reconnection: false });
    sockets.push(tab);
    const tabSeen = record(tab);
    await tabSeen.waitFor('transcript');
    const missed = await reply(conversationId, 'It is booked for Friday.');
    await tabSeen.waitFor('message', (e: TranscriptEntry) => e.id === missed);
    expect(seen.count('message', (e: TranscriptEntry) => e.id === missed)).toBe(0);

    // The load balancer now sends the browser to hub B.
    const reconnected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    lb.route(hubB.port);
    await reconnected;
    expect(socket.recovered).toBe(true);
    expect(socket.id).toBe(sessionId);
    expect(await seen.waitFor('message', (e: TranscriptEntry) => e.id === missed)).toMatchObject({ text: 'It is booked for Friday.' });

    // Barrier: a later reply, then the missed one is counted. The widget resyncs from the transcript too,
    // and shows each message once.
    const later = await reply(conversationId, 'See you then.');
    await seen.waitFor('message', (e: TranscriptEntry) => e.id === later);
    expect(seen.count('message', (e: TranscriptEntry) => e.id === missed)).toBe(1);
    expect(seen.count('transcript')).toBe(2);
    expect(widgetLines(seen)).toEqual(['You: When is my collection?', 'Council: Let me check.', 'Council: It is booked for Friday.', 'Council: See you then.']);

    // On hub B now, the customer still reaches the agent, once per desk.
    const again = await say(chat, 'Thank you');
    const thanks = await onBothDesks(desks, fromVisitor(visitorId, again));
    const barrier = await say(chat, 'Bye');
    await onBothDesks(desks, fromVisitor(visitorId, barrier));
    for (const desk of desks) expect(desk.count<MessageView>('message.created', (m) => m.id === thanks.id)).toBe(1);
  });

  it('a Redis restart: both processes keep running, each desk is told to reload once, and chat still flows both ways once', async () => {
    lb.route(hubA.port);
    const desks = [record(deskA), record(deskB)];
    const chat = customer();
    const { visitorId, socket, seen } = chat;
    await seen.waitFor('transcript');
    const asked = await say(chat, 'Before the restart');
    const { conversationId } = await onBothDesks(desks, fromVisitor(visitorId, asked));

    await redis.stop();
    await redis.start();
    await Promise.all(desks.map((desk) => desk.waitFor('desk.resync')));
    // Pub/sub drops what is published while a subscriber reconnects (the widget's transcript covers that on its
    // next connection): wait until both processes listen for chat deliveries again.
    await expect.poll(async () => (await inspect.pubsub('NUMSUB', `${prefix}:fanout:webchat.deliver`))[1]).toBe(2);
    expect(hubA.process.child.exitCode).toBeNull();
    expect(hubB.process.child.exitCode).toBeNull();

    const after = await say(chat, 'After the restart');
    const inbound = await onBothDesks(desks, fromVisitor(visitorId, after));
    const answer = await reply(conversationId, 'Still here.');
    await seen.waitFor('message', (e: TranscriptEntry) => e.id === answer);
    const barrier = await reply(conversationId, 'And again.');
    await seen.waitFor('message', (e: TranscriptEntry) => e.id === barrier);
    await onBothDesks(desks, (m) => m.id === barrier);
    expect(seen.count('message', (e: TranscriptEntry) => e.id === answer)).toBe(1);
    for (const desk of desks) {
      expect(desk.count<MessageView>('message.created', (m) => m.id === inbound.id)).toBe(1);
      expect(desk.count('desk.resync')).toBe(1);
    }
    expect(socket.connected).toBe(true);
  });

  it('each process stops cleanly on SIGTERM', async () => {
    await hubA.process.kill('SIGTERM');
    await hubB.process.kill('SIGTERM');
    expect([hubA.process.child.exitCode, hubB.process.child.exitCode]).toEqual([0, 0]);
  });
});

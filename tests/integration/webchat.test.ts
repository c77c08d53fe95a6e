// Web chat over real socket.io: a visitor's browser (socket.io-client) and an agent's desk, one hub,
// the real PostgreSQL and Redis.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { apiJson, connectDesk, nextEvent, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';
import type { ChatAck } from '../../channels/webchat/webchat.adapter.ts';
import type { TranscriptEntry } from '../../channels/contract.ts';

let database: TestDatabase;
let hub: RunningHub & { url: string };
let cookie: string;
let desk: Socket;
const visitors: Socket[] = [];

beforeAll(async () => {
  database = await createTestDatabase('webchat');
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, WEBCHAT_MESSAGES_PER_MINUTE: '8', WEBCHAT_ALLOWED_ORIGINS: 'https://www.anytown.gov.uk' }));
  cookie = await signIn(hub.url);
  desk = await connectDesk(hub.url, cookie);
});
afterEach(() => {
  for (const v of visitors.splice(0)) v.close();
});
afterAll(async () => {
  desk?.close();
  await hub?.stop();
  await database?.drop();
});

/** A visitor's browser: connects and hands back the transcript the hub replays on connection. */
async function visit(visitorId: string, origin?: string): Promise<{ socket: Socket; transcript: TranscriptEntry[] }> {
  // forceNew: its own connection, as a browser would have, not one multiplexed on the desk's.
  const socket = connect(`${hub.url}/chat`, {
    auth: { visitorId },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: origin ? { origin } : {},
  });
  visitors.push(socket);
  const transcript = await new Promise<TranscriptEntry[]>((resolve, reject) => {
    socket.once('transcript', resolve);
    socket.once('connect_error', reject);
  });
  return { socket, transcript };
}
const say = (socket: Socket, payload: unknown) => socket.timeout(5000).emitWithAck('message', payload) as Promise<ChatAck>;
const db = () => hub.database.prisma;

describe('a visitor chats with an agent', () => {
  it('message → acknowledged once durable → agent desk → reply → visitor, delivered', async () => {
    const visitorId = randomUUID();
    const { socket, transcript } = await visit(visitorId);
    expect(transcript).toEqual([]);

    const clientMessageId = randomUUID();
    const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.fromAddress === visitorId);
    expect(await say(socket, { clientMessageId, text: 'Hello, I need help with my rent' })).toEqual({ ok: true, duplicate: false });
    const inbound = await arrived;
    expect(inbound).toMatchObject({ channel: 'webchat', direction: 'inbound', body: 'Hello, I need help with my rent' });

    const reply = new Promise<TranscriptEntry>((resolve) => socket.once('message', resolve));
    const delivered = nextEvent<MessageView>(desk, 'message.updated', (m) => m.conversationId === inbound.conversationId && m.status === 'delivered');
    const sent = await apiJson<{ message: MessageView }>(hub.url, cookie, `/api/conversations/${inbound.conversationId}/messages`, {
      method: 'POST',
      body: JSON.stringify({ text: 'Hi, I can help. What is your postcode?' }),
    });
    expect(sent.status).toBe(202);
    const entry = await reply;
    expect(entry).toMatchObject({ id: sent.body.message.id, direction: 'outbound', text: 'Hi, I can help. What is your postcode?' });
    socket.emit('delivered', { id: entry.id });
    await delivered;
  });

  it('a message resent after a reconnect (same client id) is stored once', async () => {
    const visitorId = randomUUID();
    const first = await visit(visitorId);
    const message = { clientMessageId: randomUUID(), text: 'sent twice' };
    expect(await say(first.socket, message)).toEqual({ ok: true, duplicate: false });
    first.socket.close();
    const second = await visit(visitorId);
    expect(await say(second.socket, message)).toEqual({ ok: true, duplicate: true });
    await expect.poll(() => db().message.count({ where: { fromAddress: visitorId } })).toBe(1);
  });

  it('replies sent while the visitor was away are in the transcript when they come back', async () => {
    const visitorId = randomUUID();
    const { socket } = await visit(visitorId);
    const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.fromAddress === visitorId);
    await say(socket, { clientMessageId: randomUUID(), text: 'I have to go, text me back here' });
    const inbound = await arrived;
    socket.close();

    const sent = nextEvent<MessageView>(desk, 'message.updated', (m) => m.conversationId === inbound.conversationId && m.status === 'sent');
    await apiJson(hub.url, cookie, `/api/conversations/${inbound.conversationId}/messages`, {
      method: 'POST',
      body: JSON.stringify({ text: 'Your appointment is on Monday.' }),
    });
    await sent;

    const back = await visit(visitorId);
    expect(back.transcript.map((e) => [e.direction, e.text])).toEqual([
      ['inbound', 'I have to go, text me back here'],
      ['outbound', 'Your appointment is on Monday.'],
    ]);
  });

  it('one visitor never sees another visitor’s messages', async () => {
    const a = await visit(randomUUID());
    const bId = randomUUID();
    const b = await visit(bId);
    const seenByA: TranscriptEntry[] = [];
    a.socket.on('message', (m: TranscriptEntry) => seenByA.push(m));
    const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.fromAddress === bId);
    await say(b.socket, { clientMessageId: randomUUID(), text: 'private to b' });
    const inbound = await arrived;
    const replyToB = new Promise<TranscriptEntry>((resolve) => b.socket.once('message', resolve));
    await apiJson(hub.url, cookie, `/api/conversations/${inbound.conversationId}/messages`, { method: 'POST', body: JSON.stringify({ text: 'only for b' }) });
    await replyToB;
    expect(seenByA).toEqual([]);
    const aAgain = await visit(randomUUID());
    expect(aAgain.transcript).toEqual([]);
  });
});

describe('bad input is refused with a reason, and nothing is stored', () => {
  it.each([
    ['no text', { clientMessageId: randomUUID() }, /expected string|text/],
    ['empty text', { clientMessageId: randomUUID(), text: '   ' }, /text is empty/],
    ['text too long', { clientMessageId: randomUUID(), text: 'x'.repeat(2001) }, /longer than 2000/],
    ['a client id that is not a UUID', { clientMessageId: '1', text: 'hi' }, /clientMessageId must be a UUID/],
    ['not an object', 'hello', /expected object/],
  ])('%s', async (_label, payload, reason) => {
    const visitorId = randomUUID();
    const { socket } = await visit(visitorId);
    const ack = await say(socket, payload);
    expect(ack.ok).toBe(false);
    expect(!ack.ok && ack.error).toMatch(reason);
    expect(await db().inboxItem.count({ where: { providerMessageId: { startsWith: visitorId } } })).toBe(0);
  });

  it('a connection without a proper visitor id is refused', async () => {
    const socket = connect(`${hub.url}/chat`, { auth: { visitorId: 'me' }, transports: ['websocket'], reconnection: false });
    visitors.push(socket);
    await expect(new Promise((_, reject) => socket.once('connect_error', reject))).rejects.toThrow(/visitorId must be a UUID/);
  });

  it('a visitor sending too fast is told to wait, and the extra messages are not stored', async () => {
    const visitorId = randomUUID();
    const { socket } = await visit(visitorId);
    const acks: ChatAck[] = [];
    for (let i = 0; i < 10; i++) acks.push(await say(socket, { clientMessageId: randomUUID(), text: `flood ${i}` }));
    expect(acks.filter((a) => a.ok)).toHaveLength(8);
    expect(acks.slice(8).every((a) => !a.ok && /wait a minute/.test(a.error))).toBe(true);
    await expect.poll(() => db().inboxItem.count({ where: { providerMessageId: { startsWith: visitorId } } })).toBe(8);
  });

  it('an oversized frame is dropped by the server before it is parsed', async () => {
    const visitorId = randomUUID();
    const { socket } = await visit(visitorId);
    const disconnected = new Promise((resolve) => socket.once('disconnect', resolve));
    socket.emit('message', { clientMessageId: randomUUID(), text: 'x'.repeat(100_000) }, () => undefined);
    await disconnected;
    expect(await db().inboxItem.count({ where: { providerMessageId: { startsWith: visitorId } } })).toBe(0);
  });
});

describe('typing indicators', () => {
  it('the agent sees the visitor typing, and the visitor sees the agent typing', async () => {
    const visitorId = randomUUID();
    const { socket } = await visit(visitorId);
    const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.fromAddress === visitorId);
    await say(socket, { clientMessageId: randomUUID(), text: 'hello' });
    const { conversationId } = await arrived;

    const agentSees = nextEvent<{ conversationId: string }>(desk, 'customer.typing', (e) => e.conversationId === conversationId);
    socket.emit('typing');
    await agentSees;

    const visitorSees = new Promise<void>((resolve) => socket.once('typing', () => resolve()));
    desk.emit('typing', { conversationId });
    await visitorSees;
    // Nothing about typing is stored.
    expect(await db().message.count({ where: { conversationId } })).toBe(1);
  });
});

describe("embedding on the council's own site", () => {
  it('a listed site may open a chat; any other site is refused', async () => {
    const { transcript } = await visit(randomUUID(), 'https://www.anytown.gov.uk');
    expect(transcript).toEqual([]);
    await expect(visit(randomUUID(), 'https://evil.example')).rejects.toThrow(/not allowed to use the chat/);
  });

  it('serves the widget so other origins may load it', async () => {
    const res = await fetch(`${hub.url}/chat/widget.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  });
});

/** A new visitor's connection as a proxy would pass it on, claiming `forwardedFor`: 'connected' or why it was refused. */
function connectFrom(url: string, forwardedFor: string): Promise<string> {
  const socket = connect(`${url}/chat`, {
    auth: { visitorId: randomUUID() },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    extraHeaders: { 'x-forwarded-for': forwardedFor },
  });
  visitors.push(socket);
  return new Promise<string>((resolve) => {
    socket.once('connect', () => resolve('connected'));
    socket.once('connect_error', (error) => resolve(error.message));
  });
}

describe("behind the council's load balancer", () => {
  it("the per-address connection limit counts each visitor's own address, not the proxy's", async () => {
    const proxied = await startTestHub(testEnv({ DATABASE_URL: database.url, HUB_ROLES: 'web', WEBCHAT_CONNECTIONS_PER_MINUTE: '2' }));
    try {
      // The test client connects from 127.0.0.1: a trusted proxy, so its X-Forwarded-For is believed.
      const open = (forwardedFor: string) => connectFrom(proxied.url, forwardedFor);
      expect(await open('203.0.113.7')).toBe('connected');
      expect(await open('203.0.113.7')).toBe('connected');
      expect(await open('203.0.113.7')).toMatch(/too many connections/);
      expect(await open('198.51.100.23')).toBe('connected');
    } finally {
      await proxied.stop();
    }
  });

  it('with no proxy configured (the default), X-Forwarded-For is not believed: a client cannot pick its address', async () => {
    const direct = await startTestHub(testEnv({ DATABASE_URL: database.url, HUB_ROLES: 'web', WEBCHAT_CONNECTIONS_PER_MINUTE: '2', TRUST_PROXY: '' }));
    try {
      const open = (forwardedFor: string) => connectFrom(direct.url, forwardedFor);
      expect(await open('203.0.113.1')).toBe('connected');
      expect(await open('203.0.113.2')).toBe('connected');
      // A new address in the header each time: still the one connecting address, so still limited.
      expect(await open('203.0.113.3')).toMatch(/too many connections/);
    } finally {
      await direct.stop();
    }
  });
});

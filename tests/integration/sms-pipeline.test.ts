// The whole SMS path against the real PostgreSQL and Redis, the real twilio SDK and a fake Twilio API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { ADMIN, PUBLIC_BASE_URL, apiJson, connectDesk, nextEvent, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import {
  HUB_NUMBER,
  TEST_ACCOUNT_SID,
  TEST_AUTH_TOKEN,
  inboundSmsFields,
  newMessageSid,
  postTwilioWebhook,
  statusFields,
} from '../../testkit/twilio-webhook.ts';
import twilio from 'twilio';
import type { RunningHub } from '../../app/compose.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';

const SMS_PATH = '/webhooks/twilio/sms';
const STATUS_PATH = '/webhooks/twilio/sms/status';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: RunningHub & { url: string };
let cookie: string;
let desk: Socket;

beforeAll(async () => {
  database = await createTestDatabase('sms_pipeline');
  twilioApi = await startFakeTwilio();
  // Long enough that only the fake's "hang" runs out of time, not a send on a busy machine: an answer that is
  // merely slow is looked up and counted as one more request than the retry test expects.
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, TWILIO_API_BASE_URL: twilioApi.url, TWILIO_TIMEOUT_MS: '3000', OUTBOUND_ATTEMPTS: '3' }));
  cookie = await signIn(hub.url);
  desk = await connectDesk(hub.url, cookie);
});

afterAll(async () => {
  desk?.close();
  await hub?.stop();
  await twilioApi?.close();
  await database?.drop();
});

const sms = (fields: Record<string, string>, opts?: Parameters<typeof postTwilioWebhook>[4]) =>
  postTwilioWebhook(hub.url, PUBLIC_BASE_URL, SMS_PATH, fields, opts);
const status = (fields: Record<string, string>) => postTwilioWebhook(hub.url, PUBLIC_BASE_URL, STATUS_PATH, fields);
const db = () => hub.database.prisma;
const signatureFor = (fields: Record<string, string>) => twilio.getExpectedTwilioSignature(TEST_AUTH_TOKEN, PUBLIC_BASE_URL + SMS_PATH, fields);

describe('an SMS from a customer reaches the agent and the reply reaches the customer', () => {
  it('runs the whole path: webhook → desk socket → reply → Twilio API → status callback', async () => {
    const fields = inboundSmsFields('+447911123456', 'My bin was not collected on Tuesday');
    const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.providerMessageId === fields.MessageSid);

    const res = await sms(fields);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/xml/);
    expect(await res.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');

    const inbound = await arrived;
    expect(inbound).toMatchObject({
      direction: 'inbound',
      channel: 'sms',
      body: 'My bin was not collected on Tuesday',
      fromAddress: '+447911123456',
      status: 'received',
    });

    const list = await apiJson<{ conversations: { id: string; customer: { contactPoints: { address: string }[] } }[] }>(hub.url, cookie, '/api/conversations');
    const conversation = list.body.conversations.find((c) => c.id === inbound.conversationId);
    expect(conversation?.customer.contactPoints).toEqual([{ kind: 'phone', address: '+447911123456' }]);

    const sent = nextEvent<MessageView>(desk, 'message.updated', (m) => m.status === 'sent' && m.conversationId === inbound.conversationId);
    const reply = await apiJson<{ message: MessageView }>(hub.url, cookie, `/api/conversations/${inbound.conversationId}/messages`, {
      method: 'POST',
      body: JSON.stringify({ text: 'Sorry about that. A crew will collect it tomorrow.' }),
    });
    expect(reply.status).toBe(202);
    expect(reply.body.message).toMatchObject({ direction: 'outbound', status: 'queued', toAddress: '+447911123456' });

    const [request] = await twilioApi.waitForRequests(1);
    expect(request!.method).toBe('POST');
    expect(request!.path).toBe(`/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Messages.json`);
    expect(request!.headers.authorization).toBe(`Basic ${Buffer.from(`${TEST_ACCOUNT_SID}:${TEST_AUTH_TOKEN}`).toString('base64')}`);
    expect(request!.headers['user-agent']).toMatch(/^twilio-node\//);
    expect(request!.form).toEqual({
      To: '+447911123456',
      From: HUB_NUMBER,
      Body: 'Sorry about that. A crew will collect it tomorrow.',
      StatusCallback: `${PUBLIC_BASE_URL}${STATUS_PATH}`,
    });

    const sentMessage = await sent;
    expect(sentMessage.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);

    const delivered = nextEvent<MessageView>(desk, 'message.updated', (m) => m.id === sentMessage.id && m.status === 'delivered');
    expect((await status(statusFields(sentMessage.providerMessageId!, 'delivered'))).status).toBe(204);
    await delivered;
    // A late 'sent' callback (Twilio does not order them) does not move it back.
    expect((await status(statusFields(sentMessage.providerMessageId!, 'sent'))).status).toBe(204);
    const stored = await db().message.findUniqueOrThrow({ where: { id: sentMessage.id } });
    expect(stored.status).toBe('delivered');
  });

  it('threads a second text from the same number into the same conversation and customer', async () => {
    const from = '+447911000001';
    const first = nextEvent<MessageView>(desk, 'message.created', (m) => m.fromAddress === from);
    await sms(inboundSmsFields(from, 'hello'));
    const a = await first;
    const second = nextEvent<MessageView>(desk, 'message.created', (m) => m.fromAddress === from && m.id !== a.id);
    await sms(inboundSmsFields(from, 'are you there?'));
    const b = await second;
    expect(b.conversationId).toBe(a.conversationId);
    expect(await db().contactPoint.count({ where: { address: from } })).toBe(1);
  });
});

describe('duplicates and concurrency', () => {
  it('stores a webhook Twilio sends twice, at the same moment and again later, exactly once', async () => {
    const fields = inboundSmsFields('+447911000002', 'duplicate me');
    const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.providerMessageId === fields.MessageSid);
    const responses = await Promise.all([sms(fields), sms(fields), sms(fields)]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200]);
    await arrived;
    expect((await sms(fields)).status).toBe(200);
    // The inbox row is the durable record; wait until nothing for this SID is still unprocessed.
    await expect.poll(() => db().inboxItem.count({ where: { providerMessageId: fields.MessageSid, processedAt: null } })).toBe(0);
    expect(await db().message.count({ where: { providerMessageId: fields.MessageSid } })).toBe(1);
    expect(await db().inboxItem.count({ where: { providerMessageId: fields.MessageSid } })).toBe(1);
  });

  it('fifty first-time texts from one new number in parallel make one customer and one conversation', async () => {
    const from = '+447911000050';
    const sids = Array.from({ length: 50 }, () => newMessageSid());
    const responses = await Promise.all(sids.map((sid, i) => sms(inboundSmsFields(from, `message ${i}`, sid))));
    expect(responses.every((r) => r.status === 200)).toBe(true);
    await expect.poll(() => db().message.count({ where: { fromAddress: from } }), { timeout: 20_000 }).toBe(50);
    expect(await db().customer.count({ where: { contactPoints: { some: { address: from } } } })).toBe(1);
    const conversations = await db().message.groupBy({ by: ['conversationId'], where: { fromAddress: from } });
    expect(conversations).toHaveLength(1);
  });
});

describe('bad input is refused with a reason, and nothing is stored', () => {
  const countAll = async () => ({ inbox: await db().inboxItem.count(), messages: await db().message.count(), customers: await db().customer.count() });

  it.each([
    ['a forged signature', (f: Record<string, string>) => sms(f, { signature: 'bm90IGEgcmVhbCBzaWduYXR1cmU=' }), 403],
    ['no signature', (f: Record<string, string>) => sms(f, { signature: false }), 403],
    ['a signature made with another auth token', (f: Record<string, string>) => sms(f, { authToken: 'someone-elses-token-123' }), 403],
    ['a body changed after signing', (f: Record<string, string>) => sms({ ...f, Body: 'changed' }, { signature: signatureFor(f) }), 403],
    ['a signature for the internal URL instead of the public one', (f: Record<string, string>) => postTwilioWebhook(hub.url, hub.url, SMS_PATH, f), 403],
  ])('%s → 403', async (_label, send, expected) => {
    const before = await countAll();
    const fields = inboundSmsFields('+447911000003', 'forged');
    const res = await send(fields);
    expect(res.status).toBe(expected);
    expect(await res.text()).toMatch(/signature/i);
    expect(await countAll()).toEqual(before);
  });

  it.each([
    ['no MessageSid', { MessageSid: '' }, /MessageSid/],
    ['an unparseable phone number', { From: 'bob' }, /From is not a valid phone number/],
    ['an empty message', { Body: '' }, /Body is empty/],
  ])('%s → 400 with the reason', async (_label, change, reason) => {
    const before = await countAll();
    const fields = { ...inboundSmsFields('+447911000004', 'hello'), ...change };
    const res = await sms(fields);
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(reason);
    expect(await countAll()).toEqual(before);
  });

  it('an oversized body → 413, nothing stored', async () => {
    const before = await countAll();
    const fields = inboundSmsFields('+447911000005', 'x'.repeat(70_000));
    const res = await sms(fields);
    expect(res.status).toBe(413);
    expect(await countAll()).toEqual(before);
  });
});

describe('bad JSON', () => {
  it('is refused in our words, never by echoing what was sent', async () => {
    const res = await fetch(`${hub.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email": "<script>alert(1)</script>", "password": ',
    });
    expect(res.status).toBe(400);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: 'the request body is not valid JSON' });
    expect(text).not.toContain('script');
  });
});

describe('the API is never open', () => {
  it.each([
    ['GET', '/api/conversations'],
    ['GET', '/api/auth/me'],
    ['POST', '/api/conversations/00000000-0000-4000-8000-000000000000/messages'],
  ])('%s %s without a session → 401', async (method, path) => {
    const res = await fetch(hub.url + path, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{"text":"hi"}' : undefined });
    expect(res.status).toBe(401);
  });

  it('a wrong password → 401 and no cookie', async () => {
    const res = await fetch(`${hub.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: ADMIN.email, password: 'wrong password!' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('the session cookie is httpOnly, and a signed-out cookie no longer works', async () => {
    const res = await fetch(`${hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly/i);
    const session = res.headers.get('set-cookie')!.split(';')[0]!;
    expect((await apiJson(hub.url, session, '/api/auth/me')).status).toBe(200);
    expect((await apiJson(hub.url, session, '/api/auth/logout', { method: 'POST' })).status).toBe(204);
    expect((await apiJson(hub.url, session, '/api/auth/me')).status).toBe(401);
  });

  it('the desk socket refuses a connection without a session', async () => {
    await expect(connectDesk(hub.url, 'ch_session=not-a-session')).rejects.toThrow(/sign in required/);
  });

  it('passwords are stored as argon2id hashes', async () => {
    const agent = await db().agent.findUniqueOrThrow({ where: { email: ADMIN.email } });
    expect(agent.passwordHash).toMatch(/^\$argon2id\$/);
    expect(agent.passwordHash).not.toContain(ADMIN.password);
  });
});

describe('replies that cannot be sent are retried, then shown as failed', () => {
  async function conversationWith(from: string) {
    const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.fromAddress === from);
    await sms(inboundSmsFields(from, 'hello'));
    return (await arrived).conversationId;
  }
  const reply = (conversationId: string, text: string) =>
    apiJson<{ message: MessageView }>(hub.url, cookie, `/api/conversations/${conversationId}/messages`, { method: 'POST', body: JSON.stringify({ text }) });

  it('Twilio answering 500 then timing out is retried with backoff until it is sent', async () => {
    const conversationId = await conversationWith('+447911000006');
    const before = twilioApi.requests.length;
    twilioApi.queue.push({ kind: 'error', status: 500, code: 20500, message: 'Internal Server Error' }, { kind: 'hang' });
    const sent = nextEvent<MessageView>(desk, 'message.updated', (m) => m.conversationId === conversationId && m.status === 'sent');
    const { body } = await reply(conversationId, 'third time lucky');
    const message = await sent;
    expect(message.id).toBe(body.message.id);
    // Three sends; after the timeout the hub first asked Twilio whether the text had gone (it had not).
    const asked = twilioApi.requests.slice(before);
    expect(asked.filter((r) => r.method === 'POST').length).toBe(3);
    expect(asked.filter((r) => r.method === 'GET' && r.path.includes('To=%2B447911000006')).length).toBe(1);
    expect((await db().message.findUniqueOrThrow({ where: { id: message.id } })).attempts).toBe(3);
  });

  it('a text Twilio took but whose answer was lost is not sent again: the hub looks it up first', async () => {
    const conversationId = await conversationWith('+447911000009');
    const before = twilioApi.requests.length;
    twilioApi.queue.push({ kind: 'lost-answer' });
    const sent = nextEvent<MessageView>(desk, 'message.updated', (m) => m.conversationId === conversationId && m.status === 'sent');
    await reply(conversationId, 'sent once, answered never');
    const message = await sent;
    const posts = twilioApi.requests.slice(before).filter((r) => r.method === 'POST' && r.form.Body === 'sent once, answered never');
    expect(posts).toHaveLength(1);
    expect(message.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it('an invalid number (Twilio 400, code 21211) fails at once and the agent sees why', async () => {
    const conversationId = await conversationWith('+447911000007');
    const before = twilioApi.requests.length;
    twilioApi.queue.push({ kind: 'error', status: 400, code: 21211, message: "The 'To' number is not a valid phone number." });
    const failed = nextEvent<MessageView>(desk, 'message.updated', (m) => m.conversationId === conversationId && m.status === 'failed');
    await reply(conversationId, 'will not arrive');
    const message = await failed;
    expect(message.errorCode).toBe('twilio:21211');
    expect(message.errorMessage).toMatch(/not a valid phone number/);
    expect(twilioApi.requests.length - before).toBe(1);
  });

  it('a Twilio outage longer than the retries leaves the message failed, not lost', async () => {
    const conversationId = await conversationWith('+447911000008');
    twilioApi.queue.push(...Array.from({ length: 3 }, () => ({ kind: 'error' as const, status: 503, code: 20503, message: 'Service Unavailable' })));
    const failed = nextEvent<MessageView>(desk, 'message.updated', (m) => m.conversationId === conversationId && m.status === 'failed');
    await reply(conversationId, 'outage');
    const message = await failed;
    expect(message.errorCode).toBe('twilio:20503');
    const conversation = await apiJson<{ conversation: { messages: MessageView[] } }>(hub.url, cookie, `/api/conversations/${conversationId}`);
    expect(conversation.body.conversation.messages.find((m) => m.id === message.id)?.status).toBe('failed');
  });

  it('a reply with no text is refused with a reason', async () => {
    const conversationId = await conversationWith('+447911000009');
    const res = await reply(conversationId, '   ');
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/text is empty/);
  });
});

describe('health and API description', () => {
  it('GET /health reports the database and Redis up, and nothing waiting in the inbound journal', async () => {
    const res = await fetch(`${hub.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', database: 'up', redis: 'up', journaled: 0 });
  });

  it('GET /api/openapi.json describes every route the hub serves', async () => {
    const res = await fetch(`${hub.url}/api/openapi.json`);
    const doc = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/health',
        '/api/auth/login',
        '/api/conversations',
        '/api/conversations/{id}',
        '/api/conversations/{id}/messages',
        SMS_PATH,
        STATUS_PATH,
        '/api/conversations/{id}/handoffs',
        '/api/handoffs/{id}/reply',
        '/webhooks/handoffs/{reference}',
      ]),
    );
    expect(doc.paths['/api/conversations/{id}/messages'].post.requestBody.content['application/json'].schema.properties.text.maxLength).toBe(1600);
  });
});

// A web-chat visitor proves a phone number is theirs with a texted one-time code, and is linked to
// their existing record. Real socket.io, real twilio SDK against the fake Twilio API, real PostgreSQL.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { PUBLIC_BASE_URL, connectDesk, nextEvent, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';
import type { VerificationResult } from '../../channels/contract.ts';
import { freePort } from '../../testkit/processes.ts';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.ts';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let relay: SmtpCapture;
let hub: RunningHub & { url: string };
let desk: Socket;
const sockets: Socket[] = [];

beforeAll(async () => {
  database = await createTestDatabase('verification');
  twilioApi = await startFakeTwilio();
  relay = await startSmtpCapture();
  hub = await startTestHub(
    // Every visitor here connects from 127.0.0.1: the per-address limit is raised so the tests do not share it.
    testEnv({
      DATABASE_URL: database.url,
      TWILIO_API_BASE_URL: twilioApi.url,
      EMAIL_INBOUND_ADDRESSES: 'contact@council.example',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(await freePort()),
      EMAIL_SMTP_URL: relay.url,
      VERIFY_PER_CLIENT_PER_HOUR: '1000',
    }),
  );
  desk = await connectDesk(hub.url, await signIn(hub.url));
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});
afterAll(async () => {
  desk?.close();
  await hub?.stop();
  await twilioApi?.close();
  await relay?.close();
  await database?.drop();
});

async function visitor(visitorId = randomUUID(), options: { url?: string; from?: string } = {}) {
  // `from`: the client address a proxy in front of the hub would give (the hub trusts loopback proxies).
  const socket = connect(`${options.url ?? hub.url}/chat`, {
    auth: { visitorId },
    transports: ['websocket'],
    reconnection: false,
    extraHeaders: options.from ? { 'x-forwarded-for': options.from } : {},
  });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('transcript', () => resolve());
    socket.once('connect_error', reject);
  });
  const call = (event: string, payload: unknown) => socket.timeout(5000).emitWithAck(event, payload) as Promise<VerificationResult>;
  return { socket, visitorId, call };
}

/** The code in the text the fake Twilio API received for `to`. */
async function codeTextedTo(to: string): Promise<string> {
  let found: string | undefined;
  await expect.poll(() => (found = twilioApi.requests.filter((r) => r.form.To === to).at(-1)?.form.Body)).toBeDefined();
  return /^(\d{6}) is your code/.exec(found!)![1]!;
}

const db = () => hub.database.prisma;

describe('linking a web chat to an existing record with a texted code', () => {
  it('the right code links the visitor to the customer who texted from that number, history and all', async () => {
    const phone = '+447911200801';
    const sms = inboundSmsFields(phone, 'I texted last week about my housing benefit');
    const texted = nextEvent<MessageView>(desk, 'message.created', (m) => m.providerMessageId === sms.MessageSid);
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', sms);
    const smsConversation = (await texted).conversationId;
    const owner = (await db().conversation.findUniqueOrThrow({ where: { id: smsConversation } })).customerId;

    const v = await visitor();
    const chatted = nextEvent<MessageView>(desk, 'message.created', (m) => m.fromAddress === v.visitorId);
    await v.socket.timeout(5000).emitWithAck('message', { clientMessageId: randomUUID(), text: 'Hi, it is me again, on the website' });
    const chatCustomer = (await db().conversation.findUniqueOrThrow({ where: { id: (await chatted).conversationId } })).customerId;
    expect(chatCustomer).not.toBe(owner);

    expect(await v.call('verify.start', { phone: '07911 200801' })).toEqual({ ok: true });
    const code = await codeTextedTo(phone);
    const wrong = code === '000000' ? '111111' : '000000';
    expect(await v.call('verify.check', { code: wrong })).toEqual({ ok: false, error: expect.stringMatching(/not right/) });
    expect(await db().contactPoint.findUniqueOrThrow({ where: { kind_address: { kind: 'webchat_visitor', address: v.visitorId } } })).toMatchObject({
      customerId: chatCustomer,
    });

    expect(await v.call('verify.check', { code })).toEqual({ ok: true, hasPlan: false });
    expect((await db().contactPoint.findUniqueOrThrow({ where: { kind_address: { kind: 'webchat_visitor', address: v.visitorId } } })).customerId).toBe(owner);
    expect((await db().customer.findUniqueOrThrow({ where: { id: chatCustomer } })).mergedIntoId).toBe(owner);
    const merge = await db().customerMerge.findFirstOrThrow({ where: { survivorId: owner, absorbedId: chatCustomer } });
    expect(merge).toMatchObject({ agentId: null, reason: expect.stringMatching(/one-time code/) });
    // The customer's record now has both channels' messages.
    const messages = await db().message.findMany({ where: { conversation: { customerId: owner } }, select: { channel: true } });
    expect(messages.map((m) => m.channel).sort()).toEqual(['sms', 'webchat']);
    // The code is not stored, only its hash.
    expect(JSON.stringify(await db().verification.findMany())).not.toContain(`"${code}"`);
  });

  it('an email address works the same way: the code arrives by email', async () => {
    const known = await db().customer.create({
      data: { contactPoints: { create: { kind: 'email', address: 'ann@example.org', verifiedBy: 'inbound-email' } } },
    });
    const v = await visitor();
    expect(await v.call('verify.start', { email: 'Ann@Example.org' })).toEqual({ ok: true });
    const [sent] = (await relay.waitFor(1)).slice(-1);
    expect(sent!.subject).toBe('Your code to link your web chat');
    const code = /^(\d{6}) is your code/.exec(sent!.text ?? '')![1]!;
    expect(await v.call('verify.check', { code })).toEqual({ ok: true, hasPlan: false });
    expect(await db().contactPoint.findUniqueOrThrow({ where: { kind_address: { kind: 'webchat_visitor', address: v.visitorId } } })).toMatchObject({
      customerId: known.id,
      verifiedBy: 'otp-email',
    });
  });

  it('a visitor with no record yet and a new number get one record with both', async () => {
    const v = await visitor();
    expect(await v.call('verify.start', { phone: '+447911200802' })).toEqual({ ok: true });
    expect(await v.call('verify.check', { code: await codeTextedTo('+447911200802') })).toEqual({ ok: true, hasPlan: false });
    const points = await db().contactPoint.findMany({ where: { address: { in: [v.visitorId, '+447911200802'] } } });
    expect(points).toHaveLength(2);
    expect(new Set(points.map((p) => p.customerId)).size).toBe(1);
  });

  it('five wrong codes lock the code: even the right one is then refused', async () => {
    const v = await visitor();
    await v.call('verify.start', { phone: '+447911200803' });
    const code = await codeTextedTo('+447911200803');
    const wrong = code === '123456' ? '654321' : '123456';
    for (let i = 0; i < 5; i++) expect((await v.call('verify.check', { code: wrong })).ok).toBe(false);
    expect(await v.call('verify.check', { code })).toEqual({ ok: false, error: expect.stringMatching(/Too many tries/) });
    expect(await db().contactPoint.count({ where: { address: '+447911200803' } })).toBe(0);
  });

  it.each([
    ['verify.start', { phone: 'my mobile' }, /does not look like a phone number/],
    ['verify.start', {}, /give a phone number or email address/],
    ['verify.check', { code: '12ab' }, /6 digits/],
    ['verify.check', { code: '123456' }, /no code waiting/],
  ])('%s %j is refused in plain language', async (event, payload, reason) => {
    const v = await visitor();
    const result = await v.call(event, payload);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(reason);
  });

  it('at most three codes an hour are sent to one visitor', async () => {
    const v = await visitor();
    for (let i = 0; i < 3; i++) expect(await v.call('verify.start', { phone: '+447911200804' })).toEqual({ ok: true });
    expect(await v.call('verify.start', { phone: '+447911200804' })).toEqual({ ok: false, error: expect.stringMatching(/several codes/) });
    expect(twilioApi.requests.filter((r) => r.form.To === '+447911200804')).toHaveLength(3);
  });
});

describe('nobody can make the hub text a number again and again', () => {
  it('100 requests for one number from new visitors at new addresses send at most the hourly few', async () => {
    const results: VerificationResult[] = [];
    for (let i = 0; i < 100; i++) {
      const v = await visitor(randomUUID(), { from: `203.0.113.${i + 1}` });
      results.push(await v.call('verify.start', { phone: '+447911200810' }));
      v.socket.close();
    }
    expect(results.filter((r) => r.ok)).toHaveLength(3);
    expect(twilioApi.requests.filter((r) => r.form.To === '+447911200810')).toHaveLength(3);
    // The visitor is not told which limit, nor that the number is known.
    expect(results.at(-1)).toEqual({ ok: false, error: expect.stringMatching(/cannot send a code to that number or address just now/) });
  });

  it.each([
    ['a premium-rate number', '+449098790000'],
    ['a personal (070) number', '+447012345678'],
    ['a landline', '+442079460123'],
    ['a number abroad', '+33612345678'],
  ])('refuses %s without texting it', async (_label, number) => {
    const v = await visitor();
    expect(await v.call('verify.start', { phone: number })).toEqual({ ok: false, error: expect.stringMatching(/cannot send a code/) });
    expect(twilioApi.requests.filter((r) => r.form.To === number)).toEqual([]);
  });

  it('a burst from one network address is cut off, and so is the whole hub past its daily limit', async () => {
    const busy = await createTestDatabase('verification_limits');
    const limited = await startTestHub(
      testEnv({ DATABASE_URL: busy.url, TWILIO_API_BASE_URL: twilioApi.url, VERIFY_PER_CLIENT_PER_HOUR: '2', VERIFY_PER_DAY: '3' }),
    );
    try {
      const ask = async (number: string, from: string) => (await visitor(randomUUID(), { url: limited.url, from })).call('verify.start', { phone: number });
      expect((await ask('+447911200811', '198.51.100.7')).ok).toBe(true);
      expect((await ask('+447911200812', '198.51.100.7')).ok).toBe(true);
      expect((await ask('+447911200813', '198.51.100.7')).ok).toBe(false); // that address's two an hour
      expect((await ask('+447911200814', '198.51.100.8')).ok).toBe(true);
      expect((await ask('+447911200815', '198.51.100.9')).ok).toBe(false); // the hub's three a day
      expect(twilioApi.requests.filter((r) => ['+447911200813', '+447911200815'].includes(r.form.To ?? ''))).toEqual([]);
    } finally {
      await limited.stop();
      await busy.drop();
    }
  });
});

// Phone calls: signed Twilio Voice webhooks answered with TwiML built by the twilio library; what the
// caller says reaches the same customer record as their texts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';
import { PUBLIC_BASE_URL, apiJson, connectDesk, nextEvent, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fake-twilio.ts';
import { HUB_NUMBER, TEST_ACCOUNT_SID, inboundSmsFields, postTwilioWebhook } from '../helpers/twilio-webhook.ts';
import type { RunningHub } from '../../hub/app.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';

let database: TestDatabase;
let hub: RunningHub & { url: string };
let desk: Socket;
let cookie: string;
let twilioApi: FakeTwilio;

beforeAll(async () => {
  database = await createTestDatabase('voice');
  twilioApi = await startFakeTwilio();
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, TWILIO_API_BASE_URL: twilioApi.url }));
  cookie = await signIn(hub.url);
  desk = await connectDesk(hub.url, cookie);
});
afterAll(async () => {
  desk?.close();
  await hub?.stop();
  await twilioApi?.close();
  await database?.drop();
});

const callSid = () => `CA${randomBytes(16).toString('hex')}`;
const callFields = (sid: string, from: string, extra: Record<string, string> = {}) => ({
  AccountSid: TEST_ACCOUNT_SID, ApiVersion: '2010-04-01', CallSid: sid, CallStatus: 'in-progress', Direction: 'inbound', From: from, To: HUB_NUMBER, ...extra,
});
const post = (path: string, fields: Record<string, string>, opts?: Parameters<typeof postTwilioWebhook>[4]) => postTwilioWebhook(hub.url, PUBLIC_BASE_URL, path, fields, opts);

describe('a phone call', () => {
  it('is greeted and asked, in speech or keys, what the caller needs', async () => {
    const res = await post('/webhooks/twilio/voice', callFields(callSid(), '+447911200951', { CallStatus: 'ringing' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/xml/);
    const xml = await res.text();
    expect(xml).toContain('<Say language="en-GB">Hello, you are through to the council.</Say>');
    expect(xml).toMatch(/<Gather input="speech dtmf" action="https:\/\/hub\.council\.example\/webhooks\/twilio\/voice\/gather" method="POST" speechTimeout="auto" numDigits="1" language="en-GB"><Say language="en-GB">Please tell us in a few words how we can help\. Or press 0 to speak to someone\.<\/Say><\/Gather>/);
    expect(xml).toMatch(/<Hangup\/><\/Response>$/);
  });

  it('stores what the caller says on the same customer as their texts, once even if Twilio retries', async () => {
    const from = '+447911200952';
    const texted = nextEvent<MessageView>(desk, 'message.created', (m) => m.fromAddress === from && m.channel === 'sms');
    await post('/webhooks/twilio/sms', inboundSmsFields(from, 'I will call you about this'));
    const sms = await texted;

    const sid = callSid();
    const said = callFields(sid, from, { SpeechResult: 'My rent arrears letter says I will be evicted', Confidence: '0.91' });
    const spoken = nextEvent<MessageView>(desk, 'message.created', (m) => m.fromAddress === from && m.channel === 'voice');
    const res = await post('/webhooks/twilio/voice/gather', said);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Is there anything else?');
    const message = await spoken;
    expect(message.body).toBe('My rent arrears letter says I will be evicted');
    expect(message.conversationId).toBe(sms.conversationId);

    expect((await post('/webhooks/twilio/voice/gather', said)).status).toBe(200);
    await expect.poll(() => hub.database.prisma.inboxItem.count({ where: { providerMessageId: { startsWith: sid }, processedAt: null } })).toBe(0);
    expect(await hub.database.prisma.message.count({ where: { providerMessageId: { startsWith: sid } } })).toBe(1);
  });

  it('an agent’s reply to a caller goes by SMS to the number that called', async () => {
    const from = '+447911200956';
    const spoken = nextEvent<MessageView>(desk, 'message.created', (m) => m.fromAddress === from);
    await post('/webhooks/twilio/voice/gather', callFields(callSid(), from, { SpeechResult: 'Please text me the opening hours' }));
    const { conversationId } = await spoken;
    const reply = await apiJson<{ message: MessageView }>(hub.url, cookie, `/api/conversations/${conversationId}/messages`, { method: 'POST', body: JSON.stringify({ text: 'We are open 9 to 5, Monday to Friday.' }) });
    expect(reply.status).toBe(202);
    expect(reply.body.message).toMatchObject({ channel: 'sms', toAddress: from });
    await expect.poll(() => twilioApi.requests.find((r) => r.form.To === from)?.form.Body).toBe('We are open 9 to 5, Monday to Friday.');
  });

  it.each([
    ['pressing 0', { Digits: '0' }],
    ['asking for a person', { SpeechResult: 'Can I speak to someone please' }],
  ])('%s puts the call in the queue for an agent, and the request is recorded', async (_label, extra) => {
    const sid = callSid();
    const res = await post('/webhooks/twilio/voice/gather', callFields(sid, '+447911200953', extra));
    expect(await res.text()).toMatch(/<Say language="en-GB">Please hold\. We are connecting you to someone\.<\/Say><Enqueue>contact-hub<\/Enqueue><\/Response>$/);
    await expect.poll(() => hub.database.prisma.message.count({ where: { providerMessageId: { startsWith: sid }, channel: 'voice' } })).toBe(1);
  });

  it.each([
    ['a forged signature', '/webhooks/twilio/voice', { signature: 'Zm9yZ2Vk' }, 403],
    ['no signature on a gather', '/webhooks/twilio/voice/gather', { signature: false as const }, 403],
  ])('%s → %s', async (_label, path, opts, status) => {
    const res = await post(path, callFields(callSid(), '+447911200954', { SpeechResult: 'hello' }), opts);
    expect(res.status).toBe(status);
  });

  it.each([
    ['a withheld number', { From: 'anonymous', SpeechResult: 'hello' }, 200, /cannot see your phone number.*<Hangup\/>/],
    ['silence', {}, 200, /Please tell us in a few words/],
    ['a malformed call id', { CallSid: 'CA123', SpeechResult: 'hello' }, 400, /CallSid/],
  ])('a gather with %s is answered (%s) and nothing is stored', async (_label, change, status, answer) => {
    const before = await hub.database.prisma.inboxItem.count();
    const res = await post('/webhooks/twilio/voice/gather', { ...callFields(callSid(), '+447911200955'), ...change });
    expect(res.status).toBe(status);
    expect(await res.text()).toMatch(answer);
    expect(await hub.database.prisma.inboxItem.count()).toBe(before);
  });
});

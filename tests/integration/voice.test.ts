// Phone calls: signed Twilio Voice webhooks answered with TwiML built by the twilio library; what the
// caller says reaches the same customer record as their texts.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { PUBLIC_BASE_URL, apiJson, connectDesk, createDeskAccount, nextEvent, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { HUB_NUMBER, TEST_ACCOUNT_SID, inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';
import type { CallView } from '../../agent-desk/server/calls.ts';
import { parseTwiml, type TwimlVerb } from '../helpers/twiml.ts';

let database: TestDatabase;
let hub: RunningHub & { url: string };
let desk: Socket;
let cookie: string;
let twilioApi: FakeTwilio;
let env: ReturnType<typeof testEnv>;

beforeAll(async () => {
  database = await createTestDatabase('voice');
  twilioApi = await startFakeTwilio();
  env = testEnv({ DATABASE_URL: database.url, TWILIO_API_BASE_URL: twilioApi.url });
  hub = await startTestHub(env);
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
  AccountSid: TEST_ACCOUNT_SID,
  ApiVersion: '2010-04-01',
  CallSid: sid,
  CallStatus: 'in-progress',
  Direction: 'inbound',
  From: from,
  To: HUB_NUMBER,
  ...extra,
});
const post = (path: string, fields: Record<string, string>, opts?: Parameters<typeof postTwilioWebhook>[4]) =>
  postTwilioWebhook(hub.url, PUBLIC_BASE_URL, path, fields, opts);

describe('a phone call', () => {
  it('is greeted and asked, in speech or keys, what the caller needs', async () => {
    const res = await post('/webhooks/twilio/voice', callFields(callSid(), '+447911200951', { CallStatus: 'ringing' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/xml/);
    const xml = await res.text();
    expect(xml).toContain('<Say language="en-GB">Hello, you are through to the council.</Say>');
    expect(xml).toMatch(
      /<Gather input="speech dtmf" action="https:\/\/hub\.council\.example\/webhooks\/twilio\/voice\/gather" method="POST" speechTimeout="auto" numDigits="1" language="en-GB"><Say language="en-GB">Please tell us in a few words how we can help\. Or press 0 to speak to someone\.<\/Say><\/Gather>/,
    );
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
    const reply = await apiJson<{ message: MessageView }>(hub.url, cookie, `/api/conversations/${conversationId}/messages`, {
      method: 'POST',
      body: JSON.stringify({ text: 'We are open 9 to 5, Monday to Friday.' }),
    });
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
    const verbs = parseTwiml(await res.text());
    expect(verbs.map((v) => [v.verb, v.text])).toEqual([
      ['Say', 'Please hold. We are connecting you to someone.'],
      ['Enqueue', 'contact-hub'],
    ]);
    expect(verbs[1]!.attrs.waitUrl).toBe(`${PUBLIC_BASE_URL}/webhooks/twilio/voice/wait`);
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

const STATUS = '/webhooks/twilio/voice/status';
const byVerb = (verbs: TwimlVerb[]) => verbs.map((v) => v.verb);

async function callerWaiting(from: string, words: string[]): Promise<{ sid: string; call: CallView }> {
  const sid = callSid();
  for (const said of words) await post('/webhooks/twilio/voice/gather', callFields(sid, from, { SpeechResult: said }));
  const queued = nextEvent<CallView>(desk, 'call.updated', (c) => c.fromAddress === from && c.state === 'queued');
  const res = await post('/webhooks/twilio/voice/gather', callFields(sid, from, { Digits: '0' }));
  expect(byVerb(parseTwiml(await res.text()))).toEqual(['Say', 'Enqueue']);
  return { sid, call: await queued };
}

const take = (id: string) => apiJson<{ call: CallView; error?: string }>(hub.url, cookie, `/api/calls/${id}/take`, { method: 'POST' });
const setVoice = (body: object) => apiJson(hub.url, cookie, '/api/agents/me/voice', { method: 'PUT', body: JSON.stringify(body) });
const agentLeg = (parent: string, child: string, status: string) =>
  post(STATUS, { ...callFields(child, HUB_NUMBER, { CallStatus: status, ParentCallSid: parent }), Direction: 'outbound-dial' });

describe('a caller waiting for a person', () => {
  it('an agent without a phone number set is told to set one before taking calls', async () => {
    expect((await setVoice({ phone: null, client: null })).status).toBe(200);
    const { call } = await callerWaiting('+447911200960', ['Hello']);
    const refused = await take(call.id);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/phone number your calls are put through to/);
    expect((await setVoice({ phone: 'not a number' })).status).toBe(400);
  });

  it('shows on the desk with what they said; the agent who takes it is rung and the call’s story is kept on the conversation', async () => {
    const set = await setVoice({ phone: '07911 123456' });
    expect(set.body).toEqual({ phone: '+447911123456', client: null });
    const from = '+447911200961';
    const { sid, call } = await callerWaiting(from, ['The ceiling has fallen in and my son has asthma']);
    expect(call).toMatchObject({ state: 'queued', agent: null, fromAddress: from });

    // What the caller said reaches the waiting list once the worker has stored it.
    await expect
      .poll(async () => (await apiJson<{ calls: CallView[] }>(hub.url, cookie, '/api/calls')).body.calls.find((c) => c.id === call.id)?.said)
      .toEqual(['The ceiling has fallen in and my son has asthma', '[pressed 0]']);

    const taking = nextEvent<CallView>(desk, 'call.updated', (c) => c.id === call.id && c.state === 'connecting');
    const before = twilioApi.requests.length;
    const taken = await take(call.id);
    expect(taken.status).toBe(200);
    expect(taken.body.call).toMatchObject({ state: 'connecting', agent: { displayName: expect.any(String) } });
    await taking;

    // The caller is redirected through Twilio's REST API to a <Dial> to the agent's phone.
    const redirect = twilioApi.requests.slice(before).find((r) => r.path.endsWith(`/Calls/${sid}.json`));
    expect(redirect?.method).toBe('POST');
    const verbs = parseTwiml(redirect!.form.Twiml!);
    expect(byVerb(verbs)).toEqual(['Say', 'Dial']);
    const dial = verbs[1]!;
    expect(dial.attrs).toMatchObject({ action: `${PUBLIC_BASE_URL}/webhooks/twilio/voice/dialled`, answerOnBridge: 'true', timeout: '20' });
    expect(dial.children).toEqual([
      {
        verb: 'Number',
        text: '+447911123456',
        children: [],
        attrs: { statusCallback: PUBLIC_BASE_URL + STATUS, statusCallbackMethod: 'POST', statusCallbackEvent: 'initiated ringing answered completed' },
      },
    ]);

    // Nobody else can take it now.
    expect((await take(call.id)).status).toBe(409);

    const agentSid = callSid();
    expect((await agentLeg(sid, agentSid, 'initiated')).status).toBe(204);
    expect((await agentLeg(sid, agentSid, 'ringing')).status).toBe(204);
    expect((await agentLeg(sid, agentSid, 'ringing')).status).toBe(204); // Twilio retried
    const answered = nextEvent<CallView>(desk, 'call.updated', (c) => c.id === call.id && c.state === 'connected');
    await agentLeg(sid, agentSid, 'in-progress');
    await answered;
    await agentLeg(sid, agentSid, 'completed');
    const dialled = await post('/webhooks/twilio/voice/dialled', callFields(sid, from, { DialCallStatus: 'completed', DialCallSid: agentSid }));
    expect(byVerb(parseTwiml(await dialled.text()))).toEqual(['Say', 'Hangup']);
    const ended = nextEvent<CallView>(desk, 'call.updated', (c) => c.id === call.id && c.state === 'ended');
    await post(STATUS, callFields(sid, from, { CallStatus: 'completed', CallDuration: '95' }));
    await ended;

    const waiting = await apiJson<{ calls: CallView[] }>(hub.url, cookie, '/api/calls');
    expect(waiting.body.calls.map((c) => c.id)).not.toContain(call.id);
    const history = await apiJson<{ calls: CallView[] }>(hub.url, cookie, `/api/conversations/${call.conversationId}/calls`);
    expect(history.body.calls[0]!.events.map((e) => `${e.leg}:${e.kind}`)).toEqual([
      'caller:queued',
      'agent:taken',
      'agent:ringing',
      'agent:answered',
      'agent:completed',
      'caller:completed',
    ]);
    const conversation = await apiJson(hub.url, cookie, `/api/customers/${call.customer.id}`);
    expect(conversation.status).toBe(200);
  });

  it('goes back to the queue when the agent does not answer, and another take puts it through again', async () => {
    await setVoice({ phone: '+447911123457' });
    const { sid, call } = await callerWaiting('+447911200962', []);
    expect((await take(call.id)).status).toBe(200);
    const agentSid = callSid();
    await agentLeg(sid, agentSid, 'ringing');
    await agentLeg(sid, agentSid, 'no-answer');
    const requeued = nextEvent<CallView>(desk, 'call.updated', (c) => c.id === call.id && c.state === 'queued');
    const res = await post('/webhooks/twilio/voice/dialled', callFields(sid, '+447911200962', { DialCallStatus: 'no-answer' }));
    const verbs = parseTwiml(await res.text());
    expect(byVerb(verbs)).toEqual(['Say', 'Enqueue']);
    expect(verbs[0]!.text).toMatch(/nobody could answer/);
    expect(verbs[1]!.text).toBe('contact-hub');
    expect((await requeued).agent).toBeNull();
    expect((await take(call.id)).status).toBe(200);
  });

  it('two agents taking the same call at once: exactly one gets it', async () => {
    await setVoice({ phone: '+447911123458' });
    const { call } = await callerWaiting('+447911200963', []);
    const results = await Promise.all([take(call.id), take(call.id), take(call.id)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    expect(twilioApi.requests.filter((r) => r.path.includes('/Calls/') && r.form.Twiml?.includes('+447911123458'))).toHaveLength(1);
  });

  it('a caller who hung up while waiting leaves the list; one who hung up just as it was taken is reported gone', async () => {
    await setVoice({ phone: '+447911123459' });
    const first = await callerWaiting('+447911200964', []);
    const left = nextEvent<CallView>(desk, 'call.updated', (c) => c.id === first.call.id && c.state === 'ended');
    await post(STATUS, callFields(first.sid, '+447911200964', { CallStatus: 'completed' }));
    await left;
    expect((await take(first.call.id)).status).toBe(409);

    const second = await callerWaiting('+447911200965', []);
    twilioApi.queue.push({ kind: 'error', status: 404, code: 20404, message: 'The requested resource was not found' });
    const gone = await take(second.call.id);
    expect(gone.status).toBe(410);
    expect(gone.body.error).toMatch(/hung up/);
    const calls = await apiJson<{ calls: CallView[] }>(hub.url, cookie, '/api/calls');
    expect(calls.body.calls.map((c) => c.id)).not.toContain(second.call.id);
  });

  it('a Twilio outage while taking leaves the call waiting for the next try', async () => {
    await setVoice({ phone: '+447911123460' });
    const { call } = await callerWaiting('+447911200966', []);
    twilioApi.queue.push({ kind: 'error', status: 503, code: 20503, message: 'Service unavailable' });
    const failed = await take(call.id);
    expect(failed.status).toBe(502);
    expect(failed.body.error).toMatch(/still waiting/);
    expect((await take(call.id)).status).toBe(200);
  });

  it('the waiting message tells callers where they are and what to do in an emergency', async () => {
    const res = await post('/webhooks/twilio/voice/wait', { ...callFields(callSid(), '+447911200967'), QueuePosition: '3', QueueTime: '40' });
    const verbs = parseTwiml(await res.text());
    expect(byVerb(verbs)).toEqual(['Say', 'Pause']);
    expect(verbs[0]!.text).toBe('You are number 3 in the queue. Thank you for waiting. If anyone is in danger now, hang up and call 999.');
  });

  it('calls are in the caller’s subject access export, and erasure removes the number from them', async () => {
    const from = '+447911200969';
    const { sid, call } = await callerWaiting(from, []);
    await post(STATUS, callFields(sid, from, { CallStatus: 'completed' }));
    const exported = await apiJson(hub.url, cookie, `/api/customers/${call.customer.id}/export`);
    expect(exported.status).toBe(200);
    const calls = exported.body.conversations.flatMap((c: { calls: unknown[] }) => c.calls);
    expect(calls).toEqual([
      expect.objectContaining({
        from,
        events: [expect.objectContaining({ leg: 'caller', kind: 'queued' }), expect.objectContaining({ leg: 'caller', kind: 'completed' })],
      }),
    ]);

    const erased = await apiJson(hub.url, cookie, `/api/customers/${call.customer.id}/erase`, {
      method: 'POST',
      body: JSON.stringify({ reason: 'erasure request ER-1042' }),
    });
    expect(erased.status).toBe(200);
    const history = await apiJson<{ calls: CallView[] }>(hub.url, cookie, `/api/conversations/${call.conversationId}/calls`);
    expect(history.body.calls[0]!.fromAddress).toBe('[erased]');
    expect(JSON.stringify(history.body)).not.toContain(from);
  });

  it('status callbacks that are forged or malformed are refused', async () => {
    expect((await post(STATUS, callFields(callSid(), '+447911200968', { CallStatus: 'completed' }), { signature: 'Zm9yZ2Vk' })).status).toBe(403);
    expect((await post(STATUS, callFields(callSid(), '+447911200968', { CallStatus: 'exploded' }))).status).toBe(400);
  });
});

describe('out of hours', () => {
  let closedHub: RunningHub & { url: string };
  // Open only yesterday (in the council's time zone), so the line is closed whenever the test runs.
  const londonDay = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', weekday: 'short' }).format(new Date());
  const days = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
  const yesterday = (days.indexOf(londonDay) + 6) % 7;
  const names = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
  const spec = `${['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'][yesterday]} 09:00-17:30`;
  const closedPost = (path: string, fields: Record<string, string>) => postTwilioWebhook(closedHub.url, PUBLIC_BASE_URL, path, fields);

  beforeAll(async () => {
    // A second hub process on the same database and queues, serving HTTP only; the first one's workers store.
    closedHub = await startTestHub({ ...env, HUB_ROLES: 'web', VOICE_OPENING_HOURS: spec });
  });
  afterAll(async () => {
    await closedHub?.stop();
  });

  it('callers hear the hours and what to do in an emergency, and can leave a message', async () => {
    const res = await closedPost('/webhooks/twilio/voice', callFields(callSid(), '+447911200970', { CallStatus: 'ringing' }));
    const verbs = parseTwiml(await res.text());
    expect(byVerb(verbs)).toEqual(['Say', 'Record', 'Say', 'Hangup']);
    expect(verbs[0]!.text).toContain(
      `We are closed now. Our phone lines are open ${names[yesterday]}, 9am to 5:30pm. If anyone is in danger now, hang up and call 999.`,
    );
    // When the line opens again: that day next week, at 9am.
    expect(verbs[0]!.text).toMatch(new RegExp(`call 999\\. We open again on ${names[yesterday]} \\d+ \\w+ at 9am\\. Or leave a message`));
    expect(verbs[1]!.attrs).toMatchObject({
      action: `${PUBLIC_BASE_URL}/webhooks/twilio/voice/recorded`,
      transcribe: 'true',
      transcribeCallback: `${PUBLIC_BASE_URL}/webhooks/twilio/voice/transcription`,
      finishOnKey: '#',
    });
  });

  it('the message is stored with its recording, then its transcription, each once', async () => {
    const from = '+447911200971';
    const sid = callSid();
    const recording = `https://api.twilio.com/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Recordings/RE${randomBytes(16).toString('hex')}`;
    const voicemail = nextEvent<MessageView>(desk, 'message.created', (m) => m.fromAddress === from && m.body.startsWith('[Voicemail,'));
    const recorded = { ...callFields(sid, from), RecordingUrl: recording, RecordingDuration: '14', Digits: '#' };
    const res = await closedPost('/webhooks/twilio/voice/recorded', recorded);
    expect(byVerb(parseTwiml(await res.text()))).toEqual(['Say', 'Hangup']);
    const stored = await voicemail;
    expect(stored.attachments).toEqual([{ url: recording, contentType: 'audio/wav' }]);
    expect(stored.body).toBe('[Voicemail, 14 seconds. A transcription follows when ready.]');

    const transcribed = nextEvent<MessageView>(desk, 'message.created', (m) => m.fromAddress === from && m.body.startsWith('[Voicemail transcription]'));
    const transcription = {
      ...callFields(sid, from, { CallStatus: 'completed' }),
      TranscriptionSid: `TR${randomBytes(16).toString('hex')}`,
      TranscriptionStatus: 'completed',
      TranscriptionText: 'Hi it is Sam, my housing benefit stopped. Please call back.',
      RecordingUrl: recording,
    };
    expect((await closedPost('/webhooks/twilio/voice/transcription', transcription)).status).toBe(204);
    const text = await transcribed;
    expect(text.body).toBe('[Voicemail transcription] Hi it is Sam, my housing benefit stopped. Please call back.');
    expect(text.conversationId).toBe(stored.conversationId);

    await closedPost('/webhooks/twilio/voice/recorded', recorded);
    await closedPost('/webhooks/twilio/voice/transcription', transcription);
    await expect.poll(() => hub.database.prisma.inboxItem.count({ where: { providerMessageId: { startsWith: sid }, processedAt: null } })).toBe(0);
    expect(await hub.database.prisma.message.count({ where: { providerMessageId: { startsWith: sid } } })).toBe(2);
  });

  it('hanging up without a message stores nothing; a failed transcription adds nothing', async () => {
    const sid = callSid();
    const before = await hub.database.prisma.inboxItem.count();
    const res = await closedPost('/webhooks/twilio/voice/recorded', {
      ...callFields(sid, '+447911200972'),
      RecordingUrl: 'https://api.twilio.com/x',
      RecordingDuration: '0',
    });
    expect(parseTwiml(await res.text())[0]!.text).toMatch(/did not get a message/);
    await closedPost('/webhooks/twilio/voice/transcription', { ...callFields(sid, '+447911200972'), TranscriptionSid: 'TR1', TranscriptionStatus: 'failed' });
    expect(await hub.database.prisma.inboxItem.count()).toBe(before);
  });
});

describe('the needs bot on a call', () => {
  let botHub: RunningHub & { url: string };
  beforeAll(async () => {
    botHub = await startTestHub(testEnv({ DATABASE_URL: database.url, TWILIO_API_BASE_URL: twilioApi.url, BOT_CHANNELS: 'voice' }));
  });
  afterAll(async () => {
    await botHub?.stop();
  });
  const gather = async (sid: string, from: string, extra: Record<string, string>) => {
    const res = await postTwilioWebhook(botHub.url, PUBLIC_BASE_URL, '/webhooks/twilio/voice/gather', callFields(sid, from, extra));
    expect(res.status).toBe(200);
    return parseTwiml(await res.text());
  };

  it('answers in the call: short spoken questions, keys as an alternative, and a goodbye with the summary', async () => {
    const sid = callSid();
    const from = '+447911200975';
    const first = await gather(sid, from, { SpeechResult: 'my bin was not collected on tuesday' });
    expect(byVerb(first)).toEqual(['Gather', 'Say', 'Hangup']);
    expect(first[0]!.children[0]!.text).toBe(
      'It sounds like you need help with bins and waste. Is that right? Say yes or no, or press 1 for yes and 2 for no. If you are in danger now, call 999.',
    );
    expect(first[0]!.attrs).toMatchObject({ input: 'speech dtmf', action: `${PUBLIC_BASE_URL}/webhooks/twilio/voice/gather` });

    // The waste team needs the place: asked in words a caller can answer aloud.
    const where = await gather(sid, from, { Digits: '1' });
    expect(byVerb(where)).toEqual(['Gather', 'Say', 'Hangup']);
    expect(where[0]!.children[0]!.text).toMatch(/^What is the address or street\? If there is no house number, tell us something nearby/);

    const last = await gather(sid, from, { SpeechResult: '14 Orchard Close' });
    expect(byVerb(last)).toEqual(['Say', 'Say', 'Hangup']);
    expect(last[0]!.text).toMatch(/^Thank you\. We have noted that you need help with bins and waste\./);
    expect(last[1]!.text).toBe('Goodbye.');

    // Everything said both ways is in the conversation as text.
    const messages = await hub.database.prisma.message.findMany({ where: { OR: [{ fromAddress: from }, { toAddress: from }] }, orderBy: { createdAt: 'asc' } });
    expect(messages.map((m) => `${m.direction}:${m.fromBot}:${m.status}`)).toEqual([
      'inbound:false:received',
      'outbound:true:sent',
      'inbound:false:received',
      'outbound:true:sent',
      'inbound:false:received',
      'outbound:true:sent',
    ]);
    expect((await hub.database.prisma.conversation.findUniqueOrThrow({ where: { id: messages[0]!.conversationId } })).facts).toEqual({
      address: '14 Orchard Close',
    });
  });

  it('a sign of danger on a call: the safety question is spoken, and pressing 1 puts the caller through to a person at once', async () => {
    const sid = callSid();
    const from = '+447911200973';
    const first = await gather(sid, from, { SpeechResult: 'my ex has found out where we are staying' });
    expect(byVerb(first)).toEqual(['Gather', 'Say', 'Hangup']);
    expect(first[0]!.children[0]!.text).toBe(
      'Before anything else: are you, or is anyone with you, in danger right now? Say yes or no, or press 1 for yes and 2 for no.',
    );
    const verbs = await gather(sid, from, { Digits: '1' });
    expect(byVerb(verbs)).toEqual(['Say', 'Enqueue']);
    expect(verbs[0]!.text).toMatch(/^Call 999 and ask for the police\./);
    const call = await hub.database.prisma.call.findUniqueOrThrow({ where: { callSid: sid }, include: { conversation: true } });
    expect(call.conversation).toMatchObject({ handler: 'person', botOutcome: 'urgent' });
    expect(call.conversation.urgentAt).not.toBeNull();
  });

  it('danger on a call: 999 and the helpline are said at once, and the caller is put through to a person', async () => {
    const sid = callSid();
    const from = '+447911200976';
    const verbs = await gather(sid, from, { SpeechResult: 'my partner is hitting me he is outside the door now' });
    expect(byVerb(verbs)).toEqual(['Say', 'Enqueue']);
    expect(verbs[0]!.text).toMatch(/^Call 999 and ask for the police\..* National Domestic Abuse Helpline: 0808 2000 247/);
    const call = await hub.database.prisma.call.findUniqueOrThrow({ where: { callSid: sid }, include: { conversation: true } });
    expect(call.state).toBe('queued');
    expect(call.conversation).toMatchObject({ handler: 'person', botOutcome: 'urgent' });
  });

  it('a caller who presses 0 is queued by the phone line; the bot records the handover and stores nothing unsaid', async () => {
    const pressed = await gather(callSid(), '+447911200979', { Digits: '0' });
    expect(byVerb(pressed)).toEqual(['Say', 'Enqueue']);
    await expect
      .poll(() =>
        hub.database.prisma.conversation.count({
          where: { customer: { contactPoints: { some: { address: '+447911200979' } } }, botOutcome: 'asked_for_person' },
        }),
      )
      .toBe(1);
    expect(await hub.database.prisma.message.count({ where: { toAddress: '+447911200979', fromBot: true } })).toBe(0);
  });

  it('once a person has the conversation, the caller is just asked for anything else', async () => {
    const from = '+447911200977';
    await gather(callSid(), from, { SpeechResult: 'can I speak to someone' });
    const verbs = await gather(callSid(), from, { SpeechResult: 'also my roof is leaking' });
    expect(verbs[0]!.children[0]!.text).toBe('Thank you. Is there anything else? Or press 0 to speak to someone.');
  });
});

describe('calls offered by routing', () => {
  it('offers a waiting call, urgent first, only to an available agent whose phone it can ring; accepting puts it through', async () => {
    const make = async (name: string) => {
      const { id, cookie: own } = await createDeskAccount(hub.url, cookie, { name });
      return { id, cookie: own, socket: await connectDesk(hub.url, own) };
    };
    const vic = await make('Vic');
    const nop = await make('Nop');
    try {
      expect((await apiJson(hub.url, vic.cookie, '/api/agents/me/voice', { method: 'PUT', body: JSON.stringify({ phone: '+447911123499' }) })).status).toBe(
        200,
      );
      // Callers left waiting by the cases above have gone.
      await hub.database.prisma.call.updateMany({ where: { state: 'queued' }, data: { state: 'ended' } });
      await hub.database.prisma.conversation.updateMany({ where: { waitingSince: { not: null } }, data: { waitingSince: null } });
      const plain = await callerWaiting('+447911200981', ['I want to ask about my council tax']);
      const urgent = await callerWaiting('+447911200982', ['please help me']);
      await hub.database.prisma.conversation.update({ where: { id: urgent.call.conversationId }, data: { urgentAt: new Date() } });

      const offered = nextEvent<{ id: string; conversation: { id: string; channel: string } }>(vic.socket, 'offer');
      for (const agent of [vic, nop])
        expect(
          (await apiJson(hub.url, agent.cookie, '/api/agents/me/presence', { method: 'PUT', body: JSON.stringify({ presence: 'available' }) })).status,
        ).toBe(200);
      const offer = await offered;
      expect(offer.conversation).toMatchObject({ id: urgent.call.conversationId, channel: 'voice' });
      await hub.router.runNow();
      // Nop has no phone set; Vic takes one call at a time.
      expect(await hub.database.prisma.offer.count({ where: { agentId: nop.id } })).toBe(0);
      expect(await hub.database.prisma.offer.count({ where: { conversationId: plain.call.conversationId } })).toBe(0);

      const before = twilioApi.requests.length;
      const accepted = await apiJson(hub.url, vic.cookie, `/api/offers/${offer.id}/accept`, { method: 'POST' });
      expect(accepted.status).toBe(200);
      const redirect = twilioApi.requests.slice(before).find((r) => r.path.endsWith(`/Calls/${urgent.sid}.json`));
      expect(redirect!.form.Twiml).toContain('+447911123499');
      const taken = await hub.database.prisma.call.findUniqueOrThrow({ where: { id: urgent.call.id } });
      expect(taken).toMatchObject({ state: 'connecting', agentId: vic.id });

      // Vic does not answer: the call goes back to the queue and is offered again.
      const again = nextEvent<{ id: string; conversation: { id: string } }>(vic.socket, 'offer', (o) => o.conversation.id === urgent.call.conversationId);
      await post('/webhooks/twilio/voice/dialled', callFields(urgent.sid, '+447911200982', { DialCallStatus: 'no-answer' }));
      const second = await again;
      // The caller hangs up while it is offered: the offer is withdrawn from Vic's desk.
      const withdrawn = nextEvent<{ offerId: string; status: string }>(vic.socket, 'offer.ended', (e) => e.offerId === second.id && e.status === 'withdrawn');
      await post(STATUS, callFields(urgent.sid, '+447911200982', { CallStatus: 'completed' }));
      await withdrawn;
      // And the other caller is offered to Vic now.
      const next = nextEvent<{ id: string; conversation: { id: string } }>(vic.socket, 'offer', (o) => o.conversation.id === plain.call.conversationId);
      await hub.router.runNow();
      const third = await next;

      // On a call, Vic is not offered another; once it ends, he is, though he has not closed the conversation yet.
      expect((await apiJson(hub.url, vic.cookie, `/api/offers/${third.id}/accept`, { method: 'POST' })).status).toBe(200);
      const agentSid = callSid();
      await agentLeg(plain.sid, agentSid, 'in-progress');
      const later = await callerWaiting('+447911200983', ['about my bins']);
      await hub.router.runNow();
      expect(await hub.database.prisma.offer.count({ where: { conversationId: later.call.conversationId } })).toBe(0);
      const afterCall = nextEvent<{ conversation: { id: string } }>(vic.socket, 'offer', (o) => o.conversation.id === later.call.conversationId);
      await post(STATUS, callFields(plain.sid, '+447911200981', { CallStatus: 'completed' }));
      await hub.router.runNow();
      await afterCall;
      expect((await hub.database.prisma.conversation.findUniqueOrThrow({ where: { id: plain.call.conversationId } })).status).toBe('open');
    } finally {
      vic.socket.close();
      nop.socket.close();
      for (const agent of [vic, nop]) await hub.database.prisma.agent.update({ where: { id: agent.id }, data: { presence: 'offline' } });
    }
  });
});

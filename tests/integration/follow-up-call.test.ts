// The quality-of-life follow-up for a customer who called: once their plan closes, the hub calls them back (fake
// Twilio sees the call placed) and asks by keys how things are now and whether each service helped, one at a time.
// The test plays Twilio: it posts the signed webhooks of the call being answered and of each key. A retried webhook
// records nothing twice, a wrong key asks again once, a machine is asked nothing, and no follow-up is called twice.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { writeDirectory } from '../helpers/directory.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { startReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { PUBLIC_BASE_URL, apiJson, signIn, startTestHub, testEnv, FOLLOW_UP_AT_ONCE } from '../helpers/hub.ts';
import twilio from 'twilio';
import { HUB_NUMBER, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import { parseTwiml, type TwimlVerb } from '../helpers/twiml.ts';
import { placeFollowUpCall } from '../../hub/usecases/follow-up.ts';
import type { RunningHub } from '../../app/compose.ts';
import { until as untilWithin } from '../helpers/until.ts';

const WEBHOOK_SECRET = 'a-webhook-secret-of-at-least-32-chars!!';
const CALL_PATH = '/webhooks/twilio/voice/call';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let receiver: WebhookReceiver;
let hub: RunningHub & { url: string };
let admin: string;

beforeAll(async () => {
  database = await createTestDatabase('follow_up_call');
  twilioApi = await startFakeTwilio();
  receiver = await startReceiver();
  const file = await writeDirectory([
    { id: 'svc-housing', name: 'Housing Options', needs: ['housing.homeless'], handoff: { kind: 'desk' } },
    { id: 'svc-schools', name: 'School Admissions', needs: ['education.school'], handoff: { kind: 'webhook', url: receiver.url, secret: WEBHOOK_SECRET } },
  ]);
  hub = await startTestHub(
    testEnv({
      DATABASE_URL: database.url,
      TWILIO_API_BASE_URL: twilioApi.url,
      DIRECTORY_PATH: file,
      COUNCIL_NAME: 'Testford Council',
      HANDOFF_BACKOFF_MS: '100',
      ...FOLLOW_UP_AT_ONCE,
    }),
  );
  admin = await signIn(hub.url);
}, 120_000);
afterAll(async () => {
  await hub?.stop();
  await Promise.all([twilioApi?.close(), receiver?.close()]);
  await database?.drop();
});

const db = () => hub.database.prisma;
const api = (path: string, init: RequestInit = {}) => apiJson(hub.url, admin, path, init);
const callSid = () => `CA${randomBytes(16).toString('hex')}`;
const callsTo = (to: string) => twilioApi.requests.filter((r) => r.method === 'POST' && /\/Calls\.json$/.test(r.path) && r.form.To === to);

/** Waits longer than set-up elsewhere: a follow-up is looked for on a timer. */
const until = (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000) => untilWithin(what, check, timeoutMs);

/** A customer who called (or texted) and said what they need, whose needs an agent handed to services, then all closed. */
async function callerWithClosedPlan(phone: string, needs: string[], by: 'voice' | 'sms' = 'voice') {
  const fields = { AccountSid: TEST_ACCOUNT_SID, CallSid: callSid(), CallStatus: 'in-progress', Direction: 'inbound', From: phone, To: HUB_NUMBER };
  const said =
    by === 'voice'
      ? await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/voice/gather', { ...fields, SpeechResult: 'I need some help please' })
      : await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(phone, 'I need some help please'));
  expect(said.status).toBe(200);
  const where = { customer: { contactPoints: { some: { address: phone } } } };
  await until('the conversation', async () => (await db().conversation.count({ where })) === 1);
  const conversation = await db().conversation.findFirstOrThrow({ where });
  expect(conversation.channel).toBe(by);
  for (const code of needs)
    expect((await api(`/api/conversations/${conversation.id}/needs`, { method: 'POST', body: JSON.stringify({ code }) })).status).toBe(201);
  const made = await api(`/api/conversations/${conversation.id}/handoffs`, { method: 'POST', body: JSON.stringify({ consent: true, needs }) });
  expect(made.status).toBe(201);
  const handoffs = made.body.handoffs as { id: string; plan: { id: string } }[];
  expect((await api(`/api/conversations/${conversation.id}/close`, { method: 'POST', body: JSON.stringify({ outcome: 'handed_off' }) })).status).toBe(200);
  for (const h of handoffs) expect((await api(`/api/handoffs/${h.id}/close`, { method: 'POST', body: JSON.stringify({ outcome: 'Done' }) })).status).toBe(200);
  return { conversationId: conversation.id, planId: handoffs[0]!.plan.id };
}

/** Waits for the hub to place the follow-up's call: the request to Twilio, and the follow-up it asks. */
async function placedCall(phone: string, planId: string) {
  await until('the follow-up call', () => callsTo(phone).length === 1);
  const followUp = await db().followUp.findFirstOrThrow({ where: { planId } });
  await until('the call id stored', async () => !!(await db().followUp.findUniqueOrThrow({ where: { id: followUp.id } })).callId);
  return { request: callsTo(phone)[0]!, followUp: await db().followUp.findUniqueOrThrow({ where: { id: followUp.id } }) };
}

/** Posts a webhook of the placed call as Twilio would (signed over the full URL, query included); its TwiML. */
async function webhook(url: string, sid: string, phone: string, extra: Record<string, string> = {}) {
  expect(url.startsWith(PUBLIC_BASE_URL + CALL_PATH)).toBe(true);
  const fields = { AccountSid: TEST_ACCOUNT_SID, CallSid: sid, CallStatus: 'in-progress', Direction: 'outbound-api', From: HUB_NUMBER, To: phone, ...extra };
  const res = await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, url.slice(PUBLIC_BASE_URL.length), fields);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/text\/xml/);
  return parseTwiml(await res.text());
}

/** A question: what is said inside one-key <Gather>, and where the key goes (the same URL again if none is pressed). */
function question(verbs: TwimlVerb[]): { said: string; action: string } {
  const [gather, redirect, ...rest] = verbs;
  expect(gather).toMatchObject({ verb: 'Gather', attrs: { input: 'dtmf', numDigits: '1', method: 'POST' } });
  expect(gather!.children.map((c) => c.verb)).toEqual(['Say']);
  expect(redirect).toMatchObject({ verb: 'Redirect', attrs: { method: 'POST' }, text: gather!.attrs.action });
  expect(rest).toEqual([]);
  return { said: gather!.children[0]!.text, action: gather!.attrs.action! };
}

/** The call ends: what is said, then hang up. */
function ending(verbs: TwimlVerb[]): string {
  expect(verbs.map((v) => v.verb)).toEqual(['Say', 'Hangup']);
  return verbs[0]!.text;
}

describe('the follow-up by phone call', () => {
  it('calls a customer who called, asks by keys, and records each answer once', async () => {
    const phone = '+447911600101';
    const plan = await callerWithClosedPlan(phone, ['housing.homeless', 'education.school']);
    const { request, followUp } = await placedCall(phone, plan.planId);
    // Called from the number they called, back to theirs; the call's webhook names the follow-up.
    expect(request.form).toMatchObject({ To: phone, From: HUB_NUMBER, Method: 'POST', MachineDetection: 'Enable' });
    expect(request.form.Url).toBe(`${PUBLIC_BASE_URL}${CALL_PATH}?ref=${followUp.id}`);
    expect(followUp).toMatchObject({ channel: 'voice', step: 'wellbeing', conversationId: plan.conversationId });
    expect(followUp.calledAt).not.toBeNull();
    // Nothing was texted: the question is asked on the call.
    expect(twilioApi.requests.filter((r) => r.form.To === phone && r.form.Body?.includes('How are things'))).toEqual([]);

    const sid = callSid();
    const first = question(await webhook(request.form.Url!, sid, phone, { AnsweredBy: 'human' }));
    expect(first.said).toContain('Hello, this is Testford Council');
    expect(first.said).toContain('Press 1 if things are much worse, 2 if worse, 3 if about the same, 4 if better, or 5 if much better.');

    const second = question(await webhook(first.action, sid, phone, { Digits: '4' }));
    expect(second.said).toBe('Thank you. Did Housing Options help you? Press 1 if they helped, or 2 if they did not.');
    // Twilio retries the same webhook: recorded once, and the question now waiting is asked.
    expect(question(await webhook(first.action, sid, phone, { Digits: '4' })).action).toBe(second.action);
    expect(await db().followUp.findUniqueOrThrow({ where: { id: followUp.id } })).toMatchObject({ wellbeing: 4, step: 'services' });

    const third = question(await webhook(second.action, sid, phone, { Digits: '1' }));
    expect(third.said).toContain('Did School Admissions help you?');
    // A retried key for Housing Options is not taken as the answer about School Admissions.
    expect(question(await webhook(second.action, sid, phone, { Digits: '1' })).action).toBe(third.action);

    expect(ending(await webhook(third.action, sid, phone, { Digits: '2' }))).toContain('Thank you for telling us.');
    expect(ending(await webhook(third.action, sid, phone, { Digits: '2' }))).toContain('Thank you for telling us.');

    const row = await db().followUp.findUniqueOrThrow({ where: { id: followUp.id }, include: { answers: { include: { handoff: true } } } });
    expect(row).toMatchObject({ wellbeing: 4, step: 'done', comment: null, answeredIn: plan.conversationId });
    expect(Object.fromEntries(row.answers.map((a) => [a.handoff.serviceId, a.helped]))).toEqual({
      [(await db().service.findFirstOrThrow({ where: { name: 'Housing Options' } })).id]: true,
      [(await db().service.findFirstOrThrow({ where: { name: 'School Admissions' } })).id]: false,
    });

    // The lead agent's desk.
    const desk = await api(`/api/plans/${plan.planId}`);
    expect(desk.status).toBe(200);
    expect(desk.body.plan.followUps).toMatchObject([
      {
        step: 'done',
        channel: 'voice',
        wellbeing: 4,
        services: [
          { service: 'Housing Options', helped: true },
          { service: 'School Admissions', helped: false },
        ],
      },
    ]);
    // The webhook service is told once, though the last key's webhook came twice.
    await expect.poll(() => db().handoffDelivery.count({ where: { followUpId: followUp.id, kind: 'feedback' } })).toBe(1);

    // The call is never placed again for this follow-up, however often its effect runs.
    expect(await placeFollowUpCall(db(), hub.adapters, followUp.id)).toBeNull();
    expect(callsTo(phone)).toHaveLength(1);
  });

  it('asks again once after a wrong key, then thanks and ends; a machine is asked nothing', async () => {
    const phone = '+447911600102';
    const plan = await callerWithClosedPlan(phone, ['housing.homeless']);
    const { request, followUp } = await placedCall(phone, plan.planId);

    // An answering machine: hung up on at once, and the follow-up still waits.
    expect((await webhook(request.form.Url!, callSid(), phone, { AnsweredBy: 'machine_start' })).map((v) => v.verb)).toEqual(['Hangup']);

    const sid = callSid();
    const first = question(await webhook(request.form.Url!, sid, phone, { AnsweredBy: 'human' }));
    const again = question(await webhook(first.action, sid, phone, { Digits: '9' }));
    expect(again.said).toMatch(/^Sorry, we did not get that\. Hello, this is Testford Council/);
    expect(again.action).not.toBe(first.action);
    // No key at all (the <Redirect> after the <Gather>) is a wrong key too: the second one ends the call.
    expect(ending(await webhook(again.action, sid, phone))).toContain('Thank you for your time.');
    expect(await db().followUp.findUniqueOrThrow({ where: { id: followUp.id } })).toMatchObject({ step: 'wellbeing', wellbeing: null });
    // Still waiting, yet never called again, however often its effect runs (the call is claimed once).
    expect(await placeFollowUpCall(db(), hub.adapters, followUp.id)).toBeNull();
    expect(callsTo(phone)).toHaveLength(1);
  });

  it('asks a customer who texted by SMS as before, and a call webhook naming their follow-up records nothing', async () => {
    const phone = '+447911600104';
    const plan = await callerWithClosedPlan(phone, ['housing.homeless'], 'sms');
    await until('the question by SMS', () => twilioApi.requests.some((r) => r.form.To === phone && r.form.Body?.includes('How are things for you now')));
    const followUp = await db().followUp.findFirstOrThrow({ where: { planId: plan.planId } });
    expect(followUp).toMatchObject({ channel: 'sms', step: 'wellbeing', calledAt: null });
    expect(callsTo(phone)).toEqual([]);
    // Only a call the hub placed is asked anything: a webhook that names another follow-up ends at once.
    const url = `${PUBLIC_BASE_URL}${CALL_PATH}?ref=${followUp.id}&q=wellbeing.1`;
    expect(ending(await webhook(url, callSid(), phone, { Digits: '5' }))).toContain('Thank you for your time.');
    expect(await db().followUp.findUniqueOrThrow({ where: { id: followUp.id } })).toMatchObject({ step: 'wellbeing', wellbeing: null });
  });

  it('refuses a webhook without a valid Twilio signature', async () => {
    const fields = { AccountSid: TEST_ACCOUNT_SID, CallSid: callSid(), From: HUB_NUMBER, To: '+447911600103', Digits: '5' };
    const path = `${CALL_PATH}?ref=00000000-0000-4000-8000-000000000000&q=wellbeing.1`;
    expect((await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, path, fields, { signature: false })).status).toBe(403);
    // Signed for another question than the one posted: the query is part of what Twilio signs.
    const forged = await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, path.replace('wellbeing.1', 'wellbeing.2'), fields, {
      signature: twilio.getExpectedTwilioSignature(TEST_AUTH_TOKEN, PUBLIC_BASE_URL + path, fields),
    });
    expect(forged.status).toBe(403);
  });
});

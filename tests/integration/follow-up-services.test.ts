// What the customer says when asked how things are reaches each service on its own hand-off channel: into the
// Slack thread (fake Slack Web API), by email in the hand-off email's thread (the council's relay, a capture
// server), and as a signed handoff.feedback webhook; a desk service reads it on the hand-off itself. The score and
// whether that service helped go; the customer's own comment never does. Each delivery is sent once: a retried
// job, or one that failed on the way, does not post twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParsedMail } from 'mailparser';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { writeDirectory } from '../helpers/directory.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { startFakeSlack, FAKE_SLACK_TOKEN, type FakeSlack } from '../../testkit/fake-slack.ts';
import { SLACK_SIGNING_SECRET } from '../../testkit/slack-request.ts';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.ts';
import { startReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { freePort } from '../../testkit/processes.ts';
import { PUBLIC_BASE_URL, apiJson, signIn, startTestHub, testEnv, FOLLOW_UP_AT_ONCE } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import { verifyWebhook } from '../../hub/handoff/signature.ts';
import { enqueueFor } from '../../hub/queues.ts';
import type { RunningHub } from '../../app/compose.ts';

const WEBHOOK_SECRET = 'a-webhook-secret-of-at-least-32-chars!!';
const HOUSING_CHANNEL = 'C0HOUSING01';
const MONEY = 'money-team@testford.example';
const COMMENT = 'The new flat is lovely but my landlord still shouts at me';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let slack: FakeSlack;
let relay: SmtpCapture;
let receiver: WebhookReceiver;
let hub: RunningHub & { url: string };
let admin: string;

beforeAll(async () => {
  database = await createTestDatabase('follow_up_services');
  twilioApi = await startFakeTwilio();
  slack = await startFakeSlack();
  relay = await startSmtpCapture();
  receiver = await startReceiver();
  // One service on each kind of hand-off channel.
  const file = await writeDirectory([
    { id: 'svc-housing', name: 'Housing & Homes', needs: ['housing.homeless'], handoff: { kind: 'slack', channel: HOUSING_CHANNEL } },
    { id: 'svc-money', name: 'Money Advice', needs: ['money.debt'], handoff: { kind: 'email', address: MONEY } },
    { id: 'svc-schools', name: 'School Admissions', needs: ['education.school'], handoff: { kind: 'webhook', url: receiver.url, secret: WEBHOOK_SECRET } },
    { id: 'svc-advice', name: 'Advice Centre', needs: ['money.benefits'], handoff: { kind: 'desk' } },
  ]);
  hub = await startTestHub(
    testEnv({
      DATABASE_URL: database.url,
      TWILIO_API_BASE_URL: twilioApi.url,
      DIRECTORY_PATH: file,
      COUNCIL_NAME: 'Testford Council',
      SLACK_BOT_TOKEN: FAKE_SLACK_TOKEN,
      SLACK_SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      EMAIL_INBOUND_ADDRESSES: 'contact@council.example',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(await freePort()),
      EMAIL_SMTP_URL: relay.url,
      HANDOFF_BACKOFF_MS: '100',
      ...FOLLOW_UP_AT_ONCE,
    }),
  );
  admin = await signIn(hub.url);
}, 120_000);
afterAll(async () => {
  await hub?.stop();
  await Promise.all([twilioApi?.close(), slack?.close(), relay?.close(), receiver?.close()]);
  await database?.drop();
});

const db = () => hub.database.prisma;
const textsTo = (to: string) => twilioApi.requests.filter((r) => r.form.To === to).map((r) => r.form.Body ?? '');
const api = (path: string, init: RequestInit = {}) => apiJson(hub.url, admin, path, init);
const text = async (phone: string, body: string) =>
  expect((await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(phone, body))).status).toBe(200);

/** The next text the customer gets that contains `words` (after the ones they have had). */
async function nextText(phone: string, words: string, had: number): Promise<string> {
  await expect.poll(() => textsTo(phone).slice(had).join('\n'), { timeout: 20_000 }).toContain(words);
  return textsTo(phone)
    .slice(had)
    .find((t) => t.includes(words))!;
}

type Made = { id: string; reference: string; service: { name: string } };

/** A customer who texted, whose needs an agent handed to services, each delivered on its channel. */
async function customerWithPlan(phone: string, needs: string[]) {
  await text(phone, 'I need some help please');
  const where = { customer: { contactPoints: { some: { address: phone } } } };
  await expect.poll(() => db().conversation.count({ where }), { timeout: 20_000 }).toBe(1);
  const conversation = await db().conversation.findFirstOrThrow({ where });
  for (const code of needs)
    expect((await api(`/api/conversations/${conversation.id}/needs`, { method: 'POST', body: JSON.stringify({ code }) })).status).toBe(201);
  const made = await api(`/api/conversations/${conversation.id}/handoffs`, { method: 'POST', body: JSON.stringify({ consent: true, needs }) });
  expect(made.status).toBe(201);
  const handoffs = made.body.handoffs as (Made & { plan: { id: string } })[];
  const to = (name: string) => handoffs.find((h) => h.service.name === name)!;
  // Each is with its service before it is closed: the Slack post, the email (its Message-ID kept) and the webhook.
  for (const h of handoffs)
    await expect.poll(async () => (await db().handoff.findUniqueOrThrow({ where: { id: h.id } })).status, { timeout: 20_000 }).toBe('delivered');
  return {
    conversationId: conversation.id,
    planId: handoffs[0]!.plan.id,
    handoffs,
    housing: to('Housing & Homes'),
    money: to('Money Advice'),
    schools: to('School Admissions'),
    advice: to('Advice Centre'),
  };
}

/** The agent closes the conversation, and each hand-off is closed: the plan is done, and its follow-up due. */
async function closeAll(plan: Awaited<ReturnType<typeof customerWithPlan>>) {
  expect((await api(`/api/conversations/${plan.conversationId}/close`, { method: 'POST', body: JSON.stringify({ outcome: 'handed_off' }) })).status).toBe(200);
  for (const h of plan.handoffs)
    expect((await api(`/api/handoffs/${h.id}/close`, { method: 'POST', body: JSON.stringify({ outcome: 'Done' }) })).status).toBe(200);
  expect((await db().actionPlan.findUniqueOrThrow({ where: { id: plan.planId } })).closedAt).not.toBeNull();
}

/** The customer answers the three questions by SMS: "4", which services helped (by the numbers they were given), a comment. */
async function answer(phone: string, plan: Awaited<ReturnType<typeof customerWithPlan>>, helped: string[]) {
  const had = textsTo(phone).length;
  await closeAll(plan);
  await nextText(phone, 'How are things for you now', had);
  await text(phone, '4');
  const question = await nextText(phone, 'Which of these helped you?', had);
  const numbers = helped.map((name) => question.match(new RegExp(`(\\d) ${name}`))![1]);
  await text(phone, numbers.join(' '));
  await nextText(phone, 'Is there anything else you want to tell us?', had);
  await text(phone, COMMENT);
  await nextText(phone, 'Someone from our team will read what you wrote', had);
  return db().followUp.findFirstOrThrow({ where: { planId: plan.planId } });
}

const feedbackDeliveries = (followUpId: string) => db().handoffDelivery.findMany({ where: { followUpId }, include: { handoff: true } });

/** Runs a delivery's job again (as a retry, or the sweeper re-queueing it would), and waits until it has run. */
async function runAgain(deliveryId: string) {
  const queue = hub.queues.handoff;
  await expect.poll(async () => !(await queue.getJob(deliveryId)), { timeout: 20_000 }).toBe(true);
  await enqueueFor(queue, deliveryId, { deliveryId });
  await expect.poll(async () => !(await queue.getJob(deliveryId)), { timeout: 20_000 }).toBe(true);
}

const threadPosts = (ts: string) => slack.posted(HOUSING_CHANNEL).filter((b) => b.thread_ts === ts);
const feedbackMails = (reference: string) => relay.mails.filter((m) => m.subject === `Hand-off ${reference}: how the customer says things are`);
const feedbackEvents = (reference: string) =>
  receiver.received.filter((r) => r.headers['x-contacthub-event'] === 'handoff.feedback' && JSON.parse(r.raw).service_request_id === reference);
const addressOf = (mail: ParsedMail) => (mail.to && !Array.isArray(mail.to) ? mail.to.value[0]?.address : undefined);

describe('a follow-up the customer answered, on each service’s hand-off channel', () => {
  it('reaches Slack in the thread, email in the hand-off email’s thread and the webhook signed: the score and the helped answer, never the comment', async () => {
    const phone = '+447911500101';
    const plan = await customerWithPlan(phone, ['housing.homeless', 'money.debt', 'education.school', 'money.benefits']);
    const { slackTs } = await db().handoff.findUniqueOrThrow({ where: { id: plan.housing.id } });
    const handoffMail = relay.mails.find((m) => m.subject?.includes(plan.money.reference))!;
    expect(handoffMail.messageId).toBeTruthy();

    // Housing and the schools helped; Money Advice did not.
    const followUp = await answer(phone, plan, ['Housing & Homes', 'School Admissions', 'Advice Centre']);
    expect(followUp).toMatchObject({ step: 'done', wellbeing: 4, comment: COMMENT });

    // Slack: in the hand-off message's thread, in plain words (escaped: Slack shows "&amp;" as "&").
    await expect.poll(() => threadPosts(slackTs!).length, { timeout: 20_000 }).toBe(1);
    const [post] = threadPosts(slackTs!);
    expect(post!.text).toBe(
      [
        `Follow-up on hand-off ${plan.housing.reference}: the customer was asked how things are now.`,
        'Compared with when they first got in touch, things are better (4 of 5).',
        'Did Housing &amp; Homes help? Yes.',
      ].join('\n'),
    );

    // Email: to the team's address, in the hand-off email's thread.
    await expect.poll(() => feedbackMails(plan.money.reference).length, { timeout: 20_000 }).toBe(1);
    const [mail] = feedbackMails(plan.money.reference);
    expect(addressOf(mail!)).toBe(MONEY);
    expect(mail!.inReplyTo).toBe(handoffMail.messageId);
    expect(mail!.references).toContain(handoffMail.messageId);
    expect(mail!.text).toContain('things are better (4 of 5)');
    expect(mail!.text).toContain('Did Money Advice help? No.');

    // Webhook: the handoff.feedback event, signed with the service's secret, saying which follow-up it is about.
    await expect.poll(() => feedbackEvents(plan.schools.reference).length, { timeout: 20_000 }).toBe(1);
    const [event] = feedbackEvents(plan.schools.reference);
    expect(
      verifyWebhook(
        WEBHOOK_SECRET,
        { signature: event!.headers['x-contacthub-signature'] as string, timestamp: event!.headers['x-contacthub-timestamp'] as string },
        event!.raw,
      ),
    ).toEqual({ ok: true });
    const body = JSON.parse(event!.raw);
    expect(body.attributes.new_feedback_id).toBe(followUp.id);
    expect(body.attributes.feedback).toEqual([
      { id: followUp.id, asked_at: followUp.askedAt.toISOString(), answered_at: expect.any(String), wellbeing: 4, helped: true },
    ]);

    // The desk service is sent nothing: its team reads it on the hand-off.
    const deliveries = await feedbackDeliveries(followUp.id);
    expect(deliveries.map((d) => d.target).sort()).toEqual(['email', 'slack', 'webhook']);
    const advice = await api(`/api/handoffs/${plan.advice.id}`);
    expect(advice.body.handoff.feedback).toMatchObject([{ followUpId: followUp.id, wellbeing: 4, helped: true }]);

    // The customer's own words reached none of them.
    for (const sent of [JSON.stringify(post), mail!.text, mail!.subject, event!.raw, JSON.stringify(advice.body)]) expect(sent).not.toContain('landlord');
  });

  it('sends each once: a delivery that failed on the way is sent when its target is back, and a job run again sends nothing more', async () => {
    const phone = '+447911500102';
    const plan = await customerWithPlan(phone, ['housing.homeless', 'money.debt', 'education.school']);
    const { slackTs } = await db().handoff.findUniqueOrThrow({ where: { id: plan.housing.id } });
    // Slack and the schools' system each fail the first try (a temporary failure: tried again).
    slack.fail('chat.postMessage', { kind: 'error', error: 'internal_error' });
    receiver.down.push({ match: (body) => body.service_request_id === plan.schools.reference && body.attributes.new_feedback_id, times: 1 });

    const followUp = await answer(phone, plan, ['Housing & Homes']);
    const deliveries = await feedbackDeliveries(followUp.id);
    expect(deliveries).toHaveLength(3);
    for (const d of deliveries)
      await expect.poll(async () => (await db().handoffDelivery.findUniqueOrThrow({ where: { id: d.id } })).status, { timeout: 20_000 }).toBe('sent');
    const of = (target: string) => deliveries.find((d) => d.target === target)!;
    const events = () => feedbackEvents(plan.schools.reference);
    // The failed tries, then one that went; the webhook's retry carries the same delivery id.
    expect(slack.calls.filter((c) => c.method === 'chat.postMessage' && c.body.thread_ts === slackTs).map((c) => c.response.ok)).toEqual([false, true]);
    expect(events().map((e) => e.answered)).toEqual([503, 200]);
    expect(events().map((e) => e.headers['x-contacthub-delivery'])).toEqual([of('webhook').id, of('webhook').id]);
    expect(feedbackMails(plan.money.reference).map((m) => m.messageId)).toHaveLength(1);

    // Each job run again (a retry after the send, or the sweeper): the delivery is sent already, nothing goes.
    for (const d of deliveries) await runAgain(d.id);
    expect(threadPosts(slackTs!)).toHaveLength(1);
    expect(feedbackMails(plan.money.reference)).toHaveLength(1);
    expect(events().filter((e) => e.answered === 200)).toHaveLength(1);
    expect(events()).toHaveLength(2);
    const attempts = Object.fromEntries((await db().handoffDelivery.findMany({ where: { followUpId: followUp.id } })).map((d) => [d.target, d.attempts]));
    expect(attempts).toEqual({ slack: 2, email: 1, webhook: 2 });
  });
});

// Hand-offs end to end on a real hub: the needs bot over SMS (fake Twilio), a directory imported from an
// Open Referral UK file, Slack through the real Bolt app against a fake Slack Web API with requests signed
// the way Slack signs them, and a signed webhook to a receiving system that is down and then up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { writeDirectory, type TestService } from '../helpers/directory.ts';
import { startReceiver, type WebhookReceiver } from '../helpers/webhook-receiver.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { startFakeSlack, FAKE_SLACK_TOKEN, type FakeSlack } from '../../testkit/fake-slack.ts';
import {
  SLACK_SIGNING_SECRET,
  blockActionsPayload,
  messageEventEnvelope,
  newEventId,
  postSlackEvent,
  postSlackInteraction,
  viewSubmissionPayload,
} from '../../testkit/slack-request.ts';
import { ADMIN, PUBLIC_BASE_URL, apiJson, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { insertHandoffs } from '../../hub/handoff/create.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';
import { signWebhook, verifyWebhook } from '../../hub/handoff/signature.ts';

const WEBHOOK_SECRET = 'a-webhook-secret-of-at-least-32-chars!!';
const HOUSING_CHANNEL = 'C0HOUSING01';

const services = (webhookUrl: string): TestService[] => [
  {
    id: 'svc-housing',
    name: 'Housing Options',
    needs: ['housing.homeless', 'housing.unsuitable', 'money.debt'],
    handoff: { kind: 'slack', channel: HOUSING_CHANNEL },
    slaMinutes: 60,
  },
  { id: 'svc-schools', name: 'School Admissions', needs: ['education.school'], handoff: { kind: 'webhook', url: webhookUrl, secret: WEBHOOK_SECRET } },
  { id: 'svc-advice', name: 'Advice Centre', needs: ['money.benefits'], handoff: { kind: 'desk' } },
  { id: 'svc-waste', name: 'Waste and Recycling', needs: ['environment.waste'], handoff: { kind: 'desk' } },
];

let database: TestDatabase;
let twilioApi: FakeTwilio;
let slack: FakeSlack;
let receiver: WebhookReceiver;
let hub: RunningHub & { url: string };
let admin: string;

beforeAll(async () => {
  database = await createTestDatabase('handoffs');
  twilioApi = await startFakeTwilio();
  slack = await startFakeSlack();
  slack.users.set('U0SAMPATEL', { real_name: 'Sam Patel' });
  receiver = await startReceiver();
  const file = await writeDirectory(services(receiver.url));
  hub = await startTestHub(
    testEnv({
      DATABASE_URL: database.url,
      TWILIO_API_BASE_URL: twilioApi.url,
      BOT_CHANNELS: 'sms',
      DIRECTORY_PATH: file,
      SLACK_BOT_TOKEN: FAKE_SLACK_TOKEN,
      SLACK_SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      HANDOFF_BACKOFF_MS: '100',
    }),
  );
  admin = await signIn(hub.url);
});
afterAll(async () => {
  await hub?.stop();
  await Promise.all([twilioApi?.close(), slack?.close(), receiver?.close()]);
  await database?.drop();
});

const db = () => hub.database.prisma;
/** A Slack message's blocks as text, for matching (a thread reply has none). */
const blocksOf = (body: { blocks?: unknown }) => JSON.stringify(body.blocks ?? []);
const textsTo = (to: string) => twilioApi.requests.filter((r) => r.form.To === to).map((r) => r.form.Body!);

/** The customer texts; resolves with what the hub sends back (the next SMS or SMSes). */
async function text(from: string, body: string): Promise<string> {
  const before = textsTo(from).length;
  expect((await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, body))).status).toBe(200);
  await expect.poll(() => textsTo(from).length, { timeout: 20_000 }).toBeGreaterThan(before);
  return textsTo(from).slice(before).join('\n');
}

/** Goes through the needs conversation the way a customer would, saying yes to sharing. */
async function talkToTheBot(from: string, first: string): Promise<string> {
  let said = await text(from, first);
  for (let turn = 0; turn < 8; turn++) {
    if (/We have passed your details on|We have noted that you need help/.test(said)) return said;
    const answer = /Is that right/.test(said)
      ? 'yes'
      : /often also need/.test(said)
        ? 'no, that is all'
        : /Can we share/.test(said)
          ? 'yes'
          : 'by the end of the month, me and my son who is 9';
    said = await text(from, answer);
  }
  throw new Error(`the bot did not finish: ${said}`);
}

/** A customer texts; an admin records these needs on their conversation. */
async function conversationWithNeeds(from: string, needs: string[], first = 'I need help'): Promise<{ id: string; customerId: string }> {
  await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, first));
  const ofCustomer = { customer: { contactPoints: { some: { address: from } } } };
  await expect.poll(() => db().conversation.count({ where: ofCustomer }), { timeout: 20_000 }).toBe(1);
  const conversation = await db().conversation.findFirstOrThrow({ where: ofCustomer });
  for (const code of needs)
    expect((await apiJson(hub.url, admin, `/api/conversations/${conversation.id}/needs`, { method: 'POST', body: JSON.stringify({ code }) })).status).toBe(201);
  return { id: conversation.id, customerId: conversation.customerId };
}

/** The admin hands the conversation's needs on, having recorded that the customer agreed. */
const handOff = (conversationId: string, body: object = {}) =>
  apiJson(hub.url, admin, `/api/conversations/${conversationId}/handoffs`, { method: 'POST', body: JSON.stringify({ consent: true, ...body }) });

describe('hand-offs from the needs conversation', () => {
  it('an SMS with two needs → two hand-offs to two services → accepted and answered in Slack → the customer gets the reply by SMS', async () => {
    const from = '+447911200501';
    // The bot's last message tells the customer who has their details, with references to quote.
    const confirmation = await talkToTheBot(from, 'We have been evicted and have nowhere to stay, and my son needs a new school place');
    expect(confirmation).toMatch(/^We have passed your details on, so you will not need to tell your story again:\n/);
    expect(confirmation).toMatch(/call 999\.$/);
    const handoffs = await db().handoff.findMany({ include: { service: true }, where: { customer: { contactPoints: { some: { address: from } } } } });
    expect(handoffs.map((h) => h.service.name).sort()).toEqual(['Housing Options', 'School Admissions']);
    for (const h of handoffs) expect(confirmation).toContain(`${h.service.name}, about`);
    for (const h of handoffs) expect(confirmation).toContain(h.reference);
    const housing = handoffs.find((h) => h.service.name === 'Housing Options')!;
    const schools = handoffs.find((h) => h.service.name === 'School Admissions')!;
    expect(housing.needs).toEqual(['housing.homeless']);
    expect(schools.needs).toEqual(['education.school']);
    // Both are one plan, and the facts the bot gathered travel with them.
    expect(housing.planId).toBe(schools.planId);
    expect(Object.keys(housing.facts as object).length).toBeGreaterThan(0);
    // Every need went to a service: nobody at the contact centre is asked to pick it up.
    expect((await db().conversation.findUniqueOrThrow({ where: { id: housing.conversationId } })).waitingSince).toBeNull();

    // Housing's channel gets the hand-off, with what they need and the buttons.
    const post = await slack.waitFor('chat.postMessage', (b) => b.channel === HOUSING_CHANNEL && blocksOf(b).includes(housing.reference));
    const blocks = JSON.stringify(post.body.blocks);
    expect(blocks).toContain('Homeless or at risk of losing home');
    expect(blocks).toContain(from);
    expect(blocks).toContain('Also in this plan: School Admissions');
    for (const action of ['handoff.accept', 'handoff.reply', 'handoff.redirect', 'handoff.close']) expect(blocks).toContain(action);
    await expect.poll(async () => (await db().handoff.findUniqueOrThrow({ where: { id: housing.id } })).status).toBe('delivered');
    const ts = (await db().handoff.findUniqueOrThrow({ where: { id: housing.id } })).slackTs!;

    // Sam accepts: Slack may send the same press twice; it counts once, and the message shows who has it.
    const press = blockActionsPayload({ userId: 'U0SAMPATEL', channelId: HOUSING_CHANNEL, messageTs: ts, actionId: 'handoff.accept', value: housing.id });
    expect((await postSlackInteraction(hub.url, press)).status).toBe(200);
    expect((await postSlackInteraction(hub.url, press)).status).toBe(200);
    const accepted = await db().handoff.findUniqueOrThrow({ where: { id: housing.id } });
    expect(accepted).toMatchObject({ status: 'accepted', acceptedBy: 'Sam Patel (Slack)' });
    expect(await db().handoffEvent.count({ where: { handoffId: housing.id, kind: 'accepted' } })).toBe(1);
    const update = await slack.waitFor('chat.update', (b) => b.ts === ts && blocksOf(b).includes('Accepted by Sam Patel (Slack)'));
    expect(JSON.stringify(update.body.blocks)).not.toContain('handoff.accept');

    // Sam replies in the thread; Slack retries the event; the customer gets one text, saying who it is from.
    const before = textsTo(from).length;
    const reply = messageEventEnvelope({
      eventId: newEventId(),
      channelId: HOUSING_CHANNEL,
      userId: 'U0SAMPATEL',
      text: 'We can see you tomorrow at 10am at the Civic Centre.',
      threadTs: ts,
    });
    expect((await postSlackEvent(hub.url, reply)).status).toBe(200);
    expect((await postSlackEvent(hub.url, reply, { retryNum: 1 })).status).toBe(200);
    await expect.poll(() => textsTo(from).length, { timeout: 20_000 }).toBe(before + 1);
    expect(textsTo(from).at(-1)).toBe(`Housing Options (reference ${housing.reference}): We can see you tomorrow at 10am at the Civic Centre.`);
    // Slack's retry of the event was recognised (its event id): one reply stored, so one text.
    expect(await db().message.count({ where: { handoffId: housing.id, direction: 'outbound' } })).toBe(1);
    expect(textsTo(from).length).toBe(before + 1);
    const sent = await db().message.findFirstOrThrow({ where: { handoffId: housing.id } });
    expect(sent).toMatchObject({ direction: 'outbound', channel: 'sms', authorName: 'Sam Patel (Slack)', conversationId: housing.conversationId });

    // The customer answers: it goes to Housing's thread, not to the contact centre's queue.
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, 'Thank you, 10am is fine. Can I bring my son?'));
    const answer = await slack.waitFor('chat.postMessage', (b) => b.thread_ts === ts && /The customer answered/.test(String(b.text)));
    expect(answer.body.text).toBe('The customer answered (by text message):\n>Thank you, 10am is fine. Can I bring my son?');
    const conversationNow = await db().conversation.findUniqueOrThrow({ where: { id: housing.conversationId } });
    expect(conversationNow.waitingSince).toBeNull();
    // Danger in an answer brings the contact centre in as well, first in the queue.
    await postTwilioWebhook(
      hub.url,
      PUBLIC_BASE_URL,
      '/webhooks/twilio/sms',
      inboundSmsFields(from, 'hes outside banging on the door now and says he will kill me'),
    );
    await slack.waitFor('chat.postMessage', (b) => b.thread_ts === ts && /banging on the door/.test(String(b.text)));
    await expect
      .poll(async () => (await db().conversation.findUniqueOrThrow({ where: { id: housing.conversationId } })).waitingSince, { timeout: 20_000 })
      .toBeTruthy();
    expect((await db().conversation.findUniqueOrThrow({ where: { id: housing.conversationId } })).urgentAt).toBeTruthy();

    // The webhook went to the schools' system, signed so it can check it came from the hub.
    const ofSchools = () => receiver.received.find((r) => JSON.parse(r.raw).service_request_id === schools.reference);
    await expect.poll(ofSchools, { timeout: 20_000 }).toBeTruthy();
    const got = ofSchools()!;
    expect(
      verifyWebhook(
        WEBHOOK_SECRET,
        { signature: got.headers['x-contacthub-signature'] as string, timestamp: got.headers['x-contacthub-timestamp'] as string },
        got.raw,
      ),
    ).toEqual({ ok: true });
    const body = JSON.parse(got.raw);
    expect(body).toMatchObject({
      service_request_id: schools.reference,
      service_code: 'svc-schools',
      service_name: 'School Admissions',
      status: 'open',
      phone: from,
    });
    expect(body.attributes.needs).toEqual([{ code: 'education.school', label: 'School places, transfers and attendance' }]);

    // The customer asks how it is going by quoting a reference, as they were told they could.
    const progress = await text(from, `hi is there any news on ${schools.reference.toLowerCase()}`);
    expect(progress).toContain('Here is where things are:');
    expect(progress).toContain(`Housing Options (reference ${housing.reference}): they are working on it.`);
    expect(progress).toContain(`School Admissions (reference ${schools.reference}): they have it and will pick it up soon.`);
    // Someone else's reference tells a stranger nothing: it goes to a person like any other message.
    const stranger = '+447911200599';
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(stranger, housing.reference));
    await expect.poll(() => textsTo(stranger).length, { timeout: 20_000 }).toBeGreaterThan(0);
    expect(textsTo(stranger).join('\n')).not.toContain('Housing Options');
  });

  it('a report about a place (a missed bin) goes straight to the owning service, without a consent question or an agent', async () => {
    const from = '+447911200512';
    expect(await text(from, 'my bin wasnt collected again')).toMatch(/bins and waste\. Is that right\?/);
    expect(await text(from, 'y')).toMatch(/^What is the address or street\?/);
    const told = await text(from, '14 Orchard Close');
    const handoff = await db().handoff.findFirstOrThrow({ where: { customer: { contactPoints: { some: { address: from } } } }, include: { service: true } });
    expect(handoff.service.name).toBe('Waste and Recycling');
    expect(told).toContain(`- Waste and Recycling, about bins and waste. Reference ${handoff.reference}`);
    expect((await db().conversation.findUniqueOrThrow({ where: { id: handoff.conversationId } })).waitingSince).toBeNull();
  });

  it('a customer who says no to sharing keeps their needs with the contact centre: nothing is handed off', async () => {
    const from = '+447911200513';
    let said = await text(from, 'We have been evicted and have nowhere to stay');
    for (let turn = 0; turn < 6 && !/We have noted|passed your details/.test(said); turn++)
      said = await text(from, /Is that right/.test(said) ? 'yes' : /often also need/.test(said) ? 'no' : /Can we share/.test(said) ? 'no' : 'Friday');
    expect(said).toMatch(/We will not share it without asking you/);
    const conversation = await db().conversation.findFirstOrThrow({ where: { customer: { contactPoints: { some: { address: from } } } } });
    expect(await db().handoff.count({ where: { conversationId: conversation.id } })).toBe(0);
    await expect
      .poll(async () => (await db().conversation.findUniqueOrThrow({ where: { id: conversation.id } })).waitingSince, { timeout: 20_000 })
      .toBeTruthy();
  });

  it('a forged or stale Slack request is refused and changes nothing', async () => {
    const h = await db().handoff.findFirstOrThrow({ where: { service: { name: 'School Admissions' } } });
    const press = blockActionsPayload({
      userId: 'U0SAMPATEL',
      channelId: HOUSING_CHANNEL,
      messageTs: '1700000000.000100',
      actionId: 'handoff.accept',
      value: h.id,
    });
    expect((await postSlackInteraction(hub.url, press, { forge: true })).status).toBe(401);
    expect((await postSlackInteraction(hub.url, press, { timestamp: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401);
    // Signed "in the future": it would stay replayable until then.
    expect((await postSlackInteraction(hub.url, press, { timestamp: Math.floor(Date.now() / 1000) + 600 })).status).toBe(401);
    expect((await db().handoff.findUniqueOrThrow({ where: { id: h.id } })).status).not.toBe('accepted');
  });
});

describe('hand-offs made by an agent', () => {
  it('needs the customer’s consent, hands each need to its owner once, and says which needs no service owns', async () => {
    const { id } = await conversationWithNeeds('+447911200502', ['money.benefits', 'food.insecurity']);
    const refused = await apiJson(hub.url, admin, `/api/conversations/${id}/handoffs`, { method: 'POST', body: JSON.stringify({}) });
    expect(refused.status).toBe(400);
    const made = await handOff(id, { note: 'Prefers a call after 3pm' });
    expect(made.status).toBe(201);
    expect(made.body.handoffs.map((h: { service: { name: string } }) => h.service.name)).toEqual(['Advice Centre']);
    expect(made.body.unowned).toEqual(['food.insecurity']);
    expect(made.body.handoffs[0].consent.recordedBy).toBe('Administrator');
    expect(made.body.handoffs[0].note).toBe('Prefers a call after 3pm');
    // A desk service is delivered at once (its team reads it in the desk).
    await expect.poll(async () => (await db().handoff.findFirstOrThrow({ where: { conversationId: id } })).status).toBe('delivered');
    const again = await handOff(id, { needs: ['money.benefits'] });
    expect(again.status).toBe(409);
    expect(again.body.alreadyHanded).toEqual(['money.benefits']);
    const notRecorded = await handOff(id, { needs: ['housing.repairs'] });
    expect(notRecorded.status).toBe(422);
  });

  it('joins the customer’s open plan: one without a lead takes the agent who hands on, one with a lead keeps it', async () => {
    const adminId = (await db().agent.findUniqueOrThrow({ where: { email: ADMIN.email } })).id;
    const leaderless = await conversationWithNeeds('+447911200520', ['money.benefits']);
    const open = await db().actionPlan.create({ data: { customerId: leaderless.customerId, openForCustomer: leaderless.customerId } });
    expect((await handOff(leaderless.id)).status).toBe(201);
    expect((await db().handoff.findFirstOrThrow({ where: { conversationId: leaderless.id } })).planId).toBe(open.id);
    expect((await db().actionPlan.findUniqueOrThrow({ where: { id: open.id } })).leadAgentId).toBe(adminId);

    const account = { email: 'lead@testford.example', displayName: 'Lee (lead)', password: 'a long enough password', role: 'agent' };
    const lead = await apiJson(hub.url, admin, '/api/agents', { method: 'POST', body: JSON.stringify(account) });
    expect(lead.status).toBe(201);
    const led = await conversationWithNeeds('+447911200521', ['money.benefits']);
    const ledPlan = await db().actionPlan.create({ data: { customerId: led.customerId, openForCustomer: led.customerId, leadAgentId: lead.body.agent.id } });
    expect((await handOff(led.id)).status).toBe(201);
    expect((await db().handoff.findFirstOrThrow({ where: { conversationId: led.id } })).planId).toBe(ledPlan.id);
    expect((await db().actionPlan.findUniqueOrThrow({ where: { id: ledPlan.id } })).leadAgentId).toBe(lead.body.agent.id);
  });

  it('gives a hand-off another reference when the one it drew is taken, without failing the hand-off', async () => {
    const { id, customerId } = await conversationWithNeeds('+447911200522', ['money.benefits', 'environment.waste']);
    const service = (externalId: string) =>
      db().service.findUniqueOrThrow({ where: { externalId }, select: { id: true, name: true, slaMinutes: true, target: true } });
    const plan = await db().actionPlan.create({ data: { customerId, openForCustomer: customerId } });
    const data = (need: string) => ({
      planId: plan.id,
      customerId,
      conversationId: id,
      needs: [need],
      urgent: false,
      consentAt: new Date(),
      createdById: null,
      facts: {},
      excerpt: [],
      note: null,
    });
    // Both draw the same reference: the first keeps it, the second draws again.
    const drawn = ['ZWZWZW22', 'ZWZWZW22', 'ZWZWZW23'];
    const made = await db().$transaction(async (tx) =>
      insertHandoffs(
        tx,
        [
          { service: await service('svc-advice'), data: data('money.benefits') },
          { service: await service('svc-waste'), data: data('environment.waste') },
        ],
        () => drawn.shift()!,
      ),
    );
    expect(made.map((h) => [h.serviceName, h.reference])).toEqual([
      ['Advice Centre', 'ZWZWZW22'],
      ['Waste and Recycling', 'ZWZWZW23'],
    ]);
    for (const h of made)
      expect(await db().handoff.findUniqueOrThrow({ where: { reference: h.reference }, include: { events: true, deliveries: true } })).toMatchObject({
        id: h.id,
        events: [{ kind: 'created' }],
        deliveries: [{ id: h.deliveryId, kind: 'handoff', target: 'desk' }],
      });
  });

  it('a service account sees only its own service’s hand-offs, and can accept, answer and close them', async () => {
    const advice = await db().service.findUniqueOrThrow({ where: { externalId: 'svc-advice' } });
    const account = { email: 'advice@testford.example', displayName: 'Ali (Advice Centre)', password: 'a long enough password', role: 'service' };
    expect(
      (await apiJson(hub.url, admin, '/api/agents', { method: 'POST', body: JSON.stringify({ ...account, role: 'agent', serviceId: advice.id }) })).status,
    ).toBe(400);
    expect((await apiJson(hub.url, admin, '/api/agents', { method: 'POST', body: JSON.stringify({ ...account, serviceId: advice.id }) })).status).toBe(201);
    const me = await signIn(hub.url, { email: account.email, password: account.password });
    const from = '+447911200503';
    const { id } = await conversationWithNeeds(from, ['money.benefits']);
    expect((await handOff(id)).status).toBe(201);

    const list = await apiJson(hub.url, me, '/api/handoffs');
    expect(list.status).toBe(200);
    expect(new Set(list.body.handoffs.map((h: { service: { name: string } }) => h.service.name))).toEqual(new Set(['Advice Centre']));
    const mine = list.body.handoffs.find((h: { customer: { phone: string } }) => h.customer.phone === from);
    const housing = await db().handoff.findFirstOrThrow({ where: { service: { name: 'Housing Options' } } });
    expect((await apiJson(hub.url, me, `/api/handoffs/${housing.id}`)).status).toBe(403);
    expect((await apiJson(hub.url, me, `/api/conversations/${id}`)).status).toBe(403);

    const before = textsTo(from).length;
    const answered = await apiJson(hub.url, me, `/api/handoffs/${mine.id}/reply`, {
      method: 'POST',
      body: JSON.stringify({ text: 'Please bring your tenancy agreement on Monday.' }),
    });
    expect(answered.status).toBe(200);
    expect(answered.body.handoff).toMatchObject({ status: 'accepted', acceptedBy: 'Ali (Advice Centre)' });
    await expect.poll(() => textsTo(from).length, { timeout: 20_000 }).toBe(before + 1);
    expect(textsTo(from).at(-1)).toContain('Please bring your tenancy agreement on Monday.');
    // The customer's answer reaches the service's view (a desk service: no other copy to send).
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, 'ok will do, thanks'));
    await expect
      .poll(
        async () =>
          (await apiJson(hub.url, me, `/api/handoffs/${mine.id}`)).body.handoff.messages.map((m: { from: string; text: string }) => `${m.from}: ${m.text}`),
        { timeout: 20_000 },
      )
      .toEqual([`service: Advice Centre (reference ${mine.reference}): Please bring your tenancy agreement on Monday.`, 'customer: ok will do, thanks']);
    const closed = await apiJson(hub.url, me, `/api/handoffs/${mine.id}/close`, {
      method: 'POST',
      body: JSON.stringify({ outcome: 'Benefits check done; claim started' }),
    });
    expect(closed.body.handoff).toMatchObject({ status: 'closed', outcome: 'Benefits check done; claim started' });
    expect((await apiJson(hub.url, me, `/api/handoffs/${mine.id}/accept`, { method: 'POST' })).status).toBe(409);
    // Closed is closed: the service cannot write to the customer from it any more.
    const late = await apiJson(hub.url, me, `/api/handoffs/${mine.id}/reply`, { method: 'POST', body: JSON.stringify({ text: 'One more thing…' }) });
    expect(late.status).toBe(409);
    expect(textsTo(from).join('\n')).not.toContain('One more thing');
    // Its only action closed, the customer's plan is done; a later hand-off starts a new one.
    expect(await db().actionPlan.findUniqueOrThrow({ where: { id: mine.plan.id } })).toMatchObject({ openForCustomer: null, closedAt: expect.any(Date) });
  });

  it('a hand-off redirected in Slack goes to the other service, in the same plan', async () => {
    const { id } = await conversationWithNeeds('+447911200504', ['housing.unsuitable']);
    const handoff = (await handOff(id)).body.handoffs[0];
    expect(handoff.service.name).toBe('Housing Options');
    const post = await slack.waitFor('chat.postMessage', (b) => blocksOf(b).includes(handoff.reference));
    const advice = await db().service.findUniqueOrThrow({ where: { externalId: 'svc-advice' } });
    const res = await postSlackInteraction(
      hub.url,
      blockActionsPayload({
        userId: 'U0SAMPATEL',
        channelId: HOUSING_CHANNEL,
        messageTs: String(post.body.ts ?? (await db().handoff.findUniqueOrThrow({ where: { id: handoff.id } })).slackTs),
        actionId: 'handoff.redirect',
        selectedOption: { value: `${handoff.id}:${advice.id}`, text: 'Advice Centre' },
      }),
    );
    expect(res.status).toBe(200);
    const old = await db().handoff.findUniqueOrThrow({ where: { id: handoff.id }, include: { redirectedTo: { include: { service: true } } } });
    expect(old.status).toBe('redirected');
    expect(old.redirectedTo).toMatchObject({ planId: old.planId, needs: ['housing.unsuitable'], status: expect.stringMatching(/sent|delivered/) });
    expect(old.redirectedTo!.service.name).toBe('Advice Centre');
    expect(old.redirectedTo!.note).toContain('Redirected by Sam Patel (Slack) from Housing Options');
  });

  it('a reply written in Slack’s form reaches the customer; an empty one is refused in the form', async () => {
    const from = '+447911200505';
    const { id } = await conversationWithNeeds(from, ['housing.homeless']);
    const handoff = (await handOff(id)).body.handoffs[0];
    // Pressing Reply opens Slack's form for this hand-off.
    const ts = await expect
      .poll(async () => (await db().handoff.findUniqueOrThrow({ where: { id: handoff.id } })).slackTs, { timeout: 20_000 })
      .toBeTruthy()
      .then(async () => (await db().handoff.findUniqueOrThrow({ where: { id: handoff.id } })).slackTs!);
    const press = blockActionsPayload({ userId: 'U0SAMPATEL', channelId: HOUSING_CHANNEL, messageTs: ts, actionId: 'handoff.reply', value: handoff.id });
    expect((await postSlackInteraction(hub.url, press)).status).toBe(200);
    const opened = await slack.waitFor('views.open', (b) => (b.view as { private_metadata?: string })?.private_metadata === handoff.id);
    expect(opened.body).toMatchObject({ trigger_id: press.trigger_id, view: { type: 'modal', callback_id: 'handoff.reply' } });
    const empty = await postSlackInteraction(
      hub.url,
      viewSubmissionPayload({
        userId: 'U0SAMPATEL',
        callbackId: 'handoff.reply',
        privateMetadata: handoff.id,
        values: { text: { value: { type: 'plain_text_input', value: '  ' } } },
      }),
    );
    expect(empty.status).toBe(200);
    expect(await empty.json()).toMatchObject({ response_action: 'errors' });
    const before = textsTo(from).length;
    const ok = await postSlackInteraction(
      hub.url,
      viewSubmissionPayload({
        userId: 'U0SAMPATEL',
        callbackId: 'handoff.reply',
        privateMetadata: handoff.id,
        values: { text: { value: { type: 'plain_text_input', value: 'Call us on 01632 960000 today.' } } },
      }),
    );
    expect(ok.status).toBe(200);
    await expect.poll(() => textsTo(from).length, { timeout: 20_000 }).toBe(before + 1);
    expect(textsTo(from).at(-1)).toContain('Call us on 01632 960000 today.');
  });
});

describe('the accept-by time (SLA)', () => {
  it('a hand-off not accepted in time is reminded in its Slack thread, then escalated to supervisors', async () => {
    const { id } = await conversationWithNeeds('+447911200507', ['money.debt']);
    const handoff = (await handOff(id)).body.handoffs[0];
    await expect.poll(async () => (await db().handoff.findUniqueOrThrow({ where: { id: handoff.id } })).slackTs, { timeout: 20_000 }).toBeTruthy();
    const { slackTs } = await db().handoff.findUniqueOrThrow({ where: { id: handoff.id } });
    // Its hour has passed (the timer set at creation is an hour away): the sweeper finds it overdue.
    await db().handoff.update({ where: { id: handoff.id }, data: { createdAt: new Date(Date.now() - 3_000), dueAt: new Date(Date.now() - 2_000) } });
    const reminder = await slack.waitFor('chat.postMessage', (b) => b.thread_ts === slackTs && /Reminder/.test(String(b.text)));
    expect(String(reminder.body.text)).toContain(handoff.reference);
    const attention = () => apiJson(hub.url, admin, '/api/handoffs?status=attention').then((r) => r.body.handoffs.map((h: { id: string }) => h.id));
    // Not yet escalated: the supervisor is told only when as long again has passed since the reminder.
    expect(await attention()).not.toContain(handoff.id);
    await expect.poll(async () => (await db().handoff.findUniqueOrThrow({ where: { id: handoff.id } })).escalatedAt, { timeout: 20_000 }).toBeTruthy();
    expect(await attention()).toContain(handoff.id);
    expect((await db().handoffEvent.findMany({ where: { handoffId: handoff.id }, orderBy: { at: 'asc' } })).map((e) => e.kind)).toEqual([
      'created',
      'delivered',
      'reminded',
      'escalated',
    ]);
    // Accepting it takes it off the supervisors' list.
    expect((await apiJson(hub.url, admin, `/api/handoffs/${handoff.id}/accept`, { method: 'POST' })).status).toBe(200);
    expect(await attention()).not.toContain(handoff.id);
  });
});

describe('a hand-off that cannot be delivered', () => {
  it('is marked failed for supervisors, and a supervisor sends it again once Slack is put right', async () => {
    const { id } = await conversationWithNeeds('+447911200514', ['housing.unsuitable']);
    // The bot was removed from the team's channel: Slack refuses, which will not fix itself.
    slack.fail('chat.postMessage', { kind: 'error', error: 'not_in_channel' });
    const handoff = (await handOff(id)).body.handoffs[0];
    await expect.poll(async () => (await db().handoff.findUniqueOrThrow({ where: { id: handoff.id } })).status, { timeout: 20_000 }).toBe('failed');
    const attention = await apiJson(hub.url, admin, '/api/handoffs?status=attention');
    expect(attention.body.handoffs.map((h: { id: string }) => h.id)).toContain(handoff.id);
    const story = await apiJson(hub.url, admin, `/api/handoffs/${handoff.id}`);
    expect(story.body.events.at(-1)).toMatchObject({ kind: 'delivery_failed', detail: { error: 'Slack refused it: not_in_channel' } });
    expect((await apiJson(hub.url, admin, `/api/handoffs/${handoff.id}/resend`, { method: 'POST' })).status).toBe(200);
    await expect.poll(async () => (await db().handoff.findUniqueOrThrow({ where: { id: handoff.id } })).status, { timeout: 20_000 }).toBe('delivered');
    expect(JSON.stringify((await slack.waitFor('chat.postMessage', (b) => blocksOf(b).includes(handoff.reference))).body.blocks)).toContain('handoff.accept');
    // Delivered now: there is nothing to send again.
    expect((await apiJson(hub.url, admin, `/api/handoffs/${handoff.id}/resend`, { method: 'POST' })).status).toBe(409);
  });
});

describe('the customer’s rights over what was handed off', () => {
  async function handedOff(from: string, code: string) {
    const conversation = await conversationWithNeeds(from, [code], 'I need some help please, my name is Jo');
    const made = await handOff(conversation.id, { note: 'Jo prefers texts' });
    expect(made.status).toBe(201);
    return { customerId: conversation.customerId, handoff: made.body.handoffs[0] as { id: string; reference: string } };
  }

  it('the export lists hand-offs with what each service was given; erasure empties them, withdraws open ones and scrubs the Slack copy', async () => {
    const from = '+447911200508';
    const { customerId, handoff } = await handedOff(from, 'housing.homeless');
    await expect.poll(async () => (await db().handoff.findUniqueOrThrow({ where: { id: handoff.id } })).slackTs, { timeout: 20_000 }).toBeTruthy();
    const exported = await apiJson(hub.url, admin, `/api/customers/${customerId}/export`);
    expect(exported.body.handoffs).toEqual([
      expect.objectContaining({ reference: handoff.reference, service: 'Housing Options', needs: ['housing.homeless'], note: 'Jo prefers texts' }),
    ]);
    expect(JSON.stringify(exported.body.handoffs[0].excerpt)).toContain('my name is Jo');
    const customer = await apiJson(hub.url, admin, `/api/customers/${customerId}`);
    expect(customer.body.customer.handoffs).toEqual([expect.objectContaining({ reference: handoff.reference, service: 'Housing Options' })]);

    const { slackTs } = await db().handoff.findUniqueOrThrow({ where: { id: handoff.id } });
    const erased = await apiJson(hub.url, admin, `/api/customers/${customerId}/erase`, {
      method: 'POST',
      body: JSON.stringify({ reason: 'Subject asked for erasure by letter' }),
    });
    expect(erased.status).toBe(200);
    expect(erased.body.erased.handoffs).toBe(1);
    const after = await db().handoff.findUniqueOrThrow({ where: { id: handoff.id } });
    expect(after).toMatchObject({ status: 'closed', note: null, facts: {}, excerpt: [], needs: ['housing.homeless'] });
    const scrubbed = await slack.waitFor('chat.update', (b) => b.ts === slackTs && blocksOf(b).includes('Withdrawn'));
    expect(JSON.stringify(scrubbed.body.blocks)).not.toContain(from);
    expect(JSON.stringify(scrubbed.body.blocks)).not.toContain('Jo');
  });

  it('merging two records moves the hand-offs to the survivor, and undoing it moves them back', async () => {
    const a = await handedOff('+447911200509', 'money.benefits');
    const b = await handedOff('+447911200510', 'education.school');
    const merged = await apiJson(hub.url, admin, `/api/customers/${a.customerId}/merge`, {
      method: 'POST',
      body: JSON.stringify({ absorbId: b.customerId, reason: 'Same person, confirmed by phone' }),
    });
    expect(merged.status).toBe(201);
    expect((await db().handoff.findUniqueOrThrow({ where: { id: b.handoff.id } })).customerId).toBe(a.customerId);
    // One open plan for one person.
    expect(await db().actionPlan.count({ where: { openForCustomer: a.customerId } })).toBe(1);
    const undone = await apiJson(hub.url, admin, `/api/merges/${merged.body.mergeId}/undo`, {
      method: 'POST',
      body: JSON.stringify({ reason: 'Merged by mistake' }),
    });
    expect(undone.status).toBe(200);
    const back = await db().handoff.findUniqueOrThrow({ where: { id: b.handoff.id }, include: { plan: true } });
    expect(back.customerId).toBe(b.customerId);
    expect(back.plan).toMatchObject({ customerId: b.customerId, openForCustomer: b.customerId });
  });
});

describe('webhook delivery', () => {
  it('a receiving system that is down gets the hand-off when it is back, once, with the same delivery id', async () => {
    const from = '+447911200506';
    receiver.down.push({ match: (body) => body.phone === from, times: 2 });
    const mine = () => receiver.received.filter((r) => JSON.parse(r.raw).phone === from);
    const made = await handOff((await conversationWithNeeds(from, ['education.school'])).id);
    expect(made.status).toBe(201);
    const reference = made.body.handoffs[0].reference;
    await expect.poll(() => mine().filter((r) => r.answered === 200).length, { timeout: 15_000 }).toBe(1);
    const attempts = mine();
    expect(attempts.map((a) => a.answered)).toEqual([503, 503, 200]);
    expect(new Set(attempts.map((a) => a.headers['x-contacthub-delivery'])).size).toBe(1);
    for (const a of attempts) expect(JSON.parse(a.raw).service_request_id).toBe(reference);
    await expect.poll(async () => (await db().handoff.findUniqueOrThrow({ where: { reference } })).status).toBe('delivered');
    // Marked sent after its third attempt: the worker and the sweeper skip a sent delivery, so no fourth comes.
    const delivery = await db().handoffDelivery.findFirstOrThrow({ where: { handoff: { reference }, kind: 'handoff' } });
    expect(delivery).toMatchObject({ status: 'sent', attempts: 3 });
    expect(mine()).toHaveLength(3);
  });

  it('a delivery whose queue job was lost (Redis restarted) is found by the sweeper and sent once', async () => {
    const schools = await db().handoff.findFirstOrThrow({ where: { service: { externalId: 'svc-schools' }, status: 'delivered' } });
    // The outbox row is written, but no job exists for it: what a Redis restart leaves behind.
    const lost = await db().handoffDelivery.create({
      data: { handoffId: schools.id, kind: 'reminder', target: 'webhook', createdAt: new Date(Date.now() - 5_000) },
    });
    const got = () => receiver.received.filter((r) => r.headers['x-contacthub-delivery'] === lost.id);
    await expect.poll(() => got().length, { timeout: 20_000 }).toBe(1);
    expect(got()[0]!.headers['x-contacthub-event']).toBe('handoff.reminder');
    await expect.poll(async () => (await db().handoffDelivery.findUniqueOrThrow({ where: { id: lost.id } })).status).toBe('sent');
    // Sent once: recorded as one attempt, and a sent delivery is not picked up by the sweeper again.
    expect((await db().handoffDelivery.findUniqueOrThrow({ where: { id: lost.id } })).attempts).toBe(1);
    expect(got()).toHaveLength(1);
  });

  it('the service’s system accepts, answers the customer and closes through the signed callback; forged and repeated requests do nothing more', async () => {
    const from = '+447911200511';
    const { reference } = (await handOff((await conversationWithNeeds(from, ['education.school'])).id)).body.handoffs[0];
    const callback = (body: object, opts: { secret?: string; id?: string } = {}) => {
      const raw = JSON.stringify(body);
      const timestamp = Math.floor(Date.now() / 1000);
      return fetch(`${hub.url}/webhooks/handoffs/${reference}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-contacthub-timestamp': String(timestamp),
          'x-contacthub-signature': signWebhook(opts.secret ?? WEBHOOK_SECRET, timestamp, raw),
          'x-contacthub-delivery': opts.id ?? 'req-1',
        },
        body: raw,
      });
    };
    const accept = { by: 'Priya Shah', status: 'accepted', message_to_customer: 'We have a place for your son at Hill Primary from Monday.' };
    expect((await callback(accept, { secret: 'not-the-secret-of-this-service-at-all' })).status).toBe(401);
    expect((await db().handoff.findUniqueOrThrow({ where: { reference } })).status).not.toBe('accepted');
    // The desk's hand-off tells the customer who has their details (sent by the outbound worker): counted first.
    await expect.poll(() => textsTo(from).some((t) => t.includes(reference)), { timeout: 20_000 }).toBe(true);
    const before = textsTo(from).length;
    const ok = await callback(accept);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ service_request_id: reference, status: 'accepted', accepted_by: 'Priya Shah (School Admissions)' });
    expect((await callback(accept)).status).toBe(200); // their retry of the same request
    await expect.poll(() => textsTo(from).length, { timeout: 20_000 }).toBe(before + 1);
    expect(textsTo(from).at(-1)).toBe(`School Admissions (reference ${reference}): We have a place for your son at Hill Primary from Monday.`);
    expect((await callback({ by: 'Priya Shah', status: 'closed' }, { id: 'req-2' })).status).toBe(400);
    const closed = await callback({ by: 'Priya Shah', status: 'closed', outcome: 'Place offered and accepted' }, { id: 'req-3' });
    expect(await closed.json()).toMatchObject({ status: 'closed', status_notes: 'Place offered and accepted' });
    // The retried accept and the close wrote nothing to the customer: one service reply in all.
    expect(await db().message.count({ where: { handoff: { reference }, direction: 'outbound' } })).toBe(1);
    expect(textsTo(from).length).toBe(before + 1);
  });
});

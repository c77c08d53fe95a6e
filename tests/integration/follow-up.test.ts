// The quality-of-life follow-up on a real hub: a customer texts, their needs go to services, the services close
// them, and the customer is asked by SMS (fake Twilio) how things are now, whether each service helped, and
// anything else; their answers by number reach the lead agent's desk and each service's hand-off. Never after
// STOP, never while a conversation of theirs is urgent, and a message that is not an answer is taken as any other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { writeDirectory } from '../helpers/directory.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { PUBLIC_BASE_URL, apiJson, createDeskAccount, signIn, startTestHub, testEnv, FOLLOW_UP_AT_ONCE } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';
import { until as untilWithin } from '../helpers/until.ts';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: RunningHub & { url: string };
let admin: string;

beforeAll(async () => {
  database = await createTestDatabase('follow_up');
  twilioApi = await startFakeTwilio();
  const file = await writeDirectory([
    { id: 'svc-housing', name: 'Housing Options', needs: ['housing.homeless'], handoff: { kind: 'desk' } },
    { id: 'svc-money', name: 'Money Advice', needs: ['money.debt'], handoff: { kind: 'desk' } },
    { id: 'svc-food', name: 'Food Bank', needs: ['food.insecurity'], handoff: { kind: 'desk' } },
  ]);
  hub = await startTestHub(
    testEnv({
      DATABASE_URL: database.url,
      TWILIO_API_BASE_URL: twilioApi.url,
      DIRECTORY_PATH: file,
      COUNCIL_NAME: 'Testford Council',
      ...FOLLOW_UP_AT_ONCE,
    }),
  );
  admin = await signIn(hub.url);
}, 120_000);
afterAll(async () => {
  await hub?.stop();
  await twilioApi?.close();
  await database?.drop();
});

const db = () => hub.database.prisma;
const textsTo = (to: string) => twilioApi.requests.filter((r) => r.form.To === to).map((r) => r.form.Body ?? '');
const api = (path: string, init: RequestInit = {}) => apiJson(hub.url, admin, path, init);
const text = async (phone: string, body: string) =>
  expect((await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(phone, body))).status).toBe(200);

/** Waits longer than set-up elsewhere: a follow-up is looked for on a timer. */
const until = (what: string, check: () => Promise<boolean> | boolean, timeoutMs = 20_000) => untilWithin(what, check, timeoutMs);

/** The next text the customer gets that contains `words` (after the ones they have had). */
async function nextText(phone: string, words: string, had: number): Promise<string> {
  let found = '';
  await until(`a text with "${words}"`, () => {
    found =
      textsTo(phone)
        .slice(had)
        .find((t) => t.includes(words)) ?? '';
    return !!found;
  });
  return found;
}

/** A customer who texted, whose needs an agent handed to services: their conversation, plan and hand-offs. */
async function customerWithPlan(phone: string, needs: string[]) {
  await text(phone, 'I need some help please');
  const where = { customer: { contactPoints: { some: { address: phone } } } };
  await until('the conversation', async () => (await db().conversation.count({ where })) === 1);
  const conversation = await db().conversation.findFirstOrThrow({ where });
  for (const code of needs)
    expect((await api(`/api/conversations/${conversation.id}/needs`, { method: 'POST', body: JSON.stringify({ code }) })).status).toBe(201);
  const made = await api(`/api/conversations/${conversation.id}/handoffs`, { method: 'POST', body: JSON.stringify({ consent: true, needs }) });
  expect(made.status).toBe(201);
  const handoffs = made.body.handoffs as { id: string; reference: string; plan: { id: string } }[];
  return { conversationId: conversation.id, customerId: conversation.customerId, planId: handoffs[0]!.plan.id, handoffs };
}

/** The agent closes the conversation, and each service closes its hand-off: the plan is done. */
async function closeAll(plan: Awaited<ReturnType<typeof customerWithPlan>>, meanwhile?: () => Promise<unknown>) {
  const closed = await api(`/api/conversations/${plan.conversationId}/close`, { method: 'POST', body: JSON.stringify({ outcome: 'handed_off' }) });
  expect(closed.status).toBe(200);
  // Whatever happens between the conversation closing and the plan closing (the follow-up is looked for often).
  await meanwhile?.();
  for (const h of plan.handoffs)
    expect((await api(`/api/handoffs/${h.id}/close`, { method: 'POST', body: JSON.stringify({ outcome: 'Done' }) })).status).toBe(200);
  expect((await db().actionPlan.findUniqueOrThrow({ where: { id: plan.planId } })).closedAt).not.toBeNull();
}

describe('the follow-up by SMS', () => {
  it('asks how things are once the plan closes, and the answers reach the lead agent and each service', async () => {
    const phone = '+447911400101';
    const plan = await customerWithPlan(phone, ['housing.homeless', 'money.debt']);
    const had = textsTo(phone).length;
    await closeAll(plan);

    const first = await nextText(phone, 'How are things for you now', had);
    expect(first).toContain('Hello from Testford Council.');
    expect(first).toContain('1 much worse, 2 worse, 3 about the same, 4 better, 5 much better');

    await text(phone, '4');
    const second = await nextText(phone, 'Which of these helped you?', had);
    expect(second).toContain('1 Housing Options, 2 Money Advice');

    await text(phone, '1');
    await nextText(phone, 'Is there anything else you want to tell us?', had);

    await text(phone, 'The new flat is lovely but I am still behind on my bills');
    await nextText(phone, 'Someone from our team will read what you wrote', had);

    // The lead agent's desk: the score, each service, and the customer's own words.
    const desk = await api(`/api/plans/${plan.planId}`);
    expect(desk.status).toBe(200);
    const [followUp, ...more] = desk.body.plan.followUps;
    expect(more).toEqual([]);
    expect(followUp).toMatchObject({
      reason: 'plan_closed',
      step: 'done',
      channel: 'sms',
      wellbeing: 4,
      comment: 'The new flat is lovely but I am still behind on my bills',
      services: [
        { service: 'Housing Options', helped: true },
        { service: 'Money Advice', helped: false },
      ],
    });

    // Each service sees the score and its own answer on its hand-off, never the comment.
    const housing = await api(`/api/handoffs/${plan.handoffs[0]!.id}`);
    expect(housing.body.handoff.feedback).toMatchObject([{ wellbeing: 4, helped: true }]);
    const money = await api(`/api/handoffs/${plan.handoffs[1]!.id}`);
    expect(money.body.handoff.feedback).toMatchObject([{ wellbeing: 4, helped: false }]);
    expect(JSON.stringify([housing.body, money.body])).not.toContain('behind on my bills');

    // A comment is read by a person: the conversation it came in waits for one.
    const answeredIn = await db().followUp.findFirstOrThrow({ where: { planId: plan.planId } });
    const conversation = await db().conversation.findUniqueOrThrow({ where: { id: answeredIn.answeredIn! } });
    expect(conversation).toMatchObject({ status: 'open', handler: 'person' });
    expect(conversation.waitingSince).not.toBeNull();
    // Asked once, however many sweeps ran meanwhile.
    expect(await db().followUp.count({ where: { planId: plan.planId } })).toBe(1);
  });

  it('takes words for numbers, finishes with 0, and leaves no conversation open when nothing was said', async () => {
    const phone = '+447911400102';
    const plan = await customerWithPlan(phone, ['housing.homeless']);
    const had = textsTo(phone).length;
    await closeAll(plan);
    await nextText(phone, 'How are things for you now', had);
    await text(phone, 'Much better thanks');
    expect(await nextText(phone, 'Did Housing Options help you?', had)).toContain('Reply 1 for yes or 2 for no');
    await text(phone, 'yes');
    await nextText(phone, 'Is there anything else', had);
    await text(phone, '0');
    await nextText(phone, 'Thank you for telling us. It helps us do better', had);
    const followUp = await db().followUp.findFirstOrThrow({ where: { planId: plan.planId }, include: { answers: true } });
    expect(followUp).toMatchObject({ step: 'done', wellbeing: 5, comment: null });
    expect(followUp.answers.map((a) => a.helped)).toEqual([true]);
    await expect.poll(() => db().conversation.count({ where: { customerId: plan.customerId, status: 'open' } })).toBe(0);
  });

  it('is never sent after STOP, nor while a conversation is urgent', async () => {
    const stopped = await customerWithPlan('+447911400103', ['housing.homeless']);
    await text('+447911400103', 'STOP');
    await until('STOP recorded', async () => !!(await db().customer.findUniqueOrThrow({ where: { id: stopped.customerId } })).noContactSince);
    const urgent = await customerWithPlan('+447911400104', ['housing.homeless']);
    const asked = await customerWithPlan('+447911400105', ['housing.homeless']);
    await closeAll(stopped);
    // A new conversation of theirs shows danger before the plan closes.
    await closeAll(urgent, () =>
      db().conversation.create({
        // Quiet for two days (not "talking with us"): only its danger keeps the question back.
        data: {
          customerId: urgent.customerId,
          openForCustomer: urgent.customerId,
          channel: 'sms',
          urgentAt: new Date(),
          lastMessageAt: new Date(Date.now() - 2 * 86_400_000),
        },
      }),
    );
    await closeAll(asked);
    // The customer who may be asked is asked: the sweep that did so looked at all three.
    await until('the follow-up', async () => (await db().followUp.count({ where: { planId: asked.planId } })) === 1);
    await until('a later sweep', async () => (await db().followUp.count({ where: { planId: asked.planId } })) === 1);
    expect(await db().followUp.count({ where: { planId: { in: [stopped.planId, urgent.planId] } } })).toBe(0);
  });

  it('takes a message that is not an answer as any other, and danger at once', async () => {
    const phone = '+447911400106';
    const plan = await customerWithPlan(phone, ['housing.homeless']);
    const had = textsTo(phone).length;
    await closeAll(plan);
    await nextText(phone, 'How are things for you now', had);
    await text(phone, 'Who is this? I got evicted again last week and need to talk to someone');
    await until('set aside', async () => (await db().followUp.findFirstOrThrow({ where: { planId: plan.planId } })).step === 'set_aside');
    const open = await db().conversation.findFirstOrThrow({ where: { customerId: plan.customerId, status: 'open' } });
    const message = await db().message.findFirstOrThrow({ where: { conversationId: open.id, direction: 'inbound' } });
    // Not taken as an answer: it went on as a new contact.
    expect(message.followUpId).toBeNull();

    const danger = '+447911400107';
    const second = await customerWithPlan(danger, ['housing.homeless']);
    const before = textsTo(danger).length;
    await closeAll(second);
    await nextText(danger, 'How are things for you now', before);
    // It starts with a number, and is short: without the check for danger it would be read as "much worse".
    await text(danger, '1 he is outside with a knife');
    await until('set aside', async () => (await db().followUp.findFirstOrThrow({ where: { planId: second.planId } })).step === 'set_aside');
    const waiting = await db().conversation.findFirstOrThrow({ where: { customerId: second.customerId, status: 'open' }, include: { messages: true } });
    expect(waiting.messages.map((m) => m.followUpId)).toEqual([null]);
    await expect.poll(async () => (await db().conversation.findUniqueOrThrow({ where: { id: waiting.id } })).waitingSince).not.toBeNull();
    expect((await db().followUp.findFirstOrThrow({ where: { planId: second.planId } })).wellbeing).toBeNull();
  });

  it('can be answered on the plan page instead, in one form', async () => {
    const phone = '+447911400108';
    const plan = await customerWithPlan(phone, ['housing.homeless', 'money.debt']);
    const had = textsTo(phone).length;
    await closeAll(plan);
    await nextText(phone, 'How are things for you now', had);
    expect((await api(`/api/plans/${plan.planId}/links`, { method: 'POST' })).status).toBe(201);
    const token = (await nextText(phone, '/plan/', had)).match(/\/plan\/([A-Za-z0-9_-]{43})/)![1]!;
    const page = await (await fetch(`${hub.url}/plan/${token}`)).text();
    expect(page).toContain('How are things now?');
    expect(page).toContain('Did Housing Options help you?');
    expect(page).toContain('Did Money Advice help you?');

    const post = (fields: Record<string, string>) =>
      fetch(`${hub.url}/plan/${token}/feedback`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: hub.url, 'sec-fetch-site': 'same-origin' },
        body: new URLSearchParams({ requestId: crypto.randomUUID(), ...fields }).toString(),
      });
    const missing = await post({ comment: 'kept' });
    expect(missing.status).toBe(400);
    const again = await missing.text();
    expect(again).toContain('Please say how things are now');
    expect(again).toContain('>kept</textarea>');

    const housing = await db().service.findUniqueOrThrow({ where: { externalId: 'svc-housing' } });
    const money = await db().service.findUniqueOrThrow({ where: { externalId: 'svc-money' } });
    const sent = await post({ wellbeing: '2', [`helped-${housing.id}`]: 'yes', [`helped-${money.id}`]: 'no', comment: 'Still waiting to hear about my debts' });
    expect(sent.status).toBe(303);
    expect(sent.headers.get('location')).toBe(`/plan/${token}?said=feedback`);
    const followUp = await db().followUp.findFirstOrThrow({ where: { planId: plan.planId }, include: { answers: { include: { handoff: true } } } });
    expect(followUp).toMatchObject({ step: 'done', wellbeing: 2, comment: 'Still waiting to hear about my debts' });
    expect(Object.fromEntries(followUp.answers.map((a) => [a.serviceId, a.helped]))).toEqual({ [housing.id]: true, [money.id]: false });
    // The comment reaches a person as the customer's own message.
    await expect
      .poll(() =>
        db().message.count({ where: { channel: 'plan_page', body: 'Still waiting to hear about my debts', conversation: { customerId: plan.customerId } } }),
      )
      .toBe(1);
    const after = await (await fetch(`${hub.url}/plan/${token}?said=feedback`)).text();
    expect(after).toContain('Thank you for telling us how things are.');
    expect(after).not.toContain('How are things now?');
  });

  it('shows in the evidence figures once enough people have answered, and nothing of any one of them', async () => {
    const scores = [4, 5, 4, 3, 4];
    for (const [i, score] of scores.entries()) {
      const phone = `+4479114002${i}0`;
      const plan = await customerWithPlan(phone, ['food.insecurity']);
      const had = textsTo(phone).length;
      await closeAll(plan);
      await nextText(phone, 'How are things for you now', had);
      await text(phone, String(score));
      await nextText(phone, 'Did Food Bank help you?', had);
      await text(phone, '1');
      await nextText(phone, 'Is there anything else', had);
      await text(phone, i === 0 ? 'The food parcels got us through the month' : '0');
      await nextText(phone, 'Thank you for telling us', had);
    }
    const strategy = (await createDeskAccount(hub.url, admin, { name: 'Strategy', role: 'strategy' })).cookie;
    const byNeed = await apiJson(hub.url, strategy, '/api/evidence/outcomes-by-need');
    expect(byNeed.status).toBe(200);
    expect(byNeed.body.rows.find((r: { code: string }) => r.code === 'food.insecurity')).toMatchObject({ answers: 5, averageWellbeing: 4, betterShare: null });
    const byService = await apiJson(hub.url, strategy, '/api/evidence/outcomes-by-service');
    expect(byService.body.rows.find((r: { service: string }) => r.service === 'Food Bank')).toMatchObject({ answers: 5, helpedShare: 1 });
    expect(JSON.stringify([byNeed.body, byService.body])).not.toContain('food parcels');
  }, 180_000);
});

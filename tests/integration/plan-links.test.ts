// The customer's own plan on a real hub: an agent sends the link, the customer gets it by SMS (fake Twilio)
// and opens their plan with it; only the token's hash is kept; links expire, are stopped, and are sent again;
// the page's forms act once per submission, only when sent from the page, only on the link's own plan.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { writeDirectory } from '../helpers/directory.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { PUBLIC_BASE_URL, apiJson, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';
import { until } from '../helpers/until.ts';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: RunningHub & { url: string };
let admin: string;

beforeAll(async () => {
  database = await createTestDatabase('plan_links');
  twilioApi = await startFakeTwilio();
  const file = await writeDirectory([
    { id: 'svc-housing', name: 'Housing Options', needs: ['housing.homeless'], handoff: { kind: 'desk' } },
    { id: 'svc-money', name: 'Money Advice', needs: ['money.debt'], handoff: { kind: 'desk' } },
  ]);
  hub = await startTestHub(
    testEnv({ DATABASE_URL: database.url, TWILIO_API_BASE_URL: twilioApi.url, DIRECTORY_PATH: file, COUNCIL_NAME: 'Testford Council', PLAN_LINK_DAYS: '14' }),
  );
  admin = await signIn(hub.url);
});
afterAll(async () => {
  await hub?.stop();
  await twilioApi?.close();
  await database?.drop();
});

const db = () => hub.database.prisma;
const textsTo = (to: string) => twilioApi.requests.filter((r) => r.form.To === to).map((r) => r.form.Body ?? '');
const api = (path: string, init: RequestInit = {}) => apiJson(hub.url, admin, path, init);

/** A customer who texted about `needs`, with them handed to their services: their conversation and plan. */
async function customerWithPlan(phone: string, needs: string[]): Promise<{ conversationId: string; planId: string; references: string[] }> {
  expect((await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(phone, 'I need some help please'))).status).toBe(200);
  await until('the conversation', async () => (await db().conversation.count({ where: { customer: { contactPoints: { some: { address: phone } } } } })) === 1);
  const conversation = await db().conversation.findFirstOrThrow({ where: { customer: { contactPoints: { some: { address: phone } } } } });
  for (const code of needs)
    expect((await api(`/api/conversations/${conversation.id}/needs`, { method: 'POST', body: JSON.stringify({ code }) })).status).toBe(201);
  const made = await api(`/api/conversations/${conversation.id}/handoffs`, { method: 'POST', body: JSON.stringify({ consent: true, needs }) });
  expect(made.status).toBe(201);
  return {
    conversationId: conversation.id,
    planId: made.body.handoffs[0].plan.id,
    references: made.body.handoffs.map((h: { reference: string }) => h.reference),
  };
}

/** The agent sends a link; resolves with the token from the text the customer got. */
async function sendLink(planId: string, phone: string): Promise<string> {
  const before = textsTo(phone).filter((t) => t.includes('/plan/')).length;
  const sent = await api(`/api/plans/${planId}/links`, { method: 'POST' });
  expect(sent.status).toBe(201);
  await until('the link by SMS', () => textsTo(phone).filter((t) => t.includes('/plan/')).length === before + 1);
  const text = textsTo(phone)
    .filter((t) => t.includes('/plan/'))
    .at(-1)!;
  const match = text.match(/\/plan\/([A-Za-z0-9_-]{43})/);
  expect(match, text).not.toBeNull();
  return match![1]!;
}

const open = (token: string) => fetch(`${hub.url}/plan/${token}`);
/** A form POST from the plan page itself (the browser's Origin and Sec-Fetch-Site). */
const post = (path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(hub.url + path, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: hub.url, 'sec-fetch-site': 'same-origin', ...headers },
    body: new URLSearchParams(fields).toString(),
  });

describe('links to the customer’s own plan', () => {
  const phone = '+447911300101';
  let plan: Awaited<ReturnType<typeof customerWithPlan>>;
  let token: string;

  beforeAll(async () => {
    plan = await customerWithPlan(phone, ['housing.homeless', 'money.debt']);
  });

  it('reach the customer by SMS, open their plan, and are never stored as they are', async () => {
    token = await sendLink(plan.planId, phone);
    const text = textsTo(phone).at(-1)!;
    expect(text).toContain(`Here is your plan from Testford Council: ${PUBLIC_BASE_URL}/plan/${token}`);
    expect(text).toMatch(/The link works until \w+day \d{1,2} \w+\./);

    const page = await open(token);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('x-robots-tag')).toContain('noindex');
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'.*form-action 'self'.*frame-ancestors 'none'/);
    const html = await page.text();
    for (const words of ['Your plan', 'Housing Options', 'Money Advice', 'Homeless or at risk of losing home', 'Debt and arrears', ...plan.references])
      expect(html).toContain(words);
    expect(html).not.toContain('<script');

    // Only the hash is kept; once the text has gone, its stored copy holds no working link either.
    const links = await db().planLink.findMany({ where: { planId: plan.planId } });
    expect(links.map((l) => l.tokenHash)).toEqual([createHash('sha256').update(token).digest('hex')]);
    expect(JSON.stringify(links)).not.toContain(token);
    expect(links[0]!.lastOpenedAt).not.toBeNull();
    await expect
      .poll(async () =>
        (await db().message.findMany({ where: { conversationId: plan.conversationId, body: { contains: '/plan/' } } })).map((m) => m.body).join('\n'),
      )
      .toContain('/plan/(link hidden)');
    expect(await db().message.count({ where: { body: { contains: token } } })).toBe(0);
  });

  it('stop working when they expire, showing only that they stopped', async () => {
    const expiring = await sendLink(plan.planId, phone);
    expect((await open(expiring)).status).toBe(200);
    await db().planLink.updateMany({
      where: { tokenHash: createHash('sha256').update(expiring).digest('hex') },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const page = await open(expiring);
    const html = await page.text();
    expect(page.status).toBe(404);
    expect(html).toContain('This link has stopped working');
    for (const words of ['Housing Options', 'Debt and arrears', ...plan.references]) expect(html).not.toContain(words);
    // The same answer as a link that never existed.
    const unknown = await open('A'.repeat(43));
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('This link has stopped working');
  });

  it('sent again, leave older links working; stopped, none works', async () => {
    const again = await sendLink(plan.planId, phone);
    expect((await open(token)).status).toBe(200);
    expect((await open(again)).status).toBe(200);
    const seen = await api(`/api/plans/${plan.planId}`);
    expect(seen.body.plan.links.working).toBe(2);

    const stopped = await api(`/api/plans/${plan.planId}/links`, { method: 'DELETE' });
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({ revoked: 2, links: { working: 0, worksUntil: null } });
    for (const t of [token, again]) {
      const page = await open(t);
      expect(page.status).toBe(404);
      const html = await page.text();
      expect(html).toContain('This link has stopped working');
      for (const words of ['Housing Options', ...plan.references]) expect(html).not.toContain(words);
    }
    // A change through a stopped link does nothing.
    expect((await post(`/plan/${token}/actions`, { text: 'Too late', requestId: crypto.randomUUID() })).status).toBe(404);
    expect(await db().planAction.count({ where: { planId: plan.planId, text: 'Too late' } })).toBe(0);
    token = await sendLink(plan.planId, phone);
  });

  it('reach a customer who texts PLAN, with a new link; someone with no plan is answered as before', async () => {
    const before = textsTo(phone).filter((t) => t.includes('/plan/')).length;
    expect((await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(phone, 'Plan'))).status).toBe(200);
    await expect.poll(() => textsTo(phone).filter((t) => t.includes('/plan/')).length, { timeout: 15_000 }).toBe(before + 1);
    const asked = textsTo(phone)
      .at(-1)!
      .match(/\/plan\/([A-Za-z0-9_-]{43})/)![1]!;
    expect((await open(asked)).status).toBe(200);
    // The one sent before still works, and the customer's own request is recorded as theirs (no agent).
    expect((await open(token)).status).toBe(200);
    expect((await db().planLink.findFirstOrThrow({ where: { tokenHash: createHash('sha256').update(asked).digest('hex') } })).createdById).toBeNull();

    const stranger = '+447911300999';
    expect((await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(stranger, 'PLAN'))).status).toBe(200);
    // Answered as any message: it waits for a person (so the route step has run).
    await expect
      .poll(() => db().conversation.count({ where: { customer: { contactPoints: { some: { address: stranger } } }, waitingSince: { not: null } } }), {
        timeout: 15_000,
      })
      .toBe(1);
    expect(await db().planLink.count({ where: { plan: { customer: { contactPoints: { some: { address: stranger } } } } } })).toBe(0);
    expect(textsTo(stranger).filter((t) => t.includes('/plan/'))).toEqual([]);
  });
});

describe('the plan page’s forms', () => {
  const phone = '+447911300202';
  const otherPhone = '+447911300303';
  let plan: Awaited<ReturnType<typeof customerWithPlan>>;
  let token: string;

  beforeAll(async () => {
    plan = await customerWithPlan(phone, ['housing.homeless']);
    token = await sendLink(plan.planId, phone);
  });

  it('add an own action once however often the form is sent, and mark it done', async () => {
    const requestId = crypto.randomUUID();
    for (let i = 0; i < 2; i++) {
      const added = await post(`/plan/${token}/actions`, { text: 'I will register with a GP', requestId });
      expect(added.status).toBe(303);
      expect(added.headers.get('location')).toBe(`/plan/${token}?said=added#own`);
    }
    const actions = await db().planAction.findMany({ where: { planId: plan.planId } });
    expect(actions.map((a) => [a.text, a.addedBy])).toEqual([['I will register with a GP', 'customer']]);
    const html = await (await fetch(`${hub.url}/plan/${token}?said=added`)).text();
    expect(html).toContain('I will register with a GP');
    expect(html).toContain('Added to your plan.');

    expect((await post(`/plan/${token}/actions/${actions[0]!.id}/done`, { requestId: crypto.randomUUID() })).status).toBe(303);
    expect((await db().planAction.findUniqueOrThrow({ where: { id: actions[0]!.id } })).doneAt).not.toBeNull();
    // The desk sees it.
    expect((await api(`/api/plans/${plan.planId}`)).body.plan.actions).toMatchObject([{ text: 'I will register with a GP', addedBy: 'customer' }]);
  });

  it('refuse a form from another site, or with no proof it came from the page', async () => {
    const forged = await post(
      `/plan/${token}/actions`,
      { text: 'Forged', requestId: crypto.randomUUID() },
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    );
    expect(forged.status).toBe(403);
    const sameSite = await post(`/plan/${token}/actions`, { text: 'Forged', requestId: crypto.randomUUID() }, { 'sec-fetch-site': 'same-site' });
    expect(sameSite.status).toBe(403);
    const otherOrigin = await post(
      `/plan/${token}/actions`,
      { text: 'Forged', requestId: crypto.randomUUID() },
      { origin: 'https://evil.example', 'sec-fetch-site': '' },
    );
    expect(otherOrigin.status).toBe(403);
    expect(await db().planAction.count({ where: { text: 'Forged' } })).toBe(0);
  });

  it('refuse another plan’s action', async () => {
    const other = await customerWithPlan(otherPhone, ['money.debt']);
    const theirs = await db().planAction.create({ data: { planId: other.planId, text: 'Theirs', addedBy: 'customer', requestId: crypto.randomUUID() } });
    const answer = await post(`/plan/${token}/actions/${theirs.id}/done`, { requestId: crypto.randomUUID() });
    expect(answer.status).toBe(404);
    expect(await answer.text()).toContain('We could not find that on your plan');
    expect((await db().planAction.findUniqueOrThrow({ where: { id: theirs.id } })).doneAt).toBeNull();
  });

  it('keep the words and say what is wrong when an action is empty or too long', async () => {
    const long = 'x'.repeat(301);
    const answer = await post(`/plan/${token}/actions`, { text: long, requestId: crypto.randomUUID() });
    expect(answer.status).toBe(400);
    const html = await answer.text();
    expect(html).toContain('That is too long. Please keep it under 300 characters.');
    expect(html).toContain(`value="${long}"`);
    expect((await post(`/plan/${token}/actions`, { text: '   ', requestId: crypto.randomUUID() })).status).toBe(400);
    expect(await db().planAction.count({ where: { planId: plan.planId } })).toBe(1);
    // A form too large to read is refused in the page's words.
    expect((await post(`/plan/${token}/messages`, { text: 'y'.repeat(20_000), requestId: crypto.randomUUID() })).status).toBe(413);
  });

  it('send the customer’s words to the desk once, as their message in their conversation', async () => {
    const requestId = crypto.randomUUID();
    for (let i = 0; i < 2; i++) {
      const sent = await post(`/plan/${token}/messages`, { text: 'Can someone call me after 3pm?', requestId });
      expect(sent.status).toBe(303);
      expect(sent.headers.get('location')).toBe(`/plan/${token}?said=sent#write`);
    }
    const messages = await db().message.findMany({ where: { conversationId: plan.conversationId, channel: 'plan_page' } });
    expect(messages.map((m) => [m.direction, m.body])).toEqual([['inbound', 'Can someone call me after 3pm?']]);
    const detail = await api(`/api/conversations/${plan.conversationId}`);
    expect(detail.body.conversation.messages.map((m: { body: string }) => m.body)).toContain('Can someone call me after 3pm?');
  });

  it('slow a flood of changes from one link', async () => {
    let refused = 0;
    for (let i = 0; i < 25 && !refused; i++) {
      const answer = await post(`/plan/${token}/actions/${crypto.randomUUID()}/done`, { requestId: crypto.randomUUID() });
      if (answer.status === 429) refused++;
    }
    expect(refused).toBe(1);
  });
});

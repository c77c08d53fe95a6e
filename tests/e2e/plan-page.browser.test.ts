// The customer's own plan in real headless Chromium on a phone-sized screen (390×844): they open the link the
// agent sent by SMS, see each need with its service, status and reference, add what they will do, mark it
// done and write to their lead agent, whose desk shows the message and the action. An expired link and a
// stopped one show only that they stopped. Every page passes axe-core (WCAG 2.2 AA).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createHash } from 'node:crypto';
import { axeViolations, launchChromium, openDesk } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { writeDirectory } from '../helpers/directory.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { ADMIN, PUBLIC_BASE_URL, apiJson, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: RunningHub & { url: string };
let browser: Browser;
let admin: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  database = await createTestDatabase('plan_page_browser');
  twilioApi = await startFakeTwilio();
  const file = await writeDirectory([
    { id: 'svc-housing', name: 'Housing Options', needs: ['housing.homeless'], handoff: { kind: 'desk' } },
    { id: 'svc-money', name: 'Money Advice', needs: ['money.debt'], handoff: { kind: 'desk' } },
  ]);
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, TWILIO_API_BASE_URL: twilioApi.url, DIRECTORY_PATH: file, COUNCIL_NAME: 'Testford Council' }));
  browser = await launchChromium();
  admin = await signIn(hub.url);
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await hub?.stop();
  await twilioApi?.close();
  await database?.drop();
});

const db = () => hub.database.prisma;
const api = (path: string, init: RequestInit = {}) => apiJson(hub.url, admin, path, init);
const linksTo = (to: string) => twilioApi.requests.filter((r) => r.form.To === to && r.form.Body?.includes('/plan/')).map((r) => r.form.Body!);

/** A phone-sized browser (axe needs bypassCSP to inject itself). */
async function phone(options: { axe: boolean } = { axe: true }): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, bypassCSP: options.axe });
  contexts.push(context);
  return context.newPage();
}

async function noSidewaysScroll(page: Page): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
}

describe('the customer’s own plan on a phone', () => {
  const from = '+447911400101';
  let conversationId: string;
  let planId: string;
  let references: string[];

  it('opens from the link, takes an own action and a message to the lead agent, and the desk shows both', { timeout: 180_000 }, async () => {
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, 'We are being evicted and I owe money'));
    await expect.poll(() => db().conversation.count({ where: { customer: { contactPoints: { some: { address: from } } } } }), { timeout: 15_000 }).toBe(1);
    conversationId = (await db().conversation.findFirstOrThrow({ where: { customer: { contactPoints: { some: { address: from } } } } })).id;
    for (const code of ['housing.homeless', 'money.debt'])
      await api(`/api/conversations/${conversationId}/needs`, { method: 'POST', body: JSON.stringify({ code }) });
    const made = await api(`/api/conversations/${conversationId}/handoffs`, { method: 'POST', body: JSON.stringify({ consent: true }) });
    expect(made.status).toBe(201);
    planId = made.body.handoffs[0].plan.id;
    references = made.body.handoffs.map((h: { reference: string }) => h.reference);

    // The lead agent (who handed it on) sends the link from the desk's Services panel.
    const desk = await openDesk(browser, hub.url, ADMIN, { axe: true, viewport: { width: 1366, height: 900 } });
    contexts.push(desk.context);
    await desk.page.getByRole('button', { name: /\+447911400101/ }).click();
    const services = desk.page.getByRole('region', { name: 'Services', exact: true });
    await services.getByText('No link works now.').waitFor({ timeout: 15_000 });
    await services.getByRole('button', { name: 'Send plan link' }).click();
    await services.getByText(/^Link sent\. It works until/).waitFor();
    await expect.poll(() => linksTo(from).length, { timeout: 15_000 }).toBe(1);
    const link = linksTo(from)[0]!.match(/https?:\/\/\S+\/plan\/([A-Za-z0-9_-]{43})/)!;
    const token = link[1]!;

    // The customer opens it on their phone.
    const page = await phone();
    await page.goto(`${hub.url}/plan/${token}`);
    await page.getByRole('heading', { level: 1, name: 'Your plan' }).waitFor();
    const main = page.getByRole('main');
    for (const words of ['Testford Council', 'Housing Options', 'Money Advice', 'Homeless or at risk of losing home', 'Debt and arrears', ...references])
      expect(await page.textContent('body')).toContain(words);
    // The next step as things stand (the desk's services get hand-offs at once, but that may not have happened yet).
    expect(await main.textContent()).toMatch(/Next stepHousing Options (will get your details, then|has your details and will) contact you\./);
    expect(await axeViolations(page)).toEqual([]);
    await noSidewaysScroll(page);

    // An own action, added and then done.
    await page.getByLabel('Add something you will do').fill('I will register with a GP');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Added to your plan.' }).waitFor();
    const action = page.getByRole('listitem').filter({ hasText: 'I will register with a GP' });
    await action.getByRole('button', { name: 'Mark as done: I will register with a GP' }).click();
    await page.getByRole('status').filter({ hasText: 'Marked as done.' }).waitFor();
    expect(await page.getByRole('listitem').filter({ hasText: 'I will register with a GP' }).textContent()).toContain('Done');
    expect(await axeViolations(page)).toEqual([]);

    // A message to the lead agent.
    expect(await page.textContent('body')).toContain('Your message goes to Administrator, your contact at Testford Council.');
    await page.getByLabel('Your message').fill('Please call me after 3pm, not before.');
    await page.getByRole('button', { name: 'Send' }).click();
    await page
      .getByRole('status')
      .filter({ hasText: /^Sent\./ })
      .waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await noSidewaysScroll(page);

    // The desk shows the message in the conversation, and the customer's action in the plan, without a reload.
    await desk.page.getByRole('region', { name: 'Messages and notes' }).getByText('Please call me after 3pm, not before.').waitFor({ timeout: 15_000 });
    await services.locator('#own-actions').getByText('I will register with a GP').waitFor({ timeout: 15_000 });
    expect(await services.locator('#own-actions').textContent()).toContain('Added by the customer · done');
    expect(desk.errors).toEqual([]);
    expect(await axeViolations(desk.page)).toEqual([]);

    // Under its own Content-Security-Policy (no axe), the page shows with its style and breaks no rule.
    const strict = await phone({ axe: false });
    const refused: string[] = [];
    strict.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) refused.push(m.text());
    });
    await strict.goto(`${hub.url}/plan/${token}`);
    await strict.getByRole('heading', { level: 1, name: 'Your plan' }).waitFor();
    expect(await strict.evaluate(() => getComputedStyle(document.querySelector('header')!).backgroundColor)).toBe('rgb(29, 53, 87)');
    expect(refused).toEqual([]);

    // Stopped from the desk: the customer's page says only that it stopped.
    await services.getByRole('button', { name: 'Stop the link working' }).click();
    await services.getByText('No link to this plan works now.').waitFor();
    await page.reload();
    await expectStopped(page, references);
  });

  it('an expired link shows only that it stopped', { timeout: 120_000 }, async () => {
    const sent = await api(`/api/plans/${planId}/links`, { method: 'POST' });
    expect(sent.status).toBe(201);
    await expect.poll(() => linksTo(from).length, { timeout: 15_000 }).toBe(2);
    const token = linksTo(from)[1]!.match(/\/plan\/([A-Za-z0-9_-]{43})/)![1]!;
    const page = await phone();
    await page.goto(`${hub.url}/plan/${token}`);
    await page.getByRole('heading', { level: 1, name: 'Your plan' }).waitFor();
    await db().planLink.update({ where: { tokenHash: createHash('sha256').update(token).digest('hex') }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await page.reload();
    await expectStopped(page, references);
  });

  it('answers how things are on the phone, and the lead agent’s desk shows it', { timeout: 180_000 }, async () => {
    // The plan's follow-up waits for its answers (asked by text; the form on the page answers it as well).
    const handoffs = await db().handoff.findMany({ where: { planId }, orderBy: { createdAt: 'asc' } });
    const plan = await db().actionPlan.findUniqueOrThrow({ where: { id: planId } });
    await db().followUp.create({
      data: {
        planId,
        customerId: plan.customerId,
        reason: 'interval',
        channel: 'sms',
        conversationId,
        expiresAt: new Date(Date.now() + 7 * 86_400_000),
        answers: { create: handoffs.map((h) => ({ handoffId: h.id, serviceId: h.serviceId, needs: h.needs })) },
      },
    });
    const sent = await api(`/api/plans/${planId}/links`, { method: 'POST' });
    expect(sent.status).toBe(201);
    await expect.poll(() => linksTo(from).length, { timeout: 15_000 }).toBe(3);
    const token = linksTo(from)[2]!.match(/\/plan\/([A-Za-z0-9_-]{43})/)![1]!;

    const page = await phone();
    await page.goto(`${hub.url}/plan/${token}`);
    await page.getByRole('heading', { level: 2, name: 'How are things now?' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await noSidewaysScroll(page);
    // Sent without an answer: said plainly, next to the question, and the words written are kept.
    await page.getByLabel('Anything else you want to tell us (optional)').fill('The letter from the council never came');
    await page.getByRole('button', { name: 'Send my answers' }).click();
    await page.getByText('Please say how things are now, from much worse to much better.').waitFor();
    expect(await page.getByLabel('Anything else you want to tell us (optional)').inputValue()).toBe('The letter from the council never came');
    expect(await axeViolations(page)).toEqual([]);

    await page
      .getByRole('group', { name: /things are:/ })
      .getByLabel('Better', { exact: true })
      .check();
    await page.getByRole('group', { name: 'Did Housing Options help you?' }).getByLabel('Yes').check();
    await page.getByRole('group', { name: 'Did Money Advice help you?' }).getByLabel('No').check();
    await page.getByRole('button', { name: 'Send my answers' }).click();
    await page.getByRole('status').filter({ hasText: 'Thank you for telling us how things are.' }).waitFor();
    expect(await page.getByRole('heading', { name: 'How are things now?' }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);

    // The lead agent's desk: the answer in the plan's panel, the comment with it and in the conversation.
    const desk = await openDesk(browser, hub.url, ADMIN, { axe: true, viewport: { width: 1366, height: 900 } });
    contexts.push(desk.context);
    await desk.page.getByRole('button', { name: /\+447911400101/ }).click();
    const answers = desk.page.locator('#follow-ups');
    await answers.getByText('Things are better (4 of 5)').waitFor({ timeout: 15_000 });
    expect(await answers.textContent()).toContain('Housing Options: helped');
    expect(await answers.textContent()).toContain('Money Advice: did not help');
    expect(await answers.textContent()).toContain('The letter from the council never came');
    expect(desk.errors).toEqual([]);
    expect(await axeViolations(desk.page)).toEqual([]);
  });
});

async function expectStopped(page: Page, references: string[]): Promise<void> {
  await page.getByRole('heading', { level: 1, name: 'This link has stopped working' }).waitFor();
  const text = (await page.textContent('body')) ?? '';
  expect(text).toContain('To get a new one, reply PLAN');
  for (const words of ['Housing Options', 'Money Advice', 'Homeless or at risk of losing home', 'Debt and arrears', 'register with a GP', ...references])
    expect(text).not.toContain(words);
  expect(await page.locator('form').count()).toBe(0);
  expect(await axeViolations(page)).toEqual([]);
  await noSidewaysScroll(page);
}

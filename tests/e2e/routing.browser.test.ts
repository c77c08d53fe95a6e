// Routing end to end in real headless Chromium: agents sign in and go available; a customer on the web
// chat asks the bot for a person; the agent with the skill is offered the conversation (the one without
// it never is), accepts by keyboard, replies, and the customer's widget shows the reply; a supervisor
// watches the queue change live; a waiting phone call rings on the desk of an agent whose phone is set.
// Every page passes axe-core.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { axeViolations, launchChromium, openDesk, type OpenDesk } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { PUBLIC_BASE_URL, apiJson, createDeskAccount, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { HUB_NUMBER, TEST_ACCOUNT_SID, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: RunningHub & { url: string };
let browser: Browser;
let admin: string;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  database = await createTestDatabase('routing_browser');
  twilioApi = await startFakeTwilio();
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, BOT_CHANNELS: 'webchat', TWILIO_API_BASE_URL: twilioApi.url }));
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

const account = (displayName: string, role: 'agent' | 'supervisor', skills?: string[]) =>
  createDeskAccount(hub.url, admin, { name: displayName, role, routing: skills ? { skills } : undefined });

async function deskPage(account: { email: string; password: string }): Promise<OpenDesk> {
  const desk = await openDesk(browser, hub.url, account, { axe: true, viewport: { width: 1366, height: 768 } });
  contexts.push(desk.context);
  await desk.page.getByLabel('My status').waitFor();
  return desk;
}

describe('routing on the desk', () => {
  it('offers a web chat to the skilled, available agent, who accepts and replies; a supervisor sees the queue change', async () => {
    const hana = await account('Hana Housing', 'agent', ['housing']);
    const mo = await account('Mo Money', 'agent', ['money']);
    const sue = await account('Sue Supervisor', 'supervisor');

    const supervisor = await deskPage(sue);
    await supervisor.page.getByRole('button', { name: 'Supervisor', exact: true }).click();
    const queueTable = supervisor.page.getByRole('table', { name: 'Waiting for a person, by team' });
    // The first row is the queue any agent may take from; its second cell, how many wait in it (the first also says who is available).
    const anyAgent = queueTable.getByRole('row').nth(1).getByRole('cell');
    await expect.poll(() => anyAgent.first().textContent()).toMatch(/^Any agent/);
    await expect.poll(() => anyAgent.nth(1).textContent()).toBe('0');
    // Agents not signed in are listed too, in words: a supervisor sees who is missing, not only who is there.
    await expect.poll(() => supervisor.page.getByRole('table', { name: 'Agents' }).textContent()).toMatch(/Mo Money\s*Offline\s*none/);

    const money = await deskPage(mo);
    await money.page.getByLabel('My status').selectOption('available');
    const housing = await deskPage(hana);
    await housing.page.getByLabel('My status').selectOption('available');
    await expect.poll(() => housing.page.locator('#presence-note').textContent()).toBe('You are offered conversations.');
    await expect.poll(() => supervisor.page.getByRole('table', { name: 'Agents' }).textContent()).toMatch(/Hana Housing\s*Available/);

    // The customer asks the bot for a person, about somewhere to live.
    const customerContext = await browser.newContext();
    contexts.push(customerContext);
    const customer = await customerContext.newPage();
    await customer.goto(`${hub.url}/chat/demo`);
    await customer.getByRole('button', { name: 'Chat with us' }).click();
    await customer.getByLabel('Your message').fill('My landlord has evicted me and I have nowhere to stay. Can I speak to a person please?');
    await customer.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(() => customer.locator('.chub-council .chub-text').allTextContents(), { timeout: 15_000 })
      .toContainEqual(expect.stringMatching(/passing you to a person/));

    // Hana (housing) is offered it; the supervisor sees it waiting.
    const offer = housing.page.locator('#offer-list li');
    await offer.waitFor({ timeout: 15_000 });
    expect(await offer.textContent()).toMatch(/Web chat/);
    expect(await housing.page.getByRole('status').textContent()).toMatch(/New conversation offered/);
    await expect.poll(() => anyAgent.nth(1).textContent()).toBe('1');
    expect(await axeViolations(housing.page)).toEqual([]);

    // Accepted from the keyboard: the conversation opens with what the customer said.
    await housing.page.keyboard.press('Alt+A');
    await expect.poll(() => housing.page.locator('#assigned-to').textContent()).toBe('You have this conversation.');
    expect(await housing.page.locator('#offer-list li').count()).toBe(0);
    await expect.poll(() => housing.page.locator('#messages li.inbound .body').first().textContent()).toMatch(/evicted/);
    expect(await housing.page.locator('#needs-list').textContent()).toMatch(/Homeless or at risk/);

    await housing.page.getByLabel('Reply', { exact: true }).fill('Hello, I am Hana from housing. Are you safe where you are tonight?');
    await housing.page.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(() => customer.locator('.chub-council .chub-text').allTextContents(), { timeout: 15_000 })
      .toContainEqual('Hello, I am Hana from housing. Are you safe where you are tonight?');

    // A web visitor with no number or email on record: before anything is handed on, Hana is told the services
    // could not get back to them once the chat ends.
    await expect
      .poll(() => housing.page.locator('#handoff-unreachable').textContent())
      .toMatch(/^We have no phone number or email address for them: once this chat ends, the services cannot get back to them\./);

    // The supervisor sees the queue empty and Hana with one chat.
    await expect.poll(() => anyAgent.nth(1).textContent()).toBe('0');
    await expect.poll(() => supervisor.page.getByRole('table', { name: 'Agents' }).textContent()).toMatch(/Hana Housing\s*Available\s*1 Web chat/);
    expect(await axeViolations(supervisor.page)).toEqual([]);

    // Mo (money) was available throughout and was never offered it.
    expect(await money.page.locator('#offer-list li').count()).toBe(0);
    expect(await hub.database.prisma.offer.count({ where: { agentId: mo.id } })).toBe(0);
    await housing.page.screenshot({ path: 'test-results/desk-routing.png' }).catch(() => undefined);
    await supervisor.page.screenshot({ path: 'test-results/desk-supervisor.png' }).catch(() => undefined);
    expect([...housing.errors, ...money.errors, ...supervisor.errors]).toEqual([]);
  });

  it('shows a waiting phone call as ringing for an agent whose phone is set; Answer puts the caller through', async () => {
    const cal = await account('Cal Caller', 'agent');
    expect((await apiJson(hub.url, cal.cookie, '/api/agents/me/voice', { method: 'PUT', body: JSON.stringify({ phone: '+447911123411' }) })).status).toBe(200);
    const desk = await deskPage(cal);
    await desk.page.getByLabel('My status').selectOption('available');
    await expect.poll(() => desk.page.locator('#presence-note').textContent()).toBe('You are offered conversations.');

    // A caller presses 0 for a person: Twilio puts them in the queue, and the hub offers the call.
    const sid = `CA${'7'.repeat(32)}`;
    const from = '+447911200777';
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/voice/gather', {
      AccountSid: TEST_ACCOUNT_SID,
      ApiVersion: '2010-04-01',
      CallSid: sid,
      CallStatus: 'in-progress',
      Direction: 'inbound',
      From: from,
      To: HUB_NUMBER,
      Digits: '0',
    });
    const offer = desk.page.locator('#offer-list li.call-offer');
    await offer.waitFor({ timeout: 15_000 });
    expect(await offer.textContent()).toMatch(/Incoming call · ringing/);
    expect(await desk.page.getByRole('status').textContent()).toMatch(/Incoming call for you/);
    expect(await axeViolations(desk.page)).toEqual([]);

    await desk.page.getByRole('button', { name: /Accept call with/ }).click();
    await expect.poll(() => twilioApi.requests.find((r) => r.path.endsWith(`/Calls/${sid}.json`))?.form.Twiml ?? '').toContain('+447911123411');
    await expect.poll(() => desk.page.locator('#offer-list li').count()).toBe(0);
    expect(desk.errors).toEqual([]);
  });
});

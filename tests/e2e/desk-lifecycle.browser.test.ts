// Closing, reopening and taking conversations, and the supervisor's warning, in real headless Chromium: an agent
// assigns a waiting conversation to themself; the close form offers "handed on to a service" only for a
// conversation that was (and says why not otherwise); a conversation closed while open shows Reopen instead of
// the composer, and reopening brings the composer back; a supervisor is warned, by team and customer, of an
// urgent conversation nobody can be offered, and sees who is available per team; a web-chat customer whose chat
// an agent closes is told so in the widget and can start a new one. Every screen passes axe-core.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchChromium, openDesk } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { ADMIN, apiJson, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { CUSTOMER_WORDING } from '../../hub/wording.ts';
import type { RunningHub } from '../../app/compose.ts';

let database: TestDatabase;
let hub: RunningHub & { url: string };
let browser: Browser;
let admin: string;
const contexts: BrowserContext[] = [];
const LAPTOP = { width: 1366, height: 768 };

beforeAll(async () => {
  database = await createTestDatabase('desk_lifecycle_browser');
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url }));
  browser = await launchChromium();
  admin = await signIn(hub.url);
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await hub?.stop();
  await database?.drop();
});

const db = () => hub.database.prisma;
let nextNumber = 10;

/** A texter's open conversation, written straight into the database, with what they said. */
async function conversation(name: string, options: { waiting?: boolean; teamId?: string; urgent?: boolean; assignedAgentId?: string } = {}) {
  const from = `+4477009${String(nextNumber++).padStart(5, '0')}`;
  const customer = await db().customer.create({ data: { displayName: name, contactPoints: { create: { kind: 'phone', address: from, verifiedBy: 'test' } } } });
  const at = new Date(Date.now() - 7 * 60_000);
  const made = await db().conversation.create({
    data: {
      customerId: customer.id,
      openForCustomer: customer.id,
      channel: 'sms',
      handler: 'person',
      lastMessageAt: at,
      waitingSince: options.waiting ? at : null,
      teamId: options.teamId ?? null,
      urgentAt: options.urgent ? at : null,
      assignedAgentId: options.assignedAgentId ?? null,
    },
  });
  await db().message.create({
    data: {
      conversationId: made.id,
      direction: 'inbound',
      channel: 'sms',
      status: 'received',
      fromAddress: from,
      toAddress: '+441234567890',
      body: `Hello, this is ${name}`,
      createdAt: at,
    },
  });
  return made;
}

async function handOff(conversationId: string, customerId: string) {
  const organization = await db().organization.create({ data: { externalId: `org-${randomBytes(4).toString('hex')}`, name: 'Council' } });
  const service = await db().service.create({
    data: { externalId: `svc-${randomBytes(4).toString('hex')}`, organizationId: organization.id, name: 'Housing Options' },
  });
  const plan = await db().actionPlan.create({ data: { customerId } });
  await db().handoff.create({
    data: {
      reference: randomBytes(4).toString('hex').toUpperCase(),
      planId: plan.id,
      customerId,
      conversationId,
      serviceId: service.id,
      needs: ['housing'],
      consentAt: new Date(),
      dueAt: new Date(Date.now() + 86_400_000),
    },
  });
}

async function deskPage(): Promise<Page> {
  const desk = await openDesk(browser, hub.url, ADMIN, { axe: true, viewport: LAPTOP });
  contexts.push(desk.context);
  await desk.page.locator('#conversation-list li').first().waitFor({ timeout: 15_000 });
  return desk.page;
}

const open = async (page: Page, name: string) => {
  await page
    .getByRole('button', { name: new RegExp(name) })
    .first()
    .click();
  await expect.poll(() => page.locator('#conversation-title').textContent()).toContain(name);
};

const outcomes = (page: Page) => page.getByLabel('Outcome').locator('option').allTextContents();

describe('a conversation’s life on the desk', () => {
  it('assigns a waiting conversation to me, offers only outcomes that happened, and reopens a closed one in place of the composer', async () => {
    const waiting = await conversation('Wanda Waiting', { waiting: true });
    const adminId = (await db().agent.findUniqueOrThrow({ where: { email: ADMIN.email } })).id;
    const handed = await conversation('Hal Handed', { assignedAgentId: adminId });
    await handOff(handed.id, handed.customerId);
    const page = await deskPage();

    // Nobody has it: Assign to me takes it.
    await open(page, 'Wanda Waiting');
    await expect.poll(() => page.locator('#assigned-to').textContent()).toBe('Waiting for a person.');
    await page.getByRole('button', { name: 'Assign to me' }).click();
    await expect.poll(() => page.locator('#assigned-to').textContent()).toBe('You have this conversation.');
    expect(await page.getByRole('button', { name: 'Assign to me' }).count()).toBe(0);
    expect((await db().conversation.findUniqueOrThrow({ where: { id: waiting.id } })).assignedAgentId).toBe(adminId);

    // Not handed on: the close form does not offer it, and says why.
    await page.getByRole('button', { name: 'Close…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Close this conversation' });
    await dialog.waitFor();
    expect(await outcomes(page)).not.toContain('Handed on to a service');
    expect(await dialog.locator('#close-outcome-hint').textContent()).toMatch(/not been handed on/);
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');

    // Handed on: it is offered, with no hint.
    await open(page, 'Hal Handed');
    await expect.poll(() => page.locator('#services-panel').textContent(), { timeout: 15_000 }).toContain('Housing Options');
    await page.getByRole('button', { name: 'Close…' }).click();
    await dialog.waitFor();
    expect(await outcomes(page)).toContain('Handed on to a service');
    expect(await dialog.locator('#close-outcome-hint').count()).toBe(0);
    await page.keyboard.press('Escape');

    // Closed by someone else while it is open here: Reopen shows instead of the composer and Close.
    expect(
      (await apiJson(hub.url, admin, `/api/conversations/${handed.id}/close`, { method: 'POST', body: JSON.stringify({ outcome: 'handed_off' }) })).status,
    ).toBe(200);
    const reopen = page.getByRole('button', { name: 'Reopen' });
    await reopen.waitFor({ timeout: 15_000 });
    expect(await page.locator('#composer').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Close…' }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);

    await reopen.click();
    await page.locator('#composer').waitFor({ state: 'visible' });
    await expect.poll(() => page.locator('#assigned-to').textContent()).toBe('You have this conversation.');
    expect(await page.getByRole('button', { name: 'Close…' }).isVisible()).toBe(true);
    expect((await db().conversation.findUniqueOrThrow({ where: { id: handed.id } })).status).toBe('open');

    // Closed here: focus goes to the heading that says so, not lost with the Close button.
    await page.getByRole('button', { name: 'Close…' }).click();
    await dialog.waitFor();
    await dialog.getByLabel('Outcome').selectOption({ label: 'Handed on to a service' });
    await dialog.getByRole('button', { name: 'Close conversation' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Conversation closed. Choose another.');
  });

  it('warns a supervisor of an urgent conversation waiting for a team with nobody available, naming both', async () => {
    const team = await db().team.create({ data: { name: `Safety ${randomBytes(2).toString('hex')}` } });
    await conversation('Una Urgent', { waiting: true, teamId: team.id, urgent: true });
    const page = await deskPage();
    await page.getByRole('button', { name: 'Supervisor', exact: true }).click();

    const warning = page.getByRole('region', { name: /Urgent and nobody to take it/ });
    await warning.waitFor({ timeout: 15_000 });
    const said = await warning.textContent();
    expect(said).toContain('Una Urgent');
    expect(said).toContain(`Nobody in ${team.name} is signed in and available.`);
    const queues = page.getByRole('table', { name: 'Waiting for a person, by team' });
    expect(await queues.getByRole('row', { name: new RegExp(team.name) }).textContent()).toContain('Nobody available');
    expect(await axeViolations(page)).toEqual([]);

    // Open takes the supervisor to it on the desk, where they can assign it to themself.
    await warning.getByRole('button', { name: /Open the conversation with Una Urgent/ }).click();
    await expect.poll(() => page.locator('#conversation-title').textContent()).toContain('Una Urgent');
    await page.getByRole('button', { name: 'Assign to me' }).click();
    await expect.poll(() => page.locator('#assigned-to').textContent()).toBe('You have this conversation.');
  });

  it('tells a web-chat customer in the widget that an agent ended the chat, and starts a new one when asked', async () => {
    // bypassCSP only so the test can inject axe-core; the page itself runs under the hub's CSP.
    const context = await browser.newContext({ bypassCSP: true });
    contexts.push(context);
    const customer = await context.newPage();
    await customer.goto(`${hub.url}/chat/demo`);
    await customer.getByRole('button', { name: 'Chat with us' }).click();
    await customer.getByLabel('Your message').fill('Is the tip open on Sunday?');
    await customer.getByRole('button', { name: 'Send' }).click();
    const asked = { channel: 'webchat', direction: 'inbound', body: 'Is the tip open on Sunday?' } as const;
    await expect.poll(() => db().message.count({ where: asked }), { timeout: 15_000 }).toBe(1);
    const first = (await db().message.findFirstOrThrow({ where: asked })).conversationId;

    expect((await apiJson(hub.url, admin, `/api/conversations/${first}/close`, { method: 'POST', body: JSON.stringify({ outcome: 'resolved' }) })).status).toBe(
      200,
    );
    await expect.poll(() => customer.locator('.chub-council .chub-text').allTextContents(), { timeout: 15_000 }).toContain(CUSTOMER_WORDING.chatEnded.text);
    const startAgain = customer.getByRole('group', { name: 'Quick replies' }).getByRole('button', { name: CUSTOMER_WORDING.chatEnded.startAgain });
    await startAgain.waitFor();
    expect(await axeViolations(customer)).toEqual([]);

    await startAgain.click();
    const again = { channel: 'webchat', direction: 'inbound', body: CUSTOMER_WORDING.chatEnded.startAgain } as const;
    await expect.poll(() => db().message.count({ where: again }), { timeout: 15_000 }).toBe(1);
    const next = await db().message.findFirstOrThrow({ where: again });
    expect(next.conversationId).not.toBe(first);
    expect((await db().conversation.findUniqueOrThrow({ where: { id: next.conversationId } })).status).toBe('open');
  });
});

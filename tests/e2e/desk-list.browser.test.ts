// The desk's conversation list with thousands open, in real headless Chromium: the Mine and Waiting filters
// show only what they say, paging ("Show more", focus on the first new row) and the search box reach a
// conversation far down, and it opens. The page passes axe-core at a laptop's 1366×768.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchChromium, openDesk } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { ADMIN, startTestHub, testEnv } from '../helpers/hub.ts';
import type { RunningHub } from '../../app/compose.ts';

const OPEN = 2000;
const name = (i: number) => `Resident ${String(i).padStart(4, '0')}`;
const MINE = [7, 420, 1500];
const WAITING = [10, 11];

let database: TestDatabase;
let hub: RunningHub & { url: string };
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  database = await createTestDatabase('desk_list_browser');
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url }));
  browser = await launchChromium();
  const prisma = hub.database.prisma;
  const admin = await prisma.agent.findUniqueOrThrow({ where: { email: ADMIN.email }, select: { id: true } });
  // 2,000 open conversations, straight into the database: Resident 0001 wrote last, Resident 2000 first.
  const now = Date.now();
  const customers = Array.from({ length: OPEN }, (_, k) => ({ id: randomUUID(), displayName: name(k + 1) }));
  await prisma.customer.createMany({ data: customers });
  await prisma.contactPoint.createMany({
    data: customers.map((c, k) => ({ customerId: c.id, kind: 'phone' as const, address: `+4477009${String(k + 1).padStart(5, '0')}`, verifiedBy: 'test' })),
  });
  const conversations = customers.map((c, k) => {
    const i = k + 1;
    const at = new Date(now - i * 60_000);
    return {
      id: randomUUID(),
      customerId: c.id,
      openForCustomer: c.id,
      channel: 'sms' as const,
      handler: 'person' as const,
      lastMessageAt: at,
      createdAt: at,
      assignedAgentId: MINE.includes(i) ? admin.id : null,
      waitingSince: WAITING.includes(i) ? at : null,
    };
  });
  await prisma.conversation.createMany({ data: conversations });
  await prisma.message.createMany({
    data: conversations.map((c, k) => ({
      conversationId: c.id,
      direction: 'inbound' as const,
      channel: 'sms' as const,
      status: 'received' as const,
      fromAddress: `+4477009${String(k + 1).padStart(5, '0')}`,
      toAddress: '+441234567890',
      body: `Question number ${k + 1} about my bins`,
      createdAt: c.lastMessageAt,
    })),
  });
});

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await hub?.stop();
  await database?.drop();
});

async function rowNames(page: Page): Promise<string[]> {
  return page.locator('#conversation-list li strong').allTextContents();
}

describe('the conversation list with thousands open', () => {
  it('filters to my conversations and to those waiting, pages and searches far down, and opens one', async () => {
    const desk = await openDesk(browser, hub.url, ADMIN, { axe: true, viewport: { width: 1366, height: 768 } });
    ({ context } = desk);
    const { page, errors: pageErrors } = desk;

    // All open: the newest first, one page of rows at a time, and the agent is told how many there are.
    const list = page.getByRole('list').filter({ has: page.getByRole('button', { name: /Resident 0001/ }) });
    await list.waitFor({ timeout: 15_000 });
    expect(await page.getByRole('tab', { name: 'All open' }).getAttribute('aria-selected')).toBe('true');
    expect((await rowNames(page)).slice(0, 3)).toEqual([name(1), name(2), name(3)]);
    expect(await page.locator('#conversation-list li').count()).toBe(50);
    expect(await page.locator('#list-count').textContent()).toMatch(/Showing 50 of 500/);

    // Mine: only the three assigned to this agent, however far down the whole list they are.
    await page.getByRole('tab', { name: 'Mine' }).click();
    await expect.poll(() => rowNames(page)).toEqual(MINE.map(name));
    expect(await page.locator('#conversation-list').textContent()).toMatch(/yours/);

    // Waiting: only those waiting for a person.
    await page.getByRole('tab', { name: 'Waiting' }).click();
    await expect.poll(() => rowNames(page)).toEqual(WAITING.map(name));

    // Back to all open, and down the list by keyboard: each "Show more" puts focus on the first new row.
    await page.getByRole('tab', { name: 'All open' }).click();
    await expect.poll(() => page.locator('#conversation-list li').count()).toBe(50);
    const more = page.getByRole('button', { name: /^Show \d+ more conversations$/ });
    for (let shown = 50; shown < 300; shown += 50) {
      await more.focus();
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('#conversation-list li').count()).toBe(shown + 50);
      expect(await page.evaluate(() => document.activeElement?.querySelector('strong')?.textContent)).toBe(name(shown + 1));
    }
    const far = page.getByRole('button', { name: new RegExp(name(287)) });
    await far.scrollIntoViewIfNeeded();
    await far.click();
    await expect.poll(() => page.getByRole('heading', { level: 2, name: `${name(287)} (SMS)` }).isVisible()).toBe(true);
    await expect.poll(() => page.locator('#messages li.inbound .body').textContent()).toBe('Question number 287 about my bins');
    expect(await page.getByRole('button', { name: new RegExp(name(287)) }).getAttribute('aria-current')).toBe('true');

    // The search box finds one further down still, by name or by number.
    await page.getByLabel('Find a conversation').fill('resident 0456');
    await expect.poll(() => rowNames(page)).toEqual([name(456)]);
    await page.getByLabel('Find a conversation').fill('+447700900499');
    await expect.poll(() => rowNames(page)).toEqual([name(499)]);
    await page.getByRole('button', { name: new RegExp(name(499)) }).click();
    await expect.poll(() => page.locator('#messages li.inbound .body').textContent()).toBe('Question number 499 about my bins');
    // One older than the 500 loaded is found by asking the hub: by name, and by the number typed as people say it.
    await page.getByLabel('Find a conversation').fill('resident 1777');
    await expect.poll(() => rowNames(page)).toEqual([name(1777)]);
    await page.getByLabel('Find a conversation').fill('07700 901888');
    await expect.poll(() => rowNames(page)).toEqual([name(1888)]);
    // The agent opens it and, while it loads, goes back to the search box: their typing stays there, and
    // focus is not pulled into the reply box from under them when the conversation arrives.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/conversations/*', async (route) => {
      await held;
      await route.continue();
    });
    await page.getByRole('button', { name: new RegExp(name(1888)) }).click();
    const search = page.getByLabel('Find a conversation');
    await search.focus();
    release();
    await expect.poll(() => page.locator('#messages li.inbound .body').textContent()).toBe('Question number 1888 about my bins');
    // The desk decides where focus goes in the same render that shows the messages: it stayed in the search box.
    expect(await search.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    expect(await search.inputValue()).toBe('');
    await expect.poll(() => page.locator('#conversation-list li').count()).toBe(50);

    await page.screenshot({ path: 'test-results/desk-list.png' }).catch(() => undefined);
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

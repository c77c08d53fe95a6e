// The desk as three panes in real headless Chromium: at a laptop's 1366×768 the list, the conversation and the
// context sit side by side with nothing to scroll on the page, each pane scrolling by itself; the list names
// web visitors by a short number (never their id), quotes the customer's own words (not the bot's answer to
// an urgent text), counts each tab, and marks what the customer wrote since the agent last opened it; at
// 320 px wide one pane shows at a time and nothing is wider than the screen (WCAG 1.4.10).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, launchChromium, openDesk } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { ADMIN, PUBLIC_BASE_URL, startTestHub, testEnv } from '../helpers/hub.ts';
import { seedDesk, type SeededDesk } from '../helpers/desk-seed.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';

let database: TestDatabase;
let hub: RunningHub & { url: string };
let browser: Browser;
let seeded: SeededDesk;

beforeAll(async () => {
  database = await createTestDatabase('desk_panes_browser');
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url }));
  browser = await launchChromium();
  seeded = await seedDesk(hub);
});
afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  await database?.drop();
});

const LAPTOP = { width: 1366, height: 768 };

/** How a scrolling area stands: its own scroll style, how much it holds, how much shows. */
function scrollOf(page: Page, selector: string) {
  return page.locator(selector).evaluate((el) => ({ overflowY: getComputedStyle(el).overflowY, scrollHeight: el.scrollHeight, clientHeight: el.clientHeight }));
}

/** Visible elements whose right edge is past the window's (a little rounding allowed). */
function wider(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('body *')]
      .filter((el) => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.height > 0 && (box.right > innerWidth + 0.5 || box.left < -0.5);
      })
      .map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.getAttribute('class') ?? ''}`),
  );
}

const row = (page: Page, name: RegExp | string) => page.getByRole('button', { name: typeof name === 'string' ? new RegExp(name.replace('+', '\\+')) : name });

describe('the desk at a laptop’s size', () => {
  it('shows the three panes side by side with no page scroll; each pane scrolls by itself and opening does not move the page', async () => {
    const { context, page, errors } = await openDesk(browser, hub.url, ADMIN, { axe: true, viewport: LAPTOP });
    await page.locator('#conversation-list li').first().waitFor({ timeout: 15_000 });

    // Opened from the middle of the list: the conversation shows at its newest message, the page stays put.
    await row(page, seeded.long.name).click();
    await expect
      .poll(() => page.locator('#messages li.inbound .body').last().textContent())
      .toBe('Also the boiler is broken again, is that something you can help with?');
    expect(await page.evaluate(() => [scrollX, scrollY])).toEqual([0, 0]);

    // Nothing to scroll on the page itself, across or down.
    const page_ = await page.evaluate(() => ({
      height: document.scrollingElement!.scrollHeight,
      width: document.scrollingElement!.scrollWidth,
      innerHeight,
      innerWidth,
    }));
    expect(page_.height).toBeLessThanOrEqual(page_.innerHeight);
    expect(page_.width).toBeLessThanOrEqual(page_.innerWidth);

    // Three panes, left to right, each in the window from the header down to the bottom.
    const boxes = await Promise.all(['#list-pane', '#conversation', '#context'].map((s) => page.locator(s).boundingBox()));
    const [list, conversation, side] = boxes.map((b) => b!);
    expect(list!.x + list!.width).toBeLessThanOrEqual(conversation!.x + 1);
    expect(conversation!.x + conversation!.width).toBeLessThanOrEqual(side!.x + 1);
    for (const box of [list!, conversation!, side!]) expect(box.y + box.height).toBeLessThanOrEqual(LAPTOP.height + 0.5);
    // The composer is pinned at the bottom of the conversation, in view.
    const composer = (await page.locator('#composer').boundingBox())!;
    expect(composer.y + composer.height).toBeLessThanOrEqual(LAPTOP.height + 0.5);
    expect(composer.y).toBeGreaterThan(LAPTOP.height / 2);

    // Each pane scrolls by itself: the list and the timeline hold more than they show.
    for (const selector of ['#list-scroll', '#timeline', '#context']) expect(['auto', 'scroll']).toContain((await scrollOf(page, selector)).overflowY);
    const listScroll = await scrollOf(page, '#list-scroll');
    expect(listScroll.scrollHeight).toBeGreaterThan(listScroll.clientHeight);
    const timeline = await scrollOf(page, '#timeline');
    expect(timeline.scrollHeight).toBeGreaterThan(timeline.clientHeight);
    // The timeline opened at its end.
    expect(await page.locator('#timeline').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(2);
    // Scrolling the list moves the list only.
    await page.locator('#list-scroll').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    expect(await page.locator('#list-scroll').evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    expect(await page.locator('#timeline').evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(2);
    expect(await page.evaluate(() => scrollY)).toBe(0);

    await page.screenshot({ path: 'test-results/desk-panes-1366.png' }).catch(() => undefined);
    expect(await axeViolations(page)).toEqual([]);

    // The details of another conversation start at the top, at the customer's name, however far the last were scrolled.
    await expect.poll(() => scrollOf(page, '#context').then((c) => c.scrollHeight > c.clientHeight)).toBe(true);
    await page.locator('#context').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    expect(await page.locator('#context').evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
    await page.locator('#list-scroll').evaluate((el) => el.scrollTo(0, 0));
    await page.locator(`#conversation-list button[data-conversation-id="${seeded.urgent.id}"]`).click();
    await expect.poll(() => page.locator('#assigned-to').count()).toBe(1);
    await expect.poll(() => page.locator('#conversation-title').textContent()).not.toBe(seeded.long.name);
    await expect.poll(() => page.locator('#context').evaluate((el) => el.scrollTop)).toBe(0);
    await row(page, seeded.long.name).click();
    await expect.poll(() => page.locator('#conversation-title').textContent()).toBe(seeded.long.name);

    // The header's actions open over the panes and close with Escape, giving focus back.
    const transfer = page.getByRole('button', { name: 'Transfer…' });
    await transfer.click();
    await page.getByRole('dialog', { name: 'Transfer this conversation' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
    expect(await transfer.evaluate((el) => el === document.activeElement)).toBe(true);
    const calls = page.getByRole('button', { name: 'No one is waiting.' });
    await calls.click();
    await page.getByLabel('Put my calls through to').waitFor();
    expect(await calls.getAttribute('aria-expanded')).toBe('true');
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    expect(await page.getByLabel('Put my calls through to').isVisible()).toBe(false);
    expect(await calls.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.evaluate(() => document.scrollingElement!.scrollHeight <= innerHeight)).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('names a web visitor by a short number and quotes the customer’s own words, urgent first; the tabs count', async () => {
    const { context, page, errors } = await openDesk(browser, hub.url, ADMIN, { viewport: LAPTOP });
    await page.locator('#conversation-list li').first().waitFor({ timeout: 15_000 });

    // The tabs say how many each holds.
    const { mine, waiting, all } = seeded.counts;
    await expect.poll(() => page.getByRole('tab', { name: `Mine ${mine}`, exact: true }).count()).toBe(1);
    expect(await page.getByRole('tab', { name: `Waiting ${waiting}`, exact: true }).count()).toBe(1);
    expect(await page.getByRole('tab', { name: `All open ${all}`, exact: true }).getAttribute('aria-selected')).toBe('true');

    // The web visitor: "Web visitor NNNN", and their visitor id nowhere in the list.
    const visitor = page.locator(`[data-conversation-id="${seeded.visitor.id}"]`);
    expect(await visitor.locator('strong').textContent()).toMatch(/^Web visitor \d{4}$/);
    expect(await page.locator('#list-pane').textContent()).not.toContain(seeded.visitor.visitorId);
    expect(await visitor.textContent()).toContain(seeded.visitor.said);

    // The urgent text comes first and says what the customer wrote, not the bot's emergency answer after it.
    const first = page.locator('#conversation-list li').first().getByRole('button');
    expect(await first.getAttribute('data-conversation-id')).toBe(seeded.urgent.id);
    expect(await first.textContent()).toMatch(/^URGENT/);
    expect(await first.textContent()).toContain(seeded.urgent.said);
    expect(await first.textContent()).not.toContain(seeded.urgent.botSaid);

    // Each row says how long ago, with the exact time to hand.
    const time = first.locator('time');
    expect(await time.textContent()).toMatch(/^(just now|\d+ min ago)$/);
    expect(Number.isNaN(Date.parse((await time.getAttribute('datetime'))!))).toBe(false);
    expect(await time.getAttribute('title')).toBeTruthy();

    // A new conversation: the All open count goes up without a reload.
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields('+447911200555', 'Is the library open late on Thursdays?'));
    await expect.poll(() => page.getByRole('tab', { name: `All open ${all + 1}`, exact: true }).count(), { timeout: 15_000 }).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('marks a conversation unread when the customer writes, clears it when the agent opens it, and remembers', async () => {
    const { context, page, errors } = await openDesk(browser, hub.url, ADMIN, { viewport: LAPTOP });
    await page.locator('#conversation-list li').first().waitFor({ timeout: 15_000 });
    const from = '+447911200666';
    const text = (body: string) => postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, body));
    const unread = (page_: Page) => row(page_, from).getByText('Unread', { exact: true }).count();

    await text('My recycling box was stolen');
    await row(page, from).waitFor({ timeout: 15_000 });
    await expect.poll(() => unread(page)).toBe(1);

    await row(page, from).click();
    await expect.poll(() => page.locator('#messages li.inbound .body').last().textContent()).toBe('My recycling box was stolen');
    await expect.poll(() => unread(page)).toBe(0);

    // Read is kept by the hub: a fresh page says the same.
    await page.reload();
    await row(page, from).waitFor({ timeout: 15_000 });
    expect(await unread(page)).toBe(0);

    // With another conversation open, the customer writes again: unread, live, and their new words show.
    await row(page, seeded.long.name).click();
    await expect.poll(() => page.getByRole('heading', { level: 2, name: seeded.long.name, exact: true }).isVisible()).toBe(true);
    await text('Can I get a new one delivered?');
    await expect.poll(() => unread(page), { timeout: 15_000 }).toBe(1);
    expect(await row(page, from).textContent()).toContain('Can I get a new one delivered?');
    await row(page, from).click();
    await expect.poll(() => unread(page)).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('the desk on a narrow screen', () => {
  it('at 320 px shows one pane at a time, nothing wider than the screen, and Sign out in reach', async () => {
    const { context, page, errors } = await openDesk(browser, hub.url, ADMIN, { axe: true, viewport: { width: 320, height: 640 } });
    await page.locator('#conversation-list li').first().waitFor({ timeout: 15_000 });
    const signOut = page.getByRole('button', { name: 'Sign out', exact: true });
    expect(await signOut.isVisible()).toBe(true);
    const box = (await signOut.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(0);
    expect(box.x + box.width).toBeLessThanOrEqual(320);

    // The list alone.
    expect(await wider(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    expect(await page.locator('#conversation').isVisible()).toBe(false);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/desk-panes-320-list.png' }).catch(() => undefined);

    // The conversation alone, then its details, then back to the list.
    await row(page, seeded.long.name).click();
    await page.getByRole('heading', { level: 2, name: seeded.long.name, exact: true }).waitFor();
    expect(await page.locator('#list-pane').isVisible()).toBe(false);
    expect(await wider(page)).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/desk-panes-320-conversation.png' }).catch(() => undefined);

    await page.getByRole('button', { name: 'Details', exact: true }).click();
    await page.getByRole('region', { name: 'Customer' }).waitFor();
    expect(await page.locator('#conversation').isVisible()).toBe(false);
    expect(await wider(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/desk-panes-320-details.png' }).catch(() => undefined);
    await page.getByRole('button', { name: 'Back to the conversation' }).click();
    await page.getByRole('button', { name: 'Back to conversations' }).click();
    expect(await page.locator('#list-pane').isVisible()).toBe(true);

    // The supervisor's view fits too.
    await page.getByRole('button', { name: 'Supervisor', exact: true }).click();
    await page.getByRole('table', { name: 'Agents' }).waitFor();
    expect(await wider(page)).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});

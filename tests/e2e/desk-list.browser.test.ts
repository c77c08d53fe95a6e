// The desk's conversation list with 10,000 open, in real headless Chromium. The list shows its first rows
// while the rest wait on the hub (a page at a time), keeps only the rows in view in the page however far the
// agent scrolls, reaches the oldest by scrolling, leads with an urgent one however old, and counts each tab
// from the hub. Mine and Waiting show only what they say; the search box finds one far down by name or
// number. The Closed tab lists the most recently closed first, live. The keyboard moves through the rows
// (arrows, j and k, Home, End) and opens one with Enter; `?` opens the sheet of every shortcut, Escape shuts
// it and focus goes back; a row that leaves the list under focus hands focus to the one in its place.
// The time to the first row and the frame times while scrolling are printed (bench/README.md), never asserted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchChromium, openDesk, signInOnDesk } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { ADMIN, apiJson, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { conversationId, residentName as name, residentPhone, seedOpenConversations } from '../helpers/bulk-seed.ts';
import type { RunningHub } from '../../app/compose.ts';

const OPEN = 10_000;
const LABEL = 'desk-list';
const MINE = [7, 420, 9500];
const WAITING = [10, 11, 12, 6000];
/** Urgent, and older than the first pages: it leads the list all the same. */
const URGENT = 8000;
const LAPTOP = { width: 1366, height: 768 };
/** Rows in the page at once (those in view, a few either side, the keyboard's): nowhere near the thousands. */
const ROWS_BOUND = 60;

let database: TestDatabase;
let hub: RunningHub & { url: string };
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  database = await createTestDatabase('desk_list_browser');
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url }));
  browser = await launchChromium();
  const prisma = hub.database.prisma;
  const admin = await prisma.agent.findUniqueOrThrow({ where: { email: ADMIN.email }, select: { id: true } });
  // Resident 00001 wrote last (a minute ago), Resident 10000 first.
  await seedOpenConversations(prisma, { open: OPEN, label: LABEL, assignedTo: { agentId: admin.id, numbers: MINE }, waiting: WAITING, urgent: [URGENT] });
}, 120_000);

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close();
  await hub?.stop();
  await database?.drop();
});

async function desk(): Promise<{ page: Page; errors: string[] }> {
  const opened = await openDesk(browser, hub.url, ADMIN, { axe: true, viewport: LAPTOP });
  contexts.push(opened.context);
  await opened.page.locator('#conversation-list li').first().waitFor({ timeout: 30_000 });
  return opened;
}

const rowNames = (page: Page) => page.locator('#conversation-list li strong').allTextContents();
const row = (page: Page, i: number) => page.getByRole('button', { name: new RegExp(`${name(i)}\\b`) });
const rowCount = (page: Page) => page.locator('#conversation-list li').count();
/** The name on the row that has focus, if a row has it. */
const focusedName = (page: Page) =>
  page.evaluate(() => document.activeElement?.closest('#conversation-list')?.querySelector(':focus strong')?.textContent ?? null);
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

describe('the conversation list with 10,000 open', () => {
  it('shows its first rows, keeps a bounded number in the page while scrolling, reaches the oldest, and counts', async () => {
    const context = await browser.newContext({ bypassCSP: true, viewport: LAPTOP });
    contexts.push(context);
    // When the sign-in form was sent, and when the first row of the list was in the page.
    await context.addInitScript(() => {
      const w = window as unknown as { signInAt?: number; firstRowAt?: number };
      document.addEventListener('submit', () => void (w.signInAt ??= performance.now()), true);
      new MutationObserver(() => {
        if (w.signInAt && !w.firstRowAt && document.querySelector('#conversation-list li')) w.firstRowAt = performance.now();
      }).observe(document, { childList: true, subtree: true });
    });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${hub.url}/desk/`);
    await signInOnDesk(page, ADMIN);
    await page.locator('#conversation-list li').first().waitFor({ timeout: 30_000 });
    const firstRender = await page.evaluate(() => {
      const w = window as unknown as { signInAt: number; firstRowAt: number };
      const list = performance.getEntriesByType('resource').find((e) => /\/api\/conversations\?status=open&limit=/.test(e.name)) as PerformanceResourceTiming;
      return { ms: w.firstRowAt - w.signInAt, firstPageMs: list ? list.responseEnd - list.startTime : null, firstPageBytes: list?.encodedBodySize ?? null };
    });

    // The urgent one leads however old it is, then the newest; the tabs count what the hub holds.
    await expect.poll(() => rowNames(page).then((n) => n.slice(0, 3))).toEqual([name(URGENT), name(1), name(2)]);
    await expect.poll(() => page.getByRole('tab', { name: `All open ${OPEN}`, exact: true }).count()).toBe(1);
    expect(await page.getByRole('tab', { name: `Mine ${MINE.length}`, exact: true }).count()).toBe(1);
    expect(await page.getByRole('tab', { name: `Waiting ${WAITING.length}`, exact: true }).count()).toBe(1);
    // Each row says where it stands among all of them: "1 of 10,000" to a screen reader.
    expect(await page.locator('#conversation-list li').first().getAttribute('aria-setsize')).toBe(String(OPEN));
    expect(await rowCount(page)).toBeLessThan(ROWS_BOUND);

    // Scrolling: 600 frames, 150 px a frame (past the first pages, which load on the way), timed in the page.
    const scrolled = await page.evaluate(
      () =>
        new Promise<{ deltas: number[]; maxRows: number }>((resolve) => {
          const scroller = document.getElementById('list-scroll')!;
          const deltas: number[] = [];
          let maxRows = 0;
          let last = 0;
          const step = (now: number) => {
            if (last) deltas.push(now - last);
            last = now;
            maxRows = Math.max(maxRows, document.querySelectorAll('#conversation-list li').length);
            scroller.scrollTop += 150;
            if (deltas.length < 600) requestAnimationFrame(step);
            else resolve({ deltas, maxRows });
          };
          requestAnimationFrame(step);
        }),
    );
    expect(scrolled.maxRows).toBeLessThan(ROWS_BOUND);
    expect(await page.locator('#list-scroll').evaluate((el) => el.scrollTop)).toBeGreaterThan(10_000);

    // To the bottom, again and again as pages arrive, until the oldest is there; the page never holds more than a screenful or so.
    const scroller = page.locator('#list-scroll');
    let most = 0;
    await expect
      .poll(
        async () => {
          await scroller.evaluate((el) => el.scrollTo(0, el.scrollHeight));
          most = Math.max(most, await rowCount(page));
          return row(page, OPEN).count();
        },
        { timeout: 180_000, interval: 100 },
      )
      .toBe(1);
    expect(most).toBeLessThan(ROWS_BOUND);
    expect(await rowCount(page)).toBeLessThan(ROWS_BOUND);
    expect(await row(page, OPEN).isVisible()).toBe(true);
    // All of them loaded: the loading note is gone, and the last row is the 10,000th.
    await expect.poll(() => page.locator('#list-more').count()).toBe(0);
    expect(await page.locator('#conversation-list li').last().getAttribute('aria-posinset')).toBe(String(OPEN));
    await row(page, OPEN).click();
    await expect.poll(() => page.locator('#messages li.inbound .body').textContent()).toBe(`Question number ${OPEN} about my bins`);

    const sorted = [...scrolled.deltas].sort((a, b) => a - b);
    const figures = {
      firstRowAfterSignInMs: Math.round(firstRender.ms),
      firstPageRequestMs: firstRender.firstPageMs === null ? null : Math.round(firstRender.firstPageMs),
      firstPageKB: firstRender.firstPageBytes === null ? null : Math.round(firstRender.firstPageBytes / 1024),
      frames: sorted.length,
      frameMedianMs: Number(percentile(sorted, 50).toFixed(1)),
      frameP95Ms: Number(percentile(sorted, 95).toFixed(1)),
      frameMaxMs: Number(sorted.at(-1)!.toFixed(1)),
      rowsInPageAtMost: Math.max(scrolled.maxRows, most),
    };
    console.log(`desk list, ${OPEN} open: ${JSON.stringify(figures)}`);
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  }, 300_000);

  it('filters to mine and to those waiting, and finds one far down by name or number', async () => {
    const { page, errors } = await desk();
    await page.getByRole('tab', { name: /^Mine/ }).click();
    await expect.poll(() => rowNames(page)).toEqual(MINE.map(name));
    expect(await page.locator('#conversation-list').textContent()).toMatch(/yours/);
    await page.getByRole('tab', { name: /^Waiting/ }).click();
    await expect.poll(() => rowNames(page)).toEqual(WAITING.map(name));
    await page.getByRole('tab', { name: /^All open/ }).click();
    await expect.poll(() => rowNames(page).then((n) => n[0])).toBe(name(URGENT));

    // Far older than anything loaded: found by asking the hub, by name and by the number typed as people say it.
    const search = page.getByLabel('Find a conversation');
    await search.fill('resident 07777');
    await expect.poll(() => rowNames(page)).toEqual([name(7777)]);
    await search.fill(`0${residentPhone(8888).slice(3, 7)} ${residentPhone(8888).slice(7)}`);
    await expect.poll(() => rowNames(page)).toEqual([name(8888)]);
    // The agent opens it and, while it loads, goes back to the search box: focus is not pulled from under them.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/conversations/*', async (route) => {
      await held;
      await route.continue();
    });
    await row(page, 8888).click();
    await search.focus();
    release();
    await expect.poll(() => page.locator('#messages li.inbound .body').textContent()).toBe('Question number 8888 about my bins');
    expect(await search.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.unroute('**/api/conversations/*');
    await search.fill('');
    await expect.poll(() => rowNames(page).then((n) => n.slice(0, 2))).toEqual([name(URGENT), name(1)]);
    expect(errors).toEqual([]);
  }, 120_000);

  it('moves through the rows by keyboard, opens with Enter, lists every shortcut on ?, and never drops focus', async () => {
    const { page, errors } = await desk();
    const search = page.getByLabel('Find a conversation');

    // Down from the search box to the first row; down, j, up and k move one row; the list is one tab stop.
    await search.focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => focusedName(page)).toBe(name(URGENT));
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => focusedName(page)).toBe(name(1));
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await expect.poll(() => focusedName(page)).toBe(name(3));
    await page.keyboard.press('k');
    await expect.poll(() => focusedName(page)).toBe(name(2));
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => focusedName(page)).toBe(name(1));
    expect(await page.locator('#conversation-list button[tabindex="0"]').count()).toBe(1);
    // End: the last row loaded, scrolled into view; more load behind it as it nears the end.
    await page.keyboard.press('End');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-index'))).not.toBe('1');
    const lastIndex = Number(await page.evaluate(() => document.activeElement?.getAttribute('data-index')));
    expect(lastIndex).toBeGreaterThanOrEqual(99);
    expect(await page.locator('#conversation-list :focus').isVisible()).toBe(true);
    // Scrolled far away with the mouse wheel, the row with focus keeps it; Home brings the first back.
    await page.locator('#list-scroll').evaluate((el) => el.scrollTo(0, 0));
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-index'))).toBe(String(lastIndex));
    await page.keyboard.press('Home');
    await expect.poll(() => focusedName(page)).toBe(name(URGENT));
    expect(await rowCount(page)).toBeLessThan(ROWS_BOUND);

    // ? opens the sheet: a modal dialog, focus inside, every desk shortcut in it.
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => focusedName(page)).toBe(name(1));
    await page.keyboard.press('?');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await sheet.waitFor();
    expect(await page.evaluate(() => !!document.activeElement?.closest('dialog[open]'))).toBe(true);
    const text = (await sheet.textContent()) ?? '';
    for (const keys of ['?', 'Escape', 'j', 'k', 'Home', 'End', 'Enter', 'Ctrl+Enter', 'Alt+A', 'Alt+D', 'Alt+S', 'Page Down']) expect(text).toContain(keys);
    expect(await page.evaluate(() => (document.querySelector('#shortcut-sheet') as HTMLDialogElement).matches(':modal'))).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    // Escape shuts it; focus is back on the row it came from.
    await page.keyboard.press('Escape');
    await expect.poll(() => sheet.count()).toBe(0);
    expect(await focusedName(page)).toBe(name(1));
    // In the search box, ? is text, not a shortcut.
    await search.focus();
    await page.keyboard.type('?');
    expect(await search.inputValue()).toBe('?');
    expect(await sheet.count()).toBe(0);
    await search.fill('');
    // The button at the foot of the list opens it too, and gives focus back to itself.
    const button = page.getByRole('button', { name: /Keyboard shortcuts/ });
    await button.click();
    await sheet.waitFor();
    await page.getByRole('button', { name: 'Close', exact: true }).click();
    await expect.poll(() => sheet.count()).toBe(0);
    expect(await button.evaluate((el) => el === document.activeElement)).toBe(true);

    // Enter opens the row with focus: the conversation shows and the reply box has focus.
    await search.focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => focusedName(page)).toBe(name(1));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#messages li.inbound .body').textContent()).toBe('Question number 1 about my bins');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('reply-text');

    // A row with focus leaves the list (someone closes it): focus goes to the row now in its place.
    await page.getByRole('tab', { name: /^Waiting/ }).click();
    await expect.poll(() => rowNames(page)).toEqual(WAITING.map(name));
    await row(page, 11).focus();
    const cookie = await signIn(hub.url);
    const eleven = await conversationId(hub.database.prisma, LABEL, 11);
    expect(
      (await apiJson(hub.url, cookie, `/api/conversations/${eleven}/close`, { method: 'POST', body: JSON.stringify({ outcome: 'resolved' }) })).status,
    ).toBe(200);
    await expect.poll(() => rowNames(page), { timeout: 15_000 }).toEqual([10, 12, 6000].map(name));
    await expect.poll(() => focusedName(page)).toBe(name(12));
    expect(errors).toEqual([]);
  }, 120_000);

  it('keeps the agent’s place far down the list when they close a conversation there', async () => {
    const { page, errors } = await desk();
    // Far down by keyboard: End twice (the second after the next page arrived), then up one row and open it.
    await page.getByLabel('Find a conversation').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('End');
    await expect.poll(() => page.evaluate(() => Number(document.activeElement?.getAttribute('data-index')))).toBeGreaterThanOrEqual(100);
    await expect.poll(() => page.locator('#conversation-list').evaluate((el) => el.getBoundingClientRect().height)).toBeGreaterThan(300 * 40);
    await page.keyboard.press('End');
    await expect.poll(() => page.evaluate(() => Number(document.activeElement?.getAttribute('data-index')))).toBeGreaterThanOrEqual(300);
    await page.keyboard.press('ArrowUp');
    const chosen = Number((await focusedName(page))?.replace('Resident ', ''));
    expect(chosen).toBeGreaterThanOrEqual(300);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#messages li.inbound .body').textContent()).toBe(`Question number ${chosen} about my bins`);

    await page.getByRole('button', { name: 'Close…' }).click();
    // The desk reads the list's first page again once it is closed: wait for that, and for it to be shown.
    const reread = page.waitForResponse((r) => /\/api\/conversations\?status=open&limit=\d+$/.test(r.url()), { timeout: 15_000 });
    await page.getByRole('button', { name: 'Close conversation' }).click();
    await (await reread).finished();
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
    await expect.poll(() => row(page, chosen).count(), { timeout: 15_000 }).toBe(0);
    // The list reloaded its first page but kept the later ones: the rows around the closed one are still there, in view.
    await expect.poll(() => row(page, chosen + 1).count()).toBe(1);
    expect(await row(page, chosen - 1).isVisible()).toBe(true);
    expect(await row(page, chosen + 1).isVisible()).toBe(true);
    expect(errors).toEqual([]);
  }, 120_000);

  it('lists closed conversations in a Closed tab, the most recently closed first, and opens one', async () => {
    const { page, errors } = await desk();
    const cookie = await signIn(hub.url);
    const close = async (i: number) => {
      const id = await conversationId(hub.database.prisma, LABEL, i);
      expect((await apiJson(hub.url, cookie, `/api/conversations/${id}/close`, { method: 'POST', body: JSON.stringify({ outcome: 'resolved' }) })).status).toBe(
        200,
      );
    };
    await close(7);
    await close(420);

    const closedTab = page.getByRole('tab', { name: 'Closed', exact: true });
    await closedTab.click();
    expect(await closedTab.getAttribute('aria-selected')).toBe('true');
    await expect.poll(() => rowNames(page).then((n) => n.slice(0, 2))).toEqual([name(420), name(7)]);
    expect(await row(page, 420).textContent()).toMatch(/closed (just now|\d+ min ago)/);
    // Closed while the tab is open: it joins at the top without a reload.
    await close(9500);
    await expect.poll(() => rowNames(page).then((n) => n.slice(0, 3)), { timeout: 15_000 }).toEqual([name(9500), name(420), name(7)]);
    // Only closed ones here.
    expect(await rowNames(page)).not.toContain(name(1));
    expect(await page.locator('#list-count').textContent()).toBe('The most recently closed first.');

    await row(page, 420).click();
    await expect.poll(() => page.getByRole('heading', { level: 2, name: name(420), exact: true }).isVisible()).toBe(true);
    await expect.poll(() => page.locator('#messages li.inbound .body').textContent()).toBe('Question number 420 about my bins');
    expect(await axeViolations(page)).toEqual([]);

    // Back to the open ones: the closed are gone from them.
    await page.getByRole('tab', { name: /^Mine/ }).click();
    await expect.poll(() => rowNames(page)).toEqual([]);
    await expect.poll(() => page.locator('#list-count').textContent()).toBe('You have no open conversations.');
    expect(errors).toEqual([]);
  }, 120_000);
});

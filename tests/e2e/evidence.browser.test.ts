// The evidence view in real headless Chromium. An admin adds a strategy account from the admin area; its owner
// signs in and sees only the evidence view: every table with its chart (or, for needs together, its grid), the
// figures in en-GB, a held-back figure said as "fewer than 5" and the rows held back counted; choosing an area
// changes every table; a table downloads as CSV. The page never asks the hub for anything a strategy account may
// not have (no answer is a 403, no live connection), no screen offers a conversation, and opening one by its
// address is refused. Supervisors and admins reach the view from the header. On a phone (390×844) the page is
// no wider than the screen: wide tables scroll inside their own box. Signed out from elsewhere, the page says so
// at its next request. Every screen passes axe (WCAG 2.2 AA).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchChromium, openDesk, signInOnDesk } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { ADMIN, apiJson, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import type { RunningHub } from '../../app/compose.ts';

let database: TestDatabase;
let hub: RunningHub & { url: string };
let browser: Browser;
const contexts: BrowserContext[] = [];
/** One of the seeded conversations: the strategy account must not be able to open it. */
let conversationId: string;
const STRATEGY = { email: 'sasha.strategy@council.example', password: 'copper meadow lantern' };

const DAY = 86_400_000;
/** Ten days ago: inside the default range (the last twelve months). */
const base = new Date(Date.now() - 10 * DAY);
const WELLBEING = [4, 4, 5, 4, 5, 5, 3, 2, 1, 2];

/** As tests/integration/evidence.test.ts seeds it: enough in each row (five or more) for the tables to show it. */
async function seed() {
  const db = hub.database.prisma;
  const org = await db.organization.create({ data: { externalId: `org-${randomBytes(4).toString('hex')}`, name: 'Testford Council' } });
  const service = (name: string) => db.service.create({ data: { externalId: `svc-${randomBytes(4).toString('hex')}`, organizationId: org.id, name } });
  const housing = await service('Housing Options');
  const money = await service('Money Advice');
  // Ten people in TF1, each with somewhere to live and debt in one plan, both handed on, and how things are now.
  for (const [i, wellbeing] of WELLBEING.entries()) {
    const customer = await db.customer.create({ data: { postcode: `TF1 ${i}AA` } });
    const conversation = await db.conversation.create({ data: { customerId: customer.id, channel: i % 2 ? 'sms' : 'webchat', createdAt: base } });
    conversationId = conversation.id;
    for (const code of ['housing.homeless', 'money.debt'])
      await db.need.create({ data: { customerId: customer.id, conversationId: conversation.id, code, source: 'bot', createdAt: base } });
    const plan = await db.actionPlan.create({ data: { customerId: customer.id, createdAt: base, closedAt: new Date(base.getTime() + 3 * DAY) } });
    const handoff = (serviceId: string, needs: string[], accepted: boolean) =>
      db.handoff.create({
        data: {
          reference: randomBytes(4).toString('hex').toUpperCase(),
          planId: plan.id,
          customerId: customer.id,
          conversationId: conversation.id,
          serviceId,
          needs,
          consentAt: base,
          createdAt: base,
          dueAt: new Date(base.getTime() + DAY),
          status: 'closed',
          ...(accepted ? { acceptedAt: new Date(base.getTime() + 2 * 3_600_000) } : {}),
        },
      });
    const h1 = await handoff(housing.id, ['housing.homeless'], true);
    const h2 = await handoff(money.id, ['money.debt'], i < 6);
    await db.followUp.create({
      data: {
        planId: plan.id,
        customerId: customer.id,
        reason: 'plan_closed',
        step: 'done',
        askedAt: new Date(base.getTime() + 4 * DAY),
        expiresAt: new Date(base.getTime() + 11 * DAY),
        answeredAt: new Date(base.getTime() + 4 * DAY),
        wellbeing,
        answers: {
          create: [
            { handoffId: h1.id, serviceId: housing.id, needs: h1.needs, helped: true },
            { handoffId: h2.id, serviceId: money.id, needs: h2.needs, helped: i % 2 === 0 },
          ],
        },
      },
    });
  }
  // Seven people in TF2 short of food, by phone: an area of its own.
  for (const i of [0, 1, 2, 3, 4, 5, 6]) {
    const customer = await db.customer.create({ data: { postcode: `TF2 ${i}BB` } });
    const conversation = await db.conversation.create({ data: { customerId: customer.id, channel: 'voice', createdAt: base } });
    await db.need.create({ data: { customerId: customer.id, conversationId: conversation.id, code: 'food.insecurity', source: 'agent', createdAt: base } });
  }
  // Two in TF3 with their mental health: too few to show anywhere (held back).
  for (const i of [0, 1]) {
    const customer = await db.customer.create({ data: { postcode: `TF3 ${i}CC` } });
    await db.need.create({ data: { customerId: customer.id, code: 'health.mental', source: 'bot', createdAt: base } });
  }
}

beforeAll(async () => {
  database = await createTestDatabase('evidence_browser');
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url }));
  browser = await launchChromium();
  await seed();
  await mkdir('test-results/evidence', { recursive: true });
}, 120_000);
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await hub?.stop();
  await database?.drop();
});

interface Watched {
  page: Page;
  errors: string[];
  /** Every answer from the hub's API, and every attempt at a live connection, after signing in. */
  answers: { url: string; status: number }[];
  sockets: string[];
}

/** The strategy account signed in on the desk, with everything the page asks the hub watched from the start. */
async function strategyDesk(viewport: { width: number; height: number }): Promise<Watched> {
  const context = await browser.newContext({ bypassCSP: true, viewport, acceptDownloads: true });
  contexts.push(context);
  const page = await context.newPage();
  const watched: Watched = { page, errors: [], answers: [], sockets: [] };
  page.on('pageerror', (error) => watched.errors.push(error.message));
  page.on('console', (message) => void (message.type() === 'error' && watched.errors.push(message.text())));
  page.on('request', (request) => void (request.url().includes('/socket.io/') && watched.sockets.push(request.url())));
  page.on('response', (response) => void (response.url().includes('/api/') && watched.answers.push({ url: response.url(), status: response.status() })));
  await page.goto(`${hub.url}/desk/`);
  // Before signing in, the page asks who is signed in and is told nobody (401): that is not what is watched.
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  watched.answers.length = 0;
  watched.errors.length = 0;
  await signInOnDesk(page, STRATEGY);
  await page.getByText('Signed in as Sasha Strategy').waitFor();
  return watched;
}

const section = (page: Page, name: string) => page.locator(`#evidence-${name}`);
/** The cells of a table's body, row by row. */
const rowsOf = (page: Page, name: string) =>
  section(page, name)
    .locator('table.evidence-data:not(.evidence-grid) tbody tr')
    .evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent ?? '')));
/** Every table has loaded: nothing on the page still says it is loading. */
const settled = (page: Page) => expect.poll(() => page.getByText(/^Loading/).count()).toBe(0);

describe('the evidence view', () => {
  it('is given to a strategy account by an admin, and to supervisors and admins from the header', async () => {
    const { page, errors } = await openDesk(browser, hub.url, ADMIN, { axe: true, viewport: { width: 1366, height: 900 } });
    contexts.push(page.context());
    await page.getByRole('button', { name: 'Admin', exact: true }).click();
    const form = page.locator('#new-agent-form');
    await form.getByLabel('Name').fill('Sasha Strategy');
    await form.getByLabel('Email').fill(STRATEGY.email);
    await form.getByLabel('Role').selectOption({ label: 'Managers and strategy (the evidence view only)' });
    await form.getByLabel('First password').fill(STRATEGY.password);
    await form.getByRole('button', { name: 'Add the account' }).click();
    await page.getByRole('status').filter({ hasText: 'Sasha Strategy’s account was added.' }).waitFor();
    const row = page.getByRole('row', { name: /Sasha Strategy/ });
    await expect.poll(() => row.textContent()).toContain('Strategy');
    // Never offered conversations: no routing to set.
    expect(await page.getByRole('button', { name: 'Routing for Sasha Strategy' }).count()).toBe(0);

    // The admin's own header has the view, beside the desk's.
    const nav = page.getByRole('navigation', { name: 'Desk' });
    expect(await nav.getByRole('button').allTextContents()).toEqual(['Conversations', 'Supervisor', 'Evidence', 'Admin', 'Your account']);
    await nav.getByRole('button', { name: 'Evidence' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('evidence-title');
    await settled(page);
    await expect.poll(() => rowsOf(page, 'demand-by-district')).toContainEqual(['TF2', 'Not enough food', 'food.insecurity', '7']);
    expect(await axeViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('shows a strategy account the charts and tables, by area, to download, and nothing else', async () => {
    const { page, errors, answers, sockets } = await strategyDesk({ width: 1366, height: 900 });
    // Only the evidence view, and the account page: no conversations, no status, no calls.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('evidence-title');
    const nav = page.getByRole('navigation', { name: 'Desk' });
    expect(await nav.getByRole('button').allTextContents()).toEqual(['Evidence', 'Your account']);
    expect(await page.locator('#desk, #conversation-list, #presence, .presence').count()).toBe(0);
    expect(await page.locator('#me').isVisible()).toBe(false);
    await settled(page);

    // Nine tables, each with its chart beside it (services has two; needs together, a grid instead).
    const tables = page.locator('section.evidence-table');
    expect(await tables.count()).toBe(9);
    const charts = page.locator('.evidence-chart canvas[role="img"]');
    expect(await charts.count()).toBe(9);
    // Drawn: each canvas has something on it, and says what it pictures.
    for (const canvas of await charts.all()) {
      expect(await canvas.getAttribute('aria-label')).toMatch(/chart.*The table gives the figures/);
      const inked = await canvas.evaluate((c: HTMLCanvasElement) => {
        const { data } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
        let n = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
        return n;
      });
      expect(inked).toBeGreaterThan(500);
    }
    expect(await section(page, 'needs-together').locator('table.evidence-grid th[scope="col"]').allTextContents()).toEqual([
      'Debt and arrears',
      'Homeless or at risk of losing home',
    ]);
    // Real tables: a caption, and headers for columns and rows.
    const byDistrict = section(page, 'demand-by-district');
    expect(await byDistrict.locator('caption').first().textContent()).toMatch(/^Demand by need and area: \d{1,2} \w+ \d{4} to \d{1,2} \w+ \d{4}, all areas$/);
    expect(await byDistrict.locator('thead th[scope="col"]').allTextContents()).toEqual(['Postcode district', 'Need', 'Need code', 'Needs found']);
    expect((await rowsOf(page, 'demand-by-district')).sort()).toEqual([
      ['TF1', 'Debt and arrears', 'money.debt', '10'],
      ['TF1', 'Homeless or at risk of losing home', 'housing.homeless', '10'],
      ['TF2', 'Not enough food', 'food.insecurity', '7'],
    ]);
    // TF3's two are held back, and counted as such.
    expect(await byDistrict.locator('.evidence-held-back').textContent()).toBe('1 row held back (fewer than 5)');
    // en-GB figures: a share as a percentage, an average to two places, a figure held back in words.
    expect(await rowsOf(page, 'outcomes-by-need')).toContainEqual([
      'Homeless or at risk of losing home',
      'housing.homeless',
      '10',
      '3.5',
      '60%',
      'fewer than 5',
    ]);
    expect(await rowsOf(page, 'services')).toContainEqual(['Money Advice', '10', '6', '2', '0', '0', '10', '0', '0', '0', '50%']);
    expect(await axeViolations(page)).toEqual([]);
    // Each table with its chart, for people to look at.
    for (const [i, table] of (await tables.all()).entries()) await table.screenshot({ path: `test-results/evidence/${i + 1}.png` }).catch(() => undefined);

    // One area: every table answers for it alone.
    await page.getByLabel('Area', { exact: true }).selectOption('TF2');
    await page.getByRole('button', { name: 'Show the figures' }).click();
    await expect.poll(() => page.locator('#evidence-shown').textContent()).toMatch(/, postcode district TF2\.$/);
    await settled(page);
    await expect.poll(() => rowsOf(page, 'demand-by-district')).toEqual([['TF2', 'Not enough food', 'food.insecurity', '7']]);
    expect(await rowsOf(page, 'demand-by-channel')).toEqual([['Phone', 'Not enough food', 'food.insecurity', '7']]);
    expect(await byDistrict.locator('caption').first().textContent()).toMatch(/, postcode district TF2$/);
    expect(await section(page, 'services').textContent()).toContain('Nothing to show for');
    expect(await axeViolations(page)).toEqual([]);

    // The table downloads as CSV, for the same area.
    const link = byDistrict.getByRole('link', { name: 'Download CSV (Demand by need and area)' });
    expect(await link.getAttribute('href')).toMatch(
      /^\/api\/evidence\/demand-by-district\?from=\d{4}-\d{2}-\d{2}&to=\d{4}-\d{2}-\d{2}&district=TF2&format=csv$/,
    );
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toMatch(/^demand-by-district_\d{4}-\d{2}-\d{2}_\d{4}-\d{2}-\d{2}_TF2\.csv$/);
    const csv = await readFile((await download.path())!, 'utf8');
    expect(csv.split('\r\n')[0]).toBe('Postcode district,Need,Need code,Needs found');
    expect(csv.split('\r\n')[1]).toBe('TF2,Not enough food,food.insecurity,7');

    // Nothing the page asked for was refused, and it never opened the desk's live connection.
    expect(answers.filter((a) => a.status >= 400)).toEqual([]);
    expect(answers.every((a) => new URL(a.url).pathname.match(/^\/api\/(evidence(\/[\w-]+)?|auth\/me|auth\/login|site)$/))).toBe(true);
    expect(sockets).toEqual([]);
    expect(errors).toEqual([]);
    // A conversation, by its address: refused.
    const opened = await page.goto(`${hub.url}/api/conversations/${conversationId}`);
    expect(opened?.status()).toBe(403);
    const notes = await page.request.get(`${hub.url}/api/conversations/${conversationId}/notes`);
    expect(notes.status()).toBe(403);
  });

  it('fits a phone: the page is no wider than the screen, wide tables scroll in their own box', async () => {
    const { page, errors, answers } = await strategyDesk({ width: 390, height: 844 });
    await settled(page);
    expect(await page.locator('.evidence-chart canvas').count()).toBe(9);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // The services table is wider than the phone: it scrolls inside its box, which a keyboard can reach.
    const box = section(page, 'services').locator('.table-scroll');
    const { scrollWidth, clientWidth } = await box.evaluate((el) => ({ scrollWidth: el.scrollWidth, clientWidth: el.clientWidth }));
    expect(scrollWidth).toBeGreaterThan(clientWidth);
    expect(await box.getAttribute('tabindex')).toBe('0');
    await box.focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => box.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/evidence/phone.png' }).catch(() => undefined);
    expect(answers.filter((a) => a.status >= 400)).toEqual([]);
    expect(errors).toEqual([]);

    // Signed out from elsewhere (no live connection tells this page): the next figures asked for say so.
    const sasha = await hub.database.prisma.agent.findUniqueOrThrow({ where: { email: STRATEGY.email } });
    expect((await apiJson(hub.url, await signIn(hub.url), `/api/agents/${sasha.id}/sign-out`, { method: 'POST' })).status).toBe(200);
    await page.getByLabel('Area', { exact: true }).selectOption('TF1');
    await page.getByRole('button', { name: 'Show the figures' }).click();
    await expect.poll(() => page.locator('#signed-out-notice').textContent()).toMatch(/^You were signed out: your session ended/);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });
});

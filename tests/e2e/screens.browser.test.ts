// Every screen of the desk at a laptop's 1366×768 and a desktop's 1920×1080, in real headless Chromium, with a
// morning's work in it: the agent's view, a conversation open, the supervisor's view, each admin screen and the
// account page. Each passes axe (WCAG 2.2 AA rules) at each size, and is screenshot to test-results/screens/
// for people to look at (the README's picture of the agent view is one of them, copied to docs/).
import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { RunningHub } from '../../app/compose.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { axeViolations, launchChromium, openDesk } from '../helpers/browser.ts';
import { seedDesk, type SeededDesk } from '../helpers/desk-seed.ts';
import { ADMIN, startTestHub, testEnv } from '../helpers/hub.ts';

let database: TestDatabase;
let hub: RunningHub & { url: string };
let browser: Browser;
let seeded: SeededDesk;

beforeAll(async () => {
  database = await createTestDatabase('screens_browser');
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, COUNCIL_NAME: 'Testford Council' }));
  browser = await launchChromium();
  seeded = await seedDesk(hub);
  await mkdir('test-results/screens', { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  await database?.drop();
});

const SIZES = [
  { name: 'laptop', width: 1366, height: 768 },
  { name: 'desktop', width: 1920, height: 1080 },
];

/** The screen's axe violations (none expected), after a screenshot of it for people to look at. */
async function look(page: Page, name: string, size: (typeof SIZES)[number]): Promise<string[]> {
  // Settled: nothing still saying it is loading.
  await expect.poll(() => page.getByText(/^Loading/).count(), { timeout: 15_000 }).toBe(0);
  await page.screenshot({ path: `test-results/screens/${name}-${size.width}x${size.height}.png` });
  return axeViolations(page);
}

describe.each(SIZES)('the desk at $width×$height', (size) => {
  it('shows every screen with no axe violations', async () => {
    const { context, page, errors } = await openDesk(browser, hub.url, ADMIN, { axe: true, viewport: { width: size.width, height: size.height } });
    const found: Record<string, string[]> = {};

    // The agent's view: the list, and a conversation opened from it.
    await page.locator('#conversation-list li').first().waitFor({ timeout: 15_000 });
    found.agent = await look(page, 'agent-view', size);
    await page
      .getByRole('button', { name: new RegExp(seeded.long.name) })
      .first()
      .click();
    await page.getByRole('heading', { level: 2, name: new RegExp(seeded.long.name) }).waitFor();
    found.conversation = await look(page, 'conversation-view', size);

    // The supervisor's view.
    await page.getByRole('button', { name: 'Supervisor', exact: true }).click();
    await page.getByRole('table', { name: 'Agents' }).waitFor();
    found.supervisor = await look(page, 'supervisor-view', size);

    // Each admin screen.
    await page.getByRole('button', { name: 'Admin', exact: true }).click();
    const screens = page.getByRole('navigation', { name: 'Admin screens' }).getByRole('button');
    const names = await screens.allTextContents();
    expect(names.length).toBeGreaterThanOrEqual(5);
    for (const name of names) {
      await page.getByRole('navigation', { name: 'Admin screens' }).getByRole('button', { name, exact: true }).click();
      await expect
        .poll(() => page.getByRole('navigation', { name: 'Admin screens' }).getByRole('button', { name, exact: true }).getAttribute('aria-current'))
        .toBe('page');
      await page
        .getByRole('heading', { level: 3, name })
        .or(page.getByRole('heading', { level: 2, name }))
        .first()
        .waitFor();
      await page.waitForLoadState('networkidle');
      found[`admin ${name}`] = await look(page, `admin-${name.toLowerCase().replace(/\W+/g, '-')}`, size);
    }

    // Everyone's account page.
    await page.getByRole('button', { name: 'Your account', exact: true }).click();
    await page.getByRole('heading', { name: 'Your account' }).first().waitFor();
    found.account = await look(page, 'account', size);

    expect(Object.entries(found).filter(([, violations]) => violations.length)).toEqual([]);
    expect(errors).toEqual([]);
    await context.close();
  });
});

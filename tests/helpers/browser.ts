// Debian's Chromium driven by playwright-core, and axe-core's accessibility check, for the browser tests.
import { createRequire } from 'node:module';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // Without the background-networking flags Chromium keeps trying Google's hosts on this closed network.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/** WCAG 2.2 AA rules axe-core can check, on the page as it is now. The page's context needs bypassCSP to inject axe. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(() =>
    (window as unknown as { axe: { run(opts: object): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }).axe.run({
      runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'],
    }),
  );
  return results.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

export interface OpenDesk {
  context: BrowserContext;
  page: Page;
  /** Script errors the page raised. */
  errors: string[];
}

/**
 * The desk (or `path`) opened in a browser context of its own and signed in through its form. `axe` lets the
 * test inject axe-core (bypassCSP); without it the page runs under the hub's Content-Security-Policy.
 */
export async function openDesk(
  browser: Browser,
  hubUrl: string,
  account: { email: string; password: string },
  options: { axe?: boolean; viewport?: { width: number; height: number }; path?: string } = {},
): Promise<OpenDesk> {
  const context = await browser.newContext({ bypassCSP: options.axe ?? false, ...(options.viewport ? { viewport: options.viewport } : {}) });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${hubUrl}${options.path ?? '/desk/'}`);
  await signInOnDesk(page, account);
  return { context, page, errors };
}

/** Signs in through the desk's own form, as an agent would (the page is already on the desk). */
export async function signInOnDesk(page: Page, account: { email: string; password: string }): Promise<void> {
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

// "Your account" in real headless Chromium: changing the password (errors said in words, other sessions
// ended), an admin lifting a sign-in lock and disabling an account, and a desk whose account is disabled going
// back to the sign-in form with a notice. The page passes axe-core.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { axeViolations, launchChromium, openDesk } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { apiJson, createDeskAccount, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import type { RunningHub } from '../../app/compose.ts';

let database: TestDatabase;
let hub: RunningHub & { url: string };
let browser: Browser;
let admin: string;

beforeAll(async () => {
  database = await createTestDatabase('account_browser');
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url }));
  browser = await launchChromium();
  admin = await signIn(hub.url);
});

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  await database?.drop();
});

describe('your account', () => {
  it('changes the password, saying what is wrong in words, and signs out the other sessions', async () => {
    const ana = await createDeskAccount(hub.url, admin, { name: 'Ana Admin', role: 'admin' });
    const { page, errors } = await openDesk(browser, hub.url, ana, { axe: true });
    await page.getByRole('button', { name: 'Your account' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('account-title');

    const form = page.locator('#password-form');
    const fill = async (current: string, next: string, again: string) => {
      await form.getByLabel('Current password').fill(current);
      await form.getByLabel('New password', { exact: true }).fill(next);
      await form.getByLabel('New password again').fill(again);
      await form.getByRole('button', { name: 'Change password' }).click();
    };
    const alert = page.locator('#password-error');
    await fill(ana.password, 'a fresh long password', 'a fresh long passw0rd');
    await expect.poll(() => alert.textContent()).toBe('The two new passwords are not the same.');
    await fill('not my password at all', 'a fresh long password', 'a fresh long password');
    await expect.poll(() => alert.textContent()).toBe('Your current password is not right.');
    expect(await axeViolations(page)).toEqual([]);

    await fill(ana.password, 'a fresh long password', 'a fresh long password');
    await expect.poll(() => page.locator('#password-done').textContent()).toBe('Password changed. You were signed out everywhere else (1 session).');
    expect(await alert.textContent()).toBe('');
    // The session createDeskAccount signed in (another browser, as it were) has ended.
    expect((await apiJson(hub.url, ana.cookie, '/api/auth/me')).status).toBe(401);
    expect(errors).toEqual([]);
  });

  it('Sign out, in the header of every page, ends the session and goes back to the sign-in form', async () => {
    const sam = await createDeskAccount(hub.url, admin, { name: 'Sam Signout' });
    const { page, context, errors } = await openDesk(browser, hub.url, sam);
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await expect.poll(() => page.locator('#login-form').isVisible()).toBe(true);
    const [session] = (await context.cookies()).filter((c) => c.name === 'ch_session');
    expect(session).toBeUndefined();
    expect(await hub.database.prisma.session.count({ where: { agentId: sam.id } })).toBe(1); // createDeskAccount's own
    expect(errors).toEqual([]);
  });

  it('lets an admin lift a sign-in lock and disable an account; the disabled agent’s open desk goes back to sign-in', async () => {
    const dee = await createDeskAccount(hub.url, admin, { name: 'Dee Agent' });
    const { page: deesPage } = await openDesk(browser, hub.url, dee);
    await deesPage.getByText('Signed in as Dee Agent').waitFor();
    // Dee mistypes five times at another computer (the council's proxy says which).
    for (let i = 0; i < 5; i++)
      await fetch(`${hub.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.77' },
        body: JSON.stringify({ email: dee.email, password: 'a wrong password' }),
      });

    const ana = await createDeskAccount(hub.url, admin, { name: 'Ana Second', role: 'admin' });
    const { page, errors } = await openDesk(browser, hub.url, ana, { axe: true });
    await page.getByRole('button', { name: 'Your account' }).click();
    const lift = page.getByRole('button', { name: `Lift the lock on Dee Agent (${dee.email}) from 198.51.100.77` });
    await lift.waitFor();
    expect(await page.locator('#lock-list').textContent()).toContain('5 wrong passwords in a row for this account from this address');
    expect(await axeViolations(page)).toEqual([]);
    await lift.click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Lifted' }).textContent())
      .toBe(`Lifted: Dee Agent (${dee.email}) can try to sign in from 198.51.100.77 now.`);
    await expect.poll(() => page.getByText('No sign-ins are locked now.').isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Disable Dee Agent' }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'disabled' }).textContent())
      .toBe('Dee Agent is disabled and was signed out everywhere.');
    await expect.poll(() => page.getByRole('row', { name: /Dee Agent/ }).textContent()).toContain('No: disabled');
    // Dee's desk, open all along, is closed and says why.
    await expect.poll(() => deesPage.locator('#signed-out-notice').textContent(), { timeout: 15_000 }).toMatch(/^You were signed out: your session ended/);
    expect(await deesPage.getByRole('button', { name: 'Sign in' }).isVisible()).toBe(true);

    await page.getByRole('button', { name: 'Enable Dee Agent' }).click();
    await expect.poll(() => page.getByRole('row', { name: /Dee Agent/ }).textContent()).toContain('Yes');
    await page.screenshot({ path: 'test-results/account.png', fullPage: true }).catch(() => undefined);
    expect(errors).toEqual([]);
  });
});

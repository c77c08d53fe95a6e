// The desk's admin area in real headless Chromium: an admin adds an account (a weak password refused in the
// hub's words) whose owner then signs in; sets its routing and a new password; changes a team's hours (a bad
// value refused with the reason); reads the audit log, which shows the account being added; adds a canned
// response; imports a directory file and reads its report. Every screen passes axe-core. A supervisor gets
// the area without the audit log; a plain agent gets no Admin link, and the API refuses them. From the screens
// alone, an admin sets up a team, an agent with skills in it, a directory and a service account that then
// sees its service's hand-offs.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { axeViolations, launchChromium, openDesk } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { ADMIN, apiJson, createDeskAccount, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import type { RunningHub } from '../../app/compose.ts';

let database: TestDatabase;
let hub: RunningHub & { url: string };
let browser: Browser;
let admin: string;

beforeAll(async () => {
  database = await createTestDatabase('admin_browser');
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url }));
  browser = await launchChromium();
  admin = await signIn(hub.url);
});

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  await database?.drop();
});

const said = (page: Page, text: string) => page.getByRole('status').filter({ hasText: text });

async function openScreen(page: Page, name: string) {
  await page.getByRole('navigation', { name: 'Admin screens' }).getByRole('button', { name, exact: true }).click();
  await expect.poll(() => page.locator('#admin-screen-title').textContent()).toBe(name);
  await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('admin-screen-title');
}

describe('the admin area', () => {
  it('adds an account whose owner can then sign in, sets its routing and a new password', async () => {
    const team = await apiJson(hub.url, admin, '/api/teams', { method: 'POST', body: JSON.stringify({ name: 'Housing team' }) });
    expect(team.status).toBe(201);
    const { page, errors } = await openDesk(browser, hub.url, ADMIN, { axe: true });
    await page.getByRole('button', { name: 'Admin', exact: true }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('admin-title');
    await page.locator('#admin-agent-list').waitFor();
    expect(await axeViolations(page)).toEqual([]);

    const form = page.locator('#new-agent-form');
    await form.getByLabel('Name').fill('Nia Newcomer');
    await form.getByLabel('Email').fill('nia.newcomer@council.example');
    await form.getByLabel('Role').selectOption('agent');
    await form.getByLabel('First password').fill('password1234');
    await form.getByRole('button', { name: 'Add the account' }).click();
    // The hub's own reason, as it gave it.
    await expect.poll(() => page.locator('#new-agent-error').textContent()).toMatch(/^This is one of the most common passwords/);
    expect(await axeViolations(page)).toEqual([]);
    await form.getByLabel('First password').fill('lantern pebble quietly');
    await form.getByRole('button', { name: 'Add the account' }).click();
    await said(page, 'account was added').waitFor();
    expect(await said(page, 'account was added').textContent()).toBe('Nia Newcomer’s account was added.');
    expect(await page.locator('#new-agent-error').textContent()).toBe('');
    await expect.poll(() => page.getByRole('row', { name: /Nia Newcomer/ }).textContent()).toContain('nia.newcomer@council.example');

    // Nia signs in on her own desk, and sees no Admin link.
    const nia = await openDesk(browser, hub.url, { email: 'nia.newcomer@council.example', password: 'lantern pebble quietly' });
    await nia.page.getByText('Signed in as Nia Newcomer').waitFor();
    expect(await nia.page.getByRole('button', { name: 'Admin', exact: true }).count()).toBe(0);

    // Routing: into the housing team, two web chats at once.
    await page.getByRole('button', { name: 'Routing for Nia Newcomer' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('routing-title');
    const routing = page.locator('#routing-form');
    await routing.getByLabel('Housing team').check();
    await routing.getByLabel('Home repairs or disrepair').check();
    await routing.getByLabel('Web chat', { exact: true }).fill('2');
    expect(await axeViolations(page)).toEqual([]);
    await routing.getByRole('button', { name: 'Save routing' }).click();
    await said(page, 'Routing saved for Nia Newcomer.').waitFor();
    await expect.poll(() => page.getByRole('row', { name: /Nia Newcomer/ }).textContent()).toContain('Housing team');
    // Role and status in words, not codes.
    expect(await page.getByRole('row', { name: /Nia Newcomer/ }).textContent()).toMatch(/Agent.*Housing team(Available|Offline|Away|Busy)Yes/);
    const saved = (await apiJson(hub.url, admin, '/api/agents')).body.agents.find((a: { displayName: string }) => a.displayName === 'Nia Newcomer');
    expect(saved).toMatchObject({ skills: ['housing.repairs'], capacity: expect.objectContaining({ webchat: 2 }), teams: [{ name: 'Housing team' }] });

    await page.screenshot({ path: 'test-results/admin-agents.png', fullPage: true }).catch(() => undefined);
    // A forgotten password: Nia's open desk is signed out.
    await page.getByRole('button', { name: 'New password for Nia Newcomer' }).click();
    const reset = page.locator('#reset-form');
    await reset.getByLabel('New password').fill('harbour violet compass');
    await reset.getByRole('button', { name: 'Set the password' }).click();
    await said(page, 'New password set').waitFor();
    expect(await said(page, 'New password set').textContent()).toBe('New password set for Nia Newcomer. They were signed out everywhere (1 session).');
    await expect.poll(() => nia.page.locator('#signed-out-notice').textContent(), { timeout: 15_000 }).toMatch(/^You were signed out/);
    expect(errors).toEqual([]);
    expect(nia.errors).toEqual([]);
  });

  it('changes a team’s hours, showing why a bad value is refused', async () => {
    const { page, errors } = await openDesk(browser, hub.url, ADMIN, { axe: true });
    await page.getByRole('button', { name: 'Admin', exact: true }).click();
    await openScreen(page, 'Teams');
    await page.getByRole('button', { name: 'Change Housing team' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('team-edit-title');
    const form = page.locator('#team-edit-form');
    await form.getByLabel('Opening hours').fill('Mo-Fr 25:00-17:00');
    await form.getByRole('button', { name: 'Save the team' }).click();
    await expect.poll(() => page.locator('#team-edit-error').textContent()).toContain('"25:00-17:00" is not a time range like 09:00-17:00');
    expect(await form.getByLabel('Opening hours').getAttribute('aria-invalid')).toBe('true');
    expect(await axeViolations(page)).toEqual([]);

    await form.getByLabel('Opening hours').fill('Mo-Fr 08:00-18:00; PH off');
    await form.getByRole('button', { name: 'Save the team' }).click();
    await said(page, 'Housing team saved.').waitFor();
    await expect.poll(() => page.getByRole('row', { name: /Housing team/ }).textContent()).toContain('Mo-Fr 08:00-18:00; PH off');
    await page.screenshot({ path: 'test-results/admin-teams.png', fullPage: true }).catch(() => undefined);
    // Focus goes back to the button that opened the form.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Change Housing team');

    // A new team, from the form below.
    const add = page.locator('#team-new-form');
    await add.getByLabel('Name').fill('Money team');
    await add.getByLabel('Money', { exact: true }).check();
    await add.getByRole('button', { name: 'Add the team' }).click();
    await said(page, 'Money team added.').waitFor();
    await expect.poll(() => page.getByRole('row', { name: /Money team/ }).textContent()).toContain('Money (all)');
    expect(errors).toEqual([]);
  });

  it('shows the audit log, with the account being added, and the other screens', async () => {
    const { page, errors } = await openDesk(browser, hub.url, ADMIN, { axe: true });
    await page.getByRole('button', { name: 'Admin', exact: true }).click();
    await openScreen(page, 'Audit log');
    await page.locator('#audit-list').waitFor();
    await page.getByLabel('Action').selectOption('agent_create');
    await page.getByRole('button', { name: 'Show events' }).click();
    await said(page, '1 event shown.').waitFor();
    const created = page.getByRole('row').filter({ hasText: 'Nia Newcomer (' });
    const nia = (await apiJson(hub.url, admin, '/api/agents')).body.agents.find((a: { displayName: string }) => a.displayName === 'Nia Newcomer');
    const cells = await created.locator('th, td').allTextContents();
    expect(cells.slice(1, 4)).toEqual(['Administrator (admin@council.example)', 'agent create', '']);
    const detail = await created
      .locator('dl > div')
      .evaluateAll((pairs) => pairs.map((d) => `${d.querySelector('dt')?.textContent}: ${d.querySelector('dd')?.textContent}`));
    expect(detail.sort()).toEqual([`agent: Nia Newcomer (${nia.id})`, 'role: agent']);
    await page.screenshot({ path: 'test-results/admin-audit.png', fullPage: true }).catch(() => undefined);
    // Detail is text: a value is never markup.
    expect(await page.locator('#audit-list').evaluate((t) => t.querySelector('dd b, dd script, dd img'))).toBeNull();
    expect(await axeViolations(page)).toEqual([]);

    await openScreen(page, 'Canned responses');
    const canned = page.locator('#canned-new-form');
    await canned.getByLabel('Title').fill('Greeting');
    await canned.getByLabel('Text').fill('Hello {firstname}');
    await canned.getByRole('button', { name: 'Add the response' }).click();
    await expect.poll(() => page.locator('#canned-new-error').textContent()).toContain('Unknown placeholder {firstname}');
    await canned.getByLabel('Text').fill('Hello {first_name}, this is {agent_name}.');
    await canned.getByLabel('Who sees it').selectOption({ label: 'Housing team only' });
    await canned.getByRole('button', { name: 'Add the response' }).click();
    await said(page, '“Greeting” added.').waitFor();
    await expect.poll(() => page.getByRole('row', { name: /Greeting/ }).textContent()).toContain('Housing team');
    expect(await axeViolations(page)).toEqual([]);

    await openScreen(page, 'Service directory');
    expect(await page.locator('#directory-export').getAttribute('href')).toBe('/api/directory');
    await page
      .getByLabel('Directory file (Open Referral UK or HSDS JSON)')
      .setInputFiles(path.resolve(import.meta.dirname, '../fixtures/directory/oruk-service.json'));
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.locator('#import-report').waitFor();
    await expect.poll(() => page.locator('#import-rows').textContent()).toContain('Family Hub Drop-in');
    await expect.poll(() => page.locator('#admin-service-list').textContent()).toContain('Family Hub Drop-in');
    expect(await axeViolations(page)).toEqual([]);

    await page.screenshot({ path: 'test-results/admin-directory.png', fullPage: true }).catch(() => undefined);
    // A file that is not JSON is refused before it is sent.
    await page
      .getByLabel('Directory file (Open Referral UK or HSDS JSON)')
      .setInputFiles({ name: 'x.json', mimeType: 'application/json', buffer: Buffer.from('{oops') });
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await expect.poll(() => page.locator('#import-error').textContent()).toMatch(/^The file is not JSON/);
    expect(errors).toEqual([]);
  });

  it('gives a supervisor the area without the audit log or admin-only actions; a plain agent none, and the API refuses them', async () => {
    const sue = await createDeskAccount(hub.url, admin, { name: 'Sue Supervisor', role: 'supervisor' });
    const { page, errors } = await openDesk(browser, hub.url, sue, { axe: true });
    await page.getByRole('button', { name: 'Admin', exact: true }).click();
    await page.locator('#admin-agent-list').waitFor();
    const screens = await page.getByRole('navigation', { name: 'Admin screens' }).getByRole('button').allTextContents();
    expect(screens).toEqual(['Agents', 'Teams', 'Canned responses', 'Service directory']);
    expect(await page.locator('#new-agent-form').count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Disable / }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Routing for Nia Newcomer' }).count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    await openScreen(page, 'Service directory');
    expect(await page.locator('#import-form').count()).toBe(0);
    expect(errors).toEqual([]);

    const dan = await createDeskAccount(hub.url, admin, { name: 'Dan Agent' });
    const desk = await openDesk(browser, hub.url, dan);
    await desk.page.getByText('Signed in as Dan Agent').waitFor();
    expect(await desk.page.getByRole('button', { name: 'Admin', exact: true }).count()).toBe(0);
    const refused = await desk.page.evaluate(async () =>
      Promise.all(['/api/admin/audit', '/api/agents'].map(async (url) => ({ url, status: (await fetch(url)).status }))),
    );
    expect(refused).toEqual([
      { url: '/api/admin/audit', status: 403 },
      { url: '/api/agents', status: 403 },
    ]);
    expect(desk.errors).toEqual([]);
  });
  it('sets up a team, an agent with skills in it, a directory file and a service account, all from the screens', async () => {
    const { page, errors } = await openDesk(browser, hub.url, ADMIN, { axe: true });
    await page.getByRole('button', { name: 'Admin', exact: true }).click();

    // A team.
    await openScreen(page, 'Teams');
    const team = page.locator('#team-new-form');
    await team.getByRole('button', { name: 'Add the team' }).click();
    await expect.poll(() => page.locator('#team-new-error').textContent()).toBe('Write the team’s name.');
    await team.getByLabel('Name').fill('Repairs team');
    await team.getByLabel('Home repairs or disrepair').check();
    await team.getByRole('button', { name: 'Add the team' }).click();
    await said(page, 'Repairs team added.').waitFor();

    // An agent: a form sent half filled in is refused in plain words, not the validator's.
    await openScreen(page, 'Agents');
    const form = page.locator('#new-agent-form');
    await form.getByLabel('First password').fill('copper kettle morning');
    await form.getByRole('button', { name: 'Add the account' }).click();
    await expect.poll(() => page.locator('#new-agent-error').textContent()).toMatch(/\S/);
    expect(await page.locator('#new-agent-error').textContent()).toBe('Write the person’s name; write their email address, like name@council.gov.uk.');
    await form.getByLabel('Name').fill('Rhys Repairs');
    await form.getByLabel('Email').fill('rhys.repairs@council.example');
    await form.getByRole('button', { name: 'Add the account' }).click();
    await said(page, 'Rhys Repairs’s account was added.').waitFor();
    // Their skills and team, from Routing.
    await page.getByRole('button', { name: 'Routing for Rhys Repairs' }).click();
    const routing = page.locator('#routing-form');
    await routing.getByLabel('Repairs team').check();
    await routing.getByLabel('Home repairs or disrepair').check();
    await routing.getByLabel('Money', { exact: true }).check();
    await routing.getByRole('button', { name: 'Save routing' }).click();
    await said(page, 'Routing saved for Rhys Repairs.').waitFor();
    await expect.poll(() => page.getByRole('row', { name: /Rhys Repairs/ }).textContent()).toContain('Repairs team');
    const rhys = (await apiJson(hub.url, admin, '/api/agents')).body.agents.find((a: { displayName: string }) => a.displayName === 'Rhys Repairs');
    expect(rhys).toMatchObject({ role: 'agent', skills: ['housing.repairs', 'money'], teams: [{ name: 'Repairs team' }] });

    // A directory file as a food bank publishes it (Open Referral UK /organizations/{id}): its report, row by row.
    await openScreen(page, 'Service directory');
    await page
      .getByLabel('Directory file (Open Referral UK or HSDS JSON)')
      .setInputFiles(path.resolve(import.meta.dirname, '../fixtures/directory/oruk-organization.json'));
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await page.locator('#import-report').waitFor();
    const rows = page.locator('#import-rows tbody tr');
    await expect.poll(() => rows.count()).toBeGreaterThan(1);
    const report = (await rows.allTextContents()).join('\n');
    expect(report).toContain('Service: Food Parcels');
    expect(report).toContain('Service: Money Advice at the Foodbank');
    expect(report).not.toContain('Refused');
    const services = page.locator('#admin-service-list');
    await expect.poll(() => services.getByRole('row', { name: /Food Parcels/ }).textContent()).toContain('Brackenford Foodbank');
    expect(await services.getByRole('row', { name: /Food Parcels/ }).textContent()).toContain('Their desk view (they sign in here)');
    expect(await axeViolations(page)).toEqual([]);

    // A service account for Food Parcels, chosen from the services just imported.
    await openScreen(page, 'Agents');
    await form.getByLabel('Name').fill('Fran Foodbank');
    await form.getByLabel('Email').fill('fran.foodbank@council.example');
    await form.getByLabel('Role').selectOption('service');
    await form.getByLabel('Service', { exact: true }).selectOption({ label: 'Food Parcels (Brackenford Foodbank)' });
    await form.getByLabel('First password').fill('bramble lantern harvest');
    await form.getByRole('button', { name: 'Add the account' }).click();
    await said(page, 'Fran Foodbank’s account was added.').waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // A customer's need handed to Food Parcels (as an agent would, through the API), and Fran sees it.
    const parcels = await hub.database.prisma.service.findUniqueOrThrow({ where: { externalId: 'bf-foodbank-parcels' } });
    const customer = await hub.database.prisma.customer.create({
      data: { displayName: 'Olu Adebayo', contactPoints: { create: { kind: 'phone', address: '+447911400100', verifiedBy: 'test' } } },
    });
    const conversation = await hub.database.prisma.conversation.create({
      data: { customerId: customer.id, openForCustomer: customer.id, channel: 'sms', handler: 'person', lastMessageAt: new Date() },
    });
    expect(
      (await apiJson(hub.url, admin, `/api/conversations/${conversation.id}/needs`, { method: 'POST', body: JSON.stringify({ code: 'food.insecurity' }) }))
        .status,
    ).toBe(201);
    const handed = await apiJson(hub.url, admin, `/api/conversations/${conversation.id}/handoffs`, {
      method: 'POST',
      body: JSON.stringify({ consent: true, needs: ['food.insecurity'], serviceId: parcels.id }),
    });
    expect(handed.status).toBe(201);
    const reference = handed.body.handoffs[0].reference as string;
    const fran = await openDesk(browser, hub.url, { email: 'fran.foodbank@council.example', password: 'bramble lantern harvest' });
    await fran.page.getByText('Signed in as Fran Foodbank').waitFor();
    const list = fran.page.getByRole('list', { name: 'Hand-offs for your service' });
    await expect.poll(() => list.textContent()).toContain(reference);
    expect(await list.textContent()).toMatch(/^Olu Adebayo\s*Not enough food/);
    expect(errors).toEqual([]);
    expect(fran.errors).toEqual([]);
    await fran.context.close();
  });
});

// Contact that does not start on a channel, in the desk in real headless Chromium: an agent at the reception desk
// writes down a walk-in's story for a person new to the council, confirms the needs the desk suggests from it, and
// hands them to their services with the person's agreement; then writes first to a customer on record by SMS (the
// fake Twilio API gets it). The dialog works by keyboard and passes axe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { RunningHub } from '../../app/compose.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { axeViolations, launchChromium, openDesk } from '../helpers/browser.ts';
import { writeDirectory } from '../helpers/directory.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { ADMIN, startTestHub, testEnv } from '../helpers/hub.ts';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: RunningHub & { url: string };
let browser: Browser;

beforeAll(async () => {
  database = await createTestDatabase('new_contact_browser');
  twilioApi = await startFakeTwilio();
  const directory = await writeDirectory([
    { id: 'svc-housing', name: 'Housing Options', needs: ['housing.homeless'], handoff: { kind: 'desk' } },
    { id: 'svc-money', name: 'Money Advice', needs: ['money.crisis', 'money.debt'], handoff: { kind: 'desk' } },
  ]);
  hub = await startTestHub(
    testEnv({
      DATABASE_URL: database.url,
      TWILIO_API_BASE_URL: twilioApi.url,
      DIRECTORY_PATH: directory,
      HUB_NAME: 'Ask Testford',
      COUNCIL_NAME: 'Testford Council',
    }),
  );
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  await twilioApi?.close();
  await database?.drop();
});

const db = () => hub.database.prisma;

describe('a new contact from the desk', () => {
  it('records a walk-in that ends in hand-offs, and writes first to a customer by text', async () => {
    const { context, page, errors } = await openDesk(browser, hub.url, ADMIN, { axe: true, viewport: { width: 1366, height: 768 } });
    // The hub's and the council's names, as configured (HUB_NAME, COUNCIL_NAME).
    await page.getByRole('heading', { level: 1, name: 'Ask Testford desk Testford Council' }).waitFor();
    expect(await page.title()).toBe('Ask Testford desk · Testford Council');
    const opener = page.getByRole('button', { name: 'New contact' });
    await opener.click();
    const dialog = page.getByRole('dialog', { name: 'New contact' });
    await dialog.waitFor();
    expect(await axeViolations(page)).toEqual([]);

    // Nobody on record yet: a person new to the council, found by nothing.
    await dialog.getByLabel('Find the customer').fill('Dana Walker');
    await dialog.getByLabel('Find the customer').press('Enter');
    await dialog.getByRole('group', { name: 'Nobody found' }).waitFor();
    expect(await dialog.getByLabel('Someone new to us').isChecked()).toBe(true);
    // Record with nothing written: told what is missing, nothing recorded.
    await dialog.getByLabel('Their name').fill('Dana Walker');
    await dialog.getByRole('button', { name: 'Record contact' }).click();
    await expect.poll(() => dialog.getByRole('alert').textContent()).toBe('Write what they told you, in their words.');
    expect(await db().message.count()).toBe(0);

    await dialog.getByLabel('Phone number (optional)').fill('07911 200123');
    await dialog
      .getByLabel('What they told you, in their words')
      .fill('My landlord has evicted us and we have nowhere to sleep tonight. I am behind with the rent too.');
    expect(await axeViolations(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Record contact' }).click();

    // The conversation it is in opens, in the person's words, and the desk suggests the needs it found.
    await expect.poll(() => page.getByRole('dialog').count(), { timeout: 20_000 }).toBe(0);
    await page.getByRole('heading', { level: 2, name: /Dana Walker/ }).waitFor();
    await page.getByText('My landlord has evicted us').first().waitFor();
    // Said in person, in words; a written reply goes by text to the number on their record.
    expect(await page.locator('#messages li.inbound .meta').first().textContent()).toMatch(/^Customer · In person · /);
    expect(await page.locator('#composer').getByText('Goes by SMS').isVisible()).toBe(true);
    const suggested = page.locator('#suggestion-list');
    await suggested.getByRole('button', { name: /^Add Homeless/ }).click();
    await expect.poll(() => page.locator('#needs-list').textContent()).toMatch(/Homeless/);
    await page.getByLabel('Add a need').fill('Debt and arrears');
    await page.getByRole('button', { name: 'Add need' }).click();
    await expect.poll(() => page.locator('#needs-list').textContent()).toContain('Debt and arrears');

    // With their agreement, handed to both services, as any other contact's needs.
    const services = page.getByRole('region', { name: 'Services', exact: true });
    await services.getByRole('checkbox', { name: 'The customer agreed that we share this with these services' }).check();
    await services.getByRole('button', { name: 'Hand on to services' }).click();
    await expect
      .poll(() => services.getByRole('form', { name: 'Hand on to services' }).getByRole('status').textContent(), { timeout: 20_000 })
      .toMatch(/^Handed on: /);
    const made = await db().handoff.findMany({ include: { service: true, conversation: true } });
    expect(made.map((h) => h.service.name).sort()).toEqual(['Housing Options', 'Money Advice']);
    expect(made.every((h) => h.conversation.channel === 'in_person')).toBe(true);

    // Then a first message to someone on record, by keyboard: found by their number, sent by text.
    await opener.focus();
    await page.keyboard.press('Enter');
    await dialog.getByLabel('I need to message a customer on record').check();
    await dialog.getByLabel('Find the customer').fill('07911 200123');
    await dialog.getByRole('button', { name: 'Find' }).click();
    await dialog.getByRole('group', { name: '1 found: choose one' }).waitFor();
    // Email is not switched on in this hub: only a text message is offered.
    expect(await dialog.getByLabel('Send to').locator('option').allTextContents()).toEqual(['A text message to +447911200123']);
    await dialog.getByLabel('Message', { exact: true }).fill('Hello Dana, Housing Options will call you this afternoon.');
    const before = twilioApi.requests.length;
    await dialog.getByRole('button', { name: 'Send' }).click();
    const [sent] = (await twilioApi.waitForRequests(before + 1)).slice(before);
    expect(sent?.form).toMatchObject({ To: '+447911200123', Body: 'Hello Dana, Housing Options will call you this afternoon.' });
    await expect.poll(() => page.getByRole('dialog').count()).toBe(0);

    // Escape closes the dialog and gives focus back to the button that opened it.
    await opener.click();
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => opener.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});

// The minimal desk page in real headless Chromium: an agent signs in, sees an SMS arrive live, replies,
// and the reply reaches the (fake) Twilio API as the SMS the customer will get.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../helpers/postgres.ts';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fake-twilio.ts';
import { ADMIN, PUBLIC_BASE_URL, startTestHub, testEnv } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../helpers/twilio-webhook.ts';
import type { RunningHub } from '../../hub/app.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: RunningHub & { url: string };
let browser: Browser;

beforeAll(async () => {
  database = await createTestDatabase('desk_browser');
  twilioApi = await startFakeTwilio();
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, TWILIO_API_BASE_URL: twilioApi.url }));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  await twilioApi?.close();
  await database?.drop();
});

describe('the desk page', () => {
  it('shows an incoming SMS live and sends the agent’s reply', async () => {
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(`${hub.url}/`);

    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByText('Signed in as Administrator').isVisible()).toBe(true);

    // The text arrives after the agent is looking at the desk: it must appear without a reload.
    const body = 'Hi, my bin was missed <b>again</b> & the lid is broken';
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields('+447911200301', body));
    const item = page.getByRole('button', { name: /\+447911200301/ });
    await item.waitFor({ timeout: 15_000 });
    await item.click();

    // Shown exactly as written: markup in a customer's text is text, not HTML.
    const message = page.locator('#messages li.inbound .body');
    await expect.poll(() => message.textContent()).toBe(body);
    expect(await page.locator('#messages b').count()).toBe(0);

    await page.getByLabel('Reply').fill('We will collect it tomorrow.');
    await page.getByRole('button', { name: 'Send' }).click();
    const [request] = await twilioApi.waitForRequests(1);
    expect(request!.form).toMatchObject({ To: '+447911200301', Body: 'We will collect it tomorrow.' });

    // The reply's status moves from queued to sent on the page, pushed by the server.
    await expect.poll(() => page.locator('#messages li.outbound .meta').textContent(), { timeout: 15_000 }).toMatch(/sent/);
    await page.screenshot({ path: 'test-results/desk.png' }).catch(() => undefined);
    expect(pageErrors).toEqual([]);
  });
});

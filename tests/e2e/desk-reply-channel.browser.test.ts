// The composer's "Reply by" switch in real headless Chromium: hidden while the customer can be reached only
// on the conversation's own channel; once an agent has linked their email, the agent chooses Email and the
// reply goes out by email from the same conversation. The page passes axe-core.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext } from 'playwright-core';
import { axeViolations, launchChromium, openDesk } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.ts';
import { freePort } from '../../testkit/processes.ts';
import { ADMIN, PUBLIC_BASE_URL, apiJson, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let relay: SmtpCapture;
let hub: RunningHub & { url: string };
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  database = await createTestDatabase('desk_reply_channel');
  twilioApi = await startFakeTwilio();
  relay = await startSmtpCapture();
  hub = await startTestHub(
    testEnv({
      DATABASE_URL: database.url,
      TWILIO_API_BASE_URL: twilioApi.url,
      EMAIL_INBOUND_ADDRESSES: 'help@council.example',
      SMTP_PORT: String(await freePort()),
      SMTP_HOST: '127.0.0.1',
      EMAIL_SMTP_URL: relay.url,
    }),
  );
  browser = await launchChromium();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await hub?.stop();
  await relay?.close();
  await twilioApi?.close();
  await database?.drop();
});

describe('replying on another channel from the desk', () => {
  it('offers "Reply by" only when the customer has another channel, and sends by email when chosen', async () => {
    const desk = await openDesk(browser, hub.url, ADMIN, { axe: true, viewport: { width: 1366, height: 768 } });
    ({ context } = desk);
    const { page, errors: pageErrors } = desk;
    await page.getByText('Signed in as Administrator').waitFor();

    const from = '+447911200601';
    await postTwilioWebhook(
      hub.url,
      PUBLIC_BASE_URL,
      '/webhooks/twilio/sms',
      inboundSmsFields(from, 'can you email me the form instead? my phone is nearly dead'),
    );
    const item = page.getByRole('button', { name: /\+447911200601/ });
    await item.waitFor({ timeout: 15_000 });
    await item.click();
    await page.locator('#messages li.inbound').waitFor();
    // Only the conversation's own channel: no switch to choose from.
    expect(await page.getByLabel('Reply by').count()).toBe(0);

    // The agent checks who they are and links their email (through the API here), then opens it again.
    const cookie = await signIn(hub.url);
    const conversationId = await item.getAttribute('data-conversation-id');
    const { body } = await apiJson(hub.url, cookie, `/api/conversations/${conversationId}`);
    const linked = await apiJson(hub.url, cookie, `/api/customers/${body.conversation.customer.id}/contact-points`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'email', address: 'sam.jones@example.org', reason: 'confirmed name and postcode by text' }),
    });
    expect(linked.status).toBeLessThan(300);
    await item.click();
    const replyBy = page.getByLabel('Reply by');
    await replyBy.waitFor();
    expect(await replyBy.inputValue()).toBe('sms');
    expect(await replyBy.locator('option').allTextContents()).toEqual(['SMS (this conversation)', 'Email']);

    await replyBy.selectOption({ label: 'Email' });
    await page.getByLabel('Reply', { exact: true }).fill('The form is on our website: https://council.example/forms/hb1');
    await page.getByRole('button', { name: 'Send' }).click();
    const [mail] = await relay.waitFor(1);
    expect(mail!.to).toMatchObject({ text: 'sam.jones@example.org' });
    expect(mail!.text).toContain('https://council.example/forms/hb1');
    await expect.poll(() => page.locator('#messages li.outbound .meta').first().textContent()).toMatch(/^You · Email/);
    // Nothing went by text.
    expect(twilioApi.requests.filter((r) => r.form.Body?.includes('forms/hb1'))).toEqual([]);

    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

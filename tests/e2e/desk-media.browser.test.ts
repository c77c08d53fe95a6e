// A picture a customer sends by MMS, on the desk in real Chromium under the hub's own Content-Security-Policy:
// shown in the conversation once the worker has fetched it from Twilio, and offered as a download.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { launchChromium, openDesk } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { ADMIN, PUBLIC_BASE_URL, startTestHub, testEnv } from '../helpers/hub.ts';
import { TEST_ACCOUNT_SID, inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';

// A real 1×1 PNG.
const PNG = new Uint8Array(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'));

let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: RunningHub & { url: string };
let browser: Browser;

beforeAll(async () => {
  database = await createTestDatabase('desk_media_browser');
  twilioApi = await startFakeTwilio();
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, TWILIO_API_BASE_URL: twilioApi.url }));
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await hub?.stop();
  await twilioApi?.close();
  await database?.drop();
});

describe('media on the desk', () => {
  it('shows the customer’s picture under the desk’s CSP and offers it to download', async () => {
    // Without axe, whose injection would need the CSP bypassed: the point is that the CSP lets the picture load.
    const { context, page, errors } = await openDesk(browser, hub.url, ADMIN);
    await page.getByText('Signed in as Administrator').waitFor();
    const from = '+447911200951';
    const sid = `MM${randomBytes(16).toString('hex')}`;
    const path = `/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Messages/${sid}/Media/ME${randomBytes(16).toString('hex')}`;
    twilioApi.media.set(path, [{ contentType: 'image/png', body: PNG }]);
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', {
      ...inboundSmsFields(from, 'the crack in the ceiling', sid),
      NumMedia: '1',
      MediaUrl0: twilioApi.url + path,
      MediaContentType0: 'image/png',
    });
    const item = page.getByRole('button', { name: /\+447911200951/ });
    await item.waitFor({ timeout: 15_000 });
    await item.click();

    // Arrives without a reload when the worker has it, and the browser decoded it (the CSP let it load).
    const picture = page.getByRole('img', { name: /^Picture sent by the customer \(sms-[0-9a-f]{8}-1\.png\)$/ });
    await picture.waitFor({ timeout: 15_000 });
    await expect.poll(() => picture.evaluate((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalWidth)).toBe(1);
    expect(await page.locator('#messages li.inbound .files a').textContent()).toMatch(/^sms-[0-9a-f]{8}-1\.png \(1 KB\)$/);
    expect(errors).toEqual([]);
    await context.close();
  });
});

// The desk page in real headless Chromium: an agent signs in, sees an SMS arrive live and replies, takes a
// waiting call, records needs, and sees what the bot found (and the page passes axe-core).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { axeViolations, launchChromium, openDesk } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { ADMIN, PUBLIC_BASE_URL, apiJson, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { HUB_NUMBER, TEST_ACCOUNT_SID, inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import { randomBytes } from 'node:crypto';
import type { RunningHub } from '../../app/compose.ts';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: RunningHub & { url: string };
let browser: Browser;

beforeAll(async () => {
  database = await createTestDatabase('desk_browser');
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

describe('the desk page', () => {
  it('adds a caller’s name and postcode from the customer panel; the list shows the name and finds them by postcode', async () => {
    const from = '+447911200499';
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, 'my bin was not collected again'));
    const { context, page } = await openDesk(browser, hub.url, ADMIN);
    const item = page.getByRole('button', { name: new RegExp(from.replace('+', '\\+')) });
    await item.click({ timeout: 15_000 });
    const panel = page.getByRole('region', { name: 'Customer' });
    await expect.poll(() => panel.locator('dl').textContent()).toContain('PostcodeNot known');

    await panel.getByText('Change name or postcode').click();
    await panel.getByLabel('Postcode').fill('not a postcode');
    await panel.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => panel.locator('#profile-error').textContent()).toContain('not a UK postcode');

    await panel.getByLabel('Name').fill('Ana Lima');
    await panel.getByLabel('Postcode').fill('sw1a1aa');
    await panel.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => panel.locator('dl').textContent()).toContain('PostcodeSW1A 1AA');
    // The heading and the list row name them now, without reloading the page.
    await expect.poll(() => page.locator('#conversation-title').textContent()).toBe('Ana Lima');
    await page.getByRole('button', { name: /Ana Lima/ }).waitFor({ timeout: 15_000 });

    // Found by their postcode however it is typed, and by its district.
    const search = page.getByRole('searchbox');
    for (const typed of ['sw1a 1aa', 'SW1A']) {
      await search.fill(typed);
      await expect.poll(() => page.getByRole('button', { name: /Ana Lima/ }).count()).toBe(1);
    }
    await search.fill('E1 6AN');
    await expect.poll(() => page.getByRole('button', { name: /Ana Lima/ }).count()).toBe(0);
    await context.close();
  });

  it('shows an incoming SMS live and sends the agent’s reply', async () => {
    // From the site's root, which leads to the desk.
    const { page, errors: pageErrors } = await openDesk(browser, hub.url, ADMIN, { path: '/' });
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

  it('shows a caller waiting with what they said; the agent sets their number and takes the call', async () => {
    const { page, errors: pageErrors } = await openDesk(browser, hub.url, ADMIN);
    await page.getByText('No one is waiting.').waitFor();

    const sid = `CA${randomBytes(16).toString('hex')}`;
    const call = (extra: Record<string, string>) =>
      postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/voice/gather', {
        AccountSid: TEST_ACCOUNT_SID,
        CallSid: sid,
        CallStatus: 'in-progress',
        From: '+447911200302',
        To: HUB_NUMBER,
        ...extra,
      });
    await call({ SpeechResult: 'Our front door lock is broken and my ex knows where we live' });
    await call({ SpeechResult: 'Can I talk to someone' });

    const waiting = page.locator('#call-list li', { hasText: '+447911200302' });
    await expect.poll(() => waiting.textContent(), { timeout: 15_000 }).toMatch(/front door lock is broken/);
    expect(await waiting.textContent()).toMatch(/waiting/);

    // Without a number to ring, taking the call is refused in words.
    await page.getByRole('button', { name: '1 call waiting' }).click();
    await waiting.getByRole('button', { name: /Take call/ }).click();
    await expect.poll(() => page.locator('#call-error').textContent()).toMatch(/set the phone number/);

    await page.getByLabel('Put my calls through to').fill('07911 123456');
    await page.getByRole('button', { name: 'Save number' }).click();
    await expect.poll(() => page.locator('#voice-status').textContent()).toBe('Calls you take will ring +447911123456.');

    await waiting.getByRole('button', { name: /Take call/ }).click();
    await expect.poll(() => waiting.textContent()).toMatch(/ringing your phone · Administrator/);
    const redirect = twilioApi.requests.find((r) => r.path.endsWith(`/Calls/${sid}.json`));
    expect(redirect?.form.Twiml).toContain('+447911123456</Number>');
    // The conversation opens with the call's story so far.
    await expect.poll(() => page.locator('#call-history').textContent()).toMatch(/Call asked for a person.*Call taken \(Administrator\)/);
    expect(pageErrors).toEqual([]);
  });

  it('an agent writes a private note, sees it marked as not sent, and inserts a canned response into the reply', async () => {
    // A customer with a name on record, and a canned response saved by the admin (through the API).
    const from = '+447911200305';
    await hub.database.prisma.customer.create({
      data: { displayName: 'Priya Shah', contactPoints: { create: { kind: 'phone', address: from, verifiedBy: 'test' } } },
    });
    const login = await fetch(`${hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const saved = await fetch(`${hub.url}/api/canned-responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ title: 'Repair booked', body: 'Hello {first_name}, this is {agent_name}. Your repair is booked.' }),
    });
    expect(saved.status).toBe(201);

    const { context, page, errors: pageErrors } = await openDesk(browser, hub.url, ADMIN, { axe: true });
    await page.getByText('Signed in as Administrator').waitFor();
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, 'The repair man never came'));
    const item = page.getByRole('button', { name: /Priya Shah/ });
    await item.waitFor({ timeout: 15_000 });
    await item.click();
    await page.locator('#messages li.inbound').waitFor();

    // The note appears in the timeline after the message it follows, marked as the agent's and not sent.
    await page.getByRole('tab', { name: 'Private note' }).click();
    await page.getByLabel('Private note (not sent to the customer)', { exact: true }).fill('Prefers a call after 6pm; do not leave voicemail');
    await page.getByRole('button', { name: 'Add private note' }).click();
    const note = page.locator('#messages li.note');
    await expect.poll(() => note.textContent()).toMatch(/^Note · Administrator \(not sent\) · .*Prefers a call after 6pm; do not leave voicemail$/);
    expect(await page.locator('#messages li').evaluateAll((items) => items.map((li) => li.className))).toEqual(['inbound received', 'note']);
    expect(await page.getByLabel('Private note (not sent to the customer)', { exact: true }).inputValue()).toBe('');

    // The canned response goes into the reply box with the placeholders filled in, for the agent to edit.
    await page.getByLabel('Canned response', { exact: true }).selectOption({ label: 'Repair booked' });
    await page.getByRole('button', { name: 'Insert into reply' }).click();
    const reply = page.getByLabel('Reply', { exact: true });
    expect(await reply.inputValue()).toBe('Hello Priya, this is Administrator. Your repair is booked.');
    expect(await reply.evaluate((el) => el === document.activeElement)).toBe(true);
    await reply.press('End');
    await reply.pressSequentially(' Thanks!');
    const before = twilioApi.requests.length;
    await page.getByRole('button', { name: 'Send' }).click();
    const requests = await twilioApi.waitForRequests(before + 1);
    expect(requests.slice(before).map((r) => [r.form.To, r.form.Body])).toEqual([[from, 'Hello Priya, this is Administrator. Your repair is booked. Thanks!']]);
    // The note never went to the customer.
    expect(twilioApi.requests.map((r) => r.form.Body ?? '').join('\n')).not.toContain('voicemail');
    await expect.poll(() => page.locator('#messages li').evaluateAll((items) => items.map((li) => li.classList[0]))).toEqual(['inbound', 'note', 'outbound']);
    await page.screenshot({ path: 'test-results/desk-notes.png', fullPage: true }).catch(() => undefined);

    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

describe('needs on the desk', () => {
  it('the agent adds a suggested need and one from the list, and removes one; the page passes axe', async () => {
    const { context, page, errors: pageErrors } = await openDesk(browser, hub.url, ADMIN, { axe: true });
    await postTwilioWebhook(
      hub.url,
      PUBLIC_BASE_URL,
      '/webhooks/twilio/sms',
      inboundSmsFields('+447911200304', 'the boiler has been broken for a week and the baby is freezing'),
    );
    const item = page.getByRole('button', { name: /\+447911200304/ });
    await item.waitFor({ timeout: 15_000 });
    await item.click();
    await page.getByText('None recorded yet.').waitFor();

    await page.getByRole('button', { name: 'Add Home repairs or disrepair' }).click();
    await expect.poll(() => page.locator('#needs-list').textContent()).toMatch(/Home repairs or disrepair \(added by an agent\)/);
    await page.getByLabel('Add a need').fill('Council tax');
    await page.getByRole('button', { name: 'Add need' }).click();
    await expect.poll(() => page.locator('#needs-list li').count()).toBe(2);
    await page.getByRole('button', { name: 'Remove Council tax' }).click();
    await expect.poll(() => page.locator('#needs-list').textContent()).not.toMatch(/Council tax/);
    expect(await axeViolations(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

describe('the desk with the needs bot on', () => {
  let botHub: RunningHub & { url: string };
  let botDatabase: TestDatabase;
  beforeAll(async () => {
    botDatabase = await createTestDatabase('desk_browser_bot');
    botHub = await startTestHub(testEnv({ DATABASE_URL: botDatabase.url, TWILIO_API_BASE_URL: twilioApi.url, BOT_CHANNELS: 'sms' }));
  });
  afterAll(async () => {
    await botHub?.stop();
    await botDatabase?.drop();
  });

  it('shows the bot’s replies, the needs it found and an urgent conversation, live', async () => {
    const { page, errors: pageErrors } = await openDesk(browser, botHub.url, ADMIN);
    await page.getByText('No one is waiting.').waitFor();

    const from = '+447911200303';
    const text = (body: string) => postTwilioWebhook(botHub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, body));
    await text('we have been evicted and have nowhere to stay');
    const item = page.getByRole('button', { name: new RegExp(from.replace('+', '\\+')) });
    await expect.poll(() => item.textContent(), { timeout: 15_000 }).toMatch(/with the bot/);
    await item.click();
    await expect.poll(() => page.locator('#messages li.outbound .meta').first().textContent()).toMatch(/^Bot · SMS/);
    await expect.poll(() => page.locator('#needs-list').textContent()).toMatch(/Homeless or at risk of losing home \(found by the bot\)/);

    // Danger mid-conversation: the list and the needs panel say so without a reload.
    await text('he is outside the door now and says he will hurt me');
    await expect.poll(() => page.locator('#needs-list li.urgent').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => item.textContent()).toMatch(/^URGENT/);
    expect(await item.textContent()).not.toMatch(/with the bot/);
    expect(pageErrors).toEqual([]);
  });

  it('shows the customer beside the conversation: how to reach them, and earlier contact and needs on any channel', async () => {
    const from = '+447911200411';
    const cookie = await signIn(hub.url);
    // An earlier conversation, with a need recorded, closed by an agent.
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, 'my rent has gone up and I am behind'));
    const find = () =>
      hub.database.prisma.conversation.findFirst({ where: { customer: { contactPoints: { some: { address: from } } } }, select: { id: true } });
    await expect.poll(find).not.toBeNull();
    const earlier = (await find())!.id;
    expect(
      (await apiJson(hub.url, cookie, `/api/conversations/${earlier}/needs`, { method: 'POST', body: JSON.stringify({ code: 'money.debt' }) })).status,
    ).toBe(201);
    expect(
      (await apiJson(hub.url, cookie, `/api/conversations/${earlier}/close`, { method: 'POST', body: JSON.stringify({ outcome: 'signposted' }) })).status,
    ).toBe(200);

    const { context, page } = await openDesk(browser, hub.url, ADMIN, { axe: true });
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, 'now the boiler is broken too'));
    const item = page.getByRole('button', { name: new RegExp(from.replace('+', '\\+')) });
    await item.waitFor({ timeout: 15_000 });
    await item.click();

    const panel = page.getByRole('region', { name: 'Customer' });
    await expect.poll(() => panel.locator('#contact-points').textContent()).toBe(`Phone: ${from}`);
    expect(await panel.locator('#earlier-needs li').allTextContents()).toEqual(['Debt and arrears']);
    await panel.getByText('Earlier contact: 1 other conversation, 1 message').click();
    expect(await panel.locator('#earlier-contact li .body').allTextContents()).toEqual(['my rent has gone up and I am behind']);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});

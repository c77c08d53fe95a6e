// The web chat widget on the demo council page, in real headless Chromium: keyboard only, checked
// with axe-core, a message to the desk and the agent's reply back, and a reload that keeps the chat.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { axeViolations, launchChromium } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { apiJson, connectDesk, nextEvent, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';
import type { Socket } from 'socket.io-client';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: RunningHub & { url: string };
let browser: Browser;
let cookie: string;
let desk: Socket;

beforeAll(async () => {
  database = await createTestDatabase('chat_widget');
  twilioApi = await startFakeTwilio();
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, TWILIO_API_BASE_URL: twilioApi.url }));
  cookie = await signIn(hub.url);
  desk = await connectDesk(hub.url, cookie);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  desk?.close();
  await hub?.stop();
  await twilioApi?.close();
  await database?.drop();
});

describe('the chat widget', () => {
  it('works by keyboard alone, passes axe, reaches the agent, shows the reply, and survives a reload', async () => {
    // bypassCSP only so the test can inject axe-core; the page itself runs under the hub's CSP.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${hub.url}/chat/demo`);

    const launcher = page.getByRole('button', { name: 'Chat with us' });
    await launcher.focus();
    await page.keyboard.press('Enter');
    expect(await launcher.getAttribute('aria-expanded')).toBe('true');
    // Focus goes to the message box, so a keyboard user can type at once.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('chub-text');
    expect(await axeViolations(page)).toEqual([]);

    const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.channel === 'webchat');
    await page.keyboard.type('My boiler is broken <script>alert(1)</script>');
    await page.keyboard.press('Tab'); // to Send
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Send');
    await page.keyboard.press('Enter');
    const inbound = await arrived;
    expect(inbound.body).toBe('My boiler is broken <script>alert(1)</script>');
    await expect.poll(() => page.locator('.chub-you .chub-text').textContent()).toBe('My boiler is broken <script>alert(1)</script>');

    await apiJson(hub.url, cookie, `/api/conversations/${inbound.conversationId}/messages`, {
      method: 'POST',
      body: JSON.stringify({ text: 'An engineer can come tomorrow. See https://anytown.example/repairs' }),
    });
    await expect
      .poll(() => page.locator('.chub-council .chub-text').textContent(), { timeout: 15_000 })
      .toBe('An engineer can come tomorrow. See https://anytown.example/repairs');
    // Links are links; markup stays text.
    expect(await page.locator('.chub-council a').getAttribute('href')).toBe('https://anytown.example/repairs');
    expect(await page.locator('.chub-you script').count()).toBe(0);
    await expect
      .poll(
        async () => (await hub.database.prisma.message.findFirstOrThrow({ where: { conversationId: inbound.conversationId, direction: 'outbound' } })).status,
      )
      .toBe('delivered');

    // Escape closes the chat and puts focus back on the launcher.
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('chub-launcher');

    // A reload keeps the same visitor: the conversation is still there.
    await page.reload();
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await expect.poll(() => page.locator('.chub-log li').count(), { timeout: 15_000 }).toBe(2);
    expect(await hub.database.prisma.customer.count({ where: { contactPoints: { some: { kind: 'webchat_visitor' } } } })).toBe(1);

    // The number already has a record with a plan (their needs were handed on by text, earlier).
    const db = hub.database.prisma;
    const known = await db.customer.create({ data: { contactPoints: { create: { kind: 'phone', address: '+447911200901', verifiedBy: 'inbound-sms' } } } });
    const earlier = await db.conversation.create({ data: { customerId: known.id, channel: 'sms', status: 'closed' } });
    const org = await db.organization.create({ data: { externalId: 'org-widget', name: 'Testford Council' } });
    const housing = await db.service.create({ data: { externalId: 'svc-widget', organizationId: org.id, name: 'Housing Options' } });
    const plan = await db.actionPlan.create({ data: { customerId: known.id, openForCustomer: known.id } });
    await db.handoff.create({
      data: {
        reference: 'WDGT2345',
        planId: plan.id,
        customerId: known.id,
        conversationId: earlier.id,
        serviceId: housing.id,
        needs: ['housing.homeless'],
        consentAt: new Date(),
        dueAt: new Date(Date.now() + 86_400_000),
      },
    });
    expect(await page.getByRole('button', { name: 'See my plan' }).count()).toBe(0);

    // Linking the chat to a number: the code arrives by text (the fake Twilio API) and is typed in.
    await page.getByText('Already in touch with us by text or email? Link this chat').click();
    await page.getByLabel('Your mobile number or email address').fill('07911 200901');
    await page.getByRole('button', { name: 'Text me a code' }).click();
    let body: string | undefined;
    await expect.poll(() => (body = twilioApi.requests.find((r) => r.form.To === '+447911200901')?.form.Body), { timeout: 15_000 }).toBeDefined();
    await page.getByLabel('The 6-digit code we sent you').fill(/^(\d{6})/.exec(body!)![1]!);
    await page.getByRole('button', { name: 'Link this chat' }).click();
    await expect.poll(() => page.locator('.chub-link-status').textContent()).toMatch(/linked to your record/);
    expect(await hub.database.prisma.contactPoint.findUniqueOrThrow({ where: { kind_address: { kind: 'phone', address: '+447911200901' } } })).toMatchObject({
      verifiedBy: 'inbound-sms',
    });
    // Linked to a record with a plan: the chat offers its link, and sends it in the chat.
    await page.getByRole('button', { name: 'See my plan' }).click();
    await expect.poll(() => page.locator('.chub-log').textContent(), { timeout: 15_000 }).toMatch(/Here is your plan from .*\/plan\/[A-Za-z0-9_-]{43}/);
    expect(await db.planLink.count({ where: { planId: plan.id } })).toBe(1);

    // At 320 CSS pixels wide the chat still fits without sideways scrolling (WCAG reflow).
    await page.setViewportSize({ width: 320, height: 640 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= 320)).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: 'test-results/chat-widget.png' }).catch(() => undefined);
    expect(pageErrors).toEqual([]);

    // Someone who must hide what they are doing: "Leave quickly" puts a harmless page in this one's place, and Back
    // does not bring the chat back. (The harmless page is served here: the test has no internet.)
    await page.route('https://www.bbc.co.uk/**', (route) => route.fulfill({ contentType: 'text/html', body: '<title>Weather</title><p>Sunny</p>' }));
    await page.getByRole('button', { name: 'Leave quickly' }).click();
    await page.waitForURL('https://www.bbc.co.uk/weather');
    expect(await page.title()).toBe('Weather');
    await page.goBack().catch(() => null);
    expect(page.url()).not.toContain('/chat/demo');
    await context.close();
  });
});

describe('the chat widget with the needs bot', () => {
  let botHub: RunningHub & { url: string };
  let botDatabase: TestDatabase;
  beforeAll(async () => {
    botDatabase = await createTestDatabase('chat_widget_bot');
    botHub = await startTestHub(testEnv({ DATABASE_URL: botDatabase.url, BOT_CHANNELS: 'webchat', COUNCIL_NAME: 'Testford & <District>' }));
  });
  afterAll(async () => {
    await botHub?.stop();
    await botDatabase?.drop();
  });

  it('offers Yes and No as buttons that answer the bot, by keyboard, with no axe violations, and kept after a reload', async () => {
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(`${botHub.url}/chat/demo`);
    // The demo page is in the council's own name, as text.
    expect(await page.title()).toBe('Testford & <District>: contact us');
    expect(await page.locator('body > header').textContent()).toBe('Testford & <District>');
    await page.getByRole('button', { name: 'Chat with us' }).click();
    // Enter sends, as in any chat (Shift+Enter would start a new line).
    await page.getByLabel('Your message').fill('my bin was not collected this week');
    await page.getByLabel('Your message').press('Enter');

    const quick = page.getByRole('group', { name: 'Quick replies' });
    await expect
      .poll(() => page.locator('.chub-council .chub-text').last().textContent(), { timeout: 15_000 })
      .toMatch(/bins and waste\. Is that right\? Reply YES or NO\./);
    await expect.poll(() => quick.getByRole('button').allTextContents()).toEqual(['Yes', 'No']);
    expect(await axeViolations(page)).toEqual([]);

    // Still offered after a reload: the transcript carries them.
    await page.reload();
    await page.getByRole('button', { name: 'Chat with us' }).click();
    await expect.poll(() => quick.getByRole('button').allTextContents(), { timeout: 15_000 }).toEqual(['Yes', 'No']);

    await quick.getByRole('button', { name: 'Yes' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.chub-you .chub-text').last().textContent()).toBe('Yes');
    // The waste team needs the place, and a web-chat visitor has no number on record: both are asked, in words.
    await expect.poll(() => page.locator('.chub-council .chub-text').last().textContent(), { timeout: 15_000 }).toMatch(/^What is the address or street\?/);
    expect(await quick.isHidden()).toBe(true);
    // Shift+Enter starts a new line in the same message; Enter then sends both lines.
    await page.getByLabel('Your message').fill('14 Orchard Close');
    await page.getByLabel('Your message').press('Shift+Enter');
    await page.getByLabel('Your message').pressSequentially('Anytown');
    await page.getByLabel('Your message').press('Enter');
    await expect.poll(() => page.locator('.chub-you .chub-text').last().textContent()).toBe('14 Orchard Close\nAnytown');
    await expect
      .poll(() => page.locator('.chub-council .chub-text').last().textContent(), { timeout: 15_000 })
      .toMatch(/^How can the team contact you later\?/);
    await page.getByLabel('Your message').fill('text only, 07911 200411');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(() => page.locator('.chub-council .chub-text').last().textContent(), { timeout: 15_000 })
      .toMatch(/We have noted that you need help with bins and waste/);
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});

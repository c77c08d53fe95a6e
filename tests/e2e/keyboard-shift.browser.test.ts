// A whole agent shift on the desk by keyboard alone, in real headless Chromium: sign in, open the shortcut
// sheet, go available, accept an offer, read the customer's story, reply, add a private note, record needs and
// hand them on to services once the customer agreed, close that conversation, accept another and transfer it
// to a colleague, read the closed one back (its outcome shown), and sign out. Only page.keyboard drives the
// page: locators only look. After every action focus is somewhere that makes sense, never dropped on the page
// itself. The desk passes axe-core at the end.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, launchChromium } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { writeDirectory } from '../helpers/directory.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { PUBLIC_BASE_URL, createDeskAccount, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: RunningHub & { url: string };
let browser: Browser;
let context: BrowserContext | undefined;

beforeAll(async () => {
  database = await createTestDatabase('keyboard_shift');
  twilioApi = await startFakeTwilio();
  const file = await writeDirectory([
    { id: 'svc-housing', name: 'Housing Options', needs: ['housing.homeless'], handoff: { kind: 'desk' } },
    { id: 'svc-money', name: 'Money Advice', needs: ['money.debt'], handoff: { kind: 'desk' } },
  ]);
  // Offers last long enough for a loaded machine: this test is about the keyboard, not the clock.
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, TWILIO_API_BASE_URL: twilioApi.url, DIRECTORY_PATH: file, ROUTING_OFFER_SECONDS: '300' }));
  browser = await launchChromium();
});
afterAll(async () => {
  await context?.close().catch(() => undefined);
  await browser?.close();
  await hub?.stop();
  await twilioApi?.close();
  await database?.drop();
});

/** The focused element, described the way a screen reader user would know it: tag, id, role and name. */
function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body || el === document.documentElement) return { tag: 'BODY', id: '', role: '', name: '', visible: false };
    const labels = (el as HTMLInputElement).labels;
    const name = (el.getAttribute('aria-label') ?? (labels?.[0]?.textContent || el.textContent) ?? '').trim().replace(/\s+/g, ' ');
    const box = el.getBoundingClientRect();
    return { tag: el.tagName, id: el.id, role: el.getAttribute('role') ?? '', name, visible: box.width > 0 && box.height > 0 && !el.closest('[hidden]') };
  });
}

/** Focus is on something the agent can see and use: never dropped on the page itself. */
async function focusKept(page: Page, what: string) {
  await expect.poll(() => focused(page), { message: `focus after: ${what}` }).toMatchObject({ visible: true });
  expect((await focused(page)).tag, what).not.toBe('BODY');
}

/** Presses Tab (or Shift+Tab) until the focused element matches; fails after `max` presses. */
async function tabTo(page: Page, match: (f: Awaited<ReturnType<typeof focused>>) => boolean, options: { back?: boolean; max?: number } = {}) {
  const seen: string[] = [];
  for (let i = 0; i < (options.max ?? 60); i++) {
    await page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
    const now = await focused(page);
    expect(now.tag, `Tab left the page after ${seen.join(' → ')}`).not.toBe('BODY');
    if (match(now)) return now;
    seen.push(`${now.tag}#${now.id}(${now.name.slice(0, 30)})`);
  }
  throw new Error(`never reached it by ${options.back ? 'Shift+Tab' : 'Tab'}: ${seen.join(' → ')}`);
}
const byId = (id: string) => (f: { id: string }) => f.id === id;
const byName = (name: string | RegExp) => (f: { name: string }) => (typeof name === 'string' ? f.name === name : name.test(f.name));

describe('an agent’s shift by keyboard alone', () => {
  it('signs in, takes and works conversations, hands on, closes, transfers and signs out without the mouse', { timeout: 240_000 }, async () => {
    const admin = await signIn(hub.url);
    const kit = await createDeskAccount(hub.url, admin, { name: 'Kit Keys' });
    await createDeskAccount(hub.url, admin, { name: 'Bea Colleague' });

    context = await browser.newContext({ bypassCSP: true, viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`${hub.url}/desk/`);

    // Sign in.
    await page.getByLabel('Email').waitFor();
    await tabTo(page, byId('email'));
    await page.keyboard.type(kit.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(kit.password);
    await page.keyboard.press('Enter');
    await page.getByText('Signed in as Kit Keys').waitFor();
    await page.getByLabel('My status').waitFor();
    await focusKept(page, 'signing in');

    // The shortcut sheet: ? opens it, Escape shuts it and focus goes back where it was.
    const before = await focused(page);
    await page.keyboard.press('?');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await sheet.waitFor();
    expect(await sheet.textContent()).toContain('Accept the first offer');
    expect(await page.evaluate(() => !!document.activeElement?.closest('#shortcut-sheet'))).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => sheet.isVisible()).toBe(false);
    expect(await focused(page)).toEqual(before);

    // Available: Alt+S goes to My status, the arrows choose. (The status control is greyed until the desk has read
    // the agent's routing; a person waits for it to be ready, and so does the test.)
    await expect.poll(() => page.getByLabel('My status').isEnabled()).toBe(true);
    await page.keyboard.press('Alt+S');
    await expect.poll(() => focused(page)).toMatchObject({ id: 'presence' });
    await page.keyboard.press('Home');
    await expect.poll(() => page.locator('#presence-note').textContent()).toBe('You are offered conversations.');
    await focusKept(page, 'going available');

    // A customer texts; the offer shows, and Alt+A takes it: the conversation opens with focus in the reply box.
    const rosa = '+447911300101';
    const story = 'My landlord says we must leave by Friday and I am behind on the rent. I have two children.';
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(rosa, story));
    await page.locator('#offer-list li').waitFor({ timeout: 20_000 });
    await page.keyboard.press('Alt+A');
    await expect.poll(() => page.locator('#assigned-to').textContent(), { timeout: 15_000 }).toBe('You have this conversation.');
    await expect.poll(() => focused(page)).toMatchObject({ id: 'reply-text' });

    // Reading the story: back to the messages, which scroll by keyboard.
    const timeline = await tabTo(page, byId('timeline'), { back: true });
    expect(timeline.visible).toBe(true);
    await page.keyboard.press('PageUp');
    expect(await page.locator('#messages li.inbound .body').first().textContent()).toBe(story);
    await focusKept(page, 'reading the messages');

    // A reply, sent with Ctrl+Enter from the reply box.
    await tabTo(page, byId('reply-text'));
    await page.keyboard.type('Hello, this is Kit from the council. We can help with both. Are you safe at home tonight?');
    await page.keyboard.press('Control+Enter');
    const [sent] = await twilioApi.waitForRequests(1);
    expect(sent!.form).toMatchObject({ To: rosa, Body: 'Hello, this is Kit from the council. We can help with both. Are you safe at home tonight?' });
    await expect.poll(() => page.locator('#reply-text').inputValue()).toBe('');
    await focusKept(page, 'sending a reply');
    expect((await focused(page)).id).toBe('reply-text');

    // A private note: to the composer's tabs, → to Private note, on to the note box.
    await tabTo(page, byId('mode-reply'), { back: true });
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => focused(page)).toMatchObject({ id: 'mode-note' });
    await tabTo(page, byId('note-text'));
    await page.keyboard.type('Two children; texts are safer than calls.');
    // Ctrl+Enter adds it, as it sends a reply; the note box is ready for the next.
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.locator('#messages li.note').last().textContent()).toMatch(/Two children; texts are safer than calls\.$/);
    await expect.poll(() => focused(page)).toMatchObject({ id: 'note-text' });
    await focusKept(page, 'adding a note');
    // Back to Reply, so the next words go to the customer only when meant to.
    await tabTo(page, byId('mode-note'), { back: true });
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => focused(page)).toMatchObject({ id: 'mode-reply' });

    // The needs: one the desk suggests from the story, taken with Enter; the others typed into the needs box.
    // Each button used goes once it has done its work: focus goes on to the needs box, not to the page.
    await page.locator('#suggestion-list').getByRole('button', { name: 'Add Debt and arrears' }).waitFor();
    await tabTo(page, byName('Add Debt and arrears'));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#needs-list').textContent()).toContain('Debt and arrears');
    await expect.poll(() => page.getByRole('button', { name: 'Add Debt and arrears' }).count()).toBe(0);
    await focusKept(page, 'adding a suggested need');
    expect((await focused(page)).id).toBe('need-code');
    for (const need of ['Homeless or at risk of losing home', 'Council tax']) {
      await page.keyboard.type(need);
      await page.keyboard.press('Enter');
      await expect.poll(() => page.locator('#needs-list').textContent()).toContain(need);
      await expect.poll(() => page.locator('#need-code').inputValue()).toBe('');
      await focusKept(page, `adding the need ${need}`);
    }
    // One added by mistake, removed.
    await tabTo(page, byName('Remove Council tax'), { back: true });
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#needs-list').textContent()).not.toContain('Council tax');
    await focusKept(page, 'removing a need');
    expect((await focused(page)).id).toBe('need-code');

    // Hand on: asked without the customer's agreement, focus goes to the box to tick; Space ticks it.
    const services = page.getByRole('region', { name: 'Services', exact: true });
    await services.getByText('Goes to Money Advice (Testford Council)').waitFor();
    await tabTo(page, byName('Hand on to services'));
    await page.keyboard.press('Enter');
    await expect.poll(() => focused(page)).toMatchObject({ id: 'handoff-consent' });
    expect(await page.locator('#handoff-error').textContent()).toMatch(/^Ask the customer first/);
    await page.keyboard.press('Space');
    await tabTo(page, byName('Hand on to services'));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#handoff-result').textContent(), { timeout: 15_000 }).toMatch(/^Handed on: /);
    expect(await page.locator('#handoff-result').textContent()).toContain('Housing Options, reference ');
    expect(await page.locator('#handoff-result').textContent()).toContain('Money Advice, reference ');
    await focusKept(page, 'handing on to services');

    // Close it: the header's Close…, the outcome by arrows, each need met ticked with Space.
    await tabTo(page, byName('Close…'), { back: true });
    await page.keyboard.press('Enter');
    const closeDialog = page.getByRole('dialog', { name: 'Close this conversation' });
    await closeDialog.waitFor();
    await tabTo(page, byId('close-outcome'));
    // "Handed on to a service" is offered now that it was: the second choice.
    await expect.poll(() => page.locator('#close-outcome option').allTextContents()).toContain('Handed on to a service');
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    expect(await page.locator('#close-outcome').inputValue()).toBe('handed_off');
    // In the order they were recorded.
    for (const need of ['Debt and arrears', 'Homeless or at risk of losing home']) {
      await tabTo(page, byName(need));
      await page.keyboard.press('Space');
    }
    await tabTo(page, byName('Close conversation'));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#conversation-title').textContent()).toBe('Conversation closed. Choose another.');
    await focusKept(page, 'closing a conversation');
    expect((await focused(page)).id).toBe('conversation-title');

    // A second customer; a second offer, taken with Alt+A.
    const sam = '+447911300202';
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(sam, 'Our bins were not collected this week'));
    await page.locator('#offer-list li').waitFor({ timeout: 20_000 });
    await page.keyboard.press('Alt+A');
    await expect
      .poll(() => page.locator('#messages li.inbound .body').first().textContent(), { timeout: 15_000 })
      .toBe('Our bins were not collected this week');
    await expect.poll(() => focused(page)).toMatchObject({ id: 'reply-text' });

    // Transfer it to a colleague: the header's Transfer…, the colleague chosen by typing their name.
    await tabTo(page, byName('Transfer…'), { back: true });
    await page.keyboard.press('Enter');
    const transferDialog = page.getByRole('dialog', { name: 'Transfer this conversation' });
    await transferDialog.waitFor();
    await focusKept(page, 'opening Transfer');
    await tabTo(page, byId('transfer-to'));
    await page.keyboard.type('Bea');
    expect(await page.locator('#transfer-to option:checked').textContent()).toMatch(/^Bea Colleague/);
    await page.keyboard.press('Tab');
    await page.keyboard.type('Bins: Bea looks after waste this week.');
    await tabTo(page, byName('Transfer'));
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('#assigned-to').textContent(), { timeout: 15_000 }).toBe('Bea Colleague has this conversation.');
    await expect.poll(() => transferDialog.isVisible()).toBe(false);
    await focusKept(page, 'transferring');

    // The closed one read back: the list's Closed tab, the search box, ↓ to its row, Enter.
    await tabTo(page, (f) => f.role === 'tab' && /^(Mine|Waiting|All open|Closed)/.test(f.name), { back: true });
    // Mine is empty now (one closed, one handed to Bea): ↓ from the empty search box stays there.
    await page.keyboard.press('Home');
    await expect.poll(() => focused(page)).toMatchObject({ id: 'filter-mine' });
    await expect.poll(() => page.locator('#list-count').textContent()).toBe('You have no open conversations.');
    await tabTo(page, byId('list-search'));
    await page.keyboard.press('ArrowDown');
    expect((await focused(page)).id).toBe('list-search');
    await tabTo(page, byId('filter-mine'), { back: true });
    await page.keyboard.press('End');
    await expect.poll(() => focused(page)).toMatchObject({ id: 'filter-closed' });
    await tabTo(page, byId('list-search'));
    // Nothing matches: ↓ stays in the search box.
    await page.keyboard.type('nobody by this name');
    await expect.poll(() => page.locator('#list-count').textContent()).toBe('No closed conversation matches.');
    await page.keyboard.press('ArrowDown');
    expect((await focused(page)).id).toBe('list-search');
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    const row = page.locator('#conversation-list button.row').first();
    await expect.poll(() => row.textContent()).toContain(rosa);
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => focused(page)).toMatchObject({ tag: 'BUTTON' });
    expect((await focused(page)).name).toContain(rosa);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('.head-meta').textContent()).toContain('Outcome: Handed on to a service');
    await focusKept(page, 'opening a closed conversation');

    // The desk as the shift leaves it passes axe.
    expect(await axeViolations(page)).toEqual([]);

    // Sign out: Alt+S to the header, on to Sign out.
    await page.keyboard.press('Alt+S');
    await tabTo(page, byName('Sign out'));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await focusKept(page, 'signing out');
    expect(errors).toEqual([]);
  });
});

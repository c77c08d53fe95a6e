// Right-to-left override characters on the desk, in real Chromium: a Word file named "photo\u202Egnp.docx" would
// show as "photoxcod.png", a picture to open without a second thought. The desk must show the real extension (in
// the order the letters are drawn on screen, not only in the DOM), offer the download under that name, and keep
// a customer's own text from reordering the desk around it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Browser, Locator, Page } from 'playwright-core';
import { ADMIN, apiJson, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { launchChromium, openDesk } from '../helpers/browser.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { freePort } from '../../testkit/processes.ts';
import { startSmtpCapture, type SmtpCapture } from '../helpers/smtp-capture.ts';
import type { RunningHub } from '../../app/compose.ts';

const COUNCIL = 'contact@council.example';
const FROM = 'rita.bidi@example.org';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const ZIP = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(2000, 1)]);

let database: TestDatabase;
let relay: SmtpCapture;
let hub: RunningHub & { url: string };
let browser: Browser;
let customerMail: Transporter;
let admin: string;

const db = () => hub.database.prisma;

beforeAll(async () => {
  database = await createTestDatabase('bidi_browser');
  relay = await startSmtpCapture();
  const smtpPort = await freePort();
  hub = await startTestHub(
    testEnv({ DATABASE_URL: database.url, EMAIL_INBOUND_ADDRESSES: COUNCIL, SMTP_PORT: String(smtpPort), SMTP_HOST: '127.0.0.1', EMAIL_SMTP_URL: relay.url }),
  );
  customerMail = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  browser = await launchChromium();
  admin = await signIn(hub.url);
});
afterAll(async () => {
  customerMail?.close();
  await browser?.close();
  await hub?.stop();
  await relay?.close();
  await database?.drop();
});

/** The text of an element in the order its characters are drawn: line by line, left to right (spaces where a line wraps may go). */
function drawn(locator: Locator): Promise<string> {
  return locator.evaluate((element) => {
    const glyphs: { ch: string; x: number; y: number }[] = [];
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent ?? '';
      for (let i = 0; i < text.length; i++) {
        const range = document.createRange();
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const box = range.getBoundingClientRect();
        if (box.width > 0) glyphs.push({ ch: text[i]!, x: box.left + box.width / 2, y: box.top + box.height / 2 });
      }
    }
    return glyphs
      .sort((a, b) => (Math.abs(a.y - b.y) > 4 ? a.y - b.y : a.x - b.x))
      .map((g) => g.ch)
      .join('');
  });
}

async function openConversation(page: Page): Promise<void> {
  await page.getByText('Signed in as Administrator').waitFor();
  const item = page.getByRole('button', { name: /rita\.bidi@example\.org|Rita/ });
  await item.waitFor({ timeout: 15_000 });
  await item.click();
}

describe('direction controls on the desk', () => {
  it('shows a file’s real extension, offers it under that name, and keeps the customer’s text from reordering the desk', async () => {
    await customerMail.sendMail({
      from: `Rita <${FROM}>`,
      to: COUNCIL,
      subject: 'Photos of the damp',
      messageId: '<bidi-1@example.org>',
      // Overrides in the customer's own words: shown as written, but only within the message.
      text: 'Photos attached \u202Eplease call',
      attachments: [
        { filename: 'photo\u202Egnp.docx', content: ZIP, contentType: DOCX },
        { filename: 'invoice\u202Efdp.exe', content: Buffer.from('MZ\x90\x00 a program'), contentType: 'application/x-msdownload' },
      ],
    });
    const { context, page, errors } = await openDesk(browser, hub.url, ADMIN);
    await openConversation(page);

    const file = page.locator('#messages li.inbound .files a');
    await file.waitFor();
    expect(await drawn(file)).toBe('photognp.docx (2 KB)');
    // (On a loaded machine the hub may add a second notice, that quoted earlier messages could not be told apart.)
    expect(await drawn(page.locator('#messages li.inbound .notice').filter({ hasText: 'Attachment' }))).toMatch(/^Attachment “invoicefdp\.exe” was not/);
    // Cleaned as it was stored, so every later reader (services, exports) gets the real name too.
    expect((await db().attachment.findFirstOrThrow({ where: { message: { providerMessageId: '<bidi-1@example.org>' } } })).filename).toBe('photognp.docx');

    // The customer's text is an isolate: its override ends with it, and the line after it reads normally.
    const body = page.locator('#messages li.inbound .body');
    expect(await body.evaluate((el) => getComputedStyle(el).unicodeBidi)).toBe('isolate');
    expect(await drawn(page.locator('#messages li.inbound .meta'))).toMatch(/^Customer · Email · received /);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a file stored before names were cleaned is still shown and downloaded under its real name', async () => {
    // As stored before: the file's row and the message's list of its files, with the override in.
    const message = await db().message.findFirstOrThrow({ where: { providerMessageId: '<bidi-1@example.org>' } });
    const older = 'scan\u202Egnp.docx';
    await db().attachment.updateMany({ where: { messageId: message.id }, data: { filename: older } });
    await db().message.update({
      where: { id: message.id },
      data: { attachments: (message.attachments as { filename?: string }[]).map((a) => ({ ...a, filename: older })) },
    });

    const { context, page } = await openDesk(browser, hub.url, ADMIN);
    await openConversation(page);
    const link = page.locator('#messages li.inbound .files a');
    await link.waitFor();
    expect(await drawn(link)).toBe('scangnp.docx (2 KB)');
    const disposition = await page.evaluate(async (url) => (await fetch(url)).headers.get('content-disposition'), (await link.getAttribute('href'))!);
    expect(disposition).toBe('attachment; filename=scangnp.docx');
    await context.close();
  });

  it('a customer’s name cannot be saved with an override that reverses it', async () => {
    const { customerId } = await db().contactPoint.findUniqueOrThrow({ where: { kind_address: { kind: 'email', address: FROM } } });
    const saved = await apiJson(hub.url, admin, `/api/customers/${customerId}`, { method: 'PATCH', body: JSON.stringify({ displayName: 'Rita \u202Esnoj' }) });
    expect(saved.status).toBe(200);
    expect((await db().customer.findUniqueOrThrow({ where: { id: customerId } })).displayName).toBe('Rita snoj');

    const { context, page } = await openDesk(browser, hub.url, ADMIN);
    await openConversation(page);
    await expect.poll(() => drawn(page.locator('#conversation-title'))).toBe('Rita snoj');
    await context.close();
  });
});

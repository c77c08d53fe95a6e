import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../hub/config.ts';
import type { EmailConfig } from '../../channels/email/email.adapter.ts';
import { sanitiseEmailHtml } from '../../channels/email/html.ts';
import { readFileSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { forwardedIn, normaliseInboundEmail, visibleText, withReference } from '../../channels/email/normalise.ts';
import { configProblems } from '../helpers/config.ts';

const problems = configProblems;

describe('email config', () => {
  it('an IMAP mailbox alone switches email on, with its parts read from the URL', () => {
    const config = loadConfig({
      EMAIL_INBOUND_ADDRESSES: 'contact@council.example',
      EMAIL_IMAP_URL: 'imaps://hub%40council.example:p%3Ass@mail.council.example/Contact%20Hub',
    });
    const email = config.channels.email as EmailConfig;
    expect(email.EMAIL_IMAP_URL).toEqual({
      host: 'mail.council.example',
      port: 993,
      secure: true,
      user: 'hub@council.example',
      pass: 'p:ss',
      mailbox: 'Contact Hub',
    });
    expect(email.SMTP_PORT).toBeUndefined(); // no SMTP listener unless asked for
    expect(email.EMAIL_ATTACHMENT_TYPES).toContain('application/pdf');
    expect(email.EMAIL_ATTACHMENT_MAX_BYTES).toBe(10 * 1024 * 1024);
  });

  it('names the variable when a setting is wrong or missing', () => {
    expect(problems({ EMAIL_IMAP_URL: 'imap://mail.council.example' })).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^EMAIL_INBOUND_ADDRESSES: .*email channel/),
        expect.stringMatching(/^EMAIL_IMAP_URL: must be imaps:\/\/user:password@host/),
      ]),
    );
    expect(problems({ EMAIL_INBOUND_ADDRESSES: 'contact@council.example', EMAIL_ATTACHMENT_TYPES: 'application/pdf, exe' })).toEqual([
      expect.stringMatching(/^EMAIL_ATTACHMENT_TYPES\.1: must be MIME types/),
    ]);
  });

  it('refuses a sender-check time the parsing budget would cut short, rather than shortening it unsaid', () => {
    const inbound = { EMAIL_INBOUND_ADDRESSES: 'contact@council.example' };
    expect(problems({ ...inbound, EMAIL_AUTH_TIMEOUT_MS: '30000' })).toEqual([
      expect.stringMatching(/^EMAIL_AUTH_TIMEOUT_MS: must be at most half of EMAIL_PARSE_BUDGET_MS \(5000 ms\)/),
    ]);
    expect(problems({ ...inbound, EMAIL_AUTH_TIMEOUT_MS: '30000', EMAIL_PARSE_BUDGET_MS: '60000' })).toEqual([]);
    expect(problems({ ...inbound, EMAIL_PARSE_BUDGET_MS: '6000' })).toEqual([]);
  });
});

describe('email HTML', () => {
  it('keeps formatting and safe links; drops scripts, styles, handlers, remote images and unsafe links', () => {
    const html = sanitiseEmailHtml(
      '<div style="color:red" onmouseover="x()"><h2>Hello</h2><p>See <a href="https://council.example/a" target="_self">this</a> and <a href="mailto:a@b.example">me</a>.</p>' +
        '<img src="https://tracker.example/p.gif" alt=""><img src="http://cdn.example/logo.png" alt="Logo"><img src="data:image/svg+xml;base64,PHN2Zz4=">' +
        '<iframe src="https://x.example"></iframe><form action="https://x.example"><input name="p"></form><a href="data:text/html,hi">d</a><a href="//x.example">p</a></div>',
    );
    expect(html).toBe(
      '<div><h2>Hello</h2><p>See <a href="https://council.example/a" target="_blank" rel="noopener noreferrer nofollow">this</a> and <a href="mailto:a@b.example" target="_blank" rel="noopener noreferrer nofollow">me</a>.</p>' +
        '<span></span><span>[image: Logo]</span><span></span>' +
        '<a target="_blank" rel="noopener noreferrer nofollow">d</a><a target="_blank" rel="noopener noreferrer nofollow">p</a></div>',
    );
  });
});

describe('subject reference', () => {
  it('adds the conversation’s reference once, replacing any other', () => {
    expect(withReference('Re: Bins', 'K7Q2M9XP')).toBe('Re: Bins [Ref: K7Q2M9XP]');
    expect(withReference('Re: Bins [Ref: K7Q2M9XP]', 'K7Q2M9XP')).toBe('Re: Bins [Ref: K7Q2M9XP]');
    expect(withReference('Fwd: [Ref: AAAAAAAA] Bins', 'K7Q2M9XP')).toBe('Fwd: Bins [Ref: K7Q2M9XP]');
    expect(withReference('Re: Bins', undefined)).toBe('Re: Bins');
  });
});

describe('what the agent reads of an email', () => {
  it.each([
    [
      'a Russian attribution line',
      'Спасибо, четверг подходит.\n\n2 нояб. 2026 г., в 09:12, Housing <housing@council.example> написал(а):\n> Можно в четверг?',
      'Спасибо, четверг подходит.',
    ],
    [
      'a Polish attribution line',
      'Dziękuję, czwartek pasuje.\n\nW dniu 2.11.2026 o 09:12 Housing <housing@council.example> pisze:\n> Czy czwartek?',
      'Dziękuję, czwartek pasuje.',
    ],
    [
      'a Welsh attribution line',
      'Diolch, mae dydd Iau yn iawn.\n\nAr 2 Tach 2026, am 09:12, ysgrifennodd Housing <housing@council.example>:\n> Dydd Iau?',
      'Diolch, mae dydd Iau yn iawn.',
    ],
    [
      'a mailing-list footer',
      'Please add me to the residents meeting.\n\n_______________________________________________\nResidents mailing list\nhttps://lists.example.org/mailman/listinfo/residents',
      'Please add me to the residents meeting.',
    ],
    [
      'an Outlook header block',
      'Yes Thursday is fine.\n\nFrom: Housing Team <housing@council.example>\nSent: 02 November 2026 09:12\nTo: Jo <jo@example.org>\nSubject: Repair\n\nCan we come on Thursday?',
      'Yes Thursday is fine.',
    ],
  ])('leaves out %s', (_label, text, expected) => {
    expect(visibleText(text)).toBe(expected);
  });

  it.each([
    [
      'a German header block',
      'Danke, passt.\n\nVon: Housing <housing@council.example>\nGesendet: Montag, 2. November 2026 09:12\nAn: Jo\nBetreff: Reparatur\n\nDonnerstag?',
      'Danke, passt.',
    ],
    ['a translated Original Message line', 'Danke, passt.\n\n-----Ursprüngliche Nachricht-----\nDonnerstag?', 'Danke, passt.'],
    ['a date-first attribution', 'Fine by me.\n\n2026-11-02 09:12 GMT+00:00 Housing <housing@council.example>:\n> Thursday?', 'Fine by me.'],
  ])('leaves out %s too', (_label, text, expected) => {
    expect(visibleText(text)).toBe(expected);
  });

  it('keeps the customer’s own words that only look like an attribution, and a message they forward inline', () => {
    const own = 'Thank you.\nOn 3 May the landlord wrote: you must leave by Friday.\nIs that legal?';
    expect(visibleText(own)).toBe(own);
    const forwarded =
      'Please see below.\n\n---------- Forwarded message ---------\nFrom: Landlord <l@example.org>\nDate: Thu, 20 Mar 2025 at 17:50\nSubject: Notice\nTo: <me@example.org>\n\nYou must leave by Friday.';
    expect(visibleText(forwarded)).toContain('You must leave by Friday.');
  });

  it('keeps a sentence of the customer’s own that starts like a signature', () => {
    const text = 'Sent from my desk at work because I cannot use my phone at home, he checks it.\nPlease only email me.';
    expect(visibleText(text)).toBe(text);
  });

  it('shows a message forwarded as an attachment, and takes an internationalised sender', async () => {
    const raw = readFileSync(new URL('../fixtures/automatic-mail/human/fwd-bounce-as-attachment.eml', import.meta.url));
    const mail = await simpleParser(raw, { keepCidLinks: true });
    const forwarded = await forwardedIn(mail, (inner) => simpleParser(inner));
    const email = normaliseInboundEmail(mail, raw, new Date(), {
      deliveredTo: 'contact@anytown.gov.uk',
      limits: { types: ['application/pdf'], maxFileBytes: 1e6, maxMessageBytes: 1e7 },
      forwarded,
    });
    expect(email.ok && email.value.contact.text).toMatch(/---------- Forwarded message ----------\nFrom: .+\n(Date: .+\n)?Subject: .+\n\n\S/);
    expect((email.ok && email.value.contact.notices) || []).not.toContainEqual(expect.stringMatching(/message\/rfc822/));

    const intl = await simpleParser(
      Buffer.from(
        'From: =?utf-8?q?J=C3=B6_Doe?= <jdöe@mächine.example>\r\nTo: contact@anytown.gov.uk\r\nSubject: Hallo\r\nMessage-ID: <i@mächine.example>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMy bin was not collected.\r\n',
      ),
    );
    expect(
      normaliseInboundEmail(intl, Buffer.from(''), new Date(), {
        deliveredTo: 'contact@anytown.gov.uk',
        limits: { types: [], maxFileBytes: 1, maxMessageBytes: 1 },
      }),
    ).toMatchObject({ ok: true, value: { contact: { from: { address: 'jdöe@mächine.example' } } } });
  });
});

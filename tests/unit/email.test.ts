import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../hub/config.ts';
import type { EmailConfig } from '../../channels/email/email.adapter.ts';
import { sanitiseEmailHtml } from '../../channels/email/html.ts';
import { withReference } from '../../channels/email/normalise.ts';
import { configProblems } from '../helpers/config.ts';

const problems = configProblems;

describe('email config', () => {
  it('an IMAP mailbox alone switches email on, with its parts read from the URL', () => {
    const config = loadConfig({ EMAIL_INBOUND_ADDRESSES: 'contact@council.example', EMAIL_IMAP_URL: 'imaps://hub%40council.example:p%3Ass@mail.council.example/Contact%20Hub' });
    const email = config.channels.email as EmailConfig;
    expect(email.EMAIL_IMAP_URL).toEqual({ host: 'mail.council.example', port: 993, secure: true, user: 'hub@council.example', pass: 'p:ss', mailbox: 'Contact Hub' });
    expect(email.SMTP_PORT).toBeUndefined(); // no SMTP listener unless asked for
    expect(email.EMAIL_ATTACHMENT_TYPES).toContain('application/pdf');
    expect(email.EMAIL_ATTACHMENT_MAX_BYTES).toBe(10 * 1024 * 1024);
  });

  it('names the variable when a setting is wrong or missing', () => {
    expect(problems({ EMAIL_IMAP_URL: 'imap://mail.council.example' })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^EMAIL_INBOUND_ADDRESSES: .*email channel/), expect.stringMatching(/^EMAIL_IMAP_URL: must be imaps:\/\/user:password@host/)]),
    );
    expect(problems({ EMAIL_INBOUND_ADDRESSES: 'contact@council.example', EMAIL_ATTACHMENT_TYPES: 'application/pdf, exe' })).toEqual([expect.stringMatching(/^EMAIL_ATTACHMENT_TYPES\.1: must be MIME types/)]);
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

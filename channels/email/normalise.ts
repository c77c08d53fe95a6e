// Pure: a parsed email (mailparser) → InboundContact and the files kept, or why it is not a customer's contact.
import { createHash } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import { z } from 'zod';
import { InboundContact, type InboundFile, type Normalised } from '../contract.ts';
import { screenAttachments, type AttachmentLimits } from './attachments.ts';
import { sanitiseEmailHtml } from './html.ts';
// @ts-expect-error -- the package ships no types: `new EmailReplyParser().read(text).getVisibleText()`.
import EmailReplyParser from 'email-reply-parser';

/** Mail that must never be answered or threaded as a customer's words: bounces and auto-replies. */
export function isAutomatic(mail: ParsedMail): boolean {
  const header = (name: string) => String(mail.headers.get(name) ?? '').toLowerCase();
  const from = mail.from?.value[0]?.address?.toLowerCase() ?? '';
  return (
    (header('auto-submitted') !== '' && header('auto-submitted') !== 'no') ||
    mail.headers.has('x-autoreply') ||
    mail.headers.has('x-autorespond') ||
    ['auto_reply', 'bulk', 'junk', 'list'].includes(header('precedence')) ||
    /^(mailer-daemon|postmaster)@/.test(from)
  );
}

/** The customer's new words: quoted history and signatures removed (the raw message is kept). */
export function visibleText(text: string): string {
  return (new EmailReplyParser().read(text).getVisibleText() as string).trim();
}

const Address = z.email();
const MAX_TEXT = 20_000;
const MAX_HTML = 2_000_000;

/** The conversation reference the hub puts in the subjects it sends, e.g. `Re: Bins [Ref: K7Q2M9XP]`. */
export const REFERENCE_IN_SUBJECT = /\[Ref:\s*([A-Z0-9]{6,12})\]/i;
/** The subject with this conversation's reference (replacing any other, e.g. from a forwarded email). */
export const withReference = (subject: string, reference: string | undefined) =>
  reference ? `${subject.replace(REFERENCE_IN_SUBJECT, '').replace(/\s+/g, ' ').trim()} [Ref: ${reference}]` : subject;

const messageIdsIn = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value : value ? [value] : []).flatMap((v) => v.match(/<[^<>\s]+>/g) ?? []);

/** The hub mailbox a message was sent to: the first of ours among To and Cc, else the one given. */
export function hubAddressOf(mail: ParsedMail, ours: readonly string[], fallback: string): string {
  const listed = [mail.to, mail.cc].flatMap((field) => (field ? (Array.isArray(field) ? field : [field]) : [])).flatMap((f) => f.value.map((v) => v.address?.toLowerCase() ?? ''));
  return listed.find((a) => ours.includes(a)) ?? fallback;
}

export interface InboundEmail {
  contact: InboundContact;
  files: InboundFile[];
}

/**
 * `deliveredTo` is the hub mailbox it reached (SMTP: the accepted recipient). Parse with
 * `keepCidLinks: true`: embedded images stay attachments instead of growing the HTML.
 */
export function normaliseInboundEmail(mail: ParsedMail, raw: Buffer, receivedAt: Date, options: { deliveredTo: string; limits: AttachmentLimits }): Normalised<InboundEmail> {
  const sender = mail.from?.value[0]?.address?.trim().toLowerCase();
  if (!sender || !Address.safeParse(sender).success) return { ok: false, reason: 'the sender address is missing or not an email address' };
  const notices: string[] = [];
  let body = visibleText(mail.text ?? '');
  if (!body && !mail.subject && !mail.attachments.length) return { ok: false, reason: 'the message has no text' };
  if (body.length > MAX_TEXT) {
    body = body.slice(0, MAX_TEXT);
    notices.push(`The message is longer than ${MAX_TEXT} characters: only the start is shown here.`);
  }
  const html = typeof mail.html === 'string' ? sanitiseEmailHtml(mail.html) : '';
  if (html.length > MAX_HTML) notices.push('The formatted (HTML) version is too large to show; the text is shown instead.');
  const screened = screenAttachments(mail.attachments, options.limits);
  notices.push(...screened.notices);
  // Message-ID is the idempotency key; a message without one is keyed by a hash of its bytes.
  const messageId = mail.messageId ?? `<sha256-${createHash('sha256').update(raw).digest('hex')}@contact-hub>`;
  const references = messageIdsIn(mail.references);
  const inReplyTo = messageIdsIn(mail.inReplyTo);
  const reference = mail.subject?.match(REFERENCE_IN_SUBJECT)?.[1]?.toUpperCase();
  const contact = InboundContact.safeParse({
    channel: 'email',
    providerMessageId: messageId,
    from: { kind: 'email', address: sender },
    to: options.deliveredTo,
    text: body || mail.subject || '(no text)',
    attachments: [],
    receivedAt: receivedAt.toISOString(),
    raw: {
      subject: mail.subject ?? '',
      inReplyTo: inReplyTo[0] ?? null,
      references,
      attachments: mail.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size })),
    },
    html: html && html.length <= MAX_HTML ? html : undefined,
    notices,
    // Nearest first: the message answered, then the thread from its latest end back.
    replyTo: { messageIds: [...new Set([...inReplyTo, ...references.reverse()])].slice(0, 100), reference },
  });
  return contact.success ? { ok: true, value: { contact: contact.data, files: screened.files } } : { ok: false, reason: contact.error.issues[0]?.message ?? 'invalid message' };
}

// Pure: a parsed email (mailparser) → InboundContact, or why it is not a customer's contact.
import { createHash } from 'node:crypto';
import type { ParsedMail } from 'mailparser';
import { z } from 'zod';
import { InboundContact, type Normalised } from '../contract.ts';
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

export function normaliseInboundEmail(mail: ParsedMail, raw: Buffer, receivedAt: Date): Normalised<InboundContact> {
  const sender = mail.from?.value[0]?.address?.trim().toLowerCase();
  if (!sender || !Address.safeParse(sender).success) return { ok: false, reason: 'the sender address is missing or not an email address' };
  const to = mail.to && (Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((t) => t.value.map((v) => v.address?.toLowerCase() ?? ''));
  const body = visibleText(mail.text ?? '');
  if (!body && !mail.subject) return { ok: false, reason: 'the message has no text' };
  // Message-ID is the idempotency key; a message without one is keyed by a hash of its bytes.
  const messageId = mail.messageId ?? `<sha256-${createHash('sha256').update(raw).digest('hex')}@contact-hub>`;
  const references = typeof mail.references === 'string' ? [mail.references] : (mail.references ?? []);
  const contact = InboundContact.safeParse({
    channel: 'email',
    providerMessageId: messageId,
    from: { kind: 'email', address: sender },
    to: to?.[0] ?? '',
    text: body || (mail.subject ?? ''),
    attachments: [],
    receivedAt: receivedAt.toISOString(),
    raw: {
      subject: mail.subject ?? '',
      inReplyTo: mail.inReplyTo ?? null,
      references,
      attachments: mail.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size })),
    },
  });
  return contact.success ? { ok: true, value: contact.data } : { ok: false, reason: contact.error.issues[0]?.message ?? 'invalid message' };
}

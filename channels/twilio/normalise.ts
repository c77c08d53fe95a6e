// Pure: a Twilio Messaging webhook's form fields (SMS, and WhatsApp's whatsapp: addresses) → InboundContact, or a
// reason it is refused. In twilio/, the library the Twilio channels share, rather than in sms/: WhatsApp and voice
// use it too, and no channel imports another channel's folder (tests/unit/architecture.test.ts).
import { z } from 'zod';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { InboundContact, DeliveryReport, type DeliveryStatus, type Normalised } from '../contract.ts';

/**
 * Twilio always sends E.164 (+447700900123). A number the provider sent exists, whether or not the phone
 * metadata knows its range yet (new ranges, Ofcom's drama range): accept any number of a possible length for
 * its country, so a real sender is never refused. Strict validity is for numbers staff type.
 */
export function toE164(raw: string): string | null {
  const parsed = parsePhoneNumberFromString(raw.trim());
  if (!parsed?.isPossible() || HIDDEN_CALLER_IDS.has(parsed.number)) return null;
  return parsed.number;
}

/** Twilio's stand-ins for a hidden caller (anonymous, restricted, unavailable, blocked): not anyone's number. */
const HIDDEN_CALLER_IDS = new Set(['+266696687', '+86282452253', '+8656696', '+2562533', '+7378742833']);

/** Twilio Messaging carries WhatsApp too: its addresses are the phone number with this prefix. */
const WHATSAPP = /^whatsapp:/i;

/** The channel a Twilio Messaging webhook is for: a whatsapp: address is WhatsApp, whichever URL it came to. */
export const messagingChannel = (fields: Record<string, string | undefined>): 'sms' | 'whatsapp' =>
  WHATSAPP.test(fields.From ?? '') || WHATSAPP.test(fields.To ?? '') ? 'whatsapp' : 'sms';

export const SmsFields = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-f]{32}$/, 'must be a Twilio message SID (SM… or MM… and 32 hex digits)'),
  From: z.string().min(1, 'is required'),
  To: z.string().min(1, 'is required'),
  // Twilio splits nothing: a concatenated SMS arrives whole, at most 1600 characters; a WhatsApp message up to 4096.
  Body: z.string().max(4096, 'is longer than a message can be').default(''),
  NumMedia: z.coerce.number().int().min(0).max(10).default(0),
});

/** The first problem with a provider's form fields, in words sent back to the provider (shared by the Twilio channels). */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return issue ? `${issue.path.join('.') || 'body'} ${issue.message}` : 'invalid request';
}

export function normaliseInboundSms(fields: Record<string, string>, receivedAt: Date): Normalised<InboundContact> {
  const parsed = SmsFields.safeParse(fields);
  if (!parsed.success) return { ok: false, reason: firstIssue(parsed.error) };
  const { MessageSid, From, To, Body, NumMedia } = parsed.data;
  const channel = messagingChannel(fields);
  if (channel === 'sms' && Body.length > 1600) return { ok: false, reason: 'Body is longer than an SMS can be' };
  const from = toE164(From.replace(WHATSAPP, ''));
  if (!from) return { ok: false, reason: `From is not a valid phone number` };
  const attachments = [];
  for (let i = 0; i < NumMedia; i++) {
    const url = fields[`MediaUrl${i}`];
    const contentType = fields[`MediaContentType${i}`];
    if (url && contentType) attachments.push({ url, contentType });
  }
  if (Body.trim() === '' && attachments.length === 0) return { ok: false, reason: 'Body is empty and there is no media' };
  const contact = InboundContact.safeParse({
    channel,
    providerMessageId: MessageSid,
    // One number, one person: WhatsApp and SMS from the same number reach the same customer record.
    from: { kind: 'phone', address: from },
    to: toE164(To.replace(WHATSAPP, '')) ?? To,
    text: Body,
    attachments,
    receivedAt: receivedAt.toISOString(),
    raw: fields,
  });
  return contact.success ? { ok: true, value: contact.data } : { ok: false, reason: firstIssue(contact.error) };
}

// Twilio's MessageStatus values → the hub's. Twilio's own queueing states all mean "the provider has it".
const statusMap: Record<string, DeliveryStatus> = {
  accepted: 'sending',
  scheduled: 'sending',
  queued: 'sending',
  sending: 'sending',
  sent: 'sent',
  delivered: 'delivered',
  read: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  canceled: 'failed',
};

export function twilioStatus(status: string): DeliveryStatus | null {
  return statusMap[status] ?? null;
}

export const StatusFields = z.object({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-f]{32}$/, 'must be a Twilio message SID'),
  MessageStatus: z.string().min(1, 'is required'),
  ErrorCode: z.string().max(64).optional(),
});

export function normaliseStatusCallback(fields: Record<string, string>): Normalised<DeliveryReport> {
  const parsed = StatusFields.safeParse(fields);
  if (!parsed.success) return { ok: false, reason: firstIssue(parsed.error) };
  const status = twilioStatus(parsed.data.MessageStatus);
  if (!status) return { ok: false, reason: `MessageStatus '${parsed.data.MessageStatus}' is not a known status` };
  const report = DeliveryReport.parse({
    channel: messagingChannel(fields),
    providerMessageId: parsed.data.MessageSid,
    status,
    errorCode: parsed.data.ErrorCode || undefined,
  });
  return { ok: true, value: report };
}

// Pure: what a caller said or keyed at a Twilio <Gather> → InboundContact, or why not.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { InboundContact } from '../contract.ts';
import { toE164 } from '../sms/normalise.ts';

const GatherFields = z.object({
  CallSid: z.string().regex(/^CA[0-9a-f]{32}$/, 'must be a Twilio call SID (CA and 32 hex digits)'),
  From: z.string().min(1, 'is required'),
  To: z.string().min(1, 'is required'),
  SpeechResult: z.string().max(5000).optional(),
  Digits: z.string().regex(/^[0-9*#]{0,32}$/, 'must be key presses').optional(),
});

/** Pressing 0, or asking for a person in words, at any point. */
export function wantsAPerson(fields: { SpeechResult?: string; Digits?: string }): boolean {
  return fields.Digits === '0' || /\b(agent|person|someone|somebody|human|operator|adviser|advisor|speak to|talk to)\b/i.test(fields.SpeechResult ?? '');
}

/** A refusal the caller is answered in speech for (`caller`), or a malformed request (no `caller`). */
export type GatherOutcome = { ok: true; value: InboundContact } | { ok: false; reason: string; caller?: 'withheld' | 'silent' };

/**
 * Each utterance is a contact. Twilio gives a gather no id of its own, so the key is the call plus a hash
 * of what was said: a retried webhook repeats both and is stored once.
 */
export function normaliseGather(fields: Record<string, string>, receivedAt: Date): GatherOutcome {
  const parsed = GatherFields.safeParse(fields);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, reason: issue ? `${issue.path.join('.')} ${issue.message}` : 'invalid request' };
  }
  const { CallSid, From, To, SpeechResult, Digits } = parsed.data;
  const from = toE164(From);
  if (!from) return { ok: false, reason: 'From is not a valid phone number (the caller may have withheld it)', caller: 'withheld' };
  const said = SpeechResult?.trim() || (Digits ? `[pressed ${Digits}]` : '');
  if (!said) return { ok: false, reason: 'nothing was said or pressed', caller: 'silent' };
  const key = createHash('sha256').update(said).digest('hex').slice(0, 16);
  return {
    ok: true,
    value: InboundContact.parse({
      channel: 'voice',
      providerMessageId: `${CallSid}:${key}`,
      from: { kind: 'phone', address: from },
      to: toE164(To) ?? To,
      text: said,
      attachments: [],
      receivedAt: receivedAt.toISOString(),
      raw: { CallSid, SpeechResult: SpeechResult ?? null, Digits: Digits ?? null, Confidence: fields.Confidence ?? null },
    }),
  };
}

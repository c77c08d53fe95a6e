// Pure: what a caller said or keyed at a Twilio <Gather> → InboundContact, or why not.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { CallReport, InboundContact, type Normalised } from '../contract.ts';
import { firstIssue, toE164 } from '../twilio/normalise.ts';

// Twilio's own call id format: checked here, at the edge; the hub's contract takes any provider's call id.
const CallSid = z.string().regex(/^CA[0-9a-f]{32}$/, 'must be a Twilio call SID (CA and 32 hex digits)');

export const GatherFields = z.object({
  CallSid,
  From: z.string().min(1, 'is required'),
  To: z.string().min(1, 'is required'),
  SpeechResult: z.string().max(5000).optional(),
  Digits: z
    .string()
    .regex(/^[0-9*#]{0,32}$/, 'must be key presses')
    .optional(),
});

/** A call the hub placed (a follow-up): who answered, and the key pressed for the question in the URL. */
export const PlacedCallFields = z.object({
  CallSid,
  /** Twilio's answering-machine detection: human, machine_start, fax, unknown… */
  AnsweredBy: z.string().max(40).optional(),
  Digits: z
    .string()
    .regex(/^[0-9*#]{0,32}$/, 'must be key presses')
    .optional(),
});
/** The follow-up it asks about, and the question whose answer this is (none: the call was just answered). */
export const PlacedCallQuery = z.object({ ref: z.string().max(100), q: z.string().max(100).optional() });

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
  if (!parsed.success) return { ok: false, reason: firstIssue(parsed.error) };
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

export const StatusFields = z.object({
  CallSid,
  /** Set on the leg the hub dialled to an agent: the customer's call it belongs to. */
  ParentCallSid: CallSid.optional(),
  CallStatus: z.enum(['queued', 'initiated', 'ringing', 'in-progress', 'completed', 'busy', 'no-answer', 'failed', 'canceled']),
});

const STATUS_KIND = {
  ringing: 'ringing',
  'in-progress': 'answered',
  completed: 'completed',
  busy: 'busy',
  'no-answer': 'no_answer',
  failed: 'failed',
  canceled: 'canceled',
} as const;

/**
 * A call status callback → CallReport. The customer's own call reports when it ends (set on the number in
 * Twilio); the leg dialled to an agent reports ringing, answered and ended. `null`: nothing worth recording.
 */
export function normaliseCallStatus(fields: Record<string, string>, receivedAt: Date): Normalised<CallReport | null> {
  const parsed = StatusFields.safeParse(fields);
  if (!parsed.success) return { ok: false, reason: firstIssue(parsed.error) };
  const { CallSid: legSid, ParentCallSid, CallStatus } = parsed.data;
  if (CallStatus === 'queued' || CallStatus === 'initiated') return { ok: true, value: null };
  return {
    ok: true,
    value: CallReport.parse({
      callId: ParentCallSid ?? legSid,
      leg: ParentCallSid ? 'agent' : 'caller',
      kind: STATUS_KIND[CallStatus],
      providerKey: `${legSid}:${CallStatus}`,
      at: receivedAt.toISOString(),
    }),
  };
}

export const DialFields = z.object({
  CallSid,
  DialCallStatus: z.enum(['completed', 'answered', 'busy', 'no-answer', 'failed', 'canceled']),
});

/** The end of a <Dial> to an agent: did they talk to the caller? */
export function normaliseDialResult(fields: Record<string, string>): Normalised<{ callSid: string; talked: boolean }> {
  const parsed = DialFields.safeParse(fields);
  if (!parsed.success) return { ok: false, reason: firstIssue(parsed.error) };
  return { ok: true, value: { callSid: parsed.data.CallSid, talked: parsed.data.DialCallStatus === 'completed' || parsed.data.DialCallStatus === 'answered' } };
}

export const RecordingFields = z.object({
  CallSid,
  From: z.string().min(1, 'is required'),
  To: z.string().min(1, 'is required'),
  RecordingUrl: z.url().optional(),
  RecordingDuration: z.coerce.number().int().min(0).optional(),
});

/** A message left out of hours (<Record> action) → a contact with the recording attached; null when nothing was recorded. */
export function normaliseVoicemail(fields: Record<string, string>, receivedAt: Date): Normalised<InboundContact | null> {
  const parsed = RecordingFields.safeParse(fields);
  if (!parsed.success) return { ok: false, reason: firstIssue(parsed.error) };
  const { CallSid, From, To, RecordingUrl, RecordingDuration } = parsed.data;
  const from = toE164(From);
  if (!RecordingUrl || !RecordingDuration || !from) return { ok: true, value: null };
  return {
    ok: true,
    value: InboundContact.parse({
      channel: 'voice',
      providerMessageId: `${CallSid}:voicemail`,
      from: { kind: 'phone', address: from },
      to: toE164(To) ?? To,
      text: `[Voicemail, ${RecordingDuration} seconds. A transcription follows when ready.]`,
      // Twilio serves the recording as WAV at the bare URL (MP3 with .mp3 appended), to the account's credentials.
      attachments: [{ url: RecordingUrl, contentType: 'audio/wav' }],
      receivedAt: receivedAt.toISOString(),
      raw: { CallSid, RecordingUrl, RecordingDuration },
    }),
  };
}

export const TranscriptionFields = z.object({
  CallSid,
  From: z.string().min(1, 'is required'),
  To: z.string().min(1, 'is required'),
  TranscriptionSid: z.string().min(1).max(64),
  TranscriptionStatus: z.enum(['completed', 'failed']),
  TranscriptionText: z.string().max(20_000).optional(),
});

/** Twilio's transcription of a voicemail → a contact holding the words, so agents can read what was said. */
export function normaliseTranscription(fields: Record<string, string>, receivedAt: Date): Normalised<InboundContact | null> {
  const parsed = TranscriptionFields.safeParse(fields);
  if (!parsed.success) return { ok: false, reason: firstIssue(parsed.error) };
  const { CallSid, From, To, TranscriptionSid, TranscriptionStatus, TranscriptionText } = parsed.data;
  const from = toE164(From);
  const text = TranscriptionText?.trim();
  // A failed transcription adds nothing: the voicemail message already carries the recording.
  if (TranscriptionStatus !== 'completed' || !text || !from) return { ok: true, value: null };
  return {
    ok: true,
    value: InboundContact.parse({
      channel: 'voice',
      providerMessageId: `${CallSid}:transcription`,
      from: { kind: 'phone', address: from },
      to: toE164(To) ?? To,
      text: `[Voicemail transcription] ${text}`,
      attachments: [],
      receivedAt: receivedAt.toISOString(),
      raw: { CallSid, TranscriptionSid, TranscriptionStatus },
    }),
  };
}

// What the bot says about danger: the safety question and the emergency advice for each kind of danger,
// from hub/data/safety.json (wording and numbers are data, never code). Checked at start.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DANGER_KINDS, type DangerKind } from '../needs/data.ts';

const Line = z.string().trim().min(5);

export const SafetyWording = z.object({
  general: Line,
  /** Said once in a conversation, with the bot's first question: the 999 line. */
  safetyNet: Line,
  /** Said with the bot's closing words. */
  safetyNetAnyTime: Line,
  /** Closes the one reply an email gets. */
  safetyNetInEmail: Line,
  question: Line,
  /** Email cannot ask and wait for the answer: its one reply leads with this and the advice. */
  emailQuestion: Line,
  questionAgain: Line,
  stillSafe: Line,
  toPerson: Line,
  toPersonUnsure: Line,
  /** What an email showing danger is told happens next (it is answered once, not kept waiting). */
  toPersonByEmail: Line,
  /** Every kind of danger has its advice: a rule naming a kind is never left without words. */
  advice: z.object(Object.fromEntries(DANGER_KINDS.map((k) => [k, Line])) as Record<DangerKind, typeof Line>).strict(),
});
export type SafetyWording = z.infer<typeof SafetyWording>;

export const SAFETY_WORDING_PATH = new URL('../data/safety.json', import.meta.url);

export function loadSafetyWording(source: unknown = JSON.parse(readFileSync(SAFETY_WORDING_PATH, 'utf8'))): SafetyWording {
  const parsed = SafetyWording.safeParse(source);
  if (!parsed.success) throw new Error(`hub/data/safety.json: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** The emergency advice for the kinds of danger seen, most pressing first; 999 in general when none is known. */
export function emergencyAdvice(wording: SafetyWording, kinds: readonly string[]): string[] {
  const known = DANGER_KINDS.filter((k) => kinds.includes(k));
  return known.length ? known.map((k) => wording.advice[k]) : [wording.general];
}

/** How a person answered "are you, or is anyone with you, in danger right now?". */
export type SafetyAnswer = 'danger' | 'safe' | 'unclear';

const DANGER_WORDS = /\b(not safe|unsafe|in danger|scared|frightened|terrified|help me|please help|send (someone|help|the police|an ambulance))\b/i;
const YES = /^\s*(1|y|yes|yeah|yep|yea|ya|yh|i am|we are|he is|she is|they are)\b/i;
const NO = /^\s*(2|n|no|nope|nah|not (right )?now|not at the moment|no one|nobody|not in danger)\b/i;
const SAFE =
  /\b(i am|i'm|im|we are|we're|were|she is|he is|they are|all|everyone is|we|i) (safe|ok|okay|fine|alright|all right)\b|\bsafe (now|here|for now|at the moment)\b/i;

/** Reads the answer; anything but a clear no is not taken as safe. */
export function readSafetyAnswer(said: string, urgent: boolean): SafetyAnswer {
  const text = said.replace(/[\u2018\u2019]/g, "'");
  if (urgent || DANGER_WORDS.test(text)) return 'danger';
  if (YES.test(text)) return 'danger';
  if (NO.test(text) || SAFE.test(text)) return 'safe';
  return 'unclear';
}

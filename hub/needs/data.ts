// Everything the needs detector is built from, loaded and checked at start: the shared taxonomy and the
// hub's own data beside this file (training utterances, shorthand, urgency rules). A bad file stops the
// start with a message naming it, never a wrong answer later.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_TAXONOMY_PATH, NeedsDataError, loadTaxonomy, readJsonData, type Taxonomy } from './taxonomy.ts';

const Utterances = z.array(z.string().trim().min(1));

export const Training = z.object({
  needs: z.record(z.string(), Utterances),
  none: Utterances.default([]),
});
export type Training = z.infer<typeof Training>;

const Word = z.string().regex(/^[a-z0-9£]+$/, 'one lower-case word without apostrophes');

/** A regular expression in a data file, refused at start if it does not compile. */
export const Pattern = z.string().refine((source) => {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

export const Language = z.object({
  shorthand: z.record(z.string().regex(/^[a-z0-9£']+$/, 'a shorthand key is one lower-case word'), z.string().min(1)),
  /** Words the needs model reads as one: each key stands for every word in its list (not used by the urgency rules). */
  synonyms: z
    .record(Word, z.array(Word).min(1))
    .default({})
    .superRefine((groups, ctx) => {
      const seen = new Map<string, string>();
      for (const [canonical, variants] of Object.entries(groups)) {
        for (const word of [canonical, ...variants]) {
          const other = seen.get(word);
          if (other !== undefined && other !== canonical)
            ctx.addIssue({ code: 'custom', path: [canonical], message: `"${word}" is already in the group of "${other}"` });
          seen.set(word, canonical);
        }
      }
    }),
  /**
   * What cancels the words after it up to the end of the clause for the needs model ("I don't need a food
   * parcel any more, just help with the gas"): regular expressions, matched case-insensitively on prepared text.
   */
  negations: z.array(Pattern).default([]),
  /**
   * Messages that carry no need. A pattern is a whole message (a test, a greeting, thanks), matched on prepared text
   * without punctuation. An object is a kind of message recognised anywhere in it (spam, a compliment), matched on
   * prepared text with its punctuation, and not when `unless` matches too (a question, an ask, a problem).
   */
  neutral: z.array(z.union([Pattern, z.object({ about: z.string(), if: Pattern, unless: Pattern.optional() })])).default([]),
});
export type Language = z.infer<typeof Language>;

const TERM = /\{\{([a-z]+)\}\}/g;

/**
 * Spells out the named terms of the urgency rules: {{weapon}} becomes (?:knife|gun|...). A term may use
 * terms named before it. Throws on a name that is not defined, so a typo never matches silently.
 */
export function expandTerms(source: string, terms: Readonly<Record<string, string>>): string {
  const expanded = new Map<string, string>();
  for (const [name, value] of Object.entries(terms)) {
    expanded.set(
      name,
      value.replace(TERM, (_, used: string) => {
        const inner = expanded.get(used);
        if (inner === undefined) throw new Error(`term "${name}" uses {{${used}}}, which is not defined before it`);
        return `(?:${inner})`;
      }),
    );
  }
  return source.replace(TERM, (_, used: string) => {
    const value = expanded.get(used);
    if (value === undefined) throw new Error(`{{${used}}} is not a defined term`);
    return `(?:${value})`;
  });
}

/** The kinds of immediate danger: each has its own emergency advice (hub/data/safety.json). */
export const DANGER_KINDS = ['violence', 'abuse', 'medical', 'gas', 'fire', 'suicide', 'child', 'missing', 'flood'] as const;
export const DangerKind = z.enum(DANGER_KINDS);
export type DangerKind = z.infer<typeof DangerKind>;

/**
 * A danger rule (urgent when it matches) or a risk signal (a sign of possible danger, too weak to act on alone:
 * the bot asks whether the person is safe right now); both read the same way.
 */
const UrgencyRule = z.object({
  why: z.string().min(1),
  kind: DangerKind,
  /** Taxonomy codes a match shows for certain (an intent to die, or goodbye words whatever the answer: mental health). */
  needs: z.array(z.string()).default([]),
  pattern: z.string().min(1),
  unless: z.string().min(1).optional(),
});

export const UrgencyRules = z
  .object({
    /** Named alternatives shared by the rules ({{name}} in a pattern). */
    terms: z.record(z.string().regex(/^[a-z]+$/, 'a term name is one lower-case word'), z.string().min(1)).default({}),
    rules: z.array(UrgencyRule).min(1),
    signals: z.array(UrgencyRule).default([]),
    /** Needs that are themselves a reason to ask whether the person is safe now (abuse disclosed, say). */
    askSafetyFor: z.array(z.string()).default([]),
    /** The model is unsure: one of askSafetyFor's needs scores at least this, below what is reported. */
    unsureFrom: z.number().min(0).max(1).default(1),
    /** The danger-now model (danger.ts) scores a message at least this: ask the safety question. 1: never. */
    dangerAskFrom: z.number().min(0).max(1).default(1),
    /** The danger-now model learnt from whole first messages: a shorter message (an answer such as "he is 9") is left to the rules. */
    dangerMinWords: z.number().int().min(1).default(8),
    /** The kind of danger a need shows when the message is urgent (a danger rule may name none). */
    needKinds: z.record(z.string(), DangerKind).default({}),
  })
  .superRefine((value, ctx) => {
    for (const list of ['rules', 'signals'] as const) {
      for (const [index, rule] of value[list].entries()) {
        for (const field of ['pattern', 'unless'] as const) {
          const source = rule[field];
          if (source === undefined) continue;
          let problem: string | undefined;
          try {
            new RegExp(expandTerms(source, value.terms), 'i');
          } catch (error) {
            problem = error instanceof SyntaxError ? 'not a valid regular expression' : (error as Error).message;
          }
          if (problem) ctx.addIssue({ code: 'custom', path: [list, index, field], message: problem });
        }
      }
    }
  });
export type UrgencyRules = z.infer<typeof UrgencyRules>;

/** A first message, labelled by someone who saw only the taxonomy and the labelling rules (see each set's 'about'). */
export const LabelledCase = z.object({
  channel: z.enum(['sms', 'voice', 'webchat', 'email']),
  text: z.string().min(1),
  needs: z.array(z.string()),
  urgent: z.boolean(),
  /** On urgent cases: the main kind of immediate danger, which decides the emergency advice. */
  danger: DangerKind.optional(),
  note: z.string().optional(),
  source: z.string().optional(),
});
export type LabelledCase = z.infer<typeof LabelledCase>;
export const LabelledSet = z.object({ about: z.string().optional(), cases: z.array(LabelledCase).min(1) });

/**
 * The labelled sets the hub learns from (the needs model and the danger-now model): every set here has been
 * scored and seen, or was written as training material.
 * A blind set stays out of this folder (tests/fixtures) until its first score is recorded.
 */
export const LABELLED_DIR = path.join(import.meta.dirname, 'labelled');

export function loadLabelledSets(taxonomy: Taxonomy, dir = LABELLED_DIR): { file: string; cases: LabelledCase[] }[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const file = path.join(dir, f);
      const { cases } = readJsonData(file, LabelledSet, 'It ships with the hub; restore it from the repository.');
      refuseUnknown(
        cases.flatMap((c) => c.needs),
        taxonomy,
        file,
      );
      return { file, cases };
    });
}

export interface NeedsData {
  taxonomy: Taxonomy;
  training: Training;
  language: Language;
  urgency: UrgencyRules;
  /** Labelled first messages the needs model and the danger-now model learn from. */
  labelled: LabelledCase[];
}

export const DATA_FILES = {
  training: path.join(import.meta.dirname, 'training.json'),
  language: path.join(import.meta.dirname, 'language.json'),
  urgency: path.join(import.meta.dirname, 'urgency.json'),
};

function refuseUnknown(codes: Iterable<string>, taxonomy: Taxonomy, file: string) {
  const known = new Set(taxonomy.needs.map((n) => n.code));
  const unknown = [...new Set(codes)].filter((code) => !known.has(code));
  if (unknown.length)
    throw new NeedsDataError(
      `${file}: ${unknown.map((c) => `"${c}"`).join(', ')} ${unknown.length === 1 ? 'is not a code' : 'are not codes'} in the needs taxonomy`,
    );
}

/** Refuses training data for a need the taxonomy does not have (a typo would silently train nothing). */
export function checkTraining(training: Training, taxonomy: Taxonomy, file = 'training data'): Training {
  refuseUnknown(Object.keys(training.needs), taxonomy, file);
  return training;
}

export function checkUrgency(urgency: UrgencyRules, taxonomy: Taxonomy, file = 'urgency rules'): UrgencyRules {
  refuseUnknown(
    [...urgency.rules.flatMap((r) => r.needs), ...urgency.signals.flatMap((s) => s.needs), ...urgency.askSafetyFor, ...Object.keys(urgency.needKinds)],
    taxonomy,
    file,
  );
  return urgency;
}

export function loadNeedsData(options: { taxonomyPath?: string; files?: Partial<typeof DATA_FILES>; labelledDir?: string } = {}): NeedsData {
  const files = { ...DATA_FILES, ...options.files };
  const taxonomy = loadTaxonomy(options.taxonomyPath ?? DEFAULT_TAXONOMY_PATH);
  const hint = 'It ships with the hub; restore it from the repository.';
  const training = checkTraining(readJsonData(files.training, Training, hint), taxonomy, files.training);
  return {
    taxonomy,
    training,
    language: readJsonData(files.language, Language, hint),
    urgency: checkUrgency(readJsonData(files.urgency, UrgencyRules, hint), taxonomy, files.urgency),
    labelled: loadLabelledSets(taxonomy, options.labelledDir).flatMap((set) => set.cases),
  };
}

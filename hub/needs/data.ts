// Everything the needs detector is built from, loaded and checked at start: the shared taxonomy and the
// hub's own data beside this file (training utterances, shorthand, urgency rules). A bad file stops the
// start with a message naming it, never a wrong answer later.
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_TAXONOMY_PATH, NeedsDataError, loadTaxonomy, readJsonData, type Taxonomy } from './taxonomy.ts';

const Utterances = z.array(z.string().trim().min(1));

export const Training = z.object({
  needs: z.record(z.string(), Utterances),
  none: Utterances.default([]),
});
export type Training = z.infer<typeof Training>;

export const Language = z.object({
  shorthand: z.record(z.string().regex(/^[a-z0-9£']+$/, 'a shorthand key is one lower-case word'), z.string().min(1)),
});
export type Language = z.infer<typeof Language>;

const RegexSource = z.string().refine((source) => {
  try {
    new RegExp(source, 'i');
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');

export const UrgencyRules = z.object({
  rules: z.array(z.object({ why: z.string().min(1), needs: z.array(z.string()).default([]), pattern: RegexSource, unless: RegexSource.optional() })).min(1),
});
export type UrgencyRules = z.infer<typeof UrgencyRules>;

export interface NeedsData {
  taxonomy: Taxonomy;
  training: Training;
  language: Language;
  urgency: UrgencyRules;
}

export const DATA_FILES = {
  training: path.join(import.meta.dirname, 'training.json'),
  language: path.join(import.meta.dirname, 'language.json'),
  urgency: path.join(import.meta.dirname, 'urgency.json'),
};

function refuseUnknown(codes: Iterable<string>, taxonomy: Taxonomy, file: string) {
  const known = new Set(taxonomy.needs.map((n) => n.code));
  const unknown = [...new Set(codes)].filter((code) => !known.has(code));
  if (unknown.length) throw new NeedsDataError(`${file}: ${unknown.map((c) => `"${c}"`).join(', ')} ${unknown.length === 1 ? 'is not a code' : 'are not codes'} in the needs taxonomy`);
}

/** Refuses training data for a need the taxonomy does not have (a typo would silently train nothing). */
export function checkTraining(training: Training, taxonomy: Taxonomy, file = 'training data'): Training {
  refuseUnknown(Object.keys(training.needs), taxonomy, file);
  return training;
}

export function checkUrgency(urgency: UrgencyRules, taxonomy: Taxonomy, file = 'urgency rules'): UrgencyRules {
  refuseUnknown(urgency.rules.flatMap((r) => r.needs), taxonomy, file);
  return urgency;
}

export function loadNeedsData(options: { taxonomyPath?: string; files?: Partial<typeof DATA_FILES> } = {}): NeedsData {
  const files = { ...DATA_FILES, ...options.files };
  const taxonomy = loadTaxonomy(options.taxonomyPath ?? DEFAULT_TAXONOMY_PATH);
  const hint = 'It ships with the hub; restore it from the repository.';
  const training = checkTraining(readJsonData(files.training, Training, hint), taxonomy, files.training);
  return {
    taxonomy,
    training,
    language: readJsonData(files.language, Language, hint),
    urgency: checkUrgency(readJsonData(files.urgency, UrgencyRules, hint), taxonomy, files.urgency),
  };
}

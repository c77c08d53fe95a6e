// The danger-now model: how likely a whole message is to be from someone in immediate danger, learnt from
// labelled messages (hub/needs/labelled/) rather than written as rules. The rules in urgency.json know the
// words they were written for; people in danger mostly say it some other way ("he's got the spare key and
// he's on his way round", "you won't need to chase me for the rent after tonight"). A high score does not
// flag the message urgent: the bot asks whether the person is safe right now, which costs a calm customer
// one question and catches what the rules miss.
//
// Logistic regression (logistic.ts) over the message's words and word pairs (pronouns, tense and "now" kept: they are
// what separates "he is outside" from "he was"). Sparse and small: trained in a second or two and kept with the
// needs model (model-store.ts); scoring a message is a few hundred map lookups.
import { logisticFrom, trainLogistic, type LogisticModel, type SavedLogistic } from './logistic.ts';
import { words } from './text.ts';

export interface DangerExample {
  /** Prepared text: lower case, shorthand spelt out, email furniture gone (as detect() prepares it). */
  text: string;
  urgent: boolean;
}

export interface DangerModel {
  /** 0–1: how likely the message is from someone in danger now. */
  score(prepared: string): number;
  /** The words and pairs that raised the score most (for tuning and tests). */
  because(prepared: string, top?: number): string[];
  readonly features: number;
  /** The learnt weights, to keep between starts (dangerModelFrom reads them back). */
  toJSON(): SavedLogistic;
}

export interface DangerTraining {
  /** A word or pair must appear in at least this many training messages to count (one-offs are noise). */
  minCount?: number;
  /** L2 penalty on the summed log-loss: larger keeps single words from carrying a message. */
  l2?: number;
  iterations?: number;
}

/** A message's features: its distinct words and neighbouring word pairs. */
function featuresOf(prepared: string): Record<string, number> {
  const w = words(prepared).map((x) => x.replace(/'/g, ''));
  const out: Record<string, number> = {};
  for (const x of w) out[x] = 1;
  for (let i = 0; i + 1 < w.length; i++) out[`${w[i]} ${w[i + 1]}`] = 1;
  return out;
}

/** The settings the detector trains with (also part of the key its kept weights are found by). */
export const DANGER_TRAINING: Required<DangerTraining> = { minCount: 2, l2: 1, iterations: 150 };

const URGENT = 'urgent';

export function trainDangerModel(examples: readonly DangerExample[], options: DangerTraining = {}): DangerModel {
  const settings = { ...DANGER_TRAINING, ...options, rate: 0.1, prune: 1e-4 };
  return modelOf(
    trainLogistic(
      examples.map((e) => ({ features: featuresOf(e.text), labels: e.urgent ? [URGENT] : [] })),
      [URGENT],
      settings,
    ),
  );
}

/** A model from weights kept by toJSON(); undefined when they are not a model's (a damaged file). */
export function dangerModelFrom(saved: unknown): DangerModel | undefined {
  const model = logisticFrom(saved);
  return model?.labels.length === 1 && model.labels[0] === URGENT ? modelOf(model) : undefined;
}

function modelOf(model: LogisticModel): DangerModel {
  return {
    features: model.size,
    toJSON: () => model.toJSON(),
    score: (prepared) => model.scores(featuresOf(prepared)).get(URGENT)!,
    because: (prepared, top = 5) => model.because(featuresOf(prepared), URGENT, top),
  };
}

/** What the model learns from: labelled first messages, and the taxonomy's urgency examples (all urgent). */
export function dangerExamples(
  cases: readonly { text: string; urgent: boolean }[],
  urgencyExamples: readonly string[],
  prepare: (text: string) => string,
): DangerExample[] {
  return [...cases.map((c) => ({ text: prepare(c.text), urgent: c.urgent })), ...urgencyExamples.map((e) => ({ text: prepare(e), urgent: true }))];
}

/** The model's score, or 0 for a message shorter than what it learnt from (an answer such as "he is 9"). */
export function dangerNow(model: DangerModel, prepared: string, minWords: number): number {
  return words(prepared).length >= minWords ? model.score(prepared) : 0;
}

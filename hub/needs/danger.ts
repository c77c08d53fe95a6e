// The danger-now model: how likely a whole message is to be from someone in immediate danger, learnt from
// labelled messages (hub/needs/labelled/) rather than written as rules. The rules in urgency.json know the
// words they were written for; people in danger mostly say it some other way ("he's got the spare key and
// he's on his way round", "you won't need to chase me for the rent after tonight"). A high score does not
// flag the message urgent: the bot asks whether the person is safe right now, which costs a calm customer
// one question and catches what the rules miss.
//
// Logistic regression over the message's words and word pairs (pronouns, tense and "now" kept: they are
// what separates "he is outside" from "he was"). Sparse and small: trained at start in tens of
// milliseconds; scoring a message is a few hundred map lookups.
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
}

export interface DangerTraining {
  /** A word or pair must appear in at least this many training messages to count (one-offs are noise). */
  minCount?: number;
  /** L2 penalty on the summed log-loss: larger keeps single words from carrying a message. */
  l2?: number;
  iterations?: number;
}

/** A message's features: its distinct words and neighbouring word pairs. */
function featuresOf(prepared: string): Set<string> {
  const w = words(prepared).map((x) => x.replace(/'/g, ''));
  const out = new Set<string>(w);
  for (let i = 0; i + 1 < w.length; i++) out.add(`${w[i]} ${w[i + 1]}`);
  return out;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export function trainDangerModel(examples: readonly DangerExample[], options: DangerTraining = {}): DangerModel {
  const minCount = options.minCount ?? 2;
  const l2 = options.l2 ?? 1;
  const iterations = options.iterations ?? 150;

  const counts = new Map<string, number>();
  const docs = examples.map((e) => featuresOf(e.text));
  for (const doc of docs) for (const f of doc) counts.set(f, (counts.get(f) ?? 0) + 1);
  const index = new Map<string, number>();
  for (const [f, n] of counts) if (n >= minCount) index.set(f, index.size);
  const rows = docs.map((doc) => Int32Array.from([...doc].flatMap((f) => (index.has(f) ? [index.get(f)!] : []))));
  const labels = examples.map((e) => (e.urgent ? 1 : 0));

  // Full-batch Adam on the penalised log-loss: deterministic, and converged well within the iterations
  // for a few thousand features and a few hundred messages.
  const n = index.size;
  const weights = new Float64Array(n);
  let bias = 0;
  const m = new Float64Array(n + 1);
  const v = new Float64Array(n + 1);
  const rate = 0.1;
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const grad = new Float64Array(n + 1);
  for (let t = 1; t <= iterations; t++) {
    grad.fill(0);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      let z = bias;
      for (const j of row) z += weights[j]!;
      const error = sigmoid(z) - labels[i]!;
      for (const j of row) grad[j]! += error;
      grad[n]! += error;
    }
    for (let j = 0; j < n; j++) grad[j]! += l2 * weights[j]!;
    for (let j = 0; j <= n; j++) {
      m[j] = b1 * m[j]! + (1 - b1) * grad[j]!;
      v[j] = b2 * v[j]! + (1 - b2) * grad[j]! * grad[j]!;
      const step = (rate * (m[j]! / (1 - b1 ** t))) / (Math.sqrt(v[j]! / (1 - b2 ** t)) + eps);
      if (j === n) bias -= step;
      else weights[j]! -= step;
    }
  }

  const weightOf = new Map<string, number>();
  for (const [f, j] of index) if (Math.abs(weights[j]!) > 1e-4) weightOf.set(f, weights[j]!);
  return {
    features: weightOf.size,
    score(prepared) {
      let z = bias;
      for (const f of featuresOf(prepared)) z += weightOf.get(f) ?? 0;
      return sigmoid(z);
    },
    because(prepared, top = 5) {
      return [...featuresOf(prepared)]
        .filter((f) => (weightOf.get(f) ?? 0) > 0)
        .sort((a, b) => weightOf.get(b)! - weightOf.get(a)!)
        .slice(0, top);
    },
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

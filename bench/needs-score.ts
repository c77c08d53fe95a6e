// Scores a needs detector against a labelled set: precision and recall per need, micro- and
// macro-averaged, and urgent recall and precision. Shared by `npm run bench:needs` and the quality test.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { dangerExamples, dangerNow, trainDangerModel } from '../hub/needs/danger.ts';
import { LabelledSet, loadLabelledSets, type LabelledCase, type NeedsData } from '../hub/needs/data.ts';
import { buildDetector, type Detection, type TrainedModelStore } from '../hub/needs/detector.ts';

/** What the scorer reads of a detection: the safety question and the kinds of danger are newer, and optional. */
type Scored = Pick<Detection, 'needs' | 'urgent'> & { safetyQuestion?: boolean; danger?: readonly string[] };

export type { LabelledCase } from '../hub/needs/data.ts';

export function loadLabelled(file: string | URL, knownCodes: ReadonlySet<string>): LabelledCase[] {
  const { cases } = LabelledSet.parse(JSON.parse(readFileSync(file, 'utf8')));
  for (const c of cases)
    for (const code of c.needs) if (!knownCodes.has(code)) throw new Error(`${String(file)}: "${code}" is not a taxonomy code (in "${c.text.slice(0, 40)}…")`);
  return cases;
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
}
const ratio = (a: number, b: number) => (b === 0 ? 1 : a / b);
export const precision = (c: Counts) => ratio(c.tp, c.tp + c.fp);
export const recall = (c: Counts) => ratio(c.tp, c.tp + c.fn);

export interface Score {
  perNeed: Map<string, Counts>;
  micro: Counts;
  macro: { precision: number; recall: number };
  urgent: Counts;
  /** The safety net: urgent messages flagged or answered with the safety question ("are you safe right now?"). */
  safety: {
    urgentCases: number;
    caught: number;
    calmCases: number;
    /** Calm messages the bot would ask the safety question of (not flagged). */
    asked: number;
    /** Calm messages flagged urgent. */
    flagged: number;
    /** Urgent messages with a labelled kind of danger, flagged, whose detected kinds include it (the right advice). */
    kindLabelled: number;
    kindRight: number;
  };
  /** Messages labelled with no need, and how many of them got none. */
  neutral: { cases: number; clean: number };
  perChannel: Map<string, { cases: number; micro: Counts; urgent: Counts; caught: number }>;
  /** Cases with any wrong need or a wrong urgent flag, for reading. */
  mistakes: { text: string; missed: string[]; extra: string[]; urgent: { expected: boolean; got: boolean }; asked: boolean }[];
}

export function score(detect: (text: string) => Scored, cases: readonly LabelledCase[]): Score {
  const perNeed = new Map<string, Counts>();
  const counts = (code: string) => perNeed.get(code) ?? perNeed.set(code, { tp: 0, fp: 0, fn: 0 }).get(code)!;
  const urgent: Counts = { tp: 0, fp: 0, fn: 0 };
  const safety: Score['safety'] = { urgentCases: 0, caught: 0, calmCases: 0, asked: 0, flagged: 0, kindLabelled: 0, kindRight: 0 };
  const neutral = { cases: 0, clean: 0 };
  const perChannel: Score['perChannel'] = new Map();
  const mistakes: Score['mistakes'] = [];
  for (const c of cases) {
    const got = detect(c.text);
    const asked = !got.urgent && got.safetyQuestion === true;
    const channel =
      perChannel.get(c.channel) ??
      perChannel.set(c.channel, { cases: 0, micro: { tp: 0, fp: 0, fn: 0 }, urgent: { tp: 0, fp: 0, fn: 0 }, caught: 0 }).get(c.channel)!;
    channel.cases++;
    const found = new Set(got.needs.map((n) => n.code));
    const expected = new Set(c.needs);
    for (const code of expected) {
      const hit = found.has(code) ? 'tp' : 'fn';
      counts(code)[hit]++;
      channel.micro[hit]++;
    }
    for (const code of found) {
      if (expected.has(code)) continue;
      counts(code).fp++;
      channel.micro.fp++;
    }
    for (const tally of [urgent, channel.urgent]) {
      if (c.urgent && got.urgent) tally.tp++;
      if (c.urgent && !got.urgent) tally.fn++;
      if (!c.urgent && got.urgent) tally.fp++;
    }
    if (c.urgent) {
      safety.urgentCases++;
      if (got.urgent || asked) {
        safety.caught++;
        channel.caught++;
      }
      if (c.danger && got.urgent) {
        safety.kindLabelled++;
        if (got.danger?.includes(c.danger)) safety.kindRight++;
      }
    } else {
      safety.calmCases++;
      if (asked) safety.asked++;
      if (got.urgent) safety.flagged++;
    }
    if (!expected.size) {
      neutral.cases++;
      if (!found.size) neutral.clean++;
    }
    const missed = [...expected].filter((x) => !found.has(x));
    const extra = [...found].filter((x) => !expected.has(x));
    if (missed.length || extra.length || c.urgent !== got.urgent)
      mistakes.push({ text: c.text, missed, extra, urgent: { expected: c.urgent, got: got.urgent }, asked });
  }
  const micro = [...perNeed.values()].reduce((a, c) => ({ tp: a.tp + c.tp, fp: a.fp + c.fp, fn: a.fn + c.fn }), { tp: 0, fp: 0, fn: 0 });
  // Macro over the needs the set is about (labelled at least once), so a need never mentioned does not count as perfect.
  const labelled = [...perNeed.values()].filter((c) => c.tp + c.fn > 0);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return {
    perNeed,
    micro,
    macro: { precision: mean(labelled.map(precision)), recall: mean(labelled.map(recall)) },
    urgent,
    safety,
    neutral,
    perChannel,
    mistakes,
  };
}

export interface DangerCrossValidation {
  sets: { name: string; urgent: number; caught: number; caughtBefore: number; calm: number; asked: number; askedBefore: number }[];
  urgent: number;
  caught: number;
  caughtBefore: number;
  calm: number;
  asked: number;
  askedBefore: number;
}

/**
 * The safety net with the danger-now model, each labelled set scored by a model trained on all the others: how
 * it does on wording it has not learnt from. "Before" is the rules and signals alone (no model).
 */
export function crossValidateDanger(data: NeedsData, options: { labelledDir?: string; store?: TrainedModelStore; folds?: number } = {}): DangerCrossValidation {
  const rulesOnly = buildDetector({ ...data, urgency: { ...data.urgency, dangerAskFrom: 1 } }, { store: options.store });
  const sets = loadLabelledSets(data.taxonomy, options.labelledDir);
  // Each set held out on its own, or (folds) every folds-th set together: fewer models to train, for the tests.
  const folds = options.folds ?? sets.length;
  const out: DangerCrossValidation = { sets: [], urgent: 0, caught: 0, caughtBefore: 0, calm: 0, asked: 0, askedBefore: 0 };
  for (let fold = 0; fold < folds; fold++) {
    const held = sets.filter((_, i) => i % folds === fold);
    const others = sets.filter((s) => !held.includes(s)).flatMap((s) => s.cases);
    const model = trainDangerModel(dangerExamples(others, data.taxonomy.urgency.examples, rulesOnly.prepare));
    const row = { name: held.map((s) => path.basename(s.file)).join(' + '), urgent: 0, caught: 0, caughtBefore: 0, calm: 0, asked: 0, askedBefore: 0 };
    for (const c of held.flatMap((s) => s.cases)) {
      const d = rulesOnly.detect(c.text);
      const asksNow = d.safetyQuestion || dangerNow(model, rulesOnly.prepare(c.text), data.urgency.dangerMinWords) >= data.urgency.dangerAskFrom;
      if (c.urgent) {
        row.urgent++;
        if (d.urgent || d.safetyQuestion) row.caughtBefore++;
        if (d.urgent || asksNow) row.caught++;
      } else {
        row.calm++;
        if (!d.urgent && d.safetyQuestion) row.askedBefore++;
        if (!d.urgent && asksNow) row.asked++;
      }
    }
    out.sets.push(row);
    for (const k of ['urgent', 'caught', 'caughtBefore', 'calm', 'asked', 'askedBefore'] as const) out[k] += row[k];
  }
  return out;
}

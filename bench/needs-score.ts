// Scores a needs detector against a labelled set: precision and recall per need, micro- and
// macro-averaged, and urgent recall and precision. Shared by `npm run bench:needs` and the quality test.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Detection } from '../hub/needs/detector.ts';

export const LabelledCase = z.object({
  channel: z.enum(['sms', 'voice', 'webchat', 'email']),
  text: z.string().min(1),
  needs: z.array(z.string()),
  urgent: z.boolean(),
  note: z.string().optional(),
});
export type LabelledCase = z.infer<typeof LabelledCase>;
const LabelledSet = z.object({ about: z.string().optional(), cases: z.array(LabelledCase).min(1) });

export function loadLabelled(file: string | URL, knownCodes: ReadonlySet<string>): LabelledCase[] {
  const { cases } = LabelledSet.parse(JSON.parse(readFileSync(file, 'utf8')));
  for (const c of cases) for (const code of c.needs) if (!knownCodes.has(code)) throw new Error(`${String(file)}: "${code}" is not a taxonomy code (in "${c.text.slice(0, 40)}…")`);
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
  /** Cases with any wrong need or a wrong urgent flag, for reading. */
  mistakes: { text: string; missed: string[]; extra: string[]; urgent: { expected: boolean; got: boolean } }[];
}

export function score(detect: (text: string) => Detection, cases: readonly LabelledCase[]): Score {
  const perNeed = new Map<string, Counts>();
  const counts = (code: string) => perNeed.get(code) ?? perNeed.set(code, { tp: 0, fp: 0, fn: 0 }).get(code)!;
  const urgent: Counts = { tp: 0, fp: 0, fn: 0 };
  const mistakes: Score['mistakes'] = [];
  for (const c of cases) {
    const got = detect(c.text);
    const found = new Set(got.needs.map((n) => n.code));
    const expected = new Set(c.needs);
    for (const code of expected) counts(code)[found.has(code) ? 'tp' : 'fn']++;
    for (const code of found) if (!expected.has(code)) counts(code).fp++;
    if (c.urgent && got.urgent) urgent.tp++;
    if (c.urgent && !got.urgent) urgent.fn++;
    if (!c.urgent && got.urgent) urgent.fp++;
    const missed = [...expected].filter((x) => !found.has(x));
    const extra = [...found].filter((x) => !expected.has(x));
    if (missed.length || extra.length || c.urgent !== got.urgent) mistakes.push({ text: c.text, missed, extra, urgent: { expected: c.urgent, got: got.urgent } });
  }
  const micro = [...perNeed.values()].reduce((a, c) => ({ tp: a.tp + c.tp, fp: a.fp + c.fp, fn: a.fn + c.fn }), { tp: 0, fp: 0, fn: 0 });
  // Macro over the needs the set is about (labelled at least once), so a need never mentioned does not count as perfect.
  const labelled = [...perNeed.values()].filter((c) => c.tp + c.fn > 0);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  return { perNeed, micro, macro: { precision: mean(labelled.map(precision)), recall: mean(labelled.map(recall)) }, urgent, mistakes };
}

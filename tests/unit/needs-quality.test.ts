// Quality floors for needs detection on the labelled sets (the figures themselves: npm run bench:needs).
// needs-labelled.json was written before tuning and then tuned on: the needs targets are asserted there.
// The blind sets in tests/fixtures, once scored, are never learnt from: a floor on their needs guards against a
// change that only fits the labelled sets. What is asserted everywhere is the guard for the worst error: every
// urgent message is flagged or met with the safety question. And so that "urgent" keeps its meaning, most urgent
// flags must be right.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { loadLabelledSets, loadNeedsData } from '../../hub/needs/data.ts';
import { buildDetector } from '../../hub/needs/detector.ts';
import { fileModelStore } from '../../hub/needs/model-store.ts';
import { crossValidateDanger, loadLabelled, precision, recall, score } from '../../bench/needs-score.ts';

const data = loadNeedsData();
// The weights scripts/prepare.ts kept (trained here if they are missing or the data changed).
const detector = buildDetector(data, { store: fileModelStore() });
const codes = new Set(data.taxonomy.needs.map((n) => n.code));
const cases = (file: string) => loadLabelled(new URL(`../../hub/needs/labelled/${file}`, import.meta.url), codes);
/**
 * Written blind (sessions 23 and 24) and each scored once at first sight; nothing learns from them (they are not in
 * hub/needs/labelled). A sealed set joins this list only after its first score is recorded. Holdouts 9-18, seen
 * and mended, moved into hub/needs/labelled in session 24 (more to learn from; their first scores stay in the
 * README and bench).
 */
const SCORED_BLIND = [19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29];
const scoredBlind = () => SCORED_BLIND.flatMap((n) => loadLabelled(new URL(`../fixtures/needs-holdout-${n}.json`, import.meta.url), codes));
const LEARNT_FROM = loadLabelledSets(data.taxonomy).map((set) => path.basename(set.file));
// Holdouts 4 and 5 reached every urgent message in session 11, after they had been looked at (seen sets now).
const URGENT_RECALL_REACHED = [
  'needs-labelled.json',
  'needs-holdout.json',
  'needs-holdout-2.json',
  'needs-holdout-3.json',
  'needs-holdout-4.json',
  'needs-holdout-5.json',
];
const ALL_SETS = URGENT_RECALL_REACHED;

describe('needs detection quality', () => {
  it('labelled set: every urgent message flagged, recall at least 0.9 at precision at least 0.8', () => {
    const result = score((text) => detector.detect(text), cases('needs-labelled.json'));
    expect(recall(result.urgent)).toBe(1);
    expect(recall(result.micro)).toBeGreaterThanOrEqual(0.9);
    // 0.89 reached in session 11; the floor keeps a margin under it.
    expect(precision(result.micro)).toBeGreaterThanOrEqual(0.85);
  });

  it.each(URGENT_RECALL_REACHED)('%s: no urgent message is missed', (file) => {
    const missed = cases(file)
      .filter((c) => c.urgent && !detector.detect(c.text).urgent)
      .map((c) => c.text);
    expect(missed).toEqual([]);
  });

  it('the safety question is for signs of danger, not for everyone: asked of at most a quarter of calm messages, and fewer than 1 in 10 flagged', () => {
    // All sets, the blind ones included: these are the false-alarm side of the safety net, which tuning must not buy recall with.
    const all = [...LEARNT_FROM.flatMap(cases), ...scoredBlind()];
    const { safety } = score((text) => detector.detect(text), all);
    expect(safety.calmCases).toBeGreaterThan(300);
    expect(safety.asked / safety.calmCases).toBeLessThanOrEqual(0.25);
    expect(safety.flagged / safety.calmCases).toBeLessThan(0.1);
  });

  it('no urgent message goes without a flag or the safety question, in every labelled set and every scored blind set', () => {
    const all = [...LEARNT_FROM.flatMap(cases), ...scoredBlind()];
    const missed = all
      .filter((c) => c.urgent)
      .filter((c) => {
        const d = detector.detect(c.text);
        return !d.urgent && !d.safetyQuestion;
      });
    expect(missed.map((c) => c.text)).toEqual([]);
  });

  it('the scored blind sets, never learnt from: needs precision and recall at least 0.82', () => {
    // At first sight P 0.82-0.88 R 0.84-0.92 on each of 19-29 (sessions 23-25); P 0.86 R 0.88 over 19-21 once
    // holdouts 9-18 were learnt from (session 24). The floor keeps a margin.
    const { micro } = score((text) => detector.detect(text), scoredBlind());
    expect(precision(micro)).toBeGreaterThanOrEqual(0.82);
    expect(recall(micro)).toBeGreaterThanOrEqual(0.82);
  });

  it('the danger-now model catches danger in words it has not learnt: each set scored by a model trained on the others', () => {
    // Held out one set at a time (npm run bench:needs), rules and signals alone catch 581 of 722 urgent messages and
    // the model 701, asking 561 of 3,163 calm people; four folds here trade a little of that for speed.
    const cv = crossValidateDanger(data, { store: fileModelStore(), folds: 4 });
    expect(cv.urgent).toBeGreaterThan(100);
    expect(cv.caught - cv.caughtBefore).toBeGreaterThanOrEqual(10);
    expect(cv.caught / cv.urgent).toBeGreaterThanOrEqual(0.95);
    expect(cv.asked / cv.calm).toBeLessThanOrEqual(0.25);
  });

  it('a test, a greeting or thanks carries no need', () => {
    for (const text of ['test', 'Testing 123', 'hello', 'Hi there!', 'thanks for your help', 'ok']) expect(detector.detect(text).needs, text).toEqual([]);
  });

  it('urgency is not everything: over all sets, at least 9 in 10 urgent flags are right', () => {
    const all = ALL_SETS.flatMap(cases);
    const result = score((text) => detector.detect(text), all);
    expect(precision(result.urgent)).toBeGreaterThanOrEqual(0.9);
    const calm = all.filter((c) => !c.urgent);
    expect(calm.length).toBeGreaterThan(100);
  });
});

// Quality floors for needs detection on the labelled sets (the figures themselves: npm run bench:needs).
// needs-labelled.json was written before tuning and then tuned on: the targets are asserted there.
// The two holdout sets scored far lower on first sight (micro precision/recall about 0.58/0.55, see
// bench/needs.ts); the detector was then changed after seeing some of their mistakes, so no floor is
// claimed for unseen text. What is asserted on them is the regression guard for the worst error: every
// urgent message in every set is flagged.
import { describe, expect, it } from 'vitest';
import { loadNeedsData } from '../../hub/needs/data.ts';
import { buildDetector } from '../../hub/needs/detector.ts';
import { loadLabelled, precision, recall, score } from '../../bench/needs-score.ts';

const data = loadNeedsData();
const detector = buildDetector(data);
const codes = new Set(data.taxonomy.needs.map((n) => n.code));
const cases = (file: string) => loadLabelled(new URL(`../fixtures/${file}`, import.meta.url), codes);

describe('needs detection quality', () => {
  it('labelled set: every urgent message flagged, recall at least 0.9 at precision at least 0.8', () => {
    const result = score((text) => detector.detect(text), cases('needs-labelled.json'));
    expect(recall(result.urgent)).toBe(1);
    expect(recall(result.micro)).toBeGreaterThanOrEqual(0.9);
    expect(precision(result.micro)).toBeGreaterThanOrEqual(0.8);
  });

  it.each(['needs-labelled.json', 'needs-holdout.json', 'needs-holdout-2.json'])('%s: no urgent message is missed', (file) => {
    const missed = cases(file).filter((c) => c.urgent && !detector.detect(c.text).urgent).map((c) => c.text);
    expect(missed).toEqual([]);
  });
});

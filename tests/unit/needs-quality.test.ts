// Quality floors for needs detection on the labelled sets (the figures themselves: npm run bench:needs).
// needs-labelled.json was written before tuning and then tuned on; needs-holdout.json was written after
// tuning and never tuned on, so its floors are lower: they say what the detector really reached there.
import { describe, expect, it } from 'vitest';
import { loadNeedsData } from '../../hub/needs/data.ts';
import { buildDetector } from '../../hub/needs/detector.ts';
import { loadLabelled, precision, recall, score } from '../../bench/needs-score.ts';

const data = loadNeedsData();
const detector = buildDetector(data);
const codes = new Set(data.taxonomy.needs.map((n) => n.code));
const judge = (file: string) => score((text) => detector.detect(text), loadLabelled(new URL(`../fixtures/${file}`, import.meta.url), codes));

describe('needs detection quality', () => {
  it('labelled set: every urgent message flagged, recall at least 0.9 at precision at least 0.8', () => {
    const result = judge('needs-labelled.json');
    expect(recall(result.urgent)).toBe(1);
    expect(recall(result.micro)).toBeGreaterThanOrEqual(0.9);
    expect(precision(result.micro)).toBeGreaterThanOrEqual(0.8);
  });
});

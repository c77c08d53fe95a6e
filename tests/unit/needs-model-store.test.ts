// The needs model's trained weights are kept between starts (hub/needs/model-store.ts): a model read back must
// answer exactly as one trained now, and a change to what it learns from must train again.
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNeedsData, type NeedsData } from '../../hub/needs/data.ts';
import { buildDetector } from '../../hub/needs/detector.ts';
import { fileModelStore } from '../../hub/needs/model-store.ts';
import { loadLabelled } from '../../bench/needs-score.ts';

const full = loadNeedsData();
// A smaller corpus trains in a fraction of the time: what is tested is keeping a model and reading it back.
const data: NeedsData = {
  ...full,
  training: {
    ...full.training,
    needs: Object.fromEntries(Object.entries(full.training.needs).map(([code, phrases]) => [code, phrases.slice(0, 30)])),
    none: full.training.none.slice(0, 60),
  },
  labelled: full.labelled.slice(0, 150),
};
const codes = new Set(data.taxonomy.needs.map((n) => n.code));
const texts = [
  ...loadLabelled(new URL('../../hub/needs/labelled/needs-labelled.json', import.meta.url), codes),
  ...loadLabelled(new URL('../../hub/needs/labelled/needs-holdout-9.json', import.meta.url), codes),
].map((c) => c.text);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ch-needs-model-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the needs model kept between starts', () => {
  it('is trained once, then read back, and a model read back answers as one trained now', async () => {
    const store = fileModelStore(dir);
    const trained = buildDetector(data, { store });
    expect(trained.trained).toBe('now');
    // The needs model and the danger-now model.
    expect(await readdir(dir)).toHaveLength(2);
    const stored = buildDetector(data, { store });
    expect(stored.trained).toBe('stored');
    const fresh = buildDetector(data);
    for (const text of texts) expect(stored.detect(text), text).toEqual(fresh.detect(text));
  });

  it('trains again when what it learns from changes, keeping both', () => {
    const store = fileModelStore(dir);
    const changed: NeedsData = {
      ...data,
      training: { ...data.training, none: [...data.training.none, 'just checking this number works'] },
    };
    expect(buildDetector(changed, { store }).trained).toBe('now');
    expect(buildDetector(changed, { store }).trained).toBe('stored');
    expect(buildDetector(data, { store }).trained).toBe('stored');
  });

  it('trains the danger-now model again when only its file is damaged, and answers as before', async () => {
    const store = fileModelStore(dir);
    const before = buildDetector(data, { store });
    for (const name of await readdir(dir)) if (name.includes('danger-')) await writeFile(path.join(dir, name), '{"bias": 1, "weights": [[1, "x"]]}');
    const retrained = buildDetector(data, { store });
    expect(retrained.trained).toBe('now');
    for (const text of texts) expect(retrained.dangerScore(text), text).toBe(before.dangerScore(text));
    expect(buildDetector(data, { store }).trained).toBe('stored');
  });

  it('trains when the kept file is damaged', async () => {
    const store = fileModelStore(dir);
    for (const name of await readdir(dir)) await writeFile(path.join(dir, name), '{"features": [');
    expect(buildDetector(data, { store }).trained).toBe('now');
    expect(buildDetector(data, { store }).trained).toBe('stored');
  });
});

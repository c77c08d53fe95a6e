// The needs model's trained weights are kept between starts (hub/needs/model-store.ts), and so is the corpus as
// the models read it: a detector built from what was kept must answer exactly as one trained and read now, and a
// change to what it learns from must read and train again.
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
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

/** A store in a folder of this test's own (removed after it), and the path of its one file whose name starts so. */
async function ownStore(name: string) {
  const own = await mkdtemp(path.join(tmpdir(), `ch-needs-${name}-`));
  onTestFinished(() => rm(own, { recursive: true, force: true }));
  const kept = async (prefix: string) => path.join(own, (await readdir(own)).find((file) => file.startsWith(prefix))!);
  return { own, store: fileModelStore(own), kept };
}

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
    expect([trained.trained, trained.corpus]).toEqual(['now', 'now']);
    // The needs model, the danger-now model and the corpus as they read it.
    expect((await readdir(dir)).map((name) => name.split('-')[0]).sort()).toEqual(['corpus', 'danger', 'needs']);
    const stored = buildDetector(data, { store });
    expect([stored.trained, stored.corpus]).toEqual(['stored', 'stored']);
    const fresh = buildDetector(data);
    for (const text of texts) {
      expect(stored.detect(text), text).toEqual(fresh.detect(text));
      expect(stored.explain(text), text).toEqual(fresh.explain(text));
    }
  });

  it('trains again when what it learns from changes, keeping both', () => {
    const store = fileModelStore(dir);
    const changed: NeedsData = {
      ...data,
      training: { ...data.training, none: [...data.training.none, 'just checking this number works'] },
    };
    const first = buildDetector(changed, { store });
    expect([first.trained, first.corpus]).toEqual(['now', 'now']);
    const again = buildDetector(changed, { store });
    expect([again.trained, again.corpus]).toEqual(['stored', 'stored']);
    const before = buildDetector(data, { store });
    expect([before.trained, before.corpus]).toEqual(['stored', 'stored']);
  });

  it('finds the same kept corpus for a detector with other urgency rules or neutral kinds, which do not read it', () => {
    const store = fileModelStore(dir);
    const other = buildDetector({ ...data, urgency: { ...data.urgency, dangerAskFrom: 1 }, language: { ...data.language, neutral: [] } }, { store });
    expect([other.trained, other.corpus]).toEqual(['stored', 'stored']);
    const moreShorthand = buildDetector({ ...data, language: { ...data.language, shorthand: { ...data.language.shorthand, hlpz: 'help' } } }, { store });
    expect(moreShorthand.corpus).toBe('now');
  });

  it('lets go of the least recently used files, so weights read at every start outlast corpora written since', async () => {
    const { own, store } = await ownStore('lru');
    store.save('needs-weights', { weights: 1 });
    for (let i = 0; i < 20; i++) {
      expect(store.load('needs-weights')).toEqual({ weights: 1 });
      store.save(`corpus-${i}`, { corpus: i });
    }
    const kept = await readdir(own);
    expect(kept).toContain('needs-weights.json');
    expect(kept.length).toBeLessThan(21);
    expect(kept).not.toContain('corpus-0.json');
  });

  it('reads the corpus again when its kept file is damaged or not a corpus, and answers as before', async () => {
    const { store, kept: keptFile } = await ownStore('corpus');
    const before = buildDetector(data, { store });
    const corpusFile = () => keptFile('corpus-');
    const kept = JSON.parse(await readFile(await corpusFile(), 'utf8'));
    for (const damaged of [
      '{"labelled": [',
      JSON.stringify({ ...kept, labelled: kept.labelled.slice(1) }),
      JSON.stringify({ ...kept, neighbours: kept.neighbours.map(() => kept.items.length) }),
      JSON.stringify({ ...kept, stems: null }),
    ]) {
      await writeFile(await corpusFile(), damaged);
      const reread = buildDetector(data, { store });
      expect([reread.corpus, reread.trained]).toEqual(['now', 'stored']);
      for (const text of texts.slice(0, 40)) expect(reread.detect(text), text).toEqual(before.detect(text));
    }
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

  it('trains again when the kept weights are cut short or in the older format, and answers as before', async () => {
    // A store of its own, so its one needs file is this model's.
    const { store, kept: keptFile } = await ownStore('cut');
    const before = buildDetector(data, { store });
    const needsFile = () => keptFile('needs-');
    const kept = JSON.parse(await readFile(await needsFile(), 'utf8'));
    // The weights of the last features lost (a file cut short), then the format kept before session 24.
    const shortWeights = Buffer.from(kept.weight, 'base64').subarray(0, -16).toString('base64');
    for (const damaged of [
      { ...kept, weight: shortWeights },
      { labels: kept.labels, bias: kept.bias, weights: [['help', 0, 1.5]] },
    ]) {
      await writeFile(await needsFile(), JSON.stringify(damaged));
      const retrained = buildDetector(data, { store });
      expect(retrained.trained).toBe('now');
      for (const text of texts.slice(0, 40)) expect(retrained.detect(text), text).toEqual(before.detect(text));
    }
  });

  it('trains when the kept file is damaged', async () => {
    const store = fileModelStore(dir);
    for (const name of await readdir(dir)) await writeFile(path.join(dir, name), '{"features": [');
    expect(buildDetector(data, { store }).trained).toBe('now');
    expect(buildDetector(data, { store }).trained).toBe('stored');
  });
});

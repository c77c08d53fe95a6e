// The needs model's and the danger-now model's trained weights, and the training messages as they read them,
// kept on disk between starts (buildDetector's TrainedModelStore): training and reading the messages are most of
// building the detector, reading what was kept a fraction of a second. It is a cache: a file that cannot be read
// or written means the model is trained or the messages read again, never an error.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TrainedModelStore } from './detector.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Beside the desk's bundle cache: made again by an install, never committed. */
export const MODEL_CACHE = path.join(ROOT, 'node_modules/.cache/contact-hub-needs');
/** Files kept (a needs model, a danger-now model and a corpus each): enough for a taxonomy or two besides the default, without growing with every data change. */
const KEEP = 12;

export function fileModelStore(dir: string = MODEL_CACHE): TrainedModelStore {
  // The key is a hash of what the model learnt from and how (detector.ts): a file of the same name is the same model.
  const file = (key: string) => path.join(dir, `${key}.json`);
  return {
    load(key) {
      let saved: unknown;
      try {
        saved = JSON.parse(readFileSync(file(key), 'utf8'));
      } catch {
        return undefined;
      }
      // Marked as used, so the files let go below are the least recently used, not the oldest written: the
      // weights, written once and read at every start, must not go before corpora read with other urgency rules.
      try {
        const now = new Date();
        utimesSync(file(key), now, now);
      } catch {
        // read-only: nothing is let go there either
      }
      return saved;
    },
    save(key, model) {
      try {
        mkdirSync(dir, { recursive: true });
        // Written aside and renamed, so a process starting at the same moment never reads half a file.
        const temporary = `${file(key)}.${process.pid}.tmp`;
        writeFileSync(temporary, JSON.stringify(model));
        renameSync(temporary, file(key));
        const older = readdirSync(dir)
          .filter((name) => name.endsWith('.json'))
          .map((name) => ({ name, at: statSync(path.join(dir, name)).mtimeMs }))
          .sort((a, b) => b.at - a.at)
          .slice(KEEP);
        for (const { name } of older) rmSync(path.join(dir, name), { force: true });
      } catch {
        // A read-only install, or a full disk: the next start trains again.
      }
    },
  };
}

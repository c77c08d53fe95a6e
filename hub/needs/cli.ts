// npm run needs -- "<text>": prints what POST /api/needs/detect would answer, with no database or
// Redis. With no argument it reads the text from standard input (npm run needs < email.txt).
import { readFileSync } from 'node:fs';
import { loadNeedsData } from './data.ts';
import { buildDetector, detectionView } from './detector.ts';
import { fileModelStore } from './model-store.ts';
import { NeedsDataError } from './taxonomy.ts';

const text = process.argv.slice(2).join(' ').trim() || (process.stdin.isTTY ? '' : readFileSync(0, 'utf8').trim());
if (!text) {
  console.error('usage: npm run needs -- "<text>"   (or pipe the text in on standard input)');
  process.exit(2);
}

try {
  // The weights the hub and the install keep: without them every call trained the models again (about 20 s).
  const detector = buildDetector(loadNeedsData({ taxonomyPath: process.env.NEEDS_TAXONOMY_PATH || undefined }), { store: fileModelStore() });
  console.log(JSON.stringify(detectionView(detector.detect(text)), null, 2));
} catch (error) {
  if (!(error instanceof NeedsDataError)) throw error;
  console.error(error.message);
  process.exit(1);
}

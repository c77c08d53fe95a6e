// Makes what a first start would otherwise make, so that `npm start` after an install listens in seconds:
// the desk's bundle, the needs model's trained weights and the embedded database's template. All three are
// caches under node_modules/.cache, kept by the hash of their inputs; the hub makes any that is missing.
// Run by scripts/setup.sh when their inputs change, and by the Dockerfile.
import { buildDeskBundle } from '../agent-desk/server/web-bundle.ts';
import { ensureTemplate } from '../hub/db/template.ts';
import { loadNeedsData } from '../hub/needs/data.ts';
import { buildDetector } from '../hub/needs/detector.ts';
import { fileModelStore } from '../hub/needs/model-store.ts';

const started = performance.now();
await buildDeskBundle();
const model = buildDetector(loadNeedsData(), { store: fileModelStore() });
const template = await ensureTemplate();
const ms = Math.round(performance.now() - started);
console.log(`prepared: desk bundle, needs model (${model.trained === 'stored' ? 'kept' : 'trained'}), database template (${template}) in ${ms} ms`);
// Prisma's schema engine leaves a 10-second timer behind after migrating: nothing else is pending here.
process.exit(template === 'failed' ? 1 : 0);

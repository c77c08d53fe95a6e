import path from 'node:path';
import { defineConfig } from 'prisma/config';

// The CLI downloads a native schema engine before `generate` unless this names a file.
// Offline machines get a stub that explains itself; set it to '' to let Prisma download the real one.
if (process.env.PRISMA_SCHEMA_ENGINE_BINARY === undefined) {
  process.env.PRISMA_SCHEMA_ENGINE_BINARY = path.resolve(import.meta.dirname, 'scripts/no-schema-engine.sh');
}

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
});

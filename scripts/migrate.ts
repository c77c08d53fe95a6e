// Migrations without the native Prisma engine (see hub/db/migrations.ts).
//   npx tsx scripts/migrate.ts deploy       apply pending migrations to DATABASE_URL, or to the embedded PGlite
//   npx tsx scripts/migrate.ts diff         print SQL schema.prisma needs beyond the migrations; exit 1 if any (CI)
//   npx tsx scripts/migrate.ts new <name>   write that SQL as prisma/migrations/<UTC timestamp>_<name>/migration.sql
import { access, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { MIGRATIONS_DIR, MIGRATION_LOCK, applyMigrations, diffSchemaAgainstMigrations, isEmptyDiff } from '../hub/db/migrations.ts';

async function deploy(): Promise<number> {
  const url = process.env.DATABASE_URL;
  if (url) {
    // Refuse rather than silently migrating the embedded database when the URL is merely mistyped.
    if (!/^postgres(ql)?:\/\//.test(url)) throw new Error('DATABASE_URL must be postgresql://… (or unset for the embedded PGlite)');
    report(await applyMigrations({ kind: 'postgres', url }), `PostgreSQL ${new URL(url).host}`);
    return 0;
  }
  const dataDir = path.resolve(process.env.DATA_DIR || './data', 'pglite');
  await mkdir(path.dirname(dataDir), { recursive: true });
  const db = await PGlite.create(dataDir);
  try {
    report(await applyMigrations({ kind: 'pglite', db }), `PGlite ${dataDir}`);
  } finally {
    await db.close(); // flushes to disk; Prisma's $disconnect would not
  }
  return 0;
}

function report({ applied }: { applied: string[] }, where: string): void {
  console.log(applied.length ? `Applied to ${where}:\n${applied.map((m) => `  ${m}`).join('\n')}` : `${where} is up to date.`);
}

async function diff(): Promise<number> {
  const sql = await diffSchemaAgainstMigrations();
  if (isEmptyDiff(sql)) {
    console.error('prisma/schema.prisma and prisma/migrations agree.');
    return 0;
  }
  process.stdout.write(sql);
  console.error("\nprisma/schema.prisma has changes no migration makes: run 'npx tsx scripts/migrate.ts new <name>'.");
  return 1;
}

async function create(rawName: string | undefined): Promise<number> {
  // Prisma's own naming: snake_case, [A-Za-z0-9_] only.
  const name = (rawName ?? '')
    .trim()
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!name) {
    console.error('usage: migrate.ts new <name>');
    return 2;
  }
  const sql = await diffSchemaAgainstMigrations();
  if (isEmptyDiff(sql)) {
    console.error('No changes: prisma/schema.prisma and prisma/migrations already agree.');
    return 0;
  }
  const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14); // yyyyMMddHHmmss, UTC
  const dir = path.join(MIGRATIONS_DIR, `${stamp}_${name}`);
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, 'migration.sql'), sql, { flag: 'wx' });
  const lock = path.join(MIGRATIONS_DIR, 'migration_lock.toml');
  await access(lock).catch(() => writeFile(lock, MIGRATION_LOCK));
  console.log(path.relative(process.cwd(), path.join(dir, 'migration.sql')));
  return 0;
}

const [command, arg] = process.argv.slice(2);
const commands: Record<string, () => Promise<number>> = { deploy, diff, new: () => create(arg) };
const run = command === undefined ? undefined : commands[command];
if (!run) {
  console.error('usage: npx tsx scripts/migrate.ts deploy | diff | new <name>');
  process.exit(2);
}
// process.exit: the wasm engine leaves a timer running that would keep Node alive.
run().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);

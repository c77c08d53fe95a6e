// A new embedded database starts from a template: PGlite's initdb (PostgreSQL's, in WebAssembly) and the
// migrations take 3–4 s, loading a data directory that already has them about 1 s. The template is a cache,
// kept by the hash of the migrations and PGlite's version: made by an install (scripts/prepare.ts) or by the
// first database made without one, and never committed. One that cannot be read or written is ignored.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { PGlite } from '@electric-sql/pglite';
import { packageVersion } from '../package-version.ts';
import { MIGRATIONS_DIR, applyMigrations, readMigrationsList } from './migrations.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const gzip = promisify(zlib.gzip);
const gunzip = promisify(zlib.gunzip);
export const TEMPLATE_CACHE = path.join(ROOT, 'node_modules/.cache/contact-hub-pglite');

export interface TemplateOptions {
  /** Where templates are kept (tests pass their own). */
  dir?: string;
  migrationsDir?: string;
}

/** A data directory PostgreSQL has not been initialised in (absent or empty). */
export function isNewDataDir(dataDir: string): boolean {
  return !existsSync(path.join(dataDir, 'PG_VERSION'));
}

async function templateFile({ dir = TEMPLATE_CACHE, migrationsDir = MIGRATIONS_DIR }: TemplateOptions): Promise<string> {
  const hash = createHash('sha256');
  const list = await readMigrationsList(migrationsDir);
  for (const migration of list.migrationDirectories) hash.update(migration.path).update('\0').update(JSON.stringify(migration.migrationFile)).update('\0');
  hash.update(`pglite ${packageVersion('@electric-sql/pglite')}`);
  return path.join(dir, `${hash.digest('hex').slice(0, 32)}.tar.gz`);
}

/** The template for the current migrations, if one has been made. */
export async function readTemplate(options: TemplateOptions = {}): Promise<Blob | undefined> {
  try {
    // Kept gzipped (about 4.5 MB, not 42) but unzipped here by zlib: PGlite's own gzip reading takes 0.4 s more.
    return new Blob([await gunzip(await readFile(await templateFile(options)))]);
  } catch {
    return undefined;
  }
}

/** Keeps `db` (just made and migrated, nothing else in it) as the template for the current migrations. */
export async function writeTemplate(db: PGlite, options: TemplateOptions = {}): Promise<boolean> {
  try {
    const file = await templateFile(options);
    const dump = await gzip(Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer()));
    await mkdir(path.dirname(file), { recursive: true });
    // Written aside and renamed: a process starting at the same moment never loads half a template.
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, dump);
    await rename(temporary, file);
    // Only the current migrations' template is of use.
    for (const name of await readdir(path.dirname(file)))
      if (name !== path.basename(file) && !name.endsWith('.tmp')) await rm(path.join(path.dirname(file), name), { force: true });
    return true;
  } catch {
    return false;
  }
}

/** Makes the template for the current migrations unless there is one (an install does, scripts/prepare.ts). */
export async function ensureTemplate(options: TemplateOptions = {}): Promise<'kept' | 'made' | 'failed'> {
  if (existsSync(await templateFile(options))) return 'kept';
  const { PGlite } = await import('@electric-sql/pglite');
  // In memory: the dump is the same data directory a new database on disk would have.
  const db = new PGlite();
  try {
    await applyMigrations({ kind: 'pglite', db }, { migrationsDir: options.migrationsDir });
    return (await writeTemplate(db, options)) ? 'made' : 'failed';
  } finally {
    await db.close();
  }
}

// A new embedded database starts from a template of the migrated schema (hub/db/template.ts) instead of
// PGlite's initdb and every migration. The template must never replace an existing database, and one made
// for other migrations must not be used.
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../hub/db/client.ts';
import { MIGRATIONS_DIR } from '../../hub/db/migrations.ts';
import { ensureTemplate } from '../../hub/db/template.ts';
import { migrationNames } from '../helpers/migrations.ts';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function open(dataDir: string, template: { dir: string; migrationsDir?: string }): Promise<Database> {
  const db = await openDatabase({ kind: 'pglite', dataDir }, { template });
  cleanups.push(() => db.close());
  return db;
}

async function appliedNames(db: Database): Promise<string[]> {
  const rows = await db.prisma.$queryRaw<{ migration_name: string }[]>`
    SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY migration_name`;
  return rows.map((r) => r.migration_name);
}

describe('the embedded database template', () => {
  it('keeps the first new database as the template, and the next new one starts from it with every migration', async () => {
    const templates = await tempDir('ch-template-');
    const first = await open(await tempDir('ch-pglite-a-'), { dir: templates });
    expect(first.fromTemplate).toBe(false);
    expect(first.applied).toEqual(await migrationNames());
    expect(await readdir(templates)).toHaveLength(1);
    await first.prisma.customer.create({ data: { displayName: 'Only in the first', preferredChannel: 'sms' } });

    const second = await open(await tempDir('ch-pglite-b-'), { dir: templates });
    expect(second.fromTemplate).toBe(true);
    expect(second.applied).toEqual([]);
    expect(await appliedNames(second)).toEqual(await migrationNames());
    // The template is the schema alone: nothing written to the first database came with it.
    expect(await second.prisma.customer.count()).toBe(0);
    const created = await second.prisma.customer.create({ data: { displayName: 'Ada', preferredChannel: 'webchat' } });
    expect(await second.prisma.customer.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ displayName: 'Ada' });
  });

  it('never loads the template over a database that is already there', async () => {
    const templates = await tempDir('ch-template-');
    expect(await ensureTemplate({ dir: templates })).toBe('made');
    const dataDir = await tempDir('ch-pglite-');
    const before = await openDatabase({ kind: 'pglite', dataDir }, { template: { dir: templates } });
    expect(before.fromTemplate).toBe(true);
    await before.prisma.customer.create({ data: { displayName: 'Still here', preferredChannel: 'sms' } });
    await before.close();

    const after = await open(dataDir, { dir: templates });
    expect(after.fromTemplate).toBe(false);
    expect(after.applied).toEqual([]);
    expect(await after.prisma.customer.findMany({ select: { displayName: true } })).toEqual([{ displayName: 'Still here' }]);
  });

  it('does not use a template made before a migration was added, and applies the new migration', async () => {
    const templates = await tempDir('ch-template-');
    const migrationsDir = await tempDir('ch-migrations-');
    await cp(MIGRATIONS_DIR, migrationsDir, { recursive: true });
    expect(await ensureTemplate({ dir: templates, migrationsDir })).toBe('made');

    const added = '99999999999999_added_since';
    await mkdir(path.join(migrationsDir, added));
    await writeFile(path.join(migrationsDir, added, 'migration.sql'), 'CREATE TABLE "AddedSince" (id INT PRIMARY KEY);\n');
    const db = await open(await tempDir('ch-pglite-'), { dir: templates, migrationsDir });
    expect(db.fromTemplate).toBe(false);
    expect(db.applied).toContain(added);
    expect(await db.prisma.$queryRaw`SELECT count(*)::int AS n FROM "AddedSince"`).toEqual([{ n: 0 }]);
    // The new database is now the template for these migrations.
    expect(await ensureTemplate({ dir: templates, migrationsDir })).toBe('kept');
  });
});

// hub/db/migrations.ts drives an internal Prisma API (the wasm schema engine): check it end to end,
// on the real PostgreSQL server (one fresh schema per test) and on in-memory PGlite.
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { afterEach, describe, expect, it } from 'vitest';
import { PrismaClient } from '../../hub/generated/prisma/client.ts';
import { MIGRATIONS_DIR, applyMigrations, diffSchemaAgainstMigrations, isEmptyDiff } from '../../hub/db/migrations.ts';
import { migrationNames } from '../helpers/migrations.ts';

const POSTGRES_URL = process.env.TEST_MIGRATIONS_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/test';
const BROKEN = '99999999999999_broken';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function query(sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end();
  }
}

/** A schema name of its own, dropped after the test; the schema itself is left for applyMigrations to create. */
function freshSchema(): { name: string; url: string } {
  const name = `mig_test_${randomBytes(4).toString('hex')}`;
  cleanups.push(() => query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`));
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('schema', name);
  return { name, url: url.toString() };
}

async function freshPGlite(): Promise<PGlite> {
  const db = await PGlite.create();
  cleanups.push(() => db.close());
  return db;
}

/** The project's migrations plus one that creates a table and then fails. */
async function migrationsWithBrokenOne(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ch-migrations-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  await mkdir(path.join(dir, BROKEN));
  await writeFile(path.join(dir, BROKEN, 'migration.sql'), 'CREATE TABLE "Broken" (id INT);\nSELECT * FROM "NoSuchTable";\n');
  return dir;
}

describe('applyMigrations on PostgreSQL', () => {
  it('creates the schema, applies every migration, and applies nothing the second time', async () => {
    const expected = await migrationNames();
    expect(expected.length).toBeGreaterThan(0);
    const schema = freshSchema();

    expect(await applyMigrations({ kind: 'postgres', url: schema.url })).toEqual({ applied: expected });
    expect(await applyMigrations({ kind: 'postgres', url: schema.url })).toEqual({ applied: [] });

    const { rows } = await query(
      `SELECT migration_name FROM "${schema.name}"._prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL ORDER BY 1`,
    );
    expect(rows.map((r: { migration_name: string }) => r.migration_name)).toEqual(expected);
    const tables = await query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'Customer'`, [schema.name]);
    expect(tables.rowCount).toBe(1);
  });

  it('lets two concurrent runs on one database apply each migration once', async () => {
    const schema = freshSchema();
    const runs = await Promise.all([1, 2].map(() => applyMigrations({ kind: 'postgres', url: schema.url })));
    expect(runs.flatMap((r) => r.applied).sort()).toEqual(await migrationNames());
  });

  it('throws on a failing migration, keeps none of its changes, and does not record it as applied', async () => {
    const schema = freshSchema();
    const migrationsDir = await migrationsWithBrokenOne();

    await expect(applyMigrations({ kind: 'postgres', url: schema.url }, { migrationsDir })).rejects.toThrow(/NoSuchTable/);

    const { rows } = await query(`SELECT migration_name, finished_at FROM "${schema.name}"._prisma_migrations WHERE migration_name = $1`, [BROKEN]);
    expect(rows.every((r: { finished_at: Date | null }) => r.finished_at === null)).toBe(true);
    const broken = await query(`SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = 'Broken'`, [schema.name]);
    expect(broken.rowCount).toBe(0);
    // Like `prisma migrate deploy`: later runs refuse until the failed migration is resolved.
    await expect(applyMigrations({ kind: 'postgres', url: schema.url }, { migrationsDir })).rejects.toThrow(/failed/);
  });
});

describe('applyMigrations on in-memory PGlite', () => {
  it('applies the migrations, after which the Prisma client can write and read a Customer', async () => {
    const db = await freshPGlite();
    expect(await applyMigrations({ kind: 'pglite', db })).toEqual({ applied: await migrationNames() });
    expect(await applyMigrations({ kind: 'pglite', db })).toEqual({ applied: [] });

    const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
    try {
      const created = await prisma.customer.create({ data: { displayName: 'Ada', preferredChannel: 'sms' } });
      const read = await prisma.customer.findUniqueOrThrow({ where: { id: created.id } });
      expect(read).toMatchObject({ displayName: 'Ada', preferredChannel: 'sms' });
    } finally {
      await prisma.$disconnect();
    }
  });

  it('throws on a failing migration rather than recording it as applied', async () => {
    const db = await freshPGlite();
    const migrationsDir = await migrationsWithBrokenOne();

    await expect(applyMigrations({ kind: 'pglite', db }, { migrationsDir })).rejects.toThrow(/NoSuchTable/);

    const { rows } = await db.query<{ finished_at: Date | null }>('SELECT finished_at FROM _prisma_migrations WHERE migration_name = $1', [BROKEN]);
    expect(rows.every((r) => r.finished_at === null)).toBe(true);
    const broken = await db.query(`SELECT 1 FROM information_schema.tables WHERE table_name = 'Broken'`);
    expect(broken.rows).toHaveLength(0);
  });
});

describe('diffSchemaAgainstMigrations', () => {
  it('finds nothing to add: schema.prisma and prisma/migrations agree', async () => {
    const sql = await diffSchemaAgainstMigrations();
    expect(isEmptyDiff(sql), sql).toBe(true);
  });

  it('reports the whole schema against an empty migrations folder', async () => {
    const empty = await mkdtemp(path.join(tmpdir(), 'ch-migrations-'));
    cleanups.push(() => rm(empty, { recursive: true, force: true }));
    expect(await diffSchemaAgainstMigrations({ migrationsDir: empty })).toMatch(/CREATE TABLE "Customer"/);
  });
});

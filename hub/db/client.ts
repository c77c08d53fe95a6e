// The database: PostgreSQL when DATABASE_URL is set, otherwise embedded PGlite in DATA_DIR.
// Same schema and migrations for both; the Prisma client talks through a driver adapter (no native engine).
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import type { HubConfig } from '../config.ts';
import { applyMigrations } from './migrations.ts';
import { isNewDataDir, readTemplate, type TemplateOptions, writeTemplate } from './template.ts';

export type Db = PrismaClient;
/** The client inside an interactive transaction (a Db works wherever a Tx is asked for). */
export type Tx = Prisma.TransactionClient;

export interface Database {
  readonly prisma: Db;
  readonly kind: 'postgres' | 'pglite';
  /** Applied migrations' names, for the start-up log. */
  readonly applied: string[];
  /** A new embedded database loaded from its template (template.ts) instead of made and migrated. */
  readonly fromTemplate?: boolean;
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openDatabase(target: HubConfig['database'], options: { template?: TemplateOptions } = {}): Promise<Database> {
  if (target.kind === 'postgres') {
    const { applied } = await applyMigrations({ kind: 'postgres', url: target.url });
    // Prisma's ?schema= is not libpq's: hand it to the adapter, as the migrations do. A connection that cannot
    // be made in 5 s fails (pg's default waits for ever), so callers can fall back, e.g. to the inbound journal.
    const url = new URL(target.url);
    const schema = url.searchParams.get('schema') ?? undefined;
    url.searchParams.delete('schema');
    const prisma = new PrismaClient({
      adapter: new PrismaPg({ connectionString: url.toString(), max: target.poolSize, connectionTimeoutMillis: 5_000 }, schema ? { schema } : undefined),
    });
    return {
      prisma,
      kind: 'postgres',
      applied,
      ping: async () => void (await prisma.$queryRaw`SELECT 1`),
      close: () => prisma.$disconnect(),
    };
  }
  await mkdir(target.dataDir, { recursive: true });
  const isNew = isNewDataDir(target.dataDir);
  const template = isNew ? await readTemplate(options.template) : undefined;
  const pglite = new PGlite(target.dataDir, template ? { loadDataDir: template } : {});
  // Applied even from a template: a migration it lacks (one added since) is applied as on any database.
  const { applied } = await applyMigrations({ kind: 'pglite', db: pglite }, { migrationsDir: options.template?.migrationsDir });
  if (isNew && !template) await writeTemplate(pglite, options.template);
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    prisma,
    kind: 'pglite',
    applied,
    fromTemplate: template !== undefined,
    ping: async () => void (await prisma.$queryRaw`SELECT 1`),
    close: async () => {
      await prisma.$disconnect();
      // $disconnect leaves PGlite open, and an open PGlite keeps the process alive.
      await pglite.close();
    },
  };
}

/** A unique constraint said no: the row is already there (a retry, or a concurrent worker won). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/** An update or delete found no row matching its conditions (e.g. a guard on the owner failed). */
export function isNotFound(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2025';
}

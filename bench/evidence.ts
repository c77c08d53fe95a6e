// npm run bench:evidence — how long each evidence table takes over a year of a large council (bench/seed-evidence.ts:
// 1,000,000 messages, 200,000 conversations, ~300,000 needs, 60,000 plans). Each table is built through
// evidenceTable() on a real Prisma client, as the API builds it, for the whole year in every area, for one
// district, and for one month, BENCH_EVIDENCE_RUNS times each after one untimed run; then once more each through
// the HTTP route (zod view and JSON), to show what serialisation adds. Seeds the database first when it is
// missing or holds other sizes (about two minutes; it is kept for the next run: drop it with
// `psql -c 'DROP DATABASE evidence_bench'`). Times are printed, never asserted.
// Settings: BENCH_EVIDENCE_RUNS (default 20), BENCH_EVIDENCE_DISTRICT (default TF1, the largest),
// EVIDENCE_BENCH_URL, BENCH_EVIDENCE_SCALE (see seed-evidence.ts); BENCH_EVIDENCE_EXPLAIN=1 prints each
// table's plan (EXPLAIN ANALYZE, BUFFERS) for the year instead of timing.
import type { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import express from 'express';
import pg from 'pg';
import { namesOf } from '../channels/registry.ts';
import { evidenceRouter } from '../agent-desk/server/evidence.ts';
import { openDatabase, type Db } from '../hub/db/client.ts';
import { EVIDENCE_TABLES, evidenceTable, type EvidenceFilter, type EvidenceWords } from '../hub/evidence/queries.ts';
import { Prisma } from '../hub/generated/prisma/client.ts';
import { loadTaxonomy } from '../hub/needs/taxonomy.ts';
import { EVIDENCE_BENCH_URL, SIZES, YEAR, seedEvidence } from './seed-evidence.ts';

const RUNS = Number(process.env.BENCH_EVIDENCE_RUNS ?? 20);
const DISTRICT = process.env.BENCH_EVIDENCE_DISTRICT ?? 'TF1';
const MONTH = { from: new Date('2025-06-01T00:00:00Z'), to: new Date('2025-07-01T00:00:00Z') };
const SCENARIOS: { name: string; filter: EvidenceFilter }[] = [
  { name: 'year, all areas', filter: { ...YEAR, district: null } },
  { name: `year, ${DISTRICT}`, filter: { ...YEAR, district: DISTRICT } },
  { name: 'June, all areas', filter: { ...MONTH, district: null } },
];

const labels = new Map(loadTaxonomy().needs.map((need) => [need.code, need.label]));
const words: EvidenceWords = { need: (code) => labels.get(code) ?? code, channel: (kind) => namesOf(kind).label };

/** Whether the bench database holds the seeded sizes (a missing database holds none). */
async function isSeeded(): Promise<boolean> {
  const client = new pg.Client({ connectionString: EVIDENCE_BENCH_URL });
  try {
    await client.connect();
    const { rows } = await client.query<{ customers: string; conversations: string; messages: string; plans: string }>(
      `SELECT (SELECT count(*) FROM "Customer") AS customers, (SELECT count(*) FROM "Conversation") AS conversations,
        (SELECT count(*) FROM "Message") AS messages, (SELECT count(*) FROM "ActionPlan") AS plans`,
    );
    const r = rows[0]!;
    return (
      Number(r.customers) === SIZES.customers &&
      Number(r.conversations) === SIZES.conversations &&
      Number(r.messages) === SIZES.messages &&
      Number(r.plans) === SIZES.plans
    );
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Nearest-rank percentile of sorted times. */
const rank = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
const ms = (n: number) => (n < 10 ? n.toFixed(1) : n.toFixed(0));

/**
 * Prints each table's plans for the year: evidenceTable() is handed a stand-in whose $queryRaw runs EXPLAIN (ANALYZE,
 * BUFFERS) instead, in the order called, inside one transaction per table that is rolled back.
 */
async function explain(): Promise<void> {
  const client = new pg.Client({ connectionString: EVIDENCE_BENCH_URL });
  await client.connect();
  try {
    for (const name of EVIDENCE_TABLES) {
      const plans: string[] = [];
      const explaining = {
        $queryRaw: async (first: TemplateStringsArray | Prisma.Sql, ...values: unknown[]) => {
          const sql = Array.isArray(first) ? Prisma.sql(first as TemplateStringsArray, ...(values as Prisma.Sql[])) : (first as Prisma.Sql);
          const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql.text}`, sql.values);
          plans.push(rows.map((r) => r['QUERY PLAN']).join('\n'));
          return [];
        },
        $transaction: (queries: Promise<unknown>[]) => Promise.all(queries),
      } as unknown as Db;
      await client.query('BEGIN');
      await evidenceTable(explaining, name, SCENARIOS[0]!.filter, words);
      await client.query('ROLLBACK');
      console.log(`\n=== ${name}\n${plans.join('\n\n')}`);
    }
  } finally {
    await client.end();
  }
}

if (!(await isSeeded())) {
  console.log(`${EVIDENCE_BENCH_URL} is missing or holds other sizes: seeding it.`);
  await seedEvidence();
}
// Opening applies any migration newer than the seed (an index added since), as the hub does on start.
const opened = await openDatabase({ kind: 'postgres', url: EVIDENCE_BENCH_URL, poolSize: 4 });
const db = opened.prisma;
try {
  if (process.env.BENCH_EVIDENCE_EXPLAIN) {
    await explain();
  } else {
    const [{ version } = { version: '?' }] = await db.$queryRaw<{ version: string }[]>`SELECT split_part(version(), ' ', 2) AS version`;
    console.log(
      `\n${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, PostgreSQL ${version}; load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}; ${RUNS} runs each (ms, nearest-rank percentiles)\n`,
    );
    const cells: Record<string, string[]> = {};
    for (const scenario of SCENARIOS) {
      for (const name of EVIDENCE_TABLES) {
        const first = await evidenceTable(db, name, scenario.filter, words);
        const times: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          const t0 = performance.now();
          await evidenceTable(db, name, scenario.filter, words);
          times.push(performance.now() - t0);
        }
        times.sort((a, b) => a - b);
        (cells[name] ??= []).push(`${ms(rank(times, 50))} / ${ms(rank(times, 95))} / ${ms(times.at(-1)!)} (${first.rows.length} rows)`);
      }
    }

    // Through the route: the same tables for the year, as JSON, and the index (which lists the districts).
    const app = express().use(evidenceRouter({ db, words }));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/evidence`;
    const get = async (path: string) => {
      const t0 = performance.now();
      const res = await fetch(`${base}${path}`);
      const body = await res.text();
      if (!res.ok) throw new Error(`${path}: ${res.status} ${body}`);
      return { ms: performance.now() - t0, bytes: body.length };
    };
    const lastDay = new Date(YEAR.to.getTime() - 86_400_000).toISOString().slice(0, 10);
    for (const name of EVIDENCE_TABLES) {
      const http = await get(`/${name}?from=${YEAR.from.toISOString().slice(0, 10)}&to=${lastDay}`);
      cells[name]!.push(`${ms(http.ms)} (${(http.bytes / 1024).toFixed(0)} kB)`);
    }
    const index = await get('');
    server.close();

    const header = ['table', ...SCENARIOS.map((s) => `${s.name}: p50 / p95 / max`), 'HTTP, year (JSON)'];
    console.log(`| ${header.join(' | ')} |\n|${header.map(() => '---').join('|')}|`);
    for (const name of EVIDENCE_TABLES) console.log(`| ${name} | ${cells[name]!.join(' | ')} |`);
    console.log(`\nGET /api/evidence (the index, listing districts): ${ms(index.ms)} ms`);
  }
} finally {
  await opened.close();
}

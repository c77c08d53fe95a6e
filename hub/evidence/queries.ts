// Evidence for managers and strategy: what the area's demand looks like by need, which needs come together, how
// often people have to come back, how each service answers its hand-offs, and whether people's lives got better.
// Each table is one aggregate SQL query over a date range (and optionally one postcode district), so it stays
// fast as years of contacts pile up (bench/evidence.ts). No personal data leaves here: only counts, averages,
// need codes, channels, districts and service names; counts below five are never shown (suppress()).
import type { Db } from '../db/client.ts';
import { Prisma } from '../generated/prisma/client.ts';

/** The smallest count shown: fewer could point at a person (a rare need in a small district). */
export const SMALLEST_SHOWN = 5;
/** "The same customer, the same need, again within this many days" is failure demand. */
export const REPEAT_DAYS = 28;

export interface EvidenceFilter {
  from: Date;
  /** Exclusive. */
  to: Date;
  /** A postcode district (the outward code, "SW1A"), or null for every area. */
  district: string | null;
}

export const EVIDENCE_TABLES = [
  'demand-by-month',
  'demand-by-channel',
  'demand-by-district',
  'needs-together',
  'repeat-contacts',
  'services',
  'outcomes-by-need',
  'outcomes-by-service',
  'outcomes-by-combination',
] as const;
export type EvidenceTableName = (typeof EVIDENCE_TABLES)[number];
/** Each table's title, as the view and the CSV name it. */
export const EVIDENCE_TITLES: Record<EvidenceTableName, string> = {
  'demand-by-month': 'Demand by need, month by month',
  'demand-by-channel': 'Demand by need and channel',
  'demand-by-district': 'Demand by need and area',
  'needs-together': 'Needs that come together',
  'repeat-contacts': 'Failure demand: coming back about the same need',
  services: 'How each service answered its hand-offs',
  'outcomes-by-need': 'How things are now, by need',
  'outcomes-by-service': 'How things are now, by service',
  'outcomes-by-combination': 'How things are now, by the needs that came together',
};

export type Cell = string | number | null;
export interface EvidenceTable {
  name: EvidenceTableName;
  title: string;
  /** What it counts and how, in a sentence. */
  about: string;
  columns: { key: string; label: string; kind: 'text' | 'count' | 'number' | 'percent' }[];
  rows: Record<string, Cell>[];
  /** Rows left out because their count was below SMALLEST_SHOWN. */
  suppressedRows: number;
}

/** How need codes, channels and services are named in the tables. */
export interface EvidenceWords {
  need: (code: string) => string;
  channel: (kind: string) => string;
}

/** The district of a customer's postcode ("SW1A 1AA" → "SW1A"); customers without one are "Unknown". */
const DISTRICT = Prisma.sql`COALESCE(NULLIF(split_part(cu.postcode, ' ', 1), ''), 'Unknown')`;

/**
 * Rows whose customer (`customerId`, a column) lives in the filter's district. Without a district there is nothing to
 * join: every need, plan, hand-off and follow-up has its customer (customers are never deleted), and joining 120,000
 * customers to a year of rows only to keep them all took a quarter of some queries' time.
 */
function inDistrict(f: EvidenceFilter, customerId: Prisma.Sql): Prisma.Sql {
  if (!f.district) return Prisma.empty;
  // "Unknown" is the customers with no postcode, as the area tables name them.
  return Prisma.sql`AND ${customerId} IN (SELECT cu.id FROM "Customer" cu WHERE ${DISTRICT} = ${f.district})`;
}

/**
 * One evidence query, in a transaction of its own with settings for reading a year of rows, all ended with it: no JIT
 * compilation (it took 0.3–0.5 s, longer than the query, whenever the planner over-estimated unnest()); work_mem
 * enough to sort and hash a year of needs in memory rather than on disk; and no parallel workers, which on two cores
 * made a month's demand by channel three times slower, and which would take cores from live contacts.
 * Figures: bench/README.md, Evidence.
 */
async function aggregate<T>(db: Db, query: Prisma.Sql): Promise<T[]> {
  const [, rows] = await db.$transaction([
    db.$queryRaw`SELECT set_config('jit', 'off', true) AS jit, set_config('work_mem', '32MB', true) AS work_mem, set_config('max_parallel_workers_per_gather', '0', true) AS workers`,
    db.$queryRaw<T[]>(query),
  ]);
  return rows;
}

/** A count, or null when it is below SMALLEST_SHOWN (zero is shown: it says nothing about anyone). */
const shown = (n: number | bigint | null): number | null => {
  const v = Number(n ?? 0);
  return v > 0 && v < SMALLEST_SHOWN ? null : v;
};
/** An average or rate over `base` people, or null when base is below SMALLEST_SHOWN. */
const average = (base: number | bigint, value: number | null, digits = 2): number | null =>
  Number(base) < SMALLEST_SHOWN || value === null ? null : Number(value.toFixed(digits));

/** A share of `base`: null when either is too small to show (a share of a small count is that count, disguised). */
const share = (part: number | bigint, base: number | bigint): number | null => {
  const p = Number(part);
  const b = Number(base);
  return b < SMALLEST_SHOWN || (p > 0 && p < SMALLEST_SHOWN) ? null : Number((p / b).toFixed(3));
};

/** Keeps rows whose base count is shown; counts the rest. */
function suppress<T>(rows: T[], base: (row: T) => number | bigint): { kept: T[]; suppressedRows: number } {
  const kept = rows.filter((r) => Number(base(r)) >= SMALLEST_SHOWN);
  return { kept, suppressedRows: rows.length - kept.length };
}

export async function evidenceTable(db: Db, name: EvidenceTableName, f: EvidenceFilter, words: EvidenceWords): Promise<EvidenceTable> {
  switch (name) {
    case 'demand-by-month':
      return demandByMonth(db, f, words);
    case 'demand-by-channel':
      return demandBy(db, f, words, 'channel');
    case 'demand-by-district':
      return demandBy(db, f, words, 'district');
    case 'needs-together':
      return needsTogether(db, f, words);
    case 'repeat-contacts':
      return repeatContacts(db, f, words);
    case 'services':
      return services(db, f);
    case 'outcomes-by-need':
      return outcomesByNeed(db, f, words);
    case 'outcomes-by-service':
      return outcomesByService(db, f);
    case 'outcomes-by-combination':
      return outcomesByCombination(db, f, words);
  }
}

async function demandByMonth(db: Db, f: EvidenceFilter, words: EvidenceWords): Promise<EvidenceTable> {
  // Grouped by the month's first moment and named after: grouping by to_char() sorted every need.
  const rows = await aggregate<{ month: string; code: string; n: bigint }>(
    db,
    Prisma.sql`
    SELECT to_char(m.month, 'YYYY-MM') AS month, m.code, m.n FROM (
      SELECT date_trunc('month', n."createdAt" AT TIME ZONE 'Europe/London') AS month, n.code, count(*) AS n
      FROM "Need" n
      WHERE n."createdAt" >= ${f.from} AND n."createdAt" < ${f.to} ${inDistrict(f, Prisma.sql`n."customerId"`)}
      GROUP BY 1, 2) m
    ORDER BY m.month, m.n DESC`,
  );
  const { kept, suppressedRows } = suppress(rows, (r) => r.n);
  return {
    name: 'demand-by-month',
    title: EVIDENCE_TITLES['demand-by-month'],
    about: 'Needs found (by the needs conversation, an agent or a service) each month.',
    columns: [
      { key: 'month', label: 'Month', kind: 'text' },
      { key: 'need', label: 'Need', kind: 'text' },
      { key: 'code', label: 'Need code', kind: 'text' },
      { key: 'needs', label: 'Needs found', kind: 'count' },
    ],
    rows: kept.map((r) => ({ month: r.month, need: words.need(r.code), code: r.code, needs: Number(r.n) })),
    suppressedRows,
  };
}

async function demandBy(db: Db, f: EvidenceFilter, words: EvidenceWords, by: 'channel' | 'district'): Promise<EvidenceTable> {
  const from =
    by === 'channel'
      ? Prisma.sql`"Need" n LEFT JOIN "Conversation" co ON co.id = n."conversationId"`
      : Prisma.sql`"Need" n JOIN "Customer" cu ON cu.id = n."customerId"`;
  const rows = await aggregate<{ key: string; code: string; n: bigint }>(
    db,
    Prisma.sql`
    SELECT ${by === 'channel' ? Prisma.sql`co.channel` : DISTRICT} AS key, n.code, count(*) AS n
    FROM ${from}
    WHERE n."createdAt" >= ${f.from} AND n."createdAt" < ${f.to} ${inDistrict(f, Prisma.sql`n."customerId"`)}
    GROUP BY 1, 2 ORDER BY 3 DESC`,
  );
  const { kept, suppressedRows } = suppress(rows, (r) => r.n);
  const label = by === 'channel' ? 'Channel' : 'Postcode district';
  return {
    name: `demand-by-${by}`,
    title: EVIDENCE_TITLES[`demand-by-${by}`],
    about:
      by === 'channel'
        ? 'Needs found, by the channel of the conversation they were found in.'
        : 'Needs found, by the postcode district of the customer (Unknown: no postcode given).',
    columns: [
      { key: by, label, kind: 'text' },
      { key: 'need', label: 'Need', kind: 'text' },
      { key: 'code', label: 'Need code', kind: 'text' },
      { key: 'needs', label: 'Needs found', kind: 'count' },
    ],
    rows: kept.map((r) => ({ [by]: by === 'channel' ? words.channel(r.key ?? 'unknown') : r.key, need: words.need(r.code), code: r.code, needs: Number(r.n) })),
    suppressedRows,
  };
}

/** Plans begun in the range, each as the set of its needs (every need handed off in the plan, once, in order). */
const PLAN_NEEDS = (f: EvidenceFilter) => Prisma.sql`
  SELECT array_agg(DISTINCT c ORDER BY c) AS codes
  FROM "ActionPlan" p JOIN "Handoff" h ON h."planId" = p.id, unnest(h.needs) c
  WHERE p."createdAt" >= ${f.from} AND p."createdAt" < ${f.to} AND h.status <> 'redirected' ${inDistrict(f, Prisma.sql`p."customerId"`)}
  GROUP BY p.id`;

async function needsTogether(db: Db, f: EvidenceFilter, words: EvidenceWords): Promise<EvidenceTable> {
  // Plans are counted by their set of needs first (a few hundred sets), then each set's pairs: a need with itself
  // and with each need after it. Pairing the plans' needs one plan at a time took twice as long.
  const rows = await aggregate<{ a: string; b: string; n: bigint }>(
    db,
    Prisma.sql`
    WITH sets AS (SELECT codes, count(*) AS plans FROM (${PLAN_NEEDS(f)}) pn GROUP BY codes)
    SELECT x.code AS a, y.code AS b, sum(sets.plans)::bigint AS n
    FROM sets, unnest(sets.codes) WITH ORDINALITY x(code, i), unnest(sets.codes) WITH ORDINALITY y(code, j)
    WHERE x.i <= y.j
    GROUP BY 1, 2 ORDER BY 3 DESC`,
  );
  const { kept, suppressedRows } = suppress(rows, (r) => r.n);
  return {
    name: 'needs-together',
    title: EVIDENCE_TITLES['needs-together'],
    about: 'Plans holding both needs (a need with itself: plans holding it at all). Needs in one plan are the related needs the front line found together.',
    columns: [
      { key: 'needA', label: 'Need', kind: 'text' },
      { key: 'needB', label: 'With need', kind: 'text' },
      { key: 'codeA', label: 'Need code', kind: 'text' },
      { key: 'codeB', label: 'With need code', kind: 'text' },
      { key: 'plans', label: 'Plans', kind: 'count' },
    ],
    rows: kept.map((r) => ({ needA: words.need(r.a), needB: words.need(r.b), codeA: r.a, codeB: r.b, plans: Number(r.n) })),
    suppressedRows,
  };
}

async function repeatContacts(db: Db, f: EvidenceFilter, words: EvidenceWords): Promise<EvidenceTable> {
  // A need is a repeat when the same customer had the same need recorded within REPEAT_DAYS before it (not at the
  // same moment: EXCLUDE GROUP). Counted in one pass over the needs in customer, need and time order (the
  // customerId-code-createdAt index), from REPEAT_DAYS before the range: looking each need's predecessors up
  // one by one cost a second for a year.
  const rows = await aggregate<{ code: string; n: bigint; repeats: bigint }>(
    db,
    Prisma.sql`
    SELECT w.code, count(*) AS n, count(*) FILTER (WHERE w.earlier > 0) AS repeats
    FROM (
      SELECT n.code, n."createdAt",
        count(*) OVER (PARTITION BY n."customerId", n.code ORDER BY n."createdAt"
          RANGE BETWEEN make_interval(days => ${REPEAT_DAYS}) PRECEDING AND CURRENT ROW EXCLUDE GROUP) AS earlier
      FROM "Need" n
      WHERE n."createdAt" >= ${f.from}::timestamptz - make_interval(days => ${REPEAT_DAYS}) AND n."createdAt" < ${f.to}
        ${inDistrict(f, Prisma.sql`n."customerId"`)}) w
    WHERE w."createdAt" >= ${f.from}
    GROUP BY 1 ORDER BY 2 DESC`,
  );
  const { kept, suppressedRows } = suppress(rows, (r) => r.n);
  return {
    name: 'repeat-contacts',
    title: EVIDENCE_TITLES['repeat-contacts'],
    about: `Needs found again for the same customer within ${REPEAT_DAYS} days of the last time: demand a better first answer would avoid.`,
    columns: [
      { key: 'need', label: 'Need', kind: 'text' },
      { key: 'code', label: 'Need code', kind: 'text' },
      { key: 'needs', label: 'Needs found', kind: 'count' },
      { key: 'repeats', label: `Again within ${REPEAT_DAYS} days`, kind: 'count' },
      { key: 'repeatShare', label: 'Share that came back', kind: 'percent' },
    ],
    rows: kept.map((r) => ({
      need: words.need(r.code),
      code: r.code,
      needs: Number(r.n),
      repeats: shown(r.repeats),
      repeatShare: share(r.repeats, r.n),
    })),
    suppressedRows,
  };
}

async function services(db: Db, f: EvidenceFilter): Promise<EvidenceTable> {
  const rows = await aggregate<{
    service: string;
    n: bigint;
    accepted: bigint;
    hours: number | null;
    reminded: bigint;
    escalated: bigint;
    closed: bigint;
    redirected: bigint;
    failed: bigint;
    open: bigint;
    answers: bigint;
    helped: bigint;
  }>(
    db,
    Prisma.sql`
    SELECT s.name AS service, count(*) AS n,
      count(h."acceptedAt") AS accepted,
      (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM h."acceptedAt" - h."createdAt")) / 3600)::float8 AS hours,
      count(h."remindedAt") AS reminded, count(h."escalatedAt") AS escalated,
      count(*) FILTER (WHERE h.status = 'closed') AS closed,
      count(*) FILTER (WHERE h.status = 'redirected') AS redirected,
      count(*) FILTER (WHERE h.status = 'failed') AS failed,
      count(*) FILTER (WHERE h.status IN ('sent', 'delivered', 'accepted')) AS open,
      COALESCE(sum(fa.answered), 0)::bigint AS answers, COALESCE(sum(fa.helped), 0)::bigint AS helped
    FROM "Handoff" h JOIN "Service" s ON s.id = h."serviceId"
    LEFT JOIN (SELECT "handoffId", count(helped) AS answered, count(*) FILTER (WHERE helped) AS helped FROM "FollowUpAnswer" GROUP BY 1) fa
      ON fa."handoffId" = h.id
    WHERE h."createdAt" >= ${f.from} AND h."createdAt" < ${f.to} ${inDistrict(f, Prisma.sql`h."customerId"`)}
    GROUP BY s.id, s.name ORDER BY 2 DESC`,
  );
  const { kept, suppressedRows } = suppress(rows, (r) => r.n);
  return {
    name: 'services',
    title: EVIDENCE_TITLES.services,
    about:
      'Hand-offs sent in the range: how many were accepted and how fast (median hours), reminded or escalated for not being accepted in time, where they are now, and whether the customer said the service helped.',
    columns: [
      { key: 'service', label: 'Service', kind: 'text' },
      { key: 'handoffs', label: 'Hand-offs', kind: 'count' },
      { key: 'accepted', label: 'Accepted', kind: 'count' },
      { key: 'medianHoursToAccept', label: 'Median hours to accept', kind: 'number' },
      { key: 'reminded', label: 'Reminded', kind: 'count' },
      { key: 'escalated', label: 'Escalated', kind: 'count' },
      { key: 'closed', label: 'Closed', kind: 'count' },
      { key: 'redirected', label: 'Passed to another service', kind: 'count' },
      { key: 'failed', label: 'Could not be delivered', kind: 'count' },
      { key: 'open', label: 'Still open', kind: 'count' },
      { key: 'helpedShare', label: 'Customers who said it helped', kind: 'percent' },
    ],
    rows: kept.map((r) => ({
      service: r.service,
      handoffs: Number(r.n),
      accepted: shown(r.accepted),
      medianHoursToAccept: average(r.accepted, r.hours, 1),
      reminded: shown(r.reminded),
      escalated: shown(r.escalated),
      closed: shown(r.closed),
      redirected: shown(r.redirected),
      failed: shown(r.failed),
      open: shown(r.open),
      helpedShare: share(r.helped, r.answers),
    })),
    suppressedRows,
  };
}

/** Answered follow-ups asked in the range (a plan's answers count once per follow-up). */
const ANSWERED = (f: EvidenceFilter) => Prisma.sql`
  SELECT fu.id, fu."planId", fu.wellbeing
  FROM "FollowUp" fu
  WHERE fu.wellbeing IS NOT NULL AND fu."askedAt" >= ${f.from} AND fu."askedAt" < ${f.to} ${inDistrict(f, Prisma.sql`fu."customerId"`)}`;

const OUTCOME_COLUMNS: EvidenceTable['columns'] = [
  { key: 'answers', label: 'Answers', kind: 'count' },
  { key: 'averageWellbeing', label: 'Average (1 much worse – 5 much better)', kind: 'number' },
  { key: 'betterShare', label: 'Better or much better', kind: 'percent' },
  { key: 'worseShare', label: 'Worse or much worse', kind: 'percent' },
];
type OutcomeRow = { n: bigint; average: number | null; better: bigint; worse: bigint };
const outcomeCells = (r: OutcomeRow) => ({
  answers: Number(r.n),
  averageWellbeing: average(r.n, r.average, 2),
  betterShare: share(r.better, r.n),
  worseShare: share(r.worse, r.n),
});
const OUTCOME_AGGREGATES = Prisma.sql`count(*) AS n, avg(a.wellbeing)::float8 AS average,
  count(*) FILTER (WHERE a.wellbeing >= 4) AS better, count(*) FILTER (WHERE a.wellbeing <= 2) AS worse`;

async function outcomesByNeed(db: Db, f: EvidenceFilter, words: EvidenceWords): Promise<EvidenceTable> {
  const rows = await aggregate<OutcomeRow & { code: string }>(
    db,
    Prisma.sql`
    WITH a AS (SELECT DISTINCT ans.id, ans.wellbeing, unnest(fa.needs) AS code FROM (${ANSWERED(f)}) ans JOIN "FollowUpAnswer" fa ON fa."followUpId" = ans.id)
    SELECT a.code, ${OUTCOME_AGGREGATES} FROM a GROUP BY 1 ORDER BY 2 DESC`,
  );
  const { kept, suppressedRows } = suppress(rows, (r) => r.n);
  return {
    name: 'outcomes-by-need',
    title: EVIDENCE_TITLES['outcomes-by-need'],
    about: 'What customers answered when asked how things are compared with when they first got in touch, by each need in their plan.',
    columns: [{ key: 'need', label: 'Need', kind: 'text' }, { key: 'code', label: 'Need code', kind: 'text' }, ...OUTCOME_COLUMNS],
    rows: kept.map((r) => ({ need: words.need(r.code), code: r.code, ...outcomeCells(r) })),
    suppressedRows,
  };
}

async function outcomesByService(db: Db, f: EvidenceFilter): Promise<EvidenceTable> {
  const rows = await aggregate<OutcomeRow & { service: string; answered: bigint; helped: bigint }>(
    db,
    Prisma.sql`
    WITH a AS (
      SELECT DISTINCT ans.id, ans.wellbeing, fa."serviceId", bool_or(fa.helped) OVER (PARTITION BY ans.id, fa."serviceId") AS helped
      FROM (${ANSWERED(f)}) ans JOIN "FollowUpAnswer" fa ON fa."followUpId" = ans.id)
    SELECT s.name AS service, ${OUTCOME_AGGREGATES}, count(a.helped) AS answered, count(*) FILTER (WHERE a.helped) AS helped
    FROM a JOIN "Service" s ON s.id = a."serviceId" GROUP BY s.id, s.name ORDER BY 2 DESC`,
  );
  const { kept, suppressedRows } = suppress(rows, (r) => r.n);
  return {
    name: 'outcomes-by-service',
    title: EVIDENCE_TITLES['outcomes-by-service'],
    about: 'How things are for customers a service worked with, and whether they said it helped.',
    columns: [{ key: 'service', label: 'Service', kind: 'text' }, ...OUTCOME_COLUMNS, { key: 'helpedShare', label: 'Said it helped', kind: 'percent' }],
    rows: kept.map((r) => ({
      service: r.service,
      ...outcomeCells(r),
      helpedShare: share(r.helped, r.answered),
    })),
    suppressedRows,
  };
}

async function outcomesByCombination(db: Db, f: EvidenceFilter, words: EvidenceWords): Promise<EvidenceTable> {
  const rows = await aggregate<OutcomeRow & { codes: string[] }>(
    db,
    Prisma.sql`
    WITH a AS (
      SELECT ans.id, ans.wellbeing, array_agg(DISTINCT c ORDER BY c) AS codes
      FROM (${ANSWERED(f)}) ans JOIN "FollowUpAnswer" fa ON fa."followUpId" = ans.id, unnest(fa.needs) AS c
      GROUP BY ans.id, ans.wellbeing)
    SELECT a.codes, ${OUTCOME_AGGREGATES} FROM a GROUP BY 1 ORDER BY 2 DESC`,
  );
  const { kept, suppressedRows } = suppress(rows, (r) => r.n);
  return {
    name: 'outcomes-by-combination',
    title: EVIDENCE_TITLES['outcomes-by-combination'],
    about: 'The same answers, by the whole set of needs in the plan: which combinations of needs are met well, and which are not.',
    columns: [{ key: 'needs', label: 'Needs together', kind: 'text' }, { key: 'codes', label: 'Need codes', kind: 'text' }, ...OUTCOME_COLUMNS],
    rows: kept.map((r) => ({ needs: r.codes.map(words.need).join(' + '), codes: r.codes.join(' + '), ...outcomeCells(r) })),
    suppressedRows,
  };
}

/** A table as CSV (RFC 4180), with its column labels as the header; a cell held back reads "fewer than 5". */
export function tableCsv(table: EvidenceTable): string {
  // A text cell a spreadsheet would run as a formula (=, +, -, @) is opened as text.
  const quote = (v: string) => {
    const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\r\n']/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = [table.columns.map((c) => quote(c.label)).join(',')];
  for (const row of table.rows)
    lines.push(
      table.columns
        .map((c) => {
          const v = row[c.key];
          if (v === null || v === undefined) return `fewer than ${SMALLEST_SHOWN}`;
          return typeof v === 'number' ? String(v) : quote(v);
        })
        .join(','),
    );
  return `${lines.join('\r\n')}\r\n`;
}

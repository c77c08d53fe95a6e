// Seeds a PostgreSQL database with a year of a large council, for bench/evidence.ts: 120,000 customers in 40
// postcode districts (some without a postcode), 200,000 conversations, 1,000,000 messages, ~300,000 needs (a few
// common needs and a long tail, several per conversation, some customers back about the same need within weeks),
// 60,000 action plans with ~100,000 hand-offs to 30 services, and 25,000 answered follow-ups.
// Set-based SQL (INSERT … SELECT over generate_series), so it takes minutes; deterministic: every "random" choice
// is a hash of the row's number (hashint8extended), so two seeds of the same scale hold the same data.
//   npx tsx bench/seed-evidence.ts        drops and recreates EVIDENCE_BENCH_URL's database, then seeds it
// Settings: EVIDENCE_BENCH_URL (default: the database evidence_bench on TEST_POSTGRES_URL's server),
// BENCH_EVIDENCE_SCALE (default 1; 0.1 seeds a tenth, for trying the script).
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { applyMigrations } from '../hub/db/migrations.ts';
import { loadTaxonomy } from '../hub/needs/taxonomy.ts';
import { ADMIN_URL } from '../testkit/postgres.ts';

export const EVIDENCE_BENCH_URL =
  process.env.EVIDENCE_BENCH_URL ??
  (() => {
    const url = new URL(ADMIN_URL);
    url.pathname = '/evidence_bench';
    return url.toString();
  })();

/** The seeded year (UTC), as the bench queries it. */
export const YEAR = { from: new Date('2025-01-01T00:00:00Z'), to: new Date('2026-01-01T00:00:00Z') };

const scale = Number(process.env.BENCH_EVIDENCE_SCALE ?? 1);
const n = (full: number) => Math.round(full * scale);
/** The exact sizes; needs, hand-offs and follow-up answers follow from them (about 300,000, 100,000 and 40,000). */
export const SIZES = {
  customers: n(120_000),
  conversations: n(200_000),
  messages: n(1_000_000),
  plans: n(60_000),
  answeredFollowUps: n(25_000),
  /** Asked but never answered (not counted by the evidence). */
  unansweredFollowUps: n(10_000),
  /** Needs a service recorded outside any conversation. */
  serviceNeeds: n(6_000),
};

// What people come about: bundles of needs that come together, weighted (a few common, a long tail); a
// conversation holds the first one to four of its bundle's needs. Every code must be in the taxonomy.
const SITUATIONS: [weight: number, codes: string[]][] = [
  [18, ['money.benefits', 'money.debt', 'money.council-tax']],
  [12, ['housing.repairs', 'health.physical']],
  [10, ['housing.homeless', 'money.debt', 'health.mental', 'safety.domestic-abuse']],
  [8, ['money.council-tax', 'money.benefits']],
  [8, ['environment.waste', 'environment.street']],
  [6, ['food.insecurity', 'money.crisis', 'money.benefits']],
  [6, ['care.adult', 'care.carer', 'health.physical']],
  [5, ['health.mental', 'community.isolation', 'health.substance']],
  [5, ['housing.unsuitable', 'care.disability', 'housing.repairs']],
  [4, ['education.school', 'education.send', 'family.childcare']],
  [4, ['work.employment', 'money.benefits', 'family.childcare']],
  [3, ['safety.domestic-abuse', 'housing.homeless', 'safety.child-protection', 'legal.crime-victim']],
  [3, ['legal.immigration', 'money.crisis', 'housing.homeless']],
  [2, ['safety.personal', 'legal.crime-victim']],
  [2, ['care.disability', 'care.carer', 'education.send']],
  [2, ['health.substance', 'housing.homeless', 'legal.crime-victim']],
  [1, ['safety.child-protection', 'family.childcare', 'education.school']],
  [1, ['community.isolation', 'care.adult']],
];
const CHANNELS: [weight: number, kind: string][] = [
  [30, 'sms'],
  [24, 'webchat'],
  [18, 'email'],
  [16, 'voice'],
  [8, 'whatsapp'],
  [4, 'in_person'],
];
/** 40 districts, the bigger first (weight ∝ 1/√rank); 8 % of customers give no postcode. */
const DISTRICTS = Array.from({ length: 40 }, (_, i) => [1 / Math.sqrt(i + 1), `TF${i + 1}`] as [number, string]);
const NO_POSTCODE = 0.08;
/** 30 services: one per taxonomy code, and four more sharing a code with another (then each gets half). */
const EXTRA_SERVICES: [code: string, name: string][] = [
  ['housing.homeless', 'Housing Options (second team)'],
  ['money.debt', 'Citizens Advice Debt Line'],
  ['food.insecurity', 'Trussell Food Bank'],
  ['health.mental', 'Mind in Testford'],
];

/** [lo, hi) bands of a cumulative distribution, as SQL VALUES rows with the item. */
function bands<T>(items: [number, T][]): { lo: number; hi: number; item: T }[] {
  const total = items.reduce((s, [w]) => s + w, 0);
  let at = 0;
  return items.map(([w, item], i) => {
    const lo = at / total;
    at += w;
    return { lo, hi: i === items.length - 1 ? 2 : at / total, item };
  });
}
const lit = (s: string) => `'${s.replace(/'/g, "''")}'`;

export async function seedEvidence(
  url = EVIDENCE_BENCH_URL,
  log: (line: string) => void = console.log,
): Promise<{ seconds: number; counts: Record<string, number> }> {
  const taxonomy = loadTaxonomy();
  const codes = taxonomy.needs.map((need) => need.code);
  for (const [, bundle] of SITUATIONS) for (const code of bundle) if (!codes.includes(code)) throw new Error(`${code} is not in the needs taxonomy`);
  for (const [code] of EXTRA_SERVICES) if (!codes.includes(code)) throw new Error(`${code} is not in the needs taxonomy`);

  const started = performance.now();
  const name = new URL(url).pathname.slice(1);
  const adminUrl = new URL(url);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  await applyMigrations({ kind: 'postgres', url });

  const db = new pg.Client({ connectionString: url });
  await db.connect();
  const step = async (label: string, sql: string) => {
    const t0 = performance.now();
    await db.query(sql);
    log(`  ${label.padEnd(28)} ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s`);
  };
  const start = `'${YEAR.from.toISOString()}'::timestamptz`;
  const S = SIZES;
  try {
    log(`Seeding ${name} (scale ${scale}):`);
    // A number in [0, 1) from a row's number and a salt: the same on every run.
    await db.query(`
      SET synchronous_commit = off;
      CREATE FUNCTION pg_temp.r(i bigint, salt bigint) RETURNS float8 LANGUAGE sql IMMUTABLE PARALLEL SAFE
        AS $$ SELECT ((hashint8extended(i, salt) >> 11) & 9007199254740991)::float8 / 9007199254740992 $$;`);

    const situations = bands(SITUATIONS);
    const channels = bands(CHANNELS);
    const districts = bands(DISTRICTS);
    const services = [
      ...codes.map((code) => ({ code, name: `${taxonomy.needs.find((x) => x.code === code)!.label} service` })),
      ...EXTRA_SERVICES.map(([code, name]) => ({ code, name })),
    ];
    await step(
      'lookup tables',
      `
      CREATE TEMP TABLE situation AS SELECT * FROM (VALUES ${situations.map((s, i) => `(${i + 1}, ARRAY[${s.item.map(lit).join(',')}], ${s.lo}::float8, ${s.hi}::float8)`).join(',')}) v(idx, codes, lo, hi);
      CREATE TEMP TABLE channel AS SELECT * FROM (VALUES ${channels.map((c) => `(${lit(c.item)}, ${c.lo}::float8, ${c.hi}::float8)`).join(',')}) v(kind, lo, hi);
      CREATE TEMP TABLE district AS SELECT * FROM (VALUES ${districts.map((d) => `(${lit(d.item)}, ${d.lo}::float8, ${d.hi}::float8)`).join(',')}) v(name, lo, hi);
      CREATE TEMP TABLE code AS SELECT * FROM (VALUES ${codes.map((c, i) => `(${i}, ${lit(c)})`).join(',')}) v(idx, code);
      CREATE TEMP TABLE svc AS SELECT idx, md5('service' || idx)::uuid AS id, code, name,
          count(*) OVER (PARTITION BY code) AS owners, row_number() OVER (PARTITION BY code ORDER BY idx) AS nth
        FROM (VALUES ${services.map((s, i) => `(${i + 1}, ${lit(s.code)}, ${lit(s.name)})`).join(',')}) v(idx, code, name);`,
    );
    await step(
      'organisations and services',
      `
      INSERT INTO "Organization" (id, "externalId", name, "createdAt", "updatedAt")
        SELECT md5('organisation' || o)::uuid, 'bench-org-' || o, CASE o WHEN 1 THEN 'Testford Council' ELSE 'Testford partner ' || o END, ${start}, ${start}
        FROM generate_series(1, 10) o;
      INSERT INTO "Service" (id, "externalId", "organizationId", name, needs, target, "createdAt", "updatedAt")
        SELECT id, 'bench-service-' || idx, md5('organisation' || (1 + idx % 10))::uuid, name, ARRAY[code],
          (ARRAY['desk', 'email', 'slack', 'webhook']::"HandoffTarget"[])[1 + idx % 4], ${start}, ${start}
        FROM svc;`,
    );

    // Customers: when they first got in touch, how long until they come back (3–83 days, most within a month),
    // what they usually come about, and their postcode.
    await step(
      'customers',
      `
      CREATE TEMP TABLE cu AS
        SELECT i, md5('customer' || i)::uuid AS id,
          ${start} + pg_temp.r(i, 1) * interval '365 days' AS first_at,
          interval '1 day' * (3 + 80 * pg_temp.r(i, 2) ^ 2) AS gap,
          (SELECT idx FROM situation s WHERE pg_temp.r(i, 3) >= s.lo AND pg_temp.r(i, 3) < s.hi) AS situation,
          CASE WHEN pg_temp.r(i, 4) < ${NO_POSTCODE} THEN NULL ELSE
            (SELECT name FROM district d WHERE pg_temp.r(i, 5) >= d.lo AND pg_temp.r(i, 5) < d.hi)
            || ' ' || floor(pg_temp.r(i, 6) * 10)::int || chr(65 + floor(pg_temp.r(i, 7) * 26)::int) || chr(65 + floor(pg_temp.r(i, 8) * 26)::int)
          END AS postcode
        FROM generate_series(1, ${S.customers}) i;
      CREATE UNIQUE INDEX ON cu (i);
      INSERT INTO "Customer" (id, postcode, "createdAt", "updatedAt") SELECT id, postcode, first_at, first_at FROM cu;`,
    );

    // Conversations: one each, then the rest to customers skewed towards a few who come back often. The k-th
    // conversation of a customer is k-1 gaps after their first (wrapping round the year); 70 % are about
    // their usual situation, which is what makes some needs come back within 28 days.
    await step(
      'conversations',
      `
      CREATE TEMP TABLE co AS
        WITH a AS (
          SELECT j, CASE WHEN j <= ${S.customers} THEN j ELSE 1 + floor(${S.customers} * pg_temp.r(j, 10) ^ 2)::int END AS ci
          FROM generate_series(1, ${S.conversations}) j),
        k AS (SELECT j, ci, row_number() OVER (PARTITION BY ci ORDER BY j) AS k FROM a)
        SELECT k.j, md5('conversation' || k.j)::uuid AS id, cu.id AS customer_id, cu.i AS ci,
          ${start} + make_interval(secs => mod((extract(epoch FROM cu.first_at + (k.k - 1) * cu.gap - ${start}) + pg_temp.r(k.j, 11) * 21600)::numeric, 31536000)::float8) AS created_at,
          CASE WHEN pg_temp.r(k.j, 12) < 0.7 THEN cu.situation
            ELSE (SELECT idx FROM situation s WHERE pg_temp.r(k.j, 13) >= s.lo AND pg_temp.r(k.j, 13) < s.hi) END AS situation,
          CASE WHEN pg_temp.r(k.j, 14) < 0.18 THEN 0 WHEN pg_temp.r(k.j, 14) < 0.55 THEN 1 WHEN pg_temp.r(k.j, 14) < 0.84 THEN 2
            WHEN pg_temp.r(k.j, 14) < 0.95 THEN 3 ELSE 4 END AS nneeds,
          (SELECT kind FROM channel c WHERE pg_temp.r(k.j, 16) >= c.lo AND pg_temp.r(k.j, 16) < c.hi) AS channel,
          interval '1 minute' * (5 + 4000 * pg_temp.r(k.j, 17) ^ 3) AS duration
        FROM k JOIN cu ON cu.i = k.ci;
      CREATE UNIQUE INDEX ON co (j);
      INSERT INTO "Conversation" (id, "customerId", status, channel, "createdAt", "updatedAt", "lastMessageAt", "closedAt", handler, outcome)
        SELECT id, customer_id, 'closed', channel, created_at, created_at + duration, created_at + duration, created_at + duration,
          CASE WHEN pg_temp.r(j, 18) < 0.3 THEN 'bot' ELSE 'person' END::"ConversationHandler",
          (ARRAY['resolved', 'handed_off', 'signposted', 'no_reply', 'other']::"ConversationOutcome"[])[1 + floor(pg_temp.r(j, 19) ^ 2 * 5)::int]
        FROM co;`,
    );

    // Messages: the customer's first, then the rest spread over the conversations, answers and replies.
    await step(
      'messages',
      `
      INSERT INTO "Message" (id, "conversationId", direction, channel, "providerMessageId", status, "fromAddress", "toAddress", body,
          "createdAt", "updatedAt", "fromBot")
        SELECT md5('message' || m)::uuid, co.id, x.direction::"MessageDirection", co.channel,
          CASE WHEN x.direction = 'inbound' THEN 'bench-' || m END,
          CASE WHEN x.direction = 'inbound' THEN 'received' ELSE 'delivered' END::"MessageStatus",
          CASE WHEN x.direction = 'inbound' THEN 'customer-' || co.ci ELSE 'council' END,
          CASE WHEN x.direction = 'inbound' THEN 'council' ELSE 'customer-' || co.ci END,
          'Message ' || m || ': ' || repeat(md5(m::text), 1 + (m % 3)),
          co.created_at + x.at * co.duration, co.created_at + x.at * co.duration, x.direction = 'outbound' AND pg_temp.r(m, 22) < 0.3
        FROM (
          SELECT m, CASE WHEN m <= ${S.conversations} THEN m ELSE 1 + floor(${S.conversations} * pg_temp.r(m, 20))::int END AS j,
            CASE WHEN m <= ${S.conversations} OR pg_temp.r(m, 21) < 0.5 THEN 'inbound' ELSE 'outbound' END AS direction,
            CASE WHEN m <= ${S.conversations} THEN 0 ELSE pg_temp.r(m, 23) END AS at
          FROM generate_series(1, ${S.messages}) m) x
        JOIN co ON co.j = x.j;`,
    );

    // Needs: the first one to four of the conversation's situation, and now and then one from anywhere in the
    // taxonomy; then needs services recorded outside a conversation.
    await step(
      'needs',
      `
      CREATE TEMP TABLE nd AS
        SELECT DISTINCT ON (co.j, x.code) co.j, co.ci, co.id AS conversation_id, co.customer_id, x.code, x.slot, co.created_at + x.slot * interval '2 minutes' AS created_at
        FROM co CROSS JOIN LATERAL (
          SELECT s.codes[g] AS code, g AS slot FROM situation s, generate_series(1, least(co.nneeds, cardinality(s.codes))) g WHERE s.idx = co.situation
          UNION ALL
          SELECT c.code, 5 FROM code c WHERE co.nneeds > 0 AND pg_temp.r(co.j, 15) < 0.12 AND c.idx = floor(pg_temp.r(co.j, 24) * ${codes.length})::int
        ) x
        ORDER BY co.j, x.code, x.slot;
      CREATE INDEX ON nd (j);
      INSERT INTO "Need" (id, "customerId", "conversationId", code, source, urgent, "createdAt")
        SELECT md5('need' || j || code)::uuid, customer_id, conversation_id, code,
          CASE WHEN pg_temp.r(j, hashtext(code)) < 0.6 THEN 'bot' ELSE 'agent' END::"NeedSource",
          code LIKE 'safety.%' AND pg_temp.r(j, hashtext(code) + 1) < 0.3, created_at
        FROM nd;
      INSERT INTO "Need" (id, "customerId", code, source, "createdAt")
        SELECT md5('service need' || x)::uuid, cu.id, s.codes[1], 'service', ${start} + pg_temp.r(x, 26) * interval '365 days'
        FROM generate_series(1, ${S.serviceNeeds}) x
        JOIN cu ON cu.i = 1 + floor(${S.customers} * pg_temp.r(x, 25))::int JOIN situation s ON s.idx = cu.situation;`,
    );

    // Plans: among conversations with needs, those with more needs are likelier to get one. Most are closed
    // within two months; a customer's latest open plan is their open one.
    await step(
      'action plans',
      `
      CREATE TEMP TABLE pl AS
        WITH c AS (SELECT j, count(*) AS needs FROM nd GROUP BY j)
        SELECT row_number() OVER (ORDER BY pg_temp.r(c.j, 30) * (1 + c.needs) DESC, c.j) AS p, co.j, md5('plan' || co.j)::uuid AS id,
          co.customer_id, co.id AS conversation_id, co.channel, co.created_at + interval '20 minutes' AS created_at,
          CASE WHEN pg_temp.r(co.j, 31) < 0.85 THEN co.created_at + interval '1 day' * (2 + 60 * pg_temp.r(co.j, 32) ^ 2) END AS closed_at
        FROM c JOIN co ON co.j = c.j
        ORDER BY pg_temp.r(c.j, 30) * (1 + c.needs) DESC, c.j LIMIT ${S.plans};
      CREATE UNIQUE INDEX ON pl (j);
      INSERT INTO "ActionPlan" (id, "customerId", "openForCustomer", "createdAt", "closedAt")
        SELECT id, customer_id, CASE WHEN closed_at IS NULL AND latest THEN customer_id END, created_at,
          CASE WHEN closed_at IS NULL AND NOT latest THEN created_at + interval '30 days' ELSE closed_at END
        FROM (SELECT *, row_number() OVER (PARTITION BY customer_id, closed_at IS NULL ORDER BY created_at DESC) = 1 AS latest FROM pl) x;`,
    );

    // Hand-offs: the plan's first need and half of the others (the rest the agent met or signposted), one per
    // owning service (a code with two services goes to one of them).
    // Most were accepted (log-uniformly between 15 minutes and 8 days: a reminder after a day, a supervisor
    // told after two) and closed; some still open, some could not be delivered, 3 % passed to another service.
    await step(
      'hand-offs',
      `
      CREATE TEMP TABLE ho AS
        SELECT row_number() OVER (ORDER BY pl.p, s.idx) AS h, pl.p, pl.id AS plan_id, pl.customer_id, pl.conversation_id, s.idx AS svc,
          s.id AS service_id, array_agg(nd.code ORDER BY nd.code) AS needs, pl.created_at + interval '5 minutes' AS created_at
        FROM pl JOIN nd ON nd.j = pl.j AND (nd.slot = 1 OR pg_temp.r(pl.p, 45 + hashtext(nd.code)) < 0.5)
        JOIN svc s ON s.code = nd.code AND (s.owners = 1 OR s.nth = 1 + floor(pg_temp.r(pl.p, 40) * s.owners)::int)
        GROUP BY pl.p, pl.id, pl.customer_id, pl.conversation_id, pl.created_at, s.idx, s.id;
      ALTER TABLE ho ADD COLUMN status text, ADD COLUMN delay interval;
      UPDATE ho SET
        status = CASE WHEN pg_temp.r(h, 41) < 0.03 THEN 'redirected' WHEN pg_temp.r(h, 41) < 0.045 THEN 'failed'
          WHEN pg_temp.r(h, 41) < 0.07 THEN 'sent' WHEN pg_temp.r(h, 41) < 0.12 THEN 'delivered'
          WHEN pg_temp.r(h, 41) < 0.27 THEN 'accepted' ELSE 'closed' END,
        delay = interval '15 minutes' * 768 ^ pg_temp.r(h, 42);
      -- Each redirected one was passed to another service the next day, which accepted and closed it.
      INSERT INTO ho (h, p, plan_id, customer_id, conversation_id, svc, service_id, needs, created_at, status, delay)
        SELECT ${S.plans * 10} + h, p, plan_id, customer_id, conversation_id, 1 + svc % 30, md5('service' || (1 + svc % 30))::uuid, needs,
          created_at + interval '1 day', 'closed', interval '15 minutes' * 768 ^ pg_temp.r(h, 43)
        FROM ho WHERE status = 'redirected';
      INSERT INTO "Handoff" (id, reference, "planId", "customerId", "conversationId", "serviceId", needs, urgent, "consentAt", status, "statusAt",
          "acceptedBy", "acceptedAt", outcome, "dueAt", "remindedAt", "escalatedAt", "createdAt", "updatedAt")
        SELECT md5('handoff' || h)::uuid, upper(left(md5('handoff reference' || h), 10)), plan_id, customer_id, conversation_id, service_id, needs,
          needs && ARRAY['safety.domestic-abuse', 'safety.child-protection', 'safety.personal'], created_at, status::"HandoffStatus",
          created_at + CASE WHEN status IN ('accepted', 'closed') THEN delay ELSE interval '0' END + CASE WHEN status = 'closed' THEN interval '9 days' ELSE interval '0' END,
          CASE WHEN status IN ('accepted', 'closed') THEN 'Bench caseworker' END,
          CASE WHEN status IN ('accepted', 'closed') THEN created_at + delay END,
          CASE WHEN status = 'closed' THEN 'Done' END,
          created_at + interval '1 day',
          CASE WHEN (status IN ('accepted', 'closed') AND delay > interval '1 day') OR status IN ('sent', 'delivered', 'redirected') THEN created_at + interval '1 day' END,
          CASE WHEN (status IN ('accepted', 'closed') AND delay > interval '2 days') OR (status IN ('sent', 'delivered') AND pg_temp.r(h, 44) < 0.5)
            THEN created_at + interval '2 days' END,
          created_at, created_at
        FROM ho;
      UPDATE "Handoff" f SET "redirectedToId" = md5('handoff' || (${S.plans * 10} + ho.h))::uuid
        FROM ho WHERE ho.status = 'redirected' AND f.id = md5('handoff' || ho.h)::uuid;`,
    );

    // Follow-ups: asked the day after a plan closed; 25,000 answered (how things are now, 1–5, mostly "about
    // the same" or better) with whether each service helped (likelier when things got better), the rest not.
    await step(
      'follow-ups and answers',
      `
      CREATE TEMP TABLE fu AS
        SELECT row_number() OVER (ORDER BY pg_temp.r(p, 50), p) AS f, p, md5('follow-up' || p)::uuid AS id, id AS plan_id, customer_id,
          conversation_id, channel, closed_at + interval '1 day' AS asked_at
        FROM pl WHERE closed_at IS NOT NULL
        ORDER BY pg_temp.r(p, 50), p LIMIT ${S.answeredFollowUps + S.unansweredFollowUps};
      ALTER TABLE fu ADD COLUMN wellbeing int;
      UPDATE fu SET wellbeing = CASE WHEN pg_temp.r(f, 51) < 0.05 THEN 1 WHEN pg_temp.r(f, 51) < 0.15 THEN 2 WHEN pg_temp.r(f, 51) < 0.45 THEN 3
          WHEN pg_temp.r(f, 51) < 0.80 THEN 4 ELSE 5 END
        WHERE f <= ${S.answeredFollowUps};
      INSERT INTO "FollowUp" (id, "planId", "customerId", reason, "conversationId", channel, step, "askedAt", "expiresAt", wellbeing, "answeredIn", "answeredAt")
        SELECT id, plan_id, customer_id, 'plan_closed', conversation_id, channel,
          CASE WHEN wellbeing IS NULL THEN 'set_aside' ELSE 'done' END::"FollowUpStep", asked_at, asked_at + interval '7 days', wellbeing,
          CASE WHEN wellbeing IS NOT NULL THEN conversation_id END, CASE WHEN wellbeing IS NOT NULL THEN asked_at + interval '3 hours' END
        FROM fu;
      INSERT INTO "FollowUpAnswer" (id, "followUpId", "handoffId", "serviceId", needs, helped)
        SELECT md5('answer' || fu.f || '-' || ho.h)::uuid, fu.id, md5('handoff' || ho.h)::uuid, ho.service_id, ho.needs,
          CASE WHEN pg_temp.r(ho.h, 52) < 0.08 THEN NULL ELSE pg_temp.r(ho.h, 53) < 0.35 + 0.12 * fu.wellbeing END
        FROM fu JOIN ho ON ho.p = fu.p AND ho.status <> 'redirected'
        WHERE fu.wellbeing IS NOT NULL;`,
    );
    await step('vacuum analyze', 'VACUUM ANALYZE');

    const counts: Record<string, number> = {};
    for (const table of ['Customer', 'Conversation', 'Message', 'Need', 'ActionPlan', 'Handoff', 'Service', 'FollowUp', 'FollowUpAnswer']) {
      const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "${table}"`);
      counts[table] = Number(rows[0]!.n);
    }
    const { rows: size } = await db.query<{ size: string }>('SELECT pg_size_pretty(pg_database_size(current_database())) AS size');
    const seconds = (performance.now() - started) / 1000;
    log(`Seeded in ${seconds.toFixed(0)} s; ${size[0]!.size} on disk:`);
    for (const [table, count] of Object.entries(counts)) log(`  ${table.padEnd(16)} ${count.toLocaleString('en-GB').padStart(11)}`);
    return { seconds, counts };
  } finally {
    await db.end();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  seedEvidence().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

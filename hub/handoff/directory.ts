// The service directory as a file: Open Referral UK (ORUK) / HSDS nested JSON, the shape councils and
// their partners already publish, so a council can load its own directory and take ours away.
//
// The ORUK names (`eligibilitys`, `regular_schedules`, `service_taxonomys`, `contacts[].phones[].number`)
// are kept as the standard spells them. What the standard has no place for (where hand-offs go, how long
// they may wait) lives in our extension `x_contact_hub`. Councils' files carry many more ORUK fields than
// the hub uses, so the standard's objects are loose: unknown fields are accepted and ignored. Our own
// extension is strict, so a mistyped key there is refused rather than silently defaulted.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { TimeZone, parseOpeningHours } from '../../channels/voice/hours.ts';
import type { Db } from '../db/client.ts';
import type { HandoffTarget, Prisma, Service } from '../generated/prisma/client.ts';

/** The vocabulary of taxonomy terms that are the hub's need codes; terms of any other vocabulary are ignored. */
export const NEEDS_VOCABULARY = 'contact-hub-needs';

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
/** The same days as OpenStreetMap opening_hours writes them, in the same order. */
const OSM_DAYS = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'] as const;

const SLACK_CHANNEL = /^[CG][A-Z0-9]{6,}$/;
const OPENS = /^([01]\d|2[0-3]):[0-5]\d$/;
// 24:00 may close a day, as in opening_hours ("Mo-Su 00:00-24:00").
const CLOSES = /^(([01]\d|2[0-3]):[0-5]\d|24:00)$/;

/** An error message quoting what the file said, so whoever maintains it can find the line. */
const saying = (what: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? `missing: expected ${what}` : `${JSON.stringify(issue.input)} is not ${what}`;

const Text = z.string().trim().min(1);
const OptionalText = z.string().nullish();
const Email = z.email({ error: saying('an email address') });
const WebUrl = z.url({ protocol: /^https?$/, error: saying('a web address (http or https)') });

// Hand-offs carry customers' details, so they go over TLS; plain http only reaches this machine (tests).
// (Zod runs refinements even after a format problem, which is already reported: skip those.)
const WebhookUrl = WebUrl.refine((url) => {
  if (!URL.canParse(url)) return true;
  const { protocol, hostname } = new URL(url);
  return protocol === 'https:' || hostname === '127.0.0.1' || hostname === 'localhost';
}, { error: (issue) => `${JSON.stringify(issue.input)} must use https (plain http only for 127.0.0.1 or localhost)` });

const Handoff = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('slack'), channel: z.string().regex(SLACK_CHANNEL, { error: saying('a Slack channel id such as C0123ABCD') }) }),
  z.strictObject({ kind: z.literal('email'), address: Email }),
  // The secret is import only: an export never carries it.
  z.strictObject({ kind: z.literal('webhook'), url: WebhookUrl, secret: z.string().min(32, 'a webhook secret must be at least 32 characters').optional() }),
  z.strictObject({ kind: z.literal('desk') }),
]);
export type DirectoryHandoff = z.output<typeof Handoff>;

// Defaults match the Service model's, so a file without the extension means what an empty row means.
const Extension = z.strictObject({
  handoff: Handoff.default({ kind: 'desk' }),
  sla_minutes: z.number().int().positive().default(1440),
  priority: z.number().int().default(100),
  time_zone: TimeZone.default('Europe/London'),
});

const Schedule = z
  .looseObject({
    weekday: z.enum(WEEKDAYS, { error: saying('a day from Monday to Sunday') }),
    opens_at: z.string().regex(OPENS, { error: saying('a time HH:MM') }),
    closes_at: z.string().regex(CLOSES, { error: saying('a time HH:MM') }),
  })
  // HH:MM strings compare in time order (a malformed time is reported on its own, so not compared).
  .refine((s) => !wellFormed(s) || s.opens_at < s.closes_at, { error: (issue) => {
    const s = issue.input as { opens_at: string; closes_at: string };
    return `opens at ${s.opens_at} but closes at ${s.closes_at}: it must close after it opens`;
  } });
export type Schedule = Pick<z.output<typeof Schedule>, 'weekday' | 'opens_at' | 'closes_at'>;

function wellFormed(s: { opens_at: string; closes_at: string }): boolean {
  return OPENS.test(s.opens_at) && CLOSES.test(s.closes_at);
}

/** Two spans of one day that overlap would read as one muddled rule in the hours string: refuse them. */
const Schedules = z.array(Schedule).superRefine((schedules, ctx) => {
  const order = schedules
    .map((s, index) => ({ ...s, index }))
    .filter(wellFormed)
    .sort((a, b) => a.weekday.localeCompare(b.weekday) || a.opens_at.localeCompare(b.opens_at));
  order.forEach((s, i) => {
    const before = order[i - 1];
    if (before && before.weekday === s.weekday && s.opens_at < before.closes_at) {
      ctx.addIssue({ code: 'custom', path: [s.index], message: `${s.weekday} ${s.opens_at}-${s.closes_at} overlaps ${before.opens_at}-${before.closes_at} (regular_schedules[${before.index}])` });
    }
  });
});

const Status = z.enum(['active', 'inactive', 'defunct', 'temporarily closed'], { error: saying('a status (active, inactive, defunct or temporarily closed)') });

function directorySchema(needCodes: ReadonlySet<string>) {
  const TaxonomyTerm = z
    .looseObject({ taxonomy: z.looseObject({ id: Text, name: OptionalText, vocabulary: Text }) })
    .refine((term) => term.taxonomy.vocabulary !== NEEDS_VOCABULARY || needCodes.has(term.taxonomy.id), {
      error: (issue) => `${JSON.stringify((issue.input as { taxonomy: { id: string } }).taxonomy.id)} is not a need code in the taxonomy`,
    });

  const ServiceEntry = z.looseObject({
    id: Text,
    name: Text,
    description: OptionalText,
    url: WebUrl.nullish(),
    email: Email.nullish(),
    status: Status,
    eligibilitys: z.array(z.looseObject({ eligibility: Text, minimum_age: z.number().int().nullish(), maximum_age: z.number().int().nullish() })).default([]),
    regular_schedules: Schedules.default([]),
    contacts: z.array(z.looseObject({ name: OptionalText, phones: z.array(z.looseObject({ number: Text })).default([]) })).default([]),
    service_taxonomys: z.array(TaxonomyTerm).default([]),
    x_contact_hub: Extension.prefault({}),
  });

  const OrganizationEntry = z.looseObject({
    id: Text,
    name: Text,
    description: OptionalText,
    url: WebUrl.nullish(),
    email: Email.nullish(),
    phone: OptionalText,
    services: z.array(ServiceEntry).default([]),
  });

  // Ids become unique keys in the database, services across the whole file. (Zod skips this check while
  // the file's shape is broken, e.g. a missing name, so duplicates may show up only once that is fixed.)
  return z.looseObject({ about: OptionalText, organizations: z.array(OrganizationEntry) }).superRefine((doc, ctx) => {
    const seen = new Map<string, string>();
    const once = (id: string, where: (string | number)[], label: string) => {
      const key = `${label}:${id}`;
      const first = seen.get(key);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: [...where, 'id'], message: `${label} id ${JSON.stringify(id)} is used twice (also ${first})` });
      else seen.set(key, formatPath(where));
    };
    doc.organizations.forEach((org, o) => {
      once(org.id, ['organizations', o], 'organization');
      org.services.forEach((service, s) => once(service.id, ['organizations', o, 'services', s], 'service'));
    });
  });
}

export type DirectoryDocument = z.output<ReturnType<typeof directorySchema>>;
export type DirectoryOrganization = DirectoryDocument['organizations'][number];
export type DirectoryService = DirectoryOrganization['services'][number];

/** The file cannot be imported; each problem says where ("organizations[0].services[2].email") and what. */
export class DirectoryError extends Error {
  override name = 'DirectoryError';
  constructor(readonly problems: string[]) {
    super(`the directory has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.join('; ')}`);
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i ? '.' : ''}${String(key)}`)).join('') || '(top level)';
}

/** Validates a directory file against the standard's shape, our rules and the needs taxonomy's codes. */
export function parseDirectory(json: unknown, needCodes: ReadonlySet<string>): DirectoryDocument {
  const result = directorySchema(needCodes).safeParse(json);
  if (!result.success) throw new DirectoryError(result.error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`));
  return result.data;
}

// ── Opening hours: ORUK's one row per day and span ⇄ the hub's "Mo-Fr 09:00-17:00; Sa 10:00-12:00" ──

/**
 * The hub's hours string for a service's schedules: consecutive days with the same spans share one rule.
 * No schedules means no restriction, which the hub stores as null (always open).
 */
export function schedulesToHours(schedules: readonly Schedule[]): string | null {
  if (!schedules.length) return null;
  // Each day's spans as a rule would write them, earliest first ("09:00-12:30,13:30-17:00"); "" when closed.
  const spans = WEEKDAYS.map((day) =>
    schedules
      .filter((s) => s.weekday === day)
      .map((s) => `${s.opens_at}-${s.closes_at}`)
      .sort()
      .join(','),
  );
  const rules: string[] = [];
  for (let first = 0; first < 7; first++) {
    if (!spans[first]) continue;
    let last = first;
    while (last < 6 && spans[last + 1] === spans[first]) last++;
    rules.push(`${first === last ? OSM_DAYS[first] : `${OSM_DAYS[first]}-${OSM_DAYS[last]}`} ${spans[first]}`);
    first = last;
  }
  return rules.join('; ');
}

/** The schedules for an hours string (null: always open, no schedules), in day then time order. */
export function hoursToSchedules(hours: string | null): Schedule[] {
  if (hours === null) return [];
  // The voice line's parser is the authority on what the hub accepts; it throws with a reason.
  parseOpeningHours(hours, 'UTC');
  const found = new Map<string, Schedule & { day: number }>();
  for (const rule of hours.split(';').map((r) => r.trim()).filter(Boolean)) {
    const [dayPart, timePart] = rule.split(/\s+/) as [string, string];
    for (const day of expandDays(dayPart)) {
      for (const span of timePart.split(',')) {
        const [opens_at, closes_at] = span.split('-') as [string, string];
        found.set(`${day} ${span}`, { day, weekday: WEEKDAYS[day]!, opens_at, closes_at });
      }
    }
  }
  return [...found.values()]
    .sort((a, b) => a.day - b.day || a.opens_at.localeCompare(b.opens_at))
    .map(({ weekday, opens_at, closes_at }) => ({ weekday, opens_at, closes_at }));
}

/** "Mo-Fr,Su" → [0..4, 6]; a range may wrap past Sunday ("Fr-Mo"), as opening_hours allows. */
function expandDays(text: string): number[] {
  return text.split(',').flatMap((part) => {
    const [from, to = from] = part.split('-').map((d) => OSM_DAYS.indexOf(d as (typeof OSM_DAYS)[number])) as [number, number?];
    const days = [from];
    for (let d = from; d !== to; ) days.push((d = (d + 1) % 7));
    return days;
  });
}

// ── Import ──

export interface ImportSummary {
  /** Organisations and services in the file. */
  organizations: number;
  services: number;
  /** Rows (organisations and services together) the import created, and existing rows it updated. */
  created: number;
  updated: number;
}

type Tx = Prisma.TransactionClient;

/**
 * Writes the file into the directory, matching rows by the file's ids (externalId), all or nothing.
 * Services and organisations that are not in the file are left as they are: a council may load its
 * partners' files one at a time, and a service that closes should say so with its status, not vanish
 * (open hand-offs still point at it).
 */
export async function importDirectory(db: Db, document: DirectoryDocument): Promise<ImportSummary> {
  // A large council file is a few hundred rows written one by one: allow more than the default 5 s.
  return db.$transaction(async (tx) => {
    // One import at a time (several hub processes start together): two would race to create the same rows.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(7218, 0)`;
    const summary: ImportSummary = { organizations: 0, services: 0, created: 0, updated: 0 };
    const tally = (created: boolean) => void (created ? summary.created++ : summary.updated++);
    for (const org of document.organizations) {
      const { id: organizationId, created } = await upsertOrganization(tx, org);
      summary.organizations++;
      tally(created);
      for (const service of org.services) {
        tally(await upsertService(tx, service, organizationId));
        summary.services++;
      }
    }
    return summary;
  }, { timeout: 60_000 });
}

async function upsertOrganization(tx: Tx, org: DirectoryOrganization): Promise<{ id: string; created: boolean }> {
  const data = { name: org.name, description: org.description ?? null, url: org.url ?? null, email: org.email ?? null, phone: org.phone ?? null };
  const existing = await tx.organization.findUnique({ where: { externalId: org.id }, select: { id: true } });
  const row = await tx.organization.upsert({ where: { externalId: org.id }, create: { externalId: org.id, ...data }, update: data, select: { id: true } });
  return { id: row.id, created: !existing };
}

/** Returns whether the service was new. */
async function upsertService(tx: Tx, service: DirectoryService, organizationId: string): Promise<boolean> {
  const extension = service.x_contact_hub;
  const data = {
    organizationId,
    name: service.name,
    description: service.description ?? null,
    url: service.url ?? null,
    email: service.email ?? null,
    phone: service.contacts.flatMap((c) => c.phones)[0]?.number ?? null,
    // The hub keeps one plain-words line; ages are for the standard's search tools, not stored here.
    eligibility: service.eligibilitys.map((e) => e.eligibility).join('; ') || null,
    hours: schedulesToHours(service.regular_schedules),
    timeZone: extension.time_zone,
    needs: [...new Set(service.service_taxonomys.filter((t) => t.taxonomy.vocabulary === NEEDS_VOCABULARY).map((t) => t.taxonomy.id))],
    priority: extension.priority,
    // Inactive, defunct and temporarily closed services all stop taking hand-offs.
    active: service.status === 'active',
    slaMinutes: extension.sla_minutes,
    ...targetFields(extension.handoff),
  };
  const existing = await tx.service.findUnique({ where: { externalId: service.id }, select: { id: true } });
  await tx.service.upsert({ where: { externalId: service.id }, create: { externalId: service.id, ...data }, update: data });
  return !existing;
}

/**
 * The row's hand-off columns for the file's handoff: the other targets' columns are cleared, except the
 * webhook secret, which is only written when the file gives one (exports never carry it, so re-importing
 * an export must not wipe it).
 */
function targetFields(handoff: DirectoryHandoff) {
  const fields = { target: handoff.kind as HandoffTarget, slackChannel: null as string | null, handoffEmail: null as string | null, webhookUrl: null as string | null };
  switch (handoff.kind) {
    case 'slack':
      return { ...fields, slackChannel: handoff.channel };
    case 'email':
      return { ...fields, handoffEmail: handoff.address };
    case 'webhook':
      return { ...fields, webhookUrl: handoff.url, ...(handoff.secret ? { webhookSecret: handoff.secret } : {}) };
    case 'desk':
      return fields;
  }
}

// ── Export ──

/** The whole directory in the file's shape, organisations and their services by name; never a webhook secret. */
export async function exportDirectory(db: Db, labels: (code: string) => string): Promise<DirectoryDocument> {
  const organizations = await db.organization.findMany({
    orderBy: [{ name: 'asc' }, { externalId: 'asc' }],
    // The secret is not even read, so no later change here can leak it.
    include: { services: { orderBy: [{ name: 'asc' }, { externalId: 'asc' }], omit: { webhookSecret: true } } },
  });
  return {
    organizations: organizations.map((org) => ({
      id: org.externalId,
      name: org.name,
      ...present({ description: org.description, url: org.url, email: org.email, phone: org.phone }),
      services: org.services.map((service) => exportService(service, labels)),
    })),
  };
}

function exportService(service: Omit<Service, 'webhookSecret'>, labels: (code: string) => string): DirectoryService {
  return {
    id: service.externalId,
    name: service.name,
    ...present({ description: service.description, url: service.url, email: service.email }),
    // The hub keeps only active or not; ORUK's finer statuses come back as "inactive".
    status: service.active ? 'active' : 'inactive',
    // Undoes the import's join; a text that itself contained "; " comes back as two.
    eligibilitys: service.eligibility ? service.eligibility.split('; ').map((eligibility) => ({ eligibility })) : [],
    regular_schedules: storedSchedules(service),
    contacts: service.phone ? [{ phones: [{ number: service.phone }] }] : [],
    service_taxonomys: service.needs.map((code) => ({ taxonomy: { id: code, name: labels(code), vocabulary: NEEDS_VOCABULARY } })),
    x_contact_hub: { handoff: exportHandoff(service), sla_minutes: service.slaMinutes, priority: service.priority, time_zone: service.timeZone },
  };
}

function storedSchedules(service: Omit<Service, 'webhookSecret'>): Schedule[] {
  try {
    return hoursToSchedules(service.hours);
  } catch (error) {
    throw new Error(`service ${service.externalId}: stored hours ${JSON.stringify(service.hours)} cannot be exported: ${(error as Error).message}`);
  }
}

function exportHandoff(service: Omit<Service, 'webhookSecret'>): DirectoryHandoff {
  const needed = (value: string | null, column: string): string => {
    if (value === null) throw new Error(`service ${service.externalId}: target ${service.target} but no ${column}`);
    return value;
  };
  switch (service.target) {
    case 'slack':
      return { kind: 'slack', channel: needed(service.slackChannel, 'slackChannel') };
    case 'email':
      return { kind: 'email', address: needed(service.handoffEmail, 'handoffEmail') };
    case 'webhook':
      return { kind: 'webhook', url: needed(service.webhookUrl, 'webhookUrl') };
    case 'desk':
      return { kind: 'desk' };
  }
}

/** The fields that have a value: the file leaves out what the directory does not know. */
function present<K extends string>(fields: Record<K, string | null>): Partial<Record<K, string>> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== null)) as Partial<Record<K, string>>;
}

export const DEMO_DIRECTORY_PATH = new URL('./demo-directory.json', import.meta.url);

/**
 * The directory at start: the council's own file when DIRECTORY_PATH names one (imported on every start, so
 * editing the file and restarting updates it), else, for the embedded database only and while it has no
 * services, the demo council's. A production PostgreSQL hub never gets demo services by surprise.
 */
export async function loadDirectoryAtStart(
  db: Db,
  options: { path: string | null; embedded: boolean; needCodes: ReadonlySet<string> },
): Promise<{ source: string; summary: ImportSummary } | null> {
  const file = options.path ?? (options.embedded && (await db.service.count()) === 0 ? fileURLToPath(DEMO_DIRECTORY_PATH) : null);
  if (!file) return null;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new DirectoryError([`${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist (DIRECTORY_PATH)' : (error as Error).message}`]);
  }
  return { source: file, summary: await importDirectory(db, parseDirectory(json, options.needCodes)) };
}

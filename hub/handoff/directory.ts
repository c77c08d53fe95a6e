// The service directory as a file: Open Referral UK (ORUK) / HSDS nested JSON, the shape councils and
// their partners already publish, so a council can load its own directory and take ours away.
//
// The ORUK names (`eligibilitys`, `regular_schedules`, `service_taxonomys`, `contacts[].phones[].number`)
// are kept as the standard spells them. Published data in other shapes (an ORUK API response, HSDS 3.0)
// is first rewritten into these names, row by row (directory-input.ts). What the standard has no place
// for (where hand-offs go, how long they may wait) lives in our extension `x_contact_hub`. Councils' files
// carry many more fields than the hub uses, so the standard's objects are loose: unknown fields are
// accepted and ignored. Our own extension is strict, so a mistyped key there is refused rather than
// silently defaulted. Each service is judged on its own: a bad row is refused and reported, the rest load.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { TimeZone, checkOpeningHours, parseOpeningHours } from '../hours.ts';
import { Prisma, type HandoffTarget, type Service } from '../generated/prisma/client.ts';
import {
  NEEDS_VOCABULARY,
  UnknownShapeError,
  WEEKDAYS,
  collectRows,
  formatPath,
  normaliseOrganization,
  normaliseService,
  type InputRow,
} from './directory-input.ts';

export { NEEDS_VOCABULARY, WEEKDAYS };

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
const WebhookUrl = WebUrl.refine(
  (url) => {
    if (!URL.canParse(url)) return true;
    const { protocol, hostname } = new URL(url);
    return protocol === 'https:' || hostname === '127.0.0.1' || hostname === 'localhost';
  },
  { error: (issue) => `${JSON.stringify(issue.input)} must use https (plain http only for 127.0.0.1 or localhost)` },
);

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
  .refine((s) => !wellFormed(s) || s.opens_at < s.closes_at, {
    error: (issue) => {
      const s = issue.input as { opens_at: string; closes_at: string };
      return `opens at ${s.opens_at} but closes at ${s.closes_at}: it must close after it opens`;
    },
  });
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
      ctx.addIssue({
        code: 'custom',
        path: [s.index],
        message: `${s.weekday} ${s.opens_at}-${s.closes_at} overlaps ${before.opens_at}-${before.closes_at} (regular_schedules[${before.index}])`,
      });
    }
  });
  // The hours string the hub keeps must read with its calendar, as a team's must when saved.
  if (schedules.length && schedules.every(wellFormed)) {
    const hours = schedulesToHours(schedules)!;
    const problem = checkOpeningHours(hours);
    if (problem) ctx.addIssue({ code: 'custom', message: `become the opening hours ${JSON.stringify(hours)}, which cannot be read: ${problem}` });
  }
});

const Status = z.enum(['active', 'inactive', 'defunct', 'temporarily closed'], { error: saying('a status (active, inactive, defunct or temporarily closed)') });

const Age = z
  .number({ error: saying('an age in years') })
  .int({ error: saying('an age in years') })
  .min(0)
  .max(150);
const Address = z.looseObject({
  address_1: OptionalText,
  address_2: OptionalText,
  city: OptionalText,
  state_province: OptionalText,
  postal_code: OptionalText,
  country: OptionalText,
});

function entrySchemas(needCodes: ReadonlySet<string>) {
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
    // An entry may give only ages (HSDS 3 keeps them on the service; the import puts them here).
    eligibilitys: z.array(z.looseObject({ eligibility: Text.optional(), minimum_age: Age.nullish(), maximum_age: Age.nullish() })).default([]),
    regular_schedules: Schedules.default([]),
    contacts: z.array(z.looseObject({ name: OptionalText, phones: z.array(z.looseObject({ number: Text })).default([]) })).default([]),
    service_taxonomys: z.array(TaxonomyTerm).default([]),
    languages: z.array(z.looseObject({ language: Text })).default([]),
    service_areas: z.array(z.looseObject({ service_area: Text, uri: OptionalText })).default([]),
    cost_options: z
      .array(z.looseObject({ option: OptionalText, amount: z.number().nonnegative().nullish(), currency: OptionalText, amount_description: OptionalText }))
      .default([]),
    fees: OptionalText,
    service_at_locations: z
      .array(
        z.looseObject({
          location: z.looseObject({
            name: OptionalText,
            description: OptionalText,
            latitude: z.number().min(-90).max(90).nullish(),
            longitude: z.number().min(-180).max(180).nullish(),
            physical_addresses: z.array(Address).default([]),
          }),
        }),
      )
      .default([]),
    x_contact_hub: Extension.prefault({}),
  });

  const OrganizationEntry = z.looseObject({
    id: Text,
    name: Text,
    description: OptionalText,
    url: WebUrl.nullish(),
    email: Email.nullish(),
    phone: OptionalText,
  });
  return { ServiceEntry, OrganizationEntry };
}

type Schemas = ReturnType<typeof entrySchemas>;
export type DirectoryService = z.output<Schemas['ServiceEntry']>;
export type DirectoryOrganization = z.output<Schemas['OrganizationEntry']> & { services: DirectoryService[] };
/** The directory in the hub's file shape, as read (defaults filled in) and as exported. */
export interface DirectoryDocument {
  about?: string | null;
  organizations: DirectoryOrganization[];
}

/** What became of one row of the file. */
export interface DirectoryRow {
  kind: 'organization' | 'service';
  /** Where it is in the file ("content[3]", "organizations[0].services[2]", "(top level)"). */
  at: string;
  id: string | null;
  name: string | null;
  outcome: 'imported' | 'imported_with_warnings' | 'refused';
  /** Each prefixed with where ("content[3].url: …"). */
  warnings: string[];
  problems: string[];
  /** Refused only because its organisation was. */
  organizationRefused?: true;
}

export interface DirectoryReading {
  /** What the file was taken to be ("HSDS 3 list page (contents)"). */
  shape: string;
  /** The rows that can be imported, in the hub's shape. */
  document: DirectoryDocument;
  rows: DirectoryRow[];
}

/** The file cannot be imported; each problem says where ("organizations[0].services[2].email") and what. */
export class DirectoryError extends Error {
  override name = 'DirectoryError';
  constructor(
    readonly problems: string[],
    /** The row by row report, when the file's shape could be read. */
    readonly reading?: DirectoryReading,
  ) {
    super(`the directory has ${problems.length} problem${problems.length === 1 ? '' : 's'}: ${problems.join('; ')}`);
  }
}

/** "content[3]" + "url: …" → "content[3].url: …"; a message that is a sentence gets "content[3]: …". */
function placed(at: (string | number)[], message: string): string {
  if (!at.length) return message;
  return /^[a-z_]+[^\s:]*:/.test(message) ? `${formatPath(at)}${message.startsWith('[') ? '' : '.'}${message}` : `${formatPath(at)}: ${message}`;
}

const today = () => new Date().toISOString().slice(0, 10);

/**
 * Reads a directory in any published shape (our file, an ORUK or HSDS 3 service, organisation, list page
 * or array), checks each organisation and service against the standard's shape, our rules and the needs
 * taxonomy's codes, and reports every row: imported, imported with warnings, or refused with the reasons.
 * Throws DirectoryError only when the shape itself is not one the hub reads.
 */
export function readDirectory(json: unknown, needCodes: ReadonlySet<string>, options: { today?: string } = {}): DirectoryReading {
  let input;
  try {
    input = collectRows(json);
  } catch (error) {
    if (error instanceof UnknownShapeError) throw new DirectoryError([error.message]);
    throw error;
  }
  const { ServiceEntry, OrganizationEntry } = entrySchemas(needCodes);
  const day = options.today ?? today();
  const rows: DirectoryRow[] = [];
  const organizations: DirectoryOrganization[] = [];
  // Ids become unique keys in the database, services across the whole file: the first row with an id keeps it.
  const seen = new Map<string, string>();

  const judge = <S extends z.ZodType>(
    kind: DirectoryRow['kind'],
    row: InputRow,
    value: Record<string, unknown>,
    schema: S,
  ): { row: DirectoryRow; data?: z.output<S> } => {
    const result = schema.safeParse(value);
    const problems = row.problems.map((p) => placed(row.at, p));
    if (!result.success) problems.push(...result.error.issues.map((issue) => `${formatPath([...row.at, ...issue.path])}: ${issue.message}`));
    const id = typeof value.id === 'string' && value.id.trim() ? value.id.trim() : null;
    if (id !== null) {
      const first = seen.get(`${kind}:${id}`);
      if (first !== undefined) problems.push(`${formatPath([...row.at, 'id'])}: ${kind} id ${JSON.stringify(id)} is used twice (also ${first})`);
      else seen.set(`${kind}:${id}`, formatPath(row.at));
    }
    const warnings = row.warnings.map((w) => placed(row.at, w));
    const report: DirectoryRow = {
      kind,
      at: formatPath(row.at),
      id,
      name: typeof value.name === 'string' ? value.name : null,
      outcome: problems.length ? 'refused' : warnings.length ? 'imported_with_warnings' : 'imported',
      warnings,
      problems,
    };
    return problems.length || !result.success ? { row: report } : { row: report, data: result.data };
  };

  for (const input_ of input.organizations) {
    const org = judge('organization', input_, normaliseOrganization(input_), OrganizationEntry);
    rows.push(org.row);
    const services: DirectoryService[] = [];
    for (const serviceRow of input_.services) {
      const value = normaliseService(serviceRow, day);
      if (!org.data) {
        // Still checked, so the report says everything that needs fixing, but it cannot be imported.
        const judged = judge('service', serviceRow, value, ServiceEntry).row;
        rows.push({
          ...judged,
          outcome: 'refused',
          problems: [...judged.problems, placed(serviceRow.at, `its organization (${org.row.at}) is refused`)],
          organizationRefused: true,
        });
        continue;
      }
      const service = judge('service', serviceRow, value, ServiceEntry);
      rows.push(service.row);
      if (service.data) services.push(service.data);
    }
    if (org.data) organizations.push({ ...org.data, services });
  }
  for (const orphan of input.orphans) rows.push(judge('service', orphan, normaliseService(orphan, day), ServiceEntry).row);
  return { shape: input.shape, document: { ...(input.about ? { about: input.about } : {}), organizations }, rows };
}

/**
 * The whole file or nothing: the document when every row can be imported, else DirectoryError listing
 * each refused row's problems (warnings, e.g. a repaired web address, do not refuse it).
 */
export function parseDirectory(json: unknown, needCodes: ReadonlySet<string>, options: { today?: string } = {}): DirectoryDocument {
  const reading = readDirectory(json, needCodes, options);
  const refused = reading.rows.filter((row) => row.outcome === 'refused');
  if (refused.length) {
    // A service refused with its organisation repeats the organisation's problem: list its own only.
    const own = refused.flatMap((row) => (row.organizationRefused ? row.problems.slice(0, -1) : row.problems));
    throw new DirectoryError(own.length ? own : refused.flatMap((row) => row.problems), reading);
  }
  return reading.document;
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

/**
 * The schedules for an hours string (null: always open, no schedules), in day then time order: the usual week
 * as the hub reads it, a span past midnight split at midnight. Bank holidays ("PH off") have no place in
 * weekly rows and are left out.
 */
export function hoursToSchedules(hours: string | null): Schedule[] {
  if (hours === null) return [];
  const time = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  return parseOpeningHours(hours, 'UTC')
    .week()
    .flatMap((spans, day) => spans.map(([from, to]) => ({ weekday: WEEKDAYS[day]!, opens_at: time(from), closes_at: time(to) })));
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
  return db.$transaction(
    async (tx) => {
      // One import at a time (several hub processes start together): two would race to create the same rows.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(7218, 0)`;
      const summary: ImportSummary = { organizations: 0, services: 0, created: 0, updated: 0 };
      const tally = (created: boolean) => void (created ? summary.created++ : summary.updated++);
      // Which rows are there already, read once rather than before each upsert.
      const [orgs, services] = await Promise.all([
        tx.organization.findMany({ where: { externalId: { in: document.organizations.map((o) => o.id) } }, select: { externalId: true } }),
        tx.service.findMany({
          where: { externalId: { in: document.organizations.flatMap((o) => o.services.map((s) => s.id)) } },
          select: { externalId: true },
        }),
      ]);
      // A row listed twice in the file is made the first time and updated the second.
      const knownOrgs = new Set(orgs.map((row) => row.externalId));
      const knownServices = new Set(services.map((row) => row.externalId));
      for (const org of document.organizations) {
        const organizationId = await upsertOrganization(tx, org);
        summary.organizations++;
        tally(!knownOrgs.has(org.id));
        knownOrgs.add(org.id);
        for (const service of org.services) {
          await upsertService(tx, service, organizationId);
          tally(!knownServices.has(service.id));
          knownServices.add(service.id);
          summary.services++;
        }
      }
      return summary;
    },
    { timeout: 60_000 },
  );
}

/** Returns the organisation's id. */
async function upsertOrganization(tx: Tx, org: DirectoryOrganization): Promise<string> {
  const data = { name: org.name, description: org.description ?? null, url: org.url ?? null, email: org.email ?? null, phone: org.phone ?? null };
  const row = await tx.organization.upsert({ where: { externalId: org.id }, create: { externalId: org.id, ...data }, update: data, select: { id: true } });
  return row.id;
}

async function upsertService(tx: Tx, service: DirectoryService, organizationId: string): Promise<void> {
  const extension = service.x_contact_hub;
  const data = {
    organizationId,
    name: service.name,
    description: service.description ?? null,
    url: service.url ?? null,
    email: service.email ?? null,
    phone: service.contacts.flatMap((c) => c.phones)[0]?.number ?? null,
    // The hub keeps one plain-words line; ages, with the other details, go in `details`.
    eligibility: service.eligibilitys.flatMap((e) => (e.eligibility ? [e.eligibility] : [])).join('; ') || null,
    hours: schedulesToHours(service.regular_schedules),
    details: detailsOf(service) ?? Prisma.DbNull,
    timeZone: extension.time_zone,
    needs: [...new Set(service.service_taxonomys.filter((t) => t.taxonomy.vocabulary === NEEDS_VOCABULARY).map((t) => t.taxonomy.id))],
    priority: extension.priority,
    // Inactive, defunct and temporarily closed services all stop taking hand-offs.
    active: service.status === 'active',
    slaMinutes: extension.sla_minutes,
    ...targetFields(extension.handoff),
  };
  await tx.service.upsert({ where: { externalId: service.id }, create: { externalId: service.id, ...data }, update: data, select: { id: true } });
}

// ── Details: what helps someone find and reach a service, beyond what the hub routes on ──

const Place = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  latitude: z.number().optional(),
  longitude: z.number().optional(),
  address_1: z.string().optional(),
  address_2: z.string().optional(),
  city: z.string().optional(),
  state_province: z.string().optional(),
  postal_code: z.string().optional(),
  country: z.string().optional(),
});
const ADDRESS_FIELDS = ['address_1', 'address_2', 'city', 'state_province', 'postal_code', 'country'] as const;

/** Service.details: checked when written and when read back, since a JSON column takes anything. */
export const ServiceDetails = z.object({
  minimumAge: z.number().int().optional(),
  maximumAge: z.number().int().optional(),
  languages: z.array(z.string()).default([]),
  serviceAreas: z.array(z.object({ name: z.string(), uri: z.string().optional() })).default([]),
  costs: z
    .array(z.object({ option: z.string().optional(), amount: z.number().optional(), currency: z.string().optional(), description: z.string().optional() }))
    .default([]),
  fees: z.string().optional(),
  /** One per address: a location with two addresses is kept as two places of the same name. */
  locations: z.array(Place).default([]),
});
export type ServiceDetails = z.output<typeof ServiceDetails>;

/** Leaves out null and undefined, so stored details and exports carry only what is known. */
function known<T extends Record<string, unknown>>(fields: T): { [K in keyof T]?: Exclude<T[K], null> } {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== null && v !== undefined)) as { [K in keyof T]?: Exclude<T[K], null> };
}

/** The service's details to store, or null when the file gave none. */
function detailsOf(service: DirectoryService): ServiceDetails | null {
  const mins = service.eligibilitys.flatMap((e) => (typeof e.minimum_age === 'number' ? [e.minimum_age] : []));
  const maxes = service.eligibilitys.flatMap((e) => (typeof e.maximum_age === 'number' ? [e.maximum_age] : []));
  const details = ServiceDetails.parse({
    ...(mins.length ? { minimumAge: Math.min(...mins) } : {}),
    ...(maxes.length ? { maximumAge: Math.max(...maxes) } : {}),
    languages: service.languages.map((l) => l.language),
    serviceAreas: service.service_areas.map((a) => known({ name: a.service_area, uri: a.uri })),
    costs: service.cost_options.map((c) => known({ option: c.option, amount: c.amount, currency: c.currency, description: c.amount_description })),
    ...(service.fees ? { fees: service.fees } : {}),
    locations: service.service_at_locations.flatMap(({ location }) => {
      const place = known({ name: location.name, description: location.description, latitude: location.latitude, longitude: location.longitude });
      const addresses = location.physical_addresses.map((a) => known(Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, a[f]]))));
      return addresses.length ? addresses.map((address) => ({ ...place, ...address })) : [place];
    }),
  });
  const empty =
    details.minimumAge === undefined &&
    details.maximumAge === undefined &&
    details.fees === undefined &&
    !details.languages.length &&
    !details.serviceAreas.length &&
    !details.costs.length &&
    !details.locations.length;
  return empty ? null : details;
}

/**
 * The row's hand-off columns for the file's handoff: the other targets' columns are cleared, except the
 * webhook secret, which is only written when the file gives one (exports never carry it, so re-importing
 * an export must not wipe it).
 */
function targetFields(handoff: DirectoryHandoff) {
  const fields = {
    target: handoff.kind as HandoffTarget,
    slackChannel: null as string | null,
    handoffEmail: null as string | null,
    webhookUrl: null as string | null,
  };
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
  const details = storedDetails(service);
  return {
    id: service.externalId,
    name: service.name,
    ...present({ description: service.description, url: service.url, email: service.email }),
    // The hub keeps only active or not; ORUK's finer statuses come back as "inactive".
    status: service.active ? 'active' : 'inactive',
    // Undoes the import's join; a text that itself contained "; " comes back as two. Ages ride on the first.
    eligibilitys: exportEligibility(service.eligibility, details),
    regular_schedules: storedSchedules(service),
    contacts: service.phone ? [{ phones: [{ number: service.phone }] }] : [],
    service_taxonomys: service.needs.map((code) => ({ taxonomy: { id: code, name: labels(code), vocabulary: NEEDS_VOCABULARY } })),
    languages: details.languages.map((language) => ({ language })),
    service_areas: details.serviceAreas.map((a) => ({ service_area: a.name, ...known({ uri: a.uri }) })),
    cost_options: details.costs.map((c) => known({ option: c.option, amount: c.amount, currency: c.currency, amount_description: c.description })),
    ...known({ fees: details.fees }),
    service_at_locations: details.locations.map((place) => {
      const address = known(Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, place[f]])));
      const location = known({ name: place.name, description: place.description, latitude: place.latitude, longitude: place.longitude });
      return { location: { ...location, physical_addresses: Object.keys(address).length ? [address] : [] } };
    }),
    x_contact_hub: { handoff: exportHandoff(service), sla_minutes: service.slaMinutes, priority: service.priority, time_zone: service.timeZone },
  };
}

function exportEligibility(eligibility: string | null, details: ServiceDetails): DirectoryService['eligibilitys'] {
  const ages = known({ minimum_age: details.minimumAge, maximum_age: details.maximumAge });
  const texts = eligibility ? eligibility.split('; ') : [];
  if (!texts.length) return Object.keys(ages).length ? [ages] : [];
  return texts.map((text, i) => ({ eligibility: text, ...(i === 0 ? ages : {}) }));
}

function storedDetails(service: Omit<Service, 'webhookSecret'>): ServiceDetails {
  const parsed = ServiceDetails.safeParse(service.details ?? {});
  if (!parsed.success) throw new Error(`service ${service.externalId}: stored details cannot be exported: ${parsed.error.message}`);
  return parsed.data;
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

/** What an import did, row by row. */
export interface DirectoryReport extends ImportSummary {
  /** What the file was taken to be ("ORUK list page (content)"). */
  shape: string;
  /** Rows (organisations and services) by outcome. */
  imported: number;
  importedWithWarnings: number;
  refused: number;
  rows: DirectoryRow[];
}

/**
 * Reads a directory in any published shape and imports the rows that can be, reporting every row. With
 * allOrNothing, a file with any refused row is not imported at all: DirectoryError, with the report.
 */
export async function importDirectoryFile(
  db: Db,
  json: unknown,
  needCodes: ReadonlySet<string>,
  options: { allOrNothing?: boolean; today?: string } = {},
): Promise<DirectoryReport> {
  const reading = readDirectory(json, needCodes, options);
  const count = (outcome: DirectoryRow['outcome']) => reading.rows.filter((row) => row.outcome === outcome).length;
  const refused = count('refused');
  if (options.allOrNothing && refused) {
    throw new DirectoryError(
      reading.rows.flatMap((row) => (row.outcome === 'refused' ? row.problems : [])),
      reading,
    );
  }
  const summary = await importDirectory(db, reading.document);
  return { shape: reading.shape, ...summary, imported: count('imported'), importedWithWarnings: count('imported_with_warnings'), refused, rows: reading.rows };
}

/**
 * The directory at start: the council's own file when DIRECTORY_PATH names one (imported on every start, so
 * editing the file and restarting updates it), else, for the embedded database only and while it has no
 * services, the demo council's. A production PostgreSQL hub never gets demo services by surprise.
 */
export async function loadDirectoryAtStart(
  db: Db,
  options: { path: string | null; embedded: boolean; needCodes: ReadonlySet<string>; allOrNothing?: boolean },
): Promise<{ source: string; report: DirectoryReport } | null> {
  const file = options.path ?? (options.embedded && (await db.service.count()) === 0 ? fileURLToPath(DEMO_DIRECTORY_PATH) : null);
  if (!file) return null;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new DirectoryError([
      `${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist (DIRECTORY_PATH)' : (error as Error).message}`,
    ]);
  }
  return { source: file, report: await importDirectoryFile(db, json, options.needCodes, { allOrNothing: options.allOrNothing ?? false }) };
}

/** Says what the start-up import did, and every row that was not imported cleanly, so whoever keeps the file can fix it. */
export function logDirectoryLoad(directory: { source: string; report: DirectoryReport }, logger: Logger): void {
  const { rows, ...summary } = directory.report;
  for (const row of rows) {
    if (row.outcome === 'refused') logger.warn({ row: row.at, kind: row.kind, id: row.id, problems: row.problems }, 'service directory: row refused');
    else if (row.outcome === 'imported_with_warnings')
      logger.info({ row: row.at, kind: row.kind, id: row.id, warnings: row.warnings }, 'service directory: row imported with warnings');
  }
  logger.info({ file: directory.source, ...summary }, 'loaded the service directory');
}

// Published directory data → the hub's directory file shape, one row at a time.
//
// Councils publish Open Referral UK (ORUK) API responses and HSDS 3.0 JSON, not our `{organizations:[…]}`
// envelope: a single service, a single organisation with its services, a list page (ORUK `content`, HSDS 3
// `contents`) or a plain array. This module finds the organisations and services in any of those and
// rewrites each one into the ORUK names the hub's schema checks (directory.ts): HSDS 3 `schedules` become
// weekday rows, `website` becomes `url`, `minimum_age` joins `eligibilitys`, and so on. It repairs what
// can be repaired (a web address without https://) and says so; what it cannot read is a problem that
// refuses that row only. Everything here is pure: no database, no clock (today is passed in).

/** The vocabulary of taxonomy terms that are the hub's need codes; terms of any other vocabulary are ignored. */
export const NEEDS_VOCABULARY = 'contact-hub-needs';

export const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
/** iCalendar's day codes (RRULE BYDAY), in the same order. */
const ICAL_DAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

/** One span of one weekday, as the hub's file writes it ("Monday", "09:00", "17:00"). */
export interface ScheduleRow {
  weekday: Weekday;
  opens_at: string;
  closes_at: string;
}

type Json = Record<string, unknown>;

/** A row of the input, where it was found ("content[3]", "organizations[0].services[2]"), and what was done to it. */
export interface InputRow {
  at: (string | number)[];
  value: Json;
  warnings: string[];
  problems: string[];
}

export interface InputOrganization extends InputRow {
  services: InputRow[];
}

export interface InputShape {
  /** What the file was taken to be, for the report ("ORUK list page (content)"). */
  shape: string;
  about?: string;
  organizations: InputOrganization[];
  /** Services with no organisation the hub can attach them to: refused. */
  orphans: InputRow[];
}

export class UnknownShapeError extends Error {
  override name = 'UnknownShapeError';
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const objects = (v: unknown): Json[] => (Array.isArray(v) ? v.filter(isObject) : []);

export function formatPath(path: readonly PropertyKey[]): string {
  return path.map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i ? '.' : ''}${String(key)}`)).join('') || '(top level)';
}

/** A service has a status (required by ORUK and HSDS 3) or names its organisation; an organisation has neither. */
function isService(item: Json): boolean {
  return !Array.isArray(item.services) && ('status' in item || isObject(item.organization) || 'organization_id' in item);
}

/**
 * Finds the organisations and services in whatever was published, keeping each row's place in the input.
 * Throws UnknownShapeError when it is none of the shapes the hub reads.
 */
export function collectRows(json: unknown): InputShape {
  const row = (at: (string | number)[], value: Json): InputRow => ({ at, value, warnings: [], problems: [] });
  if (isObject(json) && Array.isArray(json.organizations)) {
    const organizations = json.organizations.map((org, o): InputOrganization => {
      const value = isObject(org) ? org : {};
      const services = Array.isArray(value.services) ? value.services : [];
      return { ...row(['organizations', o], value), services: services.map((s, i) => row(['organizations', o, 'services', i], isObject(s) ? s : {})) };
    });
    return { shape: 'directory file (organizations)', ...(text(json.about) ? { about: text(json.about) } : {}), organizations, orphans: [] };
  }
  let items: unknown[];
  let base: (string | number)[];
  let shape: string;
  if (Array.isArray(json)) [items, base, shape] = [json, [], 'array'];
  else if (isObject(json) && Array.isArray(json.content)) [items, base, shape] = [json.content, ['content'], 'ORUK list page (content)'];
  else if (isObject(json) && Array.isArray(json.contents)) [items, base, shape] = [json.contents, ['contents'], 'HSDS 3 list page (contents)'];
  else if (isObject(json) && 'id' in json && 'name' in json) [items, base, shape] = [[json], [], isService(json) ? 'single service' : 'single organization'];
  else
    throw new UnknownShapeError(
      'not a directory the hub reads: expected {"organizations":[…]}, a service, an organization, a list page ("content" or "contents") or an array of them',
    );

  const single = items.length === 1 && base.length === 0 && !Array.isArray(json);
  const at = (i: number) => (single ? [] : [...base, i]);
  const organizations = new Map<string, InputOrganization>();
  const orphans: InputRow[] = [];
  const organizationFor = (value: Json, where: (string | number)[]): InputOrganization => {
    const id = typeof value.id === 'number' ? String(value.id) : text(value.id);
    const known = id === undefined ? undefined : organizations.get(id);
    if (known) return known;
    const { services: _services, ...fields } = value;
    const created: InputOrganization = { ...row(where, fields), services: [] };
    // Rows without an id are kept apart so each is refused on its own.
    organizations.set(id ?? `\u0000${organizations.size}`, created);
    return created;
  };
  const pending: { row: InputRow; organizationId?: string }[] = [];
  items.forEach((item, i) => {
    if (!isObject(item)) return void orphans.push({ ...row(at(i), {}), problems: [`${formatPath(at(i))}: not an object`] });
    if (isService(item)) {
      const { organization, ...fields } = item;
      if (isObject(organization)) organizationFor(organization, [...at(i), 'organization']).services.push(row(at(i), fields));
      else pending.push({ row: row(at(i), fields), organizationId: text(item.organization_id) });
      return;
    }
    const org = organizationFor(item, at(i));
    objects(item.services).forEach((s, j) => org.services.push(row([...at(i), 'services', j], s)));
  });
  // Services that name their organisation by id only: it must be in the same file.
  for (const { row: service, organizationId } of pending) {
    const org = organizationId === undefined ? undefined : organizations.get(organizationId);
    if (org) org.services.push(service);
    else {
      service.problems.push(
        organizationId === undefined
          ? 'no organization: give an "organization" object or an "organization_id" of an organization in the same file'
          : `organization_id ${JSON.stringify(organizationId)} is not an organization in this file`,
      );
      orphans.push(service);
    }
  }
  return { shape, organizations: [...organizations.values()], orphans };
}

// ── Repairs shared by organisations and services ──

/** Keeps a field's value, drops it with a warning when blank, and gives a web address without a scheme https://. */
function webAddress(row: InputRow, name: string, value: unknown): string | undefined | unknown {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && !value.trim()) {
    row.warnings.push(`${name}: empty, left out`);
    return undefined;
  }
  // "www.council.gov.uk/bins": a host name with a dot, no scheme. Anything else is left for the schema to judge.
  if (typeof value === 'string' && /^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?([/?#]\S*)?$/i.test(value.trim())) {
    const fixed = `https://${value.trim()}`;
    row.warnings.push(`${name}: ${JSON.stringify(value)} has no scheme, read as ${JSON.stringify(fixed)}`);
    return fixed;
  }
  return value;
}

function optional(row: InputRow, name: string, value: unknown): unknown {
  if (typeof value === 'string' && !value.trim()) {
    row.warnings.push(`${name}: empty, left out`);
    return undefined;
  }
  return value ?? undefined;
}

const idOf = (v: unknown): unknown => (typeof v === 'number' ? String(v) : v);

/** Leaves out undefined values, so the schema sees only what the input gave. */
function defined(fields: Json): Json {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

const firstPhone = (source: Json): string | undefined =>
  [...objects(source.phones), ...objects(source.contacts).flatMap((c) => objects(c.phones))].map((p) => text(p.number)).find(Boolean);

/** An organisation in the hub's names: HSDS 3 `website` is ORUK's `url`; a phone may come from `phones`. */
export function normaliseOrganization(row: InputRow): Json {
  const v = row.value;
  return defined({
    id: idOf(v.id),
    name: v.name,
    description: optional(row, 'description', v.description),
    url: webAddress(row, v.url !== undefined ? 'url' : 'website', v.url ?? v.website),
    email: optional(row, 'email', v.email),
    phone: text(v.phone) ?? firstPhone(v),
  });
}

// ── Services ──

/**
 * A service in the hub's names, with its schedules read into weekday rows. Warnings and problems are added
 * to the row; the result still goes through the schema, which has the last word.
 */
export function normaliseService(row: InputRow, today: string): Json {
  const v = row.value;
  const schedules = readServiceSchedules(row, v, today);
  if (objects(v.holiday_schedules).length) row.warnings.push('holiday_schedules: not used (the hub keeps weekly hours only)');
  return defined({
    id: idOf(v.id),
    name: v.name,
    description: optional(row, 'description', v.description),
    url: webAddress(row, 'url', v.url),
    email: optional(row, 'email', v.email),
    status: v.status,
    eligibilitys: eligibility(row, v),
    regular_schedules: schedules,
    contacts: [...objects(v.contacts), ...(objects(v.phones).length ? [{ phones: objects(v.phones) }] : [])],
    service_taxonomys: taxonomy(v),
    languages: named(row, 'languages', v.languages, (l) => text(l.language) ?? text(l.name) ?? text(l.code)).map((language) => ({ language })),
    service_areas: serviceAreas(row, v.service_areas),
    cost_options: costs(row, v.cost_options),
    fees: text(v.fees) ?? text(v.fees_description),
    service_at_locations: locations(row, v.service_at_locations),
    x_contact_hub: v.x_contact_hub,
  });
}

/** ORUK `eligibilitys` (or `eligibilities`) and HSDS 3's `eligibility_description`, `minimum_age`, `maximum_age`. */
function eligibility(row: InputRow, v: Json): Json[] {
  const field = Array.isArray(v.eligibilitys) ? 'eligibilitys' : 'eligibilities';
  const out: Json[] = [];
  (Array.isArray(v[field]) ? (v[field] as unknown[]) : []).forEach((e, i) => {
    if (!isObject(e)) return void row.warnings.push(`${field}[${i}]: not an object, left out`);
    const ages = defined({ minimum_age: e.minimum_age ?? undefined, maximum_age: e.maximum_age ?? undefined });
    const words = e.eligibility;
    if (typeof words === 'string' && !words.trim()) {
      row.warnings.push(`${field}[${i}].eligibility: empty, left out`);
      if (Object.keys(ages).length) out.push(ages);
      return;
    }
    out.push(defined({ eligibility: words ?? undefined, ...ages }));
  });
  const description = optional(row, 'eligibility_description', v.eligibility_description);
  if (description !== undefined) out.push({ eligibility: description });
  const ages = defined({ minimum_age: v.minimum_age ?? undefined, maximum_age: v.maximum_age ?? undefined });
  if (Object.keys(ages).length) out.push(ages);
  return out;
}

/** Need codes: ORUK `service_taxonomys` (or `service_taxonomies`), and HSDS 3 `attributes` whose term is in our vocabulary. */
function taxonomy(v: Json): Json[] {
  const oruk = [...objects(v.service_taxonomys), ...objects(v.service_taxonomies)];
  const hsds3 = objects(v.attributes)
    .map((a) => (isObject(a.taxonomy_term) ? a.taxonomy_term : undefined))
    .filter((t): t is Json => t !== undefined)
    .filter((t) => (text(t.taxonomy) ?? (isObject(t.taxonomy_detail) ? text(t.taxonomy_detail.name) : undefined)) === NEEDS_VOCABULARY)
    .map((t) => ({ taxonomy: defined({ id: t.code ?? t.id, name: text(t.name), vocabulary: NEEDS_VOCABULARY }) }));
  return [...oruk, ...hsds3];
}

/** A list of objects each reduced to one name; blank ones are left out with a warning. */
function named(row: InputRow, field: string, list: unknown, name: (item: Json) => string | undefined): string[] {
  const out: string[] = [];
  (Array.isArray(list) ? list : []).forEach((item, i) => {
    const found = isObject(item) ? name(item) : undefined;
    if (found === undefined) row.warnings.push(`${field}[${i}]: no name, left out`);
    else if (!out.includes(found)) out.push(found);
  });
  return out;
}

/** ORUK names the area in `service_area`, HSDS 3 in `name` (or only `description`). */
function serviceAreas(row: InputRow, list: unknown): Json[] {
  const out: Json[] = [];
  (Array.isArray(list) ? list : []).forEach((item, i) => {
    const area = isObject(item) ? (text(item.service_area) ?? text(item.name) ?? text(item.description)) : undefined;
    if (area === undefined) return void row.warnings.push(`service_areas[${i}]: no name, left out`);
    out.push(defined({ service_area: area, uri: text((item as Json).uri) }));
  });
  return out;
}

/** ORUK gives `amount` as text ("5.00"), HSDS 3 as a number: the hub keeps a number. */
function costs(row: InputRow, list: unknown): Json[] {
  const out: Json[] = [];
  (Array.isArray(list) ? list : []).forEach((item, i) => {
    if (!isObject(item)) return void row.warnings.push(`cost_options[${i}]: not an object, left out`);
    let amount: unknown = item.amount ?? undefined;
    let description = text(item.amount_description);
    if (typeof amount === 'string') {
      const figure = amount.trim().replace(/^£/, '');
      if (/^\d+(\.\d+)?$/.test(figure)) amount = Number(figure);
      else {
        if (amount.trim()) row.warnings.push(`cost_options[${i}].amount: ${JSON.stringify(amount)} is not a number, kept as its description`);
        description ??= text(amount);
        amount = undefined;
      }
    }
    const cost = defined({ option: text(item.option), amount, currency: text(item.currency), amount_description: description });
    if (!Object.keys(cost).length) return void row.warnings.push(`cost_options[${i}]: empty, left out`);
    out.push(cost);
  });
  return out;
}

/** Where the service is: ORUK `physical_addresses`, HSDS 3 `addresses` (physical ones first, else postal). */
function locations(row: InputRow, list: unknown): Json[] {
  const out: Json[] = [];
  objects(list).forEach((sal, i) => {
    const where = `service_at_locations[${i}]`;
    const location = isObject(sal.location) ? sal.location : undefined;
    if (!location) return void row.warnings.push(`${where}: no location object (an id alone is not kept), left out`);
    const all = [...objects(location.physical_addresses), ...objects(location.addresses)];
    const physical = all.filter((a) => a.address_type === undefined || a.address_type === 'physical');
    const addresses = (physical.length ? physical : all).map((a) =>
      defined({
        address_1: text(a.address_1),
        address_2: text(a.address_2),
        city: text(a.city),
        state_province: text(a.state_province) ?? text(a.region),
        postal_code: text(a.postal_code),
        country: text(a.country),
      }),
    );
    const coordinate = (name: 'latitude' | 'longitude', limit: number) => {
      const value = location[name];
      if (value === undefined || value === null) return undefined;
      if (typeof value === 'number' && Math.abs(value) <= limit) return value;
      row.warnings.push(`${where}.location.${name}: ${JSON.stringify(value)} is not a ${name}, left out`);
      return undefined;
    };
    const place = defined({
      name: text(location.name),
      description: text(location.description),
      latitude: coordinate('latitude', 90),
      longitude: coordinate('longitude', 180),
      physical_addresses: addresses.filter((a) => Object.keys(a).length),
    });
    if (place.name === undefined && !(place.physical_addresses as Json[]).length) return void row.warnings.push(`${where}: no name or address, left out`);
    out.push({ location: place });
  });
  return out;
}

// ── Opening hours ──

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * A time as the hub keeps it (HH:MM). HSDS 3 writes seconds ("10:00:00"); 23:59 is how HSDS says "to the end
 * of the day", which the hub writes 24:00. Null: not a time the hub can read.
 */
function readTime(value: unknown, closing: boolean): string | null {
  if (typeof value !== 'string') return null;
  const match = /^(\d{2}:\d{2})(?::(\d{2})(?:\.\d+)?)?$/.exec(value.trim());
  if (!match) return null;
  const [, hhmm, seconds] = match as unknown as [string, string, string | undefined];
  if (closing && (hhmm === '24:00' || (hhmm === '23:59' && (seconds === undefined || seconds === '59' || seconds === '00')))) return '24:00';
  if (!HHMM.test(hhmm) || (seconds !== undefined && seconds !== '00')) return null;
  return hhmm;
}

const DATE = /^\d{4}-\d{2}-\d{2}/;

type ReadOne = { rows: ScheduleRow[] } | { skip: string } | { problems: string[] };

/** One ORUK `regular_schedules` row or HSDS 3 `schedules` entry, read as weekly spans. */
function readSchedule(entry: unknown, label: string, today: string): ReadOne {
  if (!isObject(entry)) return { problems: [`${label}: not an object`] };
  const problems: string[] = [];
  const freq = typeof entry.freq === 'string' ? entry.freq.toUpperCase() : undefined;
  if (entry.freq !== undefined && entry.freq !== null && freq !== 'WEEKLY' && freq !== 'DAILY') {
    problems.push(`${label}.freq: ${JSON.stringify(entry.freq)} cannot be read: the hub keeps weekly hours only`);
  }
  if (entry.interval !== undefined && entry.interval !== null && Number(entry.interval) !== 1) {
    problems.push(`${label}.interval: every ${JSON.stringify(entry.interval)} weeks cannot be read: the hub keeps weekly hours only`);
  }
  for (const rule of ['bymonthday', 'byweekno', 'byyearday', 'count'] as const) {
    const given = entry[rule];
    if (given !== undefined && given !== null && given !== '')
      problems.push(`${label}.${rule}: ${JSON.stringify(given)} cannot be read: the hub keeps weekly hours only`);
  }

  let days: number[] = [];
  if (entry.weekday !== undefined && entry.weekday !== null) {
    const day = typeof entry.weekday === 'string' ? WEEKDAYS.findIndex((d) => d.toLowerCase() === (entry.weekday as string).trim().toLowerCase()) : -1;
    if (day < 0) problems.push(`${label}.weekday: ${JSON.stringify(entry.weekday)} is not a day from Monday to Sunday`);
    else days = [day];
  } else if (typeof entry.byday === 'string' && entry.byday.trim()) {
    for (const part of entry.byday.split(',').map((p) => p.trim().toUpperCase())) {
      const day = ICAL_DAYS.indexOf(part as (typeof ICAL_DAYS)[number]);
      if (day < 0) problems.push(`${label}.byday: ${JSON.stringify(part)} is not a day (MO, TU, WE, TH, FR, SA or SU)`);
      else if (!days.includes(day)) days.push(day);
    }
  } else if (freq === 'DAILY') {
    days = [0, 1, 2, 3, 4, 5, 6];
  } else {
    problems.push(`${label}: no day: give "weekday" (Monday) or "byday" (MO,TU)`);
  }

  const opens = readTime(entry.opens_at, false);
  const closes = readTime(entry.closes_at, true);
  const timeProblem = (field: string, value: unknown) =>
    value === undefined || value === null
      ? `${label}.${field}: missing: expected a time HH:MM`
      : `${label}.${field}: ${JSON.stringify(value)} is not a time HH:MM`;
  if (opens === null) problems.push(timeProblem('opens_at', entry.opens_at));
  if (closes === null) problems.push(timeProblem('closes_at', entry.closes_at));
  // Closing at 00:00 after opening later in the day means midnight.
  const closing = closes === '00:00' && opens !== null && opens !== '00:00' ? '24:00' : closes;
  if (opens !== null && closing !== null && opens >= closing)
    problems.push(`${label}: opens at ${opens} but closes at ${closing}: it must close after it opens`);

  for (const field of ['valid_from', 'valid_to', 'until'] as const) {
    const date = entry[field];
    if (date !== undefined && date !== null && !(typeof date === 'string' && DATE.test(date)))
      problems.push(`${label}.${field}: ${JSON.stringify(date)} is not a date YYYY-MM-DD`);
  }
  if (problems.length) return { problems };

  const from = typeof entry.valid_from === 'string' ? entry.valid_from.slice(0, 10) : undefined;
  const to = [entry.valid_to, entry.until]
    .filter((d): d is string => typeof d === 'string')
    .map((d) => d.slice(0, 10))
    .sort()[0];
  if ((from && from > today) || (to && to < today)) {
    const valid = `${label}: valid ${from ? `from ${from} ` : ''}${to ? `to ${to}` : ''}`.trim();
    return { skip: `${valid}, not today (${today}): left out` };
  }
  return { rows: days.map((day) => ({ weekday: WEEKDAYS[day]!, opens_at: opens!, closes_at: closing! })) };
}

const minutes = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3));

/**
 * The service's weekly rows from its own `regular_schedules` and `schedules`; when it has none, from its
 * places (`service_at_locations[].regular_schedules` / `.schedules`), joined: it can be reached when any
 * place is open. A schedule the hub cannot read refuses the service: dropping it would leave the hub
 * thinking it is closed (or, with nothing left, always open) when it is not.
 */
function readServiceSchedules(row: InputRow, v: Json, today: string): ScheduleRow[] {
  const own = (['regular_schedules', 'schedules'] as const).flatMap((field) =>
    (Array.isArray(v[field]) ? (v[field] as unknown[]) : []).map((entry, i) => ({ entry, label: `${field}[${i}]` })),
  );
  const fromPlaces = objects(v.service_at_locations).flatMap((sal, s) =>
    (['regular_schedules', 'schedules'] as const).flatMap((field) =>
      (Array.isArray(sal[field]) ? (sal[field] as unknown[]) : []).map((entry, i) => ({ entry, label: `service_at_locations[${s}].${field}[${i}]` })),
    ),
  );
  const joined = !own.length && fromPlaces.length > 0;
  const entries = own.length ? own : fromPlaces;
  if (!entries.length) return [];

  const rows: (ScheduleRow & { label: string })[] = [];
  let skipped = 0;
  for (const { entry, label } of entries) {
    const read = readSchedule(entry, label, today);
    if ('problems' in read) row.problems.push(...read.problems);
    else if ('skip' in read) {
      row.warnings.push(read.skip);
      skipped++;
    } else rows.push(...read.rows.map((r) => ({ ...r, label })));
  }
  if (row.problems.length) return [];
  if (!rows.length) {
    row.problems.push(`none of its ${skipped} schedules applies today: refused rather than stored as always open`);
    return [];
  }
  if (joined) row.warnings.push('opening hours taken from its locations (it gives none of its own)');

  const out: ScheduleRow[] = [];
  for (const day of WEEKDAYS) {
    const spans = rows.filter((r) => r.weekday === day).sort((a, b) => a.opens_at.localeCompare(b.opens_at) || a.closes_at.localeCompare(b.closes_at));
    const kept: (ScheduleRow & { label: string })[] = [];
    for (const span of spans) {
      const before = kept[kept.length - 1];
      if (before && before.opens_at === span.opens_at && before.closes_at === span.closes_at) continue; // the same span twice
      if (before && minutes(span.opens_at) < minutes(before.closes_at)) {
        if (joined) {
          // Places open at overlapping times: the service is open from the first opening to the last closing.
          if (span.closes_at > before.closes_at) before.closes_at = span.closes_at;
          continue;
        }
        row.problems.push(`${span.label}: ${day} ${span.opens_at}-${span.closes_at} overlaps ${before.opens_at}-${before.closes_at} (${before.label})`);
        continue;
      }
      kept.push({ ...span });
    }
    out.push(...kept.map(({ weekday, opens_at, closes_at }) => ({ weekday, opens_at, closes_at })));
  }
  return row.problems.length ? [] : out;
}

// The service directory file (Open Referral UK / HSDS JSON): the demo directory against the real taxonomy,
// opening hours between ORUK's rows and the hub's hours string, and every refusal naming where it is.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseOpeningHours } from '../../hub/hours.ts';
import { loadTaxonomy } from '../../hub/needs/taxonomy.ts';
import {
  DirectoryError,
  NEEDS_VOCABULARY,
  hoursToSchedules,
  parseDirectory,
  readDirectory,
  schedulesToHours,
  type DirectoryReading,
  type Schedule,
} from '../../hub/handoff/directory.ts';

const taxonomy = loadTaxonomy();
const needCodes = new Set(taxonomy.needs.map((n) => n.code));
const demoJson = JSON.parse(readFileSync(new URL('../../hub/handoff/demo-directory.json', import.meta.url), 'utf8'));

describe('the demo directory', () => {
  const demo = parseDirectory(demoJson, needCodes);
  const services = demo.organizations.flatMap((org) => org.services);

  it('gives every need in the taxonomy to at least one active service', () => {
    const owned = new Set(services.filter((s) => s.status === 'active').flatMap((s) => s.service_taxonomys.map((t) => t.taxonomy.id)));
    expect([...needCodes].filter((code) => !owned.has(code))).toEqual([]);
  });

  it('names its terms with the taxonomy labels and hands off only to the desk', () => {
    const label = new Map(taxonomy.needs.map((n) => [n.code, n.label]));
    for (const term of services.flatMap((s) => s.service_taxonomys)) expect(term.taxonomy.name).toBe(label.get(term.taxonomy.id));
    expect(new Set(services.map((s) => s.x_contact_hub.handoff.kind))).toEqual(new Set(['desk']));
  });

  it('has opening hours the phone line can read, and some services open all hours', () => {
    const hours = services.map((s) => schedulesToHours(s.regular_schedules));
    for (const text of hours) if (text !== null) expect(() => parseOpeningHours(text, 'Europe/London')).not.toThrow();
    expect(hours).toContain(null);
  });
});

// Rows are written as "Monday 09:00-17:00" to keep the cases readable.
const rows = (...lines: string[]): Schedule[] =>
  lines.map((line) => {
    const [weekday, span] = line.split(' ') as [Schedule['weekday'], string];
    const [opens_at, closes_at] = span.split('-') as [string, string];
    return { weekday, opens_at, closes_at };
  });
const weekdays = (span: string) => rows(...['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'].map((d) => `${d} ${span}`));

/** Whether any row covers this day and minute: what the schedules mean, independent of the hours string. */
const coveredBy = (schedules: Schedule[], weekday: string, minute: number) =>
  schedules.some((s) => {
    const [oh, om] = s.opens_at.split(':').map(Number) as [number, number];
    const [ch, cm] = s.closes_at.split(':').map(Number) as [number, number];
    return s.weekday === weekday && minute >= oh * 60 + om && minute < ch * 60 + cm;
  });

describe('schedules ⇄ hours', () => {
  const cases: [string, Schedule[], string | null][] = [
    ['no schedules (always open)', [], null],
    ['office hours', weekdays('09:00-17:00'), 'Mo-Fr 09:00-17:00'],
    ['office hours and Saturday morning', [...weekdays('09:00-17:00'), ...rows('Saturday 10:00-12:00')], 'Mo-Fr 09:00-17:00; Sa 10:00-12:00'],
    ['days split by lunch', weekdays('09:00-12:30').flatMap((row, i) => [row, weekdays('13:30-17:00')[i]!]), 'Mo-Fr 09:00-12:30,13:30-17:00'],
    ['weekend only', rows('Saturday 10:00-16:00', 'Sunday 10:00-16:00'), 'Sa-Su 10:00-16:00'],
    ['the same hours on days apart stay apart', rows('Monday 09:00-12:00', 'Wednesday 09:00-12:00'), 'Mo 09:00-12:00; We 09:00-12:00'],
    [
      'a late opening breaks the run',
      [...rows('Monday 09:00-17:00', 'Tuesday 09:00-17:00', 'Wednesday 10:00-17:00', 'Thursday 09:00-17:00')],
      'Mo-Tu 09:00-17:00; We 10:00-17:00; Th 09:00-17:00',
    ],
    ['evening on one day', rows('Monday 09:00-17:00', 'Tuesday 09:00-17:00', 'Tuesday 18:00-20:00'), 'Mo 09:00-17:00; Tu 09:00-17:00,18:00-20:00'],
    [
      'out of hours to midnight',
      [...weekdays('00:00-09:00').flatMap((row, i) => [row, weekdays('17:00-24:00')[i]!]), ...rows('Saturday 00:00-24:00', 'Sunday 00:00-24:00')],
      'Mo-Fr 00:00-09:00,17:00-24:00; Sa-Su 00:00-24:00',
    ],
  ];

  it.each(cases)('%s', (_name, schedules, hours) => {
    expect(schedulesToHours(schedules)).toBe(hours);
    expect(hoursToSchedules(hours)).toEqual(schedules);
  });

  it.each(cases.filter(([, , hours]) => hours !== null))('%s: the hours string is open exactly when a row says so', (_name, schedules, hours) => {
    const opening = parseOpeningHours(hours!, 'UTC');
    // Monday 5 January 2026, every quarter of an hour for a week.
    for (let minute = 0; minute < 7 * 24 * 60; minute += 15) {
      const at = new Date(Date.UTC(2026, 0, 5) + minute * 60_000);
      const weekday = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'][Math.floor(minute / 1440)]!;
      expect(opening.isOpen(at), `${weekday} ${at.toISOString()}`).toBe(coveredBy(schedules, weekday, minute % 1440));
    }
  });

  it('writes the same hours whatever order the rows come in', () => {
    const shuffled = rows('Saturday 10:00-12:00', 'Friday 13:30-17:00', 'Monday 13:30-17:00', 'Friday 09:00-12:30', 'Monday 09:00-12:30');
    expect(schedulesToHours(shuffled)).toBe('Mo 09:00-12:30,13:30-17:00; Fr 09:00-12:30,13:30-17:00; Sa 10:00-12:00');
  });

  it('reads hours written by hand: rules in any order, a list of days, a range past Sunday', () => {
    expect(hoursToSchedules('Sa 10:00-12:00; Mo,We 09:00-17:00')).toEqual(rows('Monday 09:00-17:00', 'Wednesday 09:00-17:00', 'Saturday 10:00-12:00'));
    const wrapped = hoursToSchedules('Fr-Mo 10:00-14:00');
    expect(wrapped).toEqual(rows('Monday 10:00-14:00', 'Friday 10:00-14:00', 'Saturday 10:00-14:00', 'Sunday 10:00-14:00'));
    expect(schedulesToHours(wrapped)).toBe('Mo 10:00-14:00; Fr-Su 10:00-14:00');
  });

  it('refuses hours that are not opening hours, with the reason', () => {
    expect(() => hoursToSchedules('Mo-Fr 9-5')).toThrow(/"9-5" is not a time range/);
  });
});

describe('parseDirectory', () => {
  // A small valid file; each case below breaks one thing in a fresh copy.
  const base = () => ({
    organizations: [
      {
        id: 'org-a',
        name: 'Council',
        email: 'hello@council.example',
        services: [
          {
            id: 'svc-1',
            name: 'Housing',
            status: 'active',
            email: 'housing@council.example',
            regular_schedules: rows('Monday 09:00-17:00'),
            service_taxonomys: [{ taxonomy: { id: 'housing.homeless', vocabulary: NEEDS_VOCABULARY } }],
            x_contact_hub: { handoff: { kind: 'webhook', url: 'https://housing.council.example/hook' } as Record<string, unknown> },
          },
          { id: 'svc-2', name: 'Bins', status: 'active' },
        ],
      },
      { id: 'org-b', name: 'Charity', services: [{ id: 'svc-3', name: 'Advice', status: 'active' }] },
    ],
  });
  type Base = ReturnType<typeof base>;
  const problemsOf = (doc: unknown): string[] => {
    try {
      parseDirectory(doc, needCodes);
    } catch (error) {
      expect(error).toBeInstanceOf(DirectoryError);
      return (error as DirectoryError).problems;
    }
    throw new Error('the directory was accepted');
  };
  const service = (doc: Base) => doc.organizations[0]!.services[0]! as Record<string, any>;

  it('accepts the base file, filling in the extension defaults', () => {
    const doc = base();
    delete service(doc).x_contact_hub;
    const parsed = parseDirectory(doc, needCodes);
    expect(parsed.organizations[0]!.services[0]!.x_contact_hub).toEqual({
      handoff: { kind: 'desk' },
      sla_minutes: 1440,
      priority: 100,
      time_zone: 'Europe/London',
    });
  });

  it('tolerates fields it does not use, and terms of other vocabularies', () => {
    const doc = base() as any;
    doc.organizations[0].logo = 'https://council.example/logo.png';
    doc.organizations[0].services[0].fees = 'free';
    doc.organizations[0].services[0].service_taxonomys.push({ taxonomy: { id: 'LGSL:1234', name: 'Homelessness', vocabulary: 'esdServiceTypes' } });
    expect(() => parseDirectory(doc, needCodes)).not.toThrow();
  });

  it.each(['http://127.0.0.1:4000/hook', 'http://localhost/hook'])('allows a plain-http webhook on this machine (%s), for tests', (url) => {
    const doc = base();
    service(doc).x_contact_hub.handoff.url = url;
    expect(() => parseDirectory(doc, needCodes)).not.toThrow();
  });

  const refusals: [string, (doc: Base) => void, string][] = [
    [
      'a need code not in the taxonomy',
      (d) => (service(d).service_taxonomys[0].taxonomy.id = 'housing.homles'),
      'organizations[0].services[0].service_taxonomys[0]: "housing.homles" is not a need code in the taxonomy',
    ],
    [
      'a service id used twice, in another organisation',
      (d) => (d.organizations[1]!.services[0]!.id = 'svc-1'),
      'organizations[1].services[0].id: service id "svc-1" is used twice (also organizations[0].services[0])',
    ],
    [
      'an organisation id used twice',
      (d) => (d.organizations[1]!.id = 'org-a'),
      'organizations[1].id: organization id "org-a" is used twice (also organizations[0])',
    ],
    [
      'a webhook over plain http',
      (d) => (service(d).x_contact_hub.handoff.url = 'http://housing.council.example/hook'),
      'organizations[0].services[0].x_contact_hub.handoff.url: "http://housing.council.example/hook" must use https',
    ],
    [
      'a webhook address that is not a web address',
      (d) => (service(d).x_contact_hub.handoff.url = 'housing.council.example'),
      'organizations[0].services[0].x_contact_hub.handoff.url: "housing.council.example" is not a web address',
    ],
    [
      'a short webhook secret',
      (d) => (service(d).x_contact_hub.handoff.secret = 'too-short'),
      'organizations[0].services[0].x_contact_hub.handoff.secret: a webhook secret must be at least 32 characters',
    ],
    [
      'a Slack channel name instead of its id',
      (d) => (service(d).x_contact_hub.handoff = { kind: 'slack', channel: '#housing' }),
      'organizations[0].services[0].x_contact_hub.handoff.channel: "#housing" is not a Slack channel id',
    ],
    [
      'a Slack channel id in lower case',
      (d) => (service(d).x_contact_hub.handoff = { kind: 'slack', channel: 'c0123abcd' }),
      'organizations[0].services[0].x_contact_hub.handoff.channel: "c0123abcd" is not a Slack channel id',
    ],
    [
      'a bad hand-off email',
      (d) => (service(d).x_contact_hub.handoff = { kind: 'email', address: 'housing at council' }),
      'organizations[0].services[0].x_contact_hub.handoff.address: "housing at council" is not an email address',
    ],
    ['a bad service email', (d) => (service(d).email = 'housing@'), 'organizations[0].services[0].email: "housing@" is not an email address'],
    ['a bad organisation email', (d) => (d.organizations[0]!.email = 'hello'), 'organizations[0].email: "hello" is not an email address'],
    [
      'a weekday that is not a day name',
      (d) => (service(d).regular_schedules[0].weekday = 'Mon'),
      'organizations[0].services[0].regular_schedules[0].weekday: "Mon" is not a day from Monday to Sunday',
    ],
    [
      'an opening time without two-digit hours',
      (d) => (service(d).regular_schedules[0].opens_at = '9:00'),
      'organizations[0].services[0].regular_schedules[0].opens_at: "9:00" is not a time HH:MM',
    ],
    [
      'a closing time past midnight',
      (d) => (service(d).regular_schedules[0].closes_at = '24:30'),
      'organizations[0].services[0].regular_schedules[0].closes_at: "24:30" is not a time HH:MM',
    ],
    [
      'closing before opening',
      (d) => (service(d).regular_schedules[0].closes_at = '08:00'),
      'organizations[0].services[0].regular_schedules[0]: opens at 09:00 but closes at 08:00: it must close after it opens',
    ],
    [
      'closing when it opens',
      (d) => (service(d).regular_schedules[0].closes_at = '09:00'),
      'organizations[0].services[0].regular_schedules[0]: opens at 09:00 but closes at 09:00: it must close after it opens',
    ],
    [
      'two spans of one day that overlap',
      (d) => service(d).regular_schedules.push(...rows('Monday 16:00-19:00')),
      'organizations[0].services[0].regular_schedules[1]: Monday 16:00-19:00 overlaps 09:00-17:00 (regular_schedules[0])',
    ],
    ['a status ORUK does not have', (d) => (service(d).status = 'open'), 'organizations[0].services[0].status: "open" is not a status'],
    ['a mistyped key in our extension', (d) => (service(d).x_contact_hub.sla = 60), 'organizations[0].services[0].x_contact_hub: Unrecognized key: "sla"'],
    [
      'a time zone that does not exist',
      (d) => (service(d).x_contact_hub.time_zone = 'Europe/Brackenford'),
      'organizations[0].services[0].x_contact_hub.time_zone: must be an IANA time zone',
    ],
  ];

  it.each(refusals)('refuses %s, naming where', (_name, breakIt, expected) => {
    const doc = base();
    breakIt(doc);
    const problems = problemsOf(doc);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });

  it('reports every problem at once', () => {
    const doc = base();
    service(doc).email = 'housing@';
    (doc.organizations[1]!.services[0] as Record<string, unknown>).service_taxonomys = [{ taxonomy: { id: 'money.none', vocabulary: NEEDS_VOCABULARY } }];
    expect(problemsOf(doc)).toEqual([
      'organizations[0].services[0].email: "housing@" is not an email address',
      'organizations[1].services[0].service_taxonomys[0]: "money.none" is not a need code in the taxonomy',
    ]);
  });
});

// Published data in the shapes councils serve it (tests/fixtures/directory/README.md says which example each follows).
describe('published ORUK and HSDS 3.0 shapes', () => {
  const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/directory/${name}.json`, import.meta.url), 'utf8'));
  const TODAY = '2026-01-15';
  const read = (json: unknown, today = TODAY) => readDirectory(json, needCodes, { today });
  const services = (reading: DirectoryReading) => reading.document.organizations.flatMap((o) => o.services);
  const outcomes = (reading: DirectoryReading) => reading.rows.map((r) => [r.kind, r.id, r.outcome]);

  it('reads an ORUK single service, repairing a web address and leaving out an empty eligibility, with warnings', () => {
    const reading = read(fixture('oruk-service'));
    expect(reading.shape).toBe('single service');
    expect(outcomes(reading)).toEqual([
      ['organization', 'bf-family-hub-org', 'imported'],
      ['service', 'bf-family-hub-0042', 'imported_with_warnings'],
    ]);
    expect(reading.rows[1]!.warnings).toEqual([
      'url: "www.brackenford-familyhub.example/drop-in" has no scheme, read as "https://www.brackenford-familyhub.example/drop-in"',
      'eligibilitys[1].eligibility: empty, left out',
    ]);
    const [service] = services(reading);
    expect(service).toMatchObject({
      url: 'https://www.brackenford-familyhub.example/drop-in',
      eligibilitys: [{ eligibility: 'Families with children', minimum_age: 0, maximum_age: 19 }],
      languages: [{ language: 'English' }, { language: 'Polish' }],
      service_areas: [{ service_area: 'Brackenford' }],
      cost_options: [{ option: 'Everyone', amount: 0, amount_description: 'Free of charge' }],
      service_at_locations: [{ location: { name: 'Northgate Family Hub', physical_addresses: [{ address_1: '12 Northgate', postal_code: 'BF1 2AB' }] } }],
    });
    // byday rows ("MO,WE") become one row per day.
    expect(schedulesToHours(service!.regular_schedules)).toBe('Mo 09:30-15:00; We 09:30-15:00; Fr 09:30-12:00');
    expect(reading.document.organizations[0]).toMatchObject({ id: 'bf-family-hub-org', url: 'https://www.brackenford-familyhub.example' });
  });

  it('reads an ORUK organisation with its services nested', () => {
    const reading = read(fixture('oruk-organization'));
    expect(reading.shape).toBe('single organization');
    expect(outcomes(reading)).toEqual([
      ['organization', 'bf-foodbank', 'imported_with_warnings'],
      ['service', 'bf-foodbank-parcels', 'imported'],
      ['service', 'bf-foodbank-advice', 'imported'],
    ]);
    expect(reading.document.organizations[0]!.url).toBe('https://brackenford-foodbank.example');
    expect(services(reading).map((s) => s.id)).toEqual(['bf-foodbank-parcels', 'bf-foodbank-advice']);
  });

  it('reads an ORUK list page, refusing only the bad row and naming it', () => {
    const reading = read(fixture('oruk-services-page'));
    expect(reading.shape).toBe('ORUK list page (content)');
    expect(reading.document.organizations.map((o) => [o.id, o.services.map((s) => s.id)])).toEqual([
      ['bf-credit-union', ['bf-credit-union-loans']],
      ['bf-library', ['bf-job-club']],
    ]);
    const refused = reading.rows.filter((r) => r.outcome === 'refused');
    expect(refused).toEqual([
      expect.objectContaining({ at: 'content[1]', id: 'bf-credit-union-savings', problems: ['content[1].email: "savings@" is not an email address'] }),
    ]);
  });

  it('refuses the whole list page when asked for all or nothing (parseDirectory)', () => {
    expect(() => parseDirectory(fixture('oruk-services-page'), needCodes, { today: TODAY })).toThrow(/content\[1\]\.email: "savings@" is not an email address/);
  });

  it('reads an HSDS 3.0 service: schedules with byday and seconds, ages, languages, places, need codes as attributes', () => {
    const reading = read(fixture('hsds3-service'));
    expect(outcomes(reading).map(([, , outcome]) => outcome)).toEqual(['imported', 'imported']);
    const [service] = services(reading);
    expect(schedulesToHours(service!.regular_schedules)).toBe('Tu 10:00-16:00; Th 10:00-16:00');
    expect(service!.service_taxonomys.map((t) => t.taxonomy.id)).toEqual(['health.mental']);
    expect(service!.eligibilitys).toEqual([{ eligibility: 'Young people living or studying in Brackenford' }, { minimum_age: 11, maximum_age: 25 }]);
    expect(service!.languages).toEqual([{ language: 'English' }, { language: 'Urdu' }]);
    expect(service!.contacts.flatMap((c) => c.phones).map((p) => p.number)).toEqual(['01632 960777']);
    // The physical address, not the postal one; HSDS 3's region stands in for an empty state_province.
    expect(service!.service_at_locations[0]!.location.physical_addresses).toEqual([
      { address_1: '3 Mill Lane', city: 'Brackenford', state_province: 'Brackenshire', postal_code: 'BF2 7QT', country: 'GB' },
    ]);
    expect(reading.document.organizations[0]).toMatchObject({ url: 'https://talkspace.example', phone: '01632 960770' });
  });

  it('refuses, never stores as always open, a service whose only schedule does not apply yet', () => {
    const reading = read(fixture('hsds3-service'), '2024-08-31');
    const service = reading.rows.find((r) => r.kind === 'service')!;
    expect(service.outcome).toBe('refused');
    expect(service.warnings).toEqual(['schedules[0]: valid from 2024-09-01, not today (2024-08-31): left out']);
    expect(service.problems).toEqual(['none of its 1 schedules applies today: refused rather than stored as always open']);
    expect(services(reading)).toEqual([]);
  });

  it('reads an HSDS 3.0 list page, refusing a monthly schedule it cannot keep as weekly hours', () => {
    const reading = read(fixture('hsds3-services-page'));
    expect(reading.shape).toBe('HSDS 3 list page (contents)');
    expect(services(reading).map((s) => [s.id, schedulesToHours(s.regular_schedules)])).toEqual([['bf-carers-cafe', 'We 13:00-15:30']]);
    expect(reading.rows.find((r) => r.id === 'bf-carers-monthly')).toMatchObject({
      at: 'contents[1]',
      outcome: 'refused',
      problems: [
        'contents[1].schedules[0].freq: "MONTHLY" cannot be read: the hub keeps weekly hours only',
        'contents[1].schedules[0].byday: "2MO" is not a day (MO, TU, WE, TH, FR, SA or SU)',
      ],
    });
  });

  it('reads an array of services, and attaches services to an organisation given by id in the same file', () => {
    const reading = read([
      { id: 'org-x', name: 'Org X' },
      { id: 'svc-x', name: 'X', status: 'active', organization_id: 'org-x' },
      { id: 'svc-y', name: 'Y', status: 'active', organization_id: 'org-nowhere' },
    ]);
    expect(reading.document.organizations.map((o) => [o.id, o.services.map((s) => s.id)])).toEqual([['org-x', ['svc-x']]]);
    expect(reading.rows.find((r) => r.id === 'svc-y')).toMatchObject({
      outcome: 'refused',
      problems: ['[2]: organization_id "org-nowhere" is not an organization in this file'],
    });
  });

  it('refuses a file in no shape it reads, saying which shapes it does', () => {
    expect(() => read({ services: 'none' })).toThrow(/expected \{"organizations":\[…\]\}, a service, an organization, a list page/);
  });

  const schedule = (entry: Record<string, unknown>) => read({ id: 's', name: 'S', status: 'active', organization: { id: 'o', name: 'O' }, schedules: [entry] });
  it.each([
    ['seconds', { byday: 'MO', opens_at: '09:00:00', closes_at: '17:00:00' }, 'Mo 09:00-17:00'],
    ['23:59 to the end of the day', { byday: 'SA,SU', opens_at: '00:00', closes_at: '23:59' }, 'Sa-Su 00:00-24:00'],
    ['closing at 00:00 after opening means midnight', { byday: 'FR', opens_at: '18:00', closes_at: '00:00' }, 'Fr 18:00-24:00'],
    ['freq DAILY with no days', { freq: 'DAILY', opens_at: '08:00', closes_at: '20:00' }, 'Mo-Su 08:00-20:00'],
    ['a schedule valid today', { byday: 'TU', opens_at: '09:00', closes_at: '12:00', valid_from: '2025-01-01', valid_to: '2026-12-31' }, 'Tu 09:00-12:00'],
  ])('reads a schedule: %s', (_name, entry, hours) => {
    const [service] = services(schedule(entry));
    expect(schedulesToHours(service!.regular_schedules)).toBe(hours);
  });

  it.each([
    ['every other week', { byday: 'MO', interval: 2, opens_at: '09:00', closes_at: '17:00' }, 'schedules[0].interval: every 2 weeks cannot be read'],
    ['no day at all', { opens_at: '09:00', closes_at: '17:00' }, 'schedules[0]: no day'],
    ['no opening time', { byday: 'MO', closes_at: '17:00' }, 'schedules[0].opens_at: missing: expected a time HH:MM'],
    ['a time zone on the time', { byday: 'MO', opens_at: '09:00Z', closes_at: '17:00Z' }, 'schedules[0].opens_at: "09:00Z" is not a time HH:MM'],
    ['days of the month', { byday: 'MO', bymonthday: '1', opens_at: '09:00', closes_at: '17:00' }, 'schedules[0].bymonthday: "1" cannot be read'],
  ])('refuses the service for a schedule it cannot read: %s', (_name, entry, problem) => {
    const reading = schedule(entry);
    expect(services(reading)).toEqual([]);
    expect(reading.rows.find((r) => r.kind === 'service')!.problems.join('\n')).toContain(problem);
  });
});

// Opening hours read by the hub's one module (the opening_hours library): bank holidays in England and
// Wales, spans past midnight, the team's own time zone through clock changes, when it next opens, and
// unreadable values refused with a reason. The same answers whatever time zone the process runs in.
import { afterEach, describe, expect, it } from 'vitest';
import { checkOpeningHours, parseOpeningHours } from '../../hub/hours.ts';

const OFFICE = 'Mo-Fr 09:00-17:00; PH off';

describe('opening hours', () => {
  const cases: [string, string, string, string, boolean][] = [
    // label, hours, zone, instant, open
    ['Christmas Day 2026 (a Friday) is a bank holiday', OFFICE, 'Europe/London', '2026-12-25T12:00:00Z', false],
    ['without "PH off" Christmas Day is a Friday like any other', 'Mo-Fr 09:00-17:00', 'Europe/London', '2026-12-25T12:00:00Z', true],
    ['Monday 28 December 2026: the substitute for Boxing Day (a Saturday)', OFFICE, 'Europe/London', '2026-12-28T12:00:00Z', false],
    ['Tuesday 29 December 2026 is a working day', OFFICE, 'Europe/London', '2026-12-29T12:00:00Z', true],
    ['Easter Monday 2026 (6 April)', OFFICE, 'Europe/London', '2026-04-06T10:00:00Z', false],
    ['the late summer bank holiday 2026 (31 August)', OFFICE, 'Europe/London', '2026-08-31T10:00:00Z', false],
    ['the day before it', OFFICE, 'Europe/London', '2026-08-28T10:00:00Z', true],
    ['overnight: Friday at 23:00', 'Fr 22:00-02:00', 'Europe/London', '2026-01-09T23:00:00Z', true],
    ['overnight: early on Saturday, before it closes', 'Fr 22:00-02:00', 'Europe/London', '2026-01-10T01:59:00Z', true],
    ['overnight: Saturday at two, closed', 'Fr 22:00-02:00', 'Europe/London', '2026-01-10T02:00:00Z', false],
    ['overnight: Friday before it opens', 'Fr 22:00-02:00', 'Europe/London', '2026-01-09T21:59:00Z', false],
    ['overnight: Thursday night is not Friday night', 'Fr 22:00-02:00', 'Europe/London', '2026-01-08T23:00:00Z', false],
    ['the last Friday of GMT: 09:00 UTC is 9am', OFFICE, 'Europe/London', '2026-03-27T09:00:00Z', true],
    ['the first Monday of BST: 08:00 UTC is 9am', OFFICE, 'Europe/London', '2026-03-30T08:00:00Z', true],
    ['the first Monday of BST: 07:59 UTC is 8:59am', OFFICE, 'Europe/London', '2026-03-30T07:59:00Z', false],
    ['the first Monday of BST: 16:00 UTC is 5pm, closed', OFFICE, 'Europe/London', '2026-03-30T16:00:00Z', false],
    ['overnight through the spring change: 03:30 BST is open', 'Sa 22:00-04:00', 'Europe/London', '2026-03-29T02:30:00Z', true],
    ['overnight through the spring change: 04:00 BST is closed', 'Sa 22:00-04:00', 'Europe/London', '2026-03-29T03:00:00Z', false],
    ['the first Monday of GMT again: 09:00 UTC is 9am', OFFICE, 'Europe/London', '2026-10-26T09:00:00Z', true],
    ['the first Monday of GMT again: 08:30 UTC is 8:30am', OFFICE, 'Europe/London', '2026-10-26T08:30:00Z', false],
    ['another zone: 9am in New York is 14:00 UTC in January', 'Mo-Fr 09:00-17:00', 'America/New_York', '2026-01-05T14:00:00Z', true],
    ['another zone: 13:59 UTC is 8:59am there', 'Mo-Fr 09:00-17:00', 'America/New_York', '2026-01-05T13:59:00Z', false],
  ];

  const nextCases: [string, string, string, string, string | null, string | null][] = [
    // label, hours, zone, from, opens at (instant), in words
    [
      'Christmas Eve evening → after Christmas and the Boxing Day substitute',
      OFFICE,
      'Europe/London',
      '2026-12-24T18:00:00Z',
      '2026-12-29T09:00:00.000Z',
      'on Tuesday 29 December at 9am',
    ],
    [
      'Friday evening before the clocks go forward → 9am BST on Monday',
      OFFICE,
      'Europe/London',
      '2026-03-27T18:00:00Z',
      '2026-03-30T08:00:00.000Z',
      'on Monday 30 March at 9am',
    ],
    [
      'Friday evening before the clocks go back → 9am GMT on Monday',
      OFFICE,
      'Europe/London',
      '2026-10-23T17:00:00Z',
      '2026-10-26T09:00:00.000Z',
      'on Monday 26 October at 9am',
    ],
    ['early morning → today', OFFICE, 'Europe/London', '2026-01-06T07:00:00Z', '2026-01-06T09:00:00.000Z', 'today at 9am'],
    ['in the evening → tomorrow', OFFICE, 'Europe/London', '2026-01-06T19:00:00Z', '2026-01-07T09:00:00.000Z', 'tomorrow at 9am'],
    ['overnight span → Friday at 10pm', 'Fr 22:00-02:00', 'Europe/London', '2026-01-10T03:00:00Z', '2026-01-16T22:00:00.000Z', 'on Friday 16 January at 10pm'],
    ['open now → nothing to say', OFFICE, 'Europe/London', '2026-01-06T10:00:00Z', null, null],
  ];

  // The library reads dates in the process's local time: the answers must not depend on it.
  const processZones = ['UTC', 'Europe/London', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney'];
  const originalTz = process.env.TZ;
  afterEach(() => {
    if (originalTz === undefined) delete process.env.TZ;
    else process.env.TZ = originalTz;
  });

  describe.each(processZones)('with the process in %s', (processZone) => {
    it.each(cases)('%s', (_label, hours, zone, at, open) => {
      process.env.TZ = processZone;
      expect(parseOpeningHours(hours, zone).isOpen(new Date(at))).toBe(open);
    });

    it.each(nextCases)('next opening: %s', (_label, hours, zone, from, opens, words) => {
      process.env.TZ = processZone;
      const reading = parseOpeningHours(hours, zone);
      expect(reading.nextOpening(new Date(from))?.toISOString() ?? null).toBe(opens);
      expect(reading.opensInWords(new Date(from))).toBe(words);
    });
  });

  it.each([
    ['Fr 22:00-02:00', 'Friday, 10pm to 2am'],
    ['Mo-Fr 09:00-17:00; PH off', 'Monday to Friday, 9am to 5pm, except bank holidays'],
    // "," adds to the rule before; ";" would replace Monday's early hours (refused below).
    ['Su 20:00-01:00, Mo 09:00-12:00', 'Monday, 9am to midday; Sunday, 8pm to 1am'],
  ])('"%s" is read out as "%s"', (hours, words) => {
    expect(parseOpeningHours(hours, 'Europe/London').spoken).toBe(words);
  });

  it.each([
    ['weekdays 9 to 5', /"weekdays" is not a day/],
    ['Mo-Fr 9-5', /"9-5" is not a time range like 09:00-17:00/],
    ['Su 20:00-01:00; Mo 09:00-12:00', /"Su 20:00-01:00; Mo 09:00-12:00" cannot be read as opening hours \(.*overwrites/],
    ['Mo-Fr 09:00-17:00; Xmas off', /"Xmas"/],
    ['', /no opening hours/],
  ])('"%s" is refused with a reason', (hours, reason) => {
    const problem = checkOpeningHours(hours);
    expect(problem).toMatch(reason);
    expect(problem).toMatch(/should look like "Mo-Fr 09:00-17:00; Sa 10:00-12:00; PH off"/);
    expect(() => parseOpeningHours(hours, 'Europe/London')).toThrow(reason);
  });
});

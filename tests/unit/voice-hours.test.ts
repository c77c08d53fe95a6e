// The phone line's opening hours: checked in the council's time zone (clocks change), read out in words.
import { describe, expect, it } from 'vitest';
import { parseOpeningHours } from '../../hub/hours.ts';
import { loadConfig } from '../../hub/config.ts';
import { HUB_NUMBER, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN } from '../../testkit/twilio-webhook.ts';

describe('opening hours', () => {
  const council = parseOpeningHours('Mo-Fr 09:00-17:00; Sa 10:00-12:00', 'Europe/London');

  it.each([
    ['a winter Monday morning (GMT)', '2026-01-05T09:00:00Z', true],
    ['a winter Monday before nine', '2026-01-05T08:59:00Z', false],
    ['a winter Friday at five (closing time)', '2026-01-09T17:00:00Z', false],
    ['a summer Monday at 8:30 UTC, 9:30 in London (BST)', '2026-07-06T08:30:00Z', true],
    ['a summer Friday at 16:30 UTC, 17:30 in London', '2026-07-10T16:30:00Z', false],
    ['a Saturday at 11', '2026-01-10T11:00:00Z', true],
    ['a Saturday afternoon', '2026-01-10T13:00:00Z', false],
    ['a Sunday', '2026-01-11T11:00:00Z', false],
  ])('%s → open: %s', (_label, at, open) => {
    expect(council.isOpen(new Date(at))).toBe(open);
  });

  it.each([
    ['Mo-Fr 09:00-17:00; Sa 10:00-12:00', 'Monday to Friday, 9am to 5pm; Saturday, 10am to midday'],
    ['Mo,We 08:30-12:00,13:00-16:45', 'Monday and Wednesday, 8:30am to midday and 1pm to 4:45pm'],
    ['Su-Tu 00:00-24:00', 'Monday, Tuesday and Sunday, midnight to midnight'],
    ['Mo-Su 07:00-22:00', 'Monday to Sunday, 7am to 10pm'],
  ])('"%s" is read out as "%s"', (spec, words) => {
    expect(parseOpeningHours(spec, 'Europe/London').spoken).toBe(words);
  });

  it('a range that wraps the week covers the days it names', () => {
    const weekend = parseOpeningHours('Sa-Su 10:00-16:00', 'Europe/London');
    expect(weekend.isOpen(new Date('2026-01-11T12:00:00Z'))).toBe(true);
    expect(weekend.isOpen(new Date('2026-01-12T12:00:00Z'))).toBe(false);
  });

  it.each([
    ['weekdays', /should look like/],
    ['Mon-Fri 09:00-17:00', /"Mon-Fri" is not a day/],
    ['Xx 09:00-17:00', /not a day/],
    ['Mo 25:00-26:00', /not a time range/],
    [' ; ', /no opening hours/],
  ])('"%s" is refused with a reason', (spec, reason) => {
    expect(() => parseOpeningHours(spec, 'Europe/London')).toThrow(reason);
  });

  it('a hub started with unreadable hours or time zone says which setting is wrong', () => {
    const twilio = { TWILIO_ACCOUNT_SID: TEST_ACCOUNT_SID, TWILIO_AUTH_TOKEN: TEST_AUTH_TOKEN, TWILIO_PHONE_NUMBER: HUB_NUMBER };
    expect(() => loadConfig({ ...twilio, VOICE_OPENING_HOURS: 'weekdays' })).toThrow(/VOICE_OPENING_HOURS/);
    expect(() => loadConfig({ ...twilio, VOICE_TIMEZONE: 'Mars/Olympus' })).toThrow(/VOICE_TIMEZONE.*IANA/);
  });
});

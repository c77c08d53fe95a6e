// Opening hours for teams, services and the phone line: one reader for the whole hub, built on the
// `opening_hours` library (OpenStreetMap's opening_hours syntax, as councils publish hours:
// "Mo-Fr 09:00-17:00; Sa 10:00-12:00; PH off"). The library knows public holidays and spans past midnight
// ("Fr 22:00-02:00"); the hub adds the time zone, refusals an operator can act on, and plain words.
//
// Bank holidays: the library finds a country's holidays from a Nominatim-style address, which it only reads
// (it never calls Nominatim). We give it England, whose bank holidays are also those of Wales.
//
// Time zones: the library reads and writes Dates in the process's own local time (getHours, setDate…). So
// an instant is first turned into a "wall clock" Date whose local fields are the time in the team's zone,
// and the library's answers are turned back from wall clock to instants. Only the local fields are used,
// so the process may run in any zone (tested with several); only in the hour its own clocks skip each spring
// could a wall-clock time that does not exist locally be read an hour late (servers run in UTC).
import OpeningHoursLibrary from 'opening_hours';
import type { OpeningHours as ChannelOpeningHours } from '../channels/contract.ts';

export { TimeZone } from '../channels/contract.ts';

/** England (and Wales, which has the same bank holidays), as the library wants the place to be described. */
const ENGLAND = { lat: 51.5073219, lon: -0.1276474, address: { country_code: 'gb', state: 'England' } };
/** mode 0: time ranges only; locale for the library's own messages. */
const LIBRARY_OPTIONS = { tag_key: 'opening_hours', map_value: false, mode: 0, warnings_severity: 4, locale: 'en' } as const;
const EXAMPLE = '"Mo-Fr 09:00-17:00; Sa 10:00-12:00; PH off"';
const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const DAY = 24 * 60;

export interface OpeningHours extends ChannelOpeningHours {
  /** The next instant it opens, when closed at `at`; null when open at `at` or when it opens in no coming year. */
  nextOpening(at: Date): Date | null;
  /** Each day of a usual week (Monday first): the minutes after midnight it is open, [from, to), split at midnight. */
  week(at?: Date): [number, number][][];
}

export class OpeningHoursError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OpeningHoursError';
  }
}

// ── Wall clock: the time in a zone, held in a Date's local fields ──

const clocks = new Map<string, Intl.DateTimeFormat>();
function clock(timeZone: string): Intl.DateTimeFormat {
  let format = clocks.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
    });
    clocks.set(timeZone, format);
  }
  return format;
}

function zoneFields(at: Date, timeZone: string): [number, number, number, number, number, number] {
  const parts = Object.fromEntries(
    clock(timeZone)
      .formatToParts(at)
      .map((p) => [p.type, Number(p.value)]),
  );
  return [parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!];
}

/** The instant as the clock on the wall shows it in the zone, in a Date's local fields. */
export function toWallClock(at: Date, timeZone: string): Date {
  const [y, mo, d, h, mi, s] = zoneFields(at, timeZone);
  return new Date(y, mo, d, h, mi, s, at.getMilliseconds());
}

/** The instant a wall clock time happens in the zone (a time the clocks skip reads as an hour later). */
export function fromWallClock(wall: Date, timeZone: string): Date {
  const asUtc = Date.UTC(wall.getFullYear(), wall.getMonth(), wall.getDate(), wall.getHours(), wall.getMinutes(), wall.getSeconds(), wall.getMilliseconds());
  const offset = (t: number) => {
    const [y, mo, d, h, mi, s] = zoneFields(new Date(t), timeZone);
    return Date.UTC(y, mo, d, h, mi, s) - Math.floor(t / 1000) * 1000;
  };
  let guess = asUtc - offset(asUtc);
  guess = asUtc - offset(guess);
  return new Date(guess);
}

// ── Reading ──

/** The word or time range around a position in the value: what the operator should look at. */
function chunkAt(spec: string, position: number): string {
  let at = Math.min(Math.max(position, 0), spec.length - 1);
  if (/[\s;]/.test(spec[at] ?? ' ') && at > 0) at--;
  let from = at;
  let to = at + 1;
  while (from > 0 && !/[\s;]/.test(spec[from - 1]!)) from--;
  while (to < spec.length && !/[\s;]/.test(spec[to]!)) to++;
  return spec.slice(from, to).trim();
}

/** The library's message, first sentence, without its wiki links. */
function libraryWords(message: string): string {
  const text = message
    .replace(/https?:\/\/\S+/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return (/^.*?[.!?](\s|$)/.exec(text)?.[0] ?? text).trim().replace(/[:.]$/, '');
}

function refusal(spec: string, position: number | null, said: string): OpeningHoursError {
  const chunk = position === null || position < 0 ? '' : chunkAt(spec, position);
  const what = !chunk
    ? `"${spec.trim()}" cannot be read as opening hours`
    : /\d/.test(chunk)
      ? `"${chunk}" is not a time range like 09:00-17:00`
      : `"${chunk}" is not a day or range of days (Mo Tu We Th Fr Sa Su, PH for bank holidays)`;
  return new OpeningHoursError(`${what} (${libraryWords(said)}); opening hours should look like ${EXAMPLE}`);
}

const WORD_WARNINGS = new Set<string>([
  'word_error_correction',
  'ambiguous_single_digit_hour',
  'without_minutes',
  'hour_min_separator',
  'adding_0',
  'no_colon_after',
  'ambiguous_word',
  'vague',
]);

function readLibrary(spec: string): OpeningHoursLibrary {
  if (!spec.replace(/[\s;]/g, '')) throw new OpeningHoursError(`no opening hours given; they should look like ${EXAMPLE}`);
  let library: OpeningHoursLibrary;
  try {
    library = new OpeningHoursLibrary(spec, ENGLAND, LIBRARY_OPTIONS as never);
  } catch (error) {
    // The library's errors quote the value up to the fault, then "<--- (why)".
    const message = String(error);
    const marker = message.indexOf(' <--- ');
    const why = /<--- \((.*)\)\s*$/s.exec(message)?.[1] ?? message;
    throw refusal(spec, marker >= 0 ? marker : null, why);
  }
  // The library guesses at sloppy values ("weekdays 9 to 5" becomes 09:00-05:00, overnight): a guess is a refusal.
  const [warning] = library.getStructuredWarnings();
  // A word or time it had to guess at is named; a rule that reads otherwise than it looks is quoted whole.
  if (warning) throw refusal(spec, WORD_WARNINGS.has(warning.type) && warning.position !== null ? warning.position - 1 : null, warning.message);
  return library;
}

/** Why the value cannot be read, for the operator; null when it can. */
export function checkOpeningHours(spec: string): string | null {
  try {
    readLibrary(spec);
    return null;
  } catch (error) {
    if (error instanceof OpeningHoursError) return error.message;
    throw error;
  }
}

// ── Words ──

function spokenTime(m: number): string {
  const minute = m % DAY;
  if (minute === 12 * 60) return 'midday';
  if (minute === 0) return 'midnight';
  const h = Math.floor(minute / 60) % 12 || 12;
  const min = minute % 60;
  return `${h}${min ? `:${String(min).padStart(2, '0')}` : ''}${minute < 12 * 60 ? 'am' : 'pm'}`;
}

function spokenDays(days: number[]): string {
  // A run of three or more consecutive days reads as a range.
  const runs: number[][] = [];
  for (const d of days) {
    const last = runs.at(-1);
    if (last && last.at(-1) === d - 1) last.push(d);
    else runs.push([d]);
  }
  const words = runs.flatMap((run) => (run.length >= 3 ? [`${DAY_NAMES[run[0]!]} to ${DAY_NAMES[run.at(-1)!]}`] : run.map((d) => DAY_NAMES[d]!)));
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)}` : words[0]!;
}

const sameDay = (a: Date, b: Date) => a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
const minuteOfDay = (d: Date) => d.getHours() * 60 + d.getMinutes();

/** Parses opening hours for a zone; throws OpeningHoursError with a reason the operator can act on. */
export function parseOpeningHours(spec: string, timeZone: string): OpeningHours {
  const library = readLibrary(spec);
  const closesOnHolidays = /\bPH\s+(off|closed)\b/i.test(spec);

  /** The wall-clock Monday 00:00 of the first week from `at` with no bank holiday in it (the usual week). */
  function usualWeek(at: Date): Date {
    const wall = toWallClock(at, timeZone);
    const monday = new Date(wall.getFullYear(), wall.getMonth(), wall.getDate() - ((wall.getDay() + 6) % 7));
    for (let week = 0; week < 8; week++) {
      const start = new Date(monday.getFullYear(), monday.getMonth(), monday.getDate() + 7 * week);
      const days = [...Array(7).keys()].map((d) => new Date(start.getFullYear(), start.getMonth(), start.getDate() + d, 12));
      if (!days.some((d) => library.getPublicHolidayContext(d).isHoliday)) return start;
    }
    return monday;
  }

  function week(at = new Date()): [number, number][][] {
    const start = usualWeek(at);
    const end = new Date(start.getFullYear(), start.getMonth(), start.getDate() + 7);
    const days: [number, number][][] = [[], [], [], [], [], [], []];
    for (const [from, to] of library.getOpenIntervals(start, end)) {
      // Split at each midnight, reading local fields only (a clock change in the process's zone moves nothing).
      let cursor = from;
      while (cursor < to) {
        const midnight = new Date(cursor.getFullYear(), cursor.getMonth(), cursor.getDate() + 1);
        const pieceEnd = to < midnight ? to : midnight;
        const endMinute = sameDay(pieceEnd, cursor) ? minuteOfDay(pieceEnd) : DAY;
        if (endMinute > minuteOfDay(cursor)) days[(cursor.getDay() + 6) % 7]!.push([minuteOfDay(cursor), endMinute]);
        cursor = pieceEnd;
      }
    }
    return days;
  }

  function spokenAt(at: Date): string {
    const days = week(at).map((spans) => spans.map(([f, t]) => [f, t] as [number, number]));
    // A span that runs past midnight reads as one ("Friday, 10pm to 2am"), the week being a cycle.
    for (let d = 0; d < 7; d++) {
      const first = days[d]![0];
      const before = days[(d + 6) % 7]!.at(-1);
      if (first && before && first[0] === 0 && first[1] < DAY && before[1] === DAY && before[0] > 0) {
        before[1] = DAY + first[1];
        days[d]!.shift();
      }
    }
    const groups = new Map<string, { days: number[]; spans: [number, number][] }>();
    days.forEach((spans, d) => {
      if (!spans.length) return;
      const key = JSON.stringify(spans);
      const group = groups.get(key) ?? { days: [], spans };
      group.days.push(d);
      groups.set(key, group);
    });
    if (!groups.size) return 'at no regular times';
    const text = [...groups.values()]
      .map((g) => `${spokenDays(g.days)}, ${g.spans.map(([f, t]) => `${spokenTime(f)} to ${spokenTime(t)}`).join(' and ')}`)
      .join('; ');
    return closesOnHolidays ? `${text}, except bank holidays` : text;
  }

  function isOpen(at: Date): boolean {
    return library.getState(toWallClock(at, timeZone));
  }

  function nextOpening(at: Date): Date | null {
    const wall = toWallClock(at, timeZone);
    if (library.getState(wall)) return null;
    const limit = new Date(wall.getFullYear() + 1, wall.getMonth(), wall.getDate());
    let change = library.getNextChange(wall, limit);
    // Closed now, so the next change opens, unless it only turns "unknown" (an open end): step past those.
    for (let i = 0; change && !library.getState(change) && i < 100; i++) change = library.getNextChange(change, limit);
    return change && library.getState(change) ? fromWallClock(change, timeZone) : null;
  }

  function opensInWords(at: Date): string | null {
    const opens = nextOpening(at);
    if (!opens) return null;
    const wall = toWallClock(opens, timeZone);
    const today = toWallClock(at, timeZone);
    const tomorrow = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1);
    const time = spokenTime(minuteOfDay(wall));
    if (sameDay(wall, today)) return `today at ${time}`;
    if (sameDay(wall, tomorrow)) return `tomorrow at ${time}`;
    const date = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' }).format(
      new Date(Date.UTC(wall.getFullYear(), wall.getMonth(), wall.getDate(), 12)),
    );
    return `on ${date} at ${time}`;
  }

  return {
    isOpen,
    nextOpening,
    opensInWords,
    week,
    // Worked out when read, so a long-running process describes the week it is in.
    get spoken() {
      return spokenAt(new Date());
    },
  };
}

// Opening hours for the phone line, written the way councils publish them ("Mo-Fr 09:00-17:00; Sa 10:00-12:00",
// the day and time syntax of OpenStreetMap's opening_hours), checked in the council's own time zone and
// read back to callers in words.
import { z } from 'zod';

const DAYS = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'] as const;
const DAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const INTL_DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

interface Rule {
  days: number[];
  /** Minutes after midnight, [from, to). */
  spans: [number, number][];
}

export interface OpeningHours {
  isOpen(at: Date): boolean;
  /** The hours in plain words, for a caller: "Monday to Friday, 9am to 5pm; Saturday, 10am to midday". */
  spoken: string;
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

function parseRule(text: string): Rule | string {
  const match = /^([A-Za-z,-]+)\s+([0-9:,-]+)$/.exec(text.trim());
  if (!match) return `"${text.trim()}" should look like "Mo-Fr 09:00-17:00"`;
  const days = new Set<number>();
  for (const part of match[1]!.split(',')) {
    const [from, to = from] = part.split('-');
    const a = DAYS.indexOf(from as (typeof DAYS)[number]);
    const b = DAYS.indexOf(to as (typeof DAYS)[number]);
    if (a < 0 || b < 0) return `"${part}" is not a day or range of days (Mo Tu We Th Fr Sa Su)`;
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === b) break;
    }
  }
  const spans: [number, number][] = [];
  for (const part of match[2]!.split(',')) {
    const times = /^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/.exec(part);
    if (!times) return `"${part}" is not a time range like 09:00-17:00`;
    const [from, to] = part.split('-').map(minutes) as [number, number];
    if (to <= from) return `"${part}" must end after it starts`;
    spans.push([from, to]);
  }
  return { days: [...days].sort(), spans };
}

function spokenTime(m: number): string {
  if (m === 12 * 60) return 'midday';
  if (m === 0 || m === 24 * 60) return 'midnight';
  const h = Math.floor(m / 60) % 12 || 12;
  const min = m % 60;
  return `${h}${min ? `:${String(min).padStart(2, '0')}` : ''}${m < 12 * 60 ? 'am' : 'pm'}`;
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

/** Parses "Mo-Fr 09:00-17:00; Sa 10:00-12:00"; throws with a reason the operator can act on. */
export function parseOpeningHours(spec: string, timeZone: string): OpeningHours {
  const rules: Rule[] = [];
  for (const text of spec.split(';').filter((t) => t.trim())) {
    const rule = parseRule(text);
    if (typeof rule === 'string') throw new Error(rule);
    rules.push(rule);
  }
  if (!rules.length) throw new Error('no opening hours given');
  const clock = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return {
    isOpen(at) {
      const parts = Object.fromEntries(clock.formatToParts(at).map((p) => [p.type, p.value]));
      const day = INTL_DAYS.indexOf(parts.weekday!);
      const now = Number(parts.hour) * 60 + Number(parts.minute);
      return rules.some((r) => r.days.includes(day) && r.spans.some(([from, to]) => now >= from && now < to));
    },
    spoken: rules.map((r) => `${spokenDays(r.days)}, ${r.spans.map(([f, t]) => `${spokenTime(f)} to ${spokenTime(t)}`).join(' and ')}`).join('; '),
  };
}

export const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/London');

// What the evidence view draws, worked out from each table's rows (GET /api/evidence/{table}): pure, so it is
// tested without a browser (tests/unit/evidence-charts.test.ts). The charts only picture the table beside them,
// which carries every figure; rows held back (fewer than five) are in neither.
import type { EvidenceTableView } from '../../shared/views.ts';

type Row = EvidenceTableView['rows'][number];
export type ValueKind = 'count' | 'number' | 'percent';

export interface ChartSeries {
  label: string;
  /** One value a label; null where the table has none to show (a gap, never a made-up zero). */
  data: (number | null)[];
}

export interface ChartSpec {
  type: 'bar' | 'line';
  /** Bars along the side, for long labels (needs, services). */
  horizontal: boolean;
  /** The category labels: months, channels, districts, needs or services; a long one is split into lines. */
  labels: (string | string[])[];
  series: ChartSeries[];
  value: { title: string; kind: ValueKind; min?: number; max?: number };
  /** For screen readers, on the chart: what it pictures (the table beside it has the figures). */
  summary: string;
}

/** Lines at most: the needs found most often, the rest summed as "Other". */
export const MOST_LINES = 8;
/** Bars at most: the highest, the rest left to the table. */
export const MOST_BARS = 15;

const COUNT = new Intl.NumberFormat('en-GB');
const NUMBER = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
const PERCENT = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 1 });
const MONTH = new Intl.DateTimeFormat('en-GB', { month: 'short', year: 'numeric', timeZone: 'UTC' });

/** A value as the table shows it (en-GB); null is a figure held back. */
export function formatValue(value: string | number | null | undefined, kind: EvidenceTableView['columns'][number]['kind'], smallestShown: number): string {
  if (value === null) return `fewer than ${smallestShown}`;
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (kind === 'percent') return PERCENT.format(value);
  if (kind === 'number') return NUMBER.format(value);
  return COUNT.format(value);
}

/** "2026-03" → "Mar 2026". */
export const monthLabel = (month: string) => (/^\d{4}-\d{2}$/.test(month) ? MONTH.format(new Date(`${month}-01T00:00:00Z`)) : month);

/** A label split into lines of about `width` characters at spaces, so a long need or combination fits beside its bar. */
export function wrapLabel(label: string, width = 28): string | string[] {
  if (label.length <= width) return label;
  const lines: string[] = [];
  let line = '';
  for (const word of label.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

const num = (v: Row[string] | undefined): number | null => (typeof v === 'number' ? v : null);
const text = (v: Row[string] | undefined): string => (typeof v === 'string' ? v : String(v ?? ''));

/** Totals of `value` by `key`, highest first. */
function totals(rows: Row[], key: string, value: string): [string, number][] {
  const by = new Map<string, number>();
  for (const row of rows) by.set(text(row[key]), (by.get(text(row[key])) ?? 0) + (num(row[value]) ?? 0));
  return [...by].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Needs found each month: a line for each of the needs found most often, and one for the rest. */
function demandByMonth(rows: Row[]): ChartSpec[] {
  const months = [...new Set(rows.map((r) => text(r.month)))].sort();
  const ranked = totals(rows, 'need', 'needs').map(([need]) => need);
  // With one more need than lines, that one gets its own line rather than an "Other" of one.
  const own = ranked.length <= MOST_LINES + 1 ? ranked : ranked.slice(0, MOST_LINES);
  const rest = new Set(ranked.slice(own.length));
  const cell = new Map(rows.map((r) => [`${text(r.month)}|${text(r.need)}`, num(r.needs)]));
  const series = own.map((need) => ({ label: need, data: months.map((m) => cell.get(`${m}|${need}`) ?? null) }));
  if (rest.size) {
    const other = months.map((m) => {
      const shown = rows.filter((r) => text(r.month) === m && rest.has(text(r.need)));
      return shown.length ? shown.reduce((n, r) => n + (num(r.needs) ?? 0), 0) : null;
    });
    series.push({ label: `Other (${rest.size} needs)`, data: other });
  }
  return [
    {
      type: 'line',
      horizontal: false,
      labels: months.map(monthLabel),
      series,
      value: { title: 'Needs found', kind: 'count', min: 0 },
      summary: `Line chart of needs found each month${rest.size ? `: the ${own.length} needs found most often, and the rest as Other` : ''}. The table gives the figures.`,
    },
  ];
}

/** Needs found by channel or district, summed over needs: one bar each, highest first. */
function demandBy(rows: Row[], key: 'channel' | 'district'): ChartSpec[] {
  const all = totals(rows, key, 'needs');
  const shown = all.slice(0, MOST_BARS);
  const what = key === 'channel' ? 'channel' : 'postcode district';
  return [
    {
      type: 'bar',
      horizontal: false,
      labels: shown.map(([k]) => k),
      series: [{ label: 'Needs found', data: shown.map(([, n]) => n) }],
      value: { title: 'Needs found', kind: 'count', min: 0 },
      summary: `Bar chart of needs found by ${what}${all.length > shown.length ? `, the ${shown.length} highest` : ''}. The table gives the figures by need.`,
    },
  ];
}

/** One bar a row for a column, highest first, leaving out rows whose value is held back. */
function barsOf(rows: Row[], label: string, column: { key: string; title: string; kind: ValueKind; min?: number; max?: number }, what: string): ChartSpec {
  const all = rows
    .map((r) => [text(r[label]), num(r[column.key])] as const)
    .filter((pair): pair is readonly [string, number] => pair[1] !== null)
    .sort((a, b) => b[1] - a[1]);
  const shown = all.slice(0, MOST_BARS);
  return {
    type: 'bar',
    horizontal: true,
    labels: shown.map(([l]) => wrapLabel(l)),
    series: [{ label: column.title, data: shown.map(([, v]) => v) }],
    value: {
      title: column.title,
      kind: column.kind,
      ...(column.min === undefined ? {} : { min: column.min }),
      ...(column.max === undefined ? {} : { max: column.max }),
    },
    summary: `Bar chart of ${what}${all.length > shown.length ? `, the ${shown.length} highest` : ''}. The table gives the figures.`,
  };
}

const WELLBEING = { key: 'averageWellbeing', title: 'Average (1 much worse – 5 much better)', kind: 'number' as const, min: 1, max: 5 };

/** The charts for one table (none for a table without rows, or one pictured as a grid: needs together). */
export function chartsFor(table: EvidenceTableView): ChartSpec[] {
  if (!table.rows.length) return [];
  switch (table.name) {
    case 'demand-by-month':
      return demandByMonth(table.rows);
    case 'demand-by-channel':
      return demandBy(table.rows, 'channel');
    case 'demand-by-district':
      return demandBy(table.rows, 'district');
    case 'repeat-contacts':
      return [
        barsOf(
          table.rows,
          'need',
          { key: 'repeatShare', title: 'Share that came back', kind: 'percent', min: 0 },
          'the share of each need found again within the time',
        ),
      ];
    case 'services':
      return [
        barsOf(table.rows, 'service', { key: 'handoffs', title: 'Hand-offs', kind: 'count', min: 0 }, 'hand-offs each service received'),
        barsOf(
          table.rows,
          'service',
          { key: 'medianHoursToAccept', title: 'Median hours to accept', kind: 'number', min: 0 },
          'median hours each service took to accept',
        ),
      ];
    case 'outcomes-by-need':
      return [barsOf(table.rows, 'need', WELLBEING, 'how things are now, on average, by need (1 much worse, 5 much better)')];
    case 'outcomes-by-service':
      return [barsOf(table.rows, 'service', WELLBEING, 'how things are now, on average, by service (1 much worse, 5 much better)')];
    case 'outcomes-by-combination':
      return [barsOf(table.rows, 'needs', WELLBEING, 'how things are now, on average, by the needs that came together (1 much worse, 5 much better)')];
    default:
      return [];
  }
}

export interface NeedsGrid {
  needs: string[];
  /** Plans holding both needs (the diagonal: plans holding the need at all); null where none are shown. */
  plans: (number | null)[][];
  max: number;
}

/** Needs together as a grid, the needs found in most plans first, at most `most` of them. */
export function needsGrid(table: EvidenceTableView, most = 12): NeedsGrid {
  const pairs = table.rows.map((r) => ({ a: text(r.needA), b: text(r.needB), n: num(r.plans) }));
  const alone = new Map(pairs.filter((p) => p.a === p.b).map((p) => [p.a, p.n ?? 0]));
  const needs = [...new Set(pairs.flatMap((p) => [p.a, p.b]))].sort((x, y) => (alone.get(y) ?? 0) - (alone.get(x) ?? 0) || x.localeCompare(y)).slice(0, most);
  const at = new Map<string, number | null>();
  for (const p of pairs) {
    at.set(`${p.a}|${p.b}`, p.n);
    at.set(`${p.b}|${p.a}`, p.n);
  }
  const plans = needs.map((a) => needs.map((b) => at.get(`${a}|${b}`) ?? null));
  return { needs, plans, max: Math.max(0, ...plans.flat().map((n) => n ?? 0)) };
}

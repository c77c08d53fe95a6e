// What the evidence view draws from each table: the needs found most often as lines and the rest as Other,
// bars highest first with held-back values left out, the outcome charts on a 1–5 axis, the needs-together grid,
// and figures in en-GB words, a held-back one as "fewer than 5".
import { describe, expect, it } from 'vitest';
import { chartsFor, formatValue, MOST_LINES, monthLabel, needsGrid, wrapLabel } from '../../agent-desk/web/src/evidence-charts.ts';
import type { EvidenceTableView } from '../../agent-desk/shared/views.ts';

const table = (name: string, rows: EvidenceTableView['rows']): EvidenceTableView => ({
  name,
  title: name,
  about: '',
  columns: [],
  rows,
  suppressedRows: 0,
  filter: { from: '2026-01-01', to: '2026-12-31', district: null },
});

describe('the evidence charts', () => {
  it('draws a line for each of the needs found most often, and sums the rest as Other', () => {
    const needs = Array.from({ length: MOST_LINES + 3 }, (_, i) => `Need ${String.fromCharCode(65 + i)}`);
    // Need A is found most; each later need less; the last ones only in March.
    const rows = needs.flatMap((need, i) => [
      ...(i < MOST_LINES ? [{ month: '2026-02', need, code: need, needs: 100 - i }] : []),
      { month: '2026-03', need, code: need, needs: 50 - i },
    ]);
    const [spec] = chartsFor(table('demand-by-month', rows));
    expect(spec!.type).toBe('line');
    expect(spec!.labels).toEqual(['Feb 2026', 'Mar 2026']);
    expect(spec!.series.map((s) => s.label)).toEqual([...needs.slice(0, MOST_LINES), 'Other (3 needs)']);
    expect(spec!.series[0]!.data).toEqual([100, 50]);
    // Other: nothing shown in February (a gap, not a zero); March sums the three.
    expect(spec!.series.at(-1)!.data).toEqual([null, 50 - 8 + (50 - 9) + (50 - 10)]);
    expect(spec!.summary).toContain(`the ${MOST_LINES} needs found most often, and the rest as Other`);

    // One need more than there are lines: it gets its own line, not an Other of one.
    const nine = needs.slice(0, MOST_LINES + 1).map((need, i) => ({ month: '2026-03', need, code: need, needs: 50 - i }));
    expect(chartsFor(table('demand-by-month', nine))[0]!.series.map((s) => s.label)).toEqual(needs.slice(0, MOST_LINES + 1));
  });

  it('sums demand by channel over needs, highest first', () => {
    const [spec] = chartsFor(
      table('demand-by-channel', [
        { channel: 'SMS', need: 'A', code: 'a', needs: 5 },
        { channel: 'Web chat', need: 'A', code: 'a', needs: 9 },
        { channel: 'SMS', need: 'B', code: 'b', needs: 7 },
      ]),
    );
    expect(spec).toMatchObject({ type: 'bar', horizontal: false, labels: ['SMS', 'Web chat'], series: [{ data: [12, 9] }] });
  });

  it('leaves held-back values out of bars, and puts outcomes on a 1 to 5 axis', () => {
    const [spec] = chartsFor(
      table('outcomes-by-need', [
        { need: 'Debt and arrears', code: 'money.debt', answers: 10, averageWellbeing: 3.2 },
        { need: 'Homeless or at risk of losing home', code: 'housing.homeless', answers: 12, averageWellbeing: 4.1 },
        { need: 'Not enough food', code: 'food.insecurity', answers: 6, averageWellbeing: null },
      ]),
    );
    expect(spec).toMatchObject({ type: 'bar', horizontal: true, value: { min: 1, max: 5, kind: 'number' } });
    expect(spec!.labels).toEqual([['Homeless or at risk of', 'losing home'], 'Debt and arrears']);
    expect(spec!.series[0]!.data).toEqual([4.1, 3.2]);
    // Two charts for services: hand-offs and how fast they were accepted.
    const services = chartsFor(table('services', [{ service: 'Housing Options', handoffs: 10, medianHoursToAccept: 2 }]));
    expect(services.map((s) => s.value.title)).toEqual(['Hand-offs', 'Median hours to accept']);
    // Nothing to draw for no rows, nor for needs together (a grid instead).
    expect(chartsFor(table('services', []))).toEqual([]);
    expect(chartsFor(table('needs-together', [{ needA: 'A', needB: 'A', codeA: 'a', codeB: 'a', plans: 5 }]))).toEqual([]);
  });

  it('lays needs together out as a grid, the commonest first, both ways round', () => {
    const grid = needsGrid(
      table('needs-together', [
        { needA: 'Debt', needB: 'Debt', plans: 8 },
        { needA: 'Homeless', needB: 'Homeless', plans: 12 },
        { needA: 'Debt', needB: 'Homeless', plans: 6 },
        { needA: 'Food', needB: 'Food', plans: 5 },
      ]),
    );
    expect(grid.needs).toEqual(['Homeless', 'Debt', 'Food']);
    expect(grid.plans).toEqual([
      [12, 6, null],
      [6, 8, null],
      [null, null, 5],
    ]);
    expect(grid.max).toBe(12);
  });

  it('says figures in en-GB, a share as a percentage and a held-back one in words', () => {
    expect(formatValue(12345, 'count', 5)).toBe('12,345');
    expect(formatValue(0.333, 'percent', 5)).toBe('33.3%');
    expect(formatValue(3.456, 'number', 5)).toBe('3.46');
    expect(formatValue(null, 'count', 5)).toBe('fewer than 5');
    expect(formatValue('SW1A', 'text', 5)).toBe('SW1A');
    expect(monthLabel('2026-11')).toBe('Nov 2026');
    expect(wrapLabel('short')).toBe('short');
  });
});

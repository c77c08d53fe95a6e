// One chart of the evidence view, drawn by Chart.js 4 on a canvas. Only the pieces used are registered (bars,
// lines, their scales, legend and tooltip), so the bundle carries no other chart type. The canvas is an image
// to screen readers with a one-sentence summary: the table beside it carries the figures. Lines differ by
// colour, point shape and dash, so none is told apart by colour alone; every colour is at least 3:1 on white.
import { useEffect, useRef } from 'react';
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  type PointStyle,
  Tooltip,
} from 'chart.js';
import type { ChartSpec } from './evidence-charts.ts';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Legend, Tooltip);
// The desk's own font (desk.css --font), so the charts read like the page around them.
Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
Chart.defaults.color = '#1f2328';

/** Text, grid lines and the series: each colour at least 3:1 on white (WCAG 1.4.11), most over 4.5:1. */
const COLOURS = ['#0b5cad', '#b35900', '#1a7f37', '#b42318', '#6f42c1', '#00727a', '#bf3989', '#6b6b00', '#57606a'];
const SHAPES: PointStyle[] = ['circle', 'rect', 'triangle', 'rectRot', 'star', 'crossRot', 'rectRounded', 'cross', 'dash'];
const DASHES = [[], [6, 3], [2, 3], [8, 3, 2, 3], [], [6, 3], [2, 3], [8, 3, 2, 3], [12, 4]];
const GRID = '#d0d7de';

const COUNT = new Intl.NumberFormat('en-GB');
const NUMBER = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
const PERCENT = new Intl.NumberFormat('en-GB', { style: 'percent', maximumFractionDigits: 0 });
const formatterOf = (kind: ChartSpec['value']['kind']) => (kind === 'percent' ? PERCENT : kind === 'number' ? NUMBER : COUNT);

/** How tall a chart is: bars along the side take room for each label. */
export function chartHeight(spec: ChartSpec): number {
  if (!spec.horizontal) return 288;
  const lines = spec.labels.reduce<number>((n, l) => n + (Array.isArray(l) ? l.length : 1), 0);
  return Math.max(160, 64 + spec.labels.length * 18 + lines * 14);
}

function configOf(spec: ChartSpec): ChartConfiguration<'bar' | 'line'> {
  const format = formatterOf(spec.value.kind);
  const valueAxis = {
    ...(spec.value.min === undefined ? {} : { min: spec.value.min }),
    ...(spec.value.max === undefined ? {} : { max: spec.value.max }),
    beginAtZero: spec.value.min === undefined || spec.value.min === 0,
    title: { display: true, text: spec.value.title },
    grid: { color: GRID },
    ticks: { callback: (value: string | number) => format.format(Number(value)), ...(spec.value.kind === 'count' ? { precision: 0 } : {}) },
  };
  const categoryAxis = { grid: { display: false }, ticks: { autoSkip: !spec.horizontal } };
  const many = spec.series.length > 1;
  return {
    type: spec.type,
    data: {
      labels: spec.labels,
      datasets: spec.series.map((s, i) => {
        const colour = many ? COLOURS[i % COLOURS.length]! : COLOURS[0]!;
        return spec.type === 'line'
          ? {
              type: 'line' as const,
              label: s.label,
              data: s.data,
              borderColor: colour,
              backgroundColor: colour,
              borderWidth: 2,
              borderDash: DASHES[i % DASHES.length]!,
              pointStyle: SHAPES[i % SHAPES.length]!,
              pointRadius: 4,
              pointHoverRadius: 6,
              spanGaps: false,
            }
          : { type: 'bar' as const, label: s.label, data: s.data, backgroundColor: colour, borderColor: colour, maxBarThickness: 28 };
      }),
    },
    options: {
      indexAxis: spec.horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      // Drawn at once: figures that slide in help nobody reading them, and some people are made ill by motion.
      animation: false,
      scales: spec.horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
      plugins: {
        legend: { display: many, position: 'bottom', labels: { usePointStyle: true, boxWidth: 10, padding: 12 } },
        tooltip: {
          callbacks: {
            label: (item) => `${item.dataset.label}: ${item.raw === null ? 'not shown' : format.format(Number(item.raw))}`,
          },
        },
      },
    },
  };
}

export function EvidenceChart({ spec }: { spec: ChartSpec }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const chart = new Chart(canvas.current!, configOf(spec));
    return () => chart.destroy();
  }, [spec]);
  return (
    <div className="evidence-chart" style={{ height: `${chartHeight(spec)}px` }}>
      <canvas ref={canvas} role="img" aria-label={spec.summary} />
    </div>
  );
}

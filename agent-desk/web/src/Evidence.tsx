// The evidence view (managers and strategy): across many cases, what the area's demand looks like, which needs
// come together, who comes back, how services answer and whether lives got better. One date range and one area
// (a postcode district, or all) apply to every table; each table shows as a chart beside the table itself (the
// figures, in en-GB, a count held back said as "fewer than 5"), with a link to download it as CSV.
// Loaded on demand (App.tsx: React.lazy), with Chart.js, so an agent's desk never loads either. It asks the hub
// only for GET /api/evidence and its tables: all a strategy account may open.
import { type FormEvent, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { EvidenceIndexView, EvidenceTableView } from '../../shared/views.ts';
import { ApiError, errorText, readView } from './api.ts';
import { EvidenceChart } from './EvidenceChart.tsx';
import { chartsFor, formatValue, monthLabel, needsGrid } from './evidence-charts.ts';

interface Filter {
  from: string;
  to: string;
  /** A postcode district, or '' for every area. */
  district: string;
}

/** Figures change only as contacts come in: read again after a few minutes, not on every visit to the view. */
const FRESH_MS = 5 * 60_000;
const DAY = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
const dayText = (iso: string) => DAY.format(new Date(`${iso}T00:00:00Z`));
const filterText = (f: Filter) => `${dayText(f.from)} to ${dayText(f.to)}, ${f.district ? `postcode district ${f.district}` : 'all areas'}`;
const query = (f: Filter, extra: Record<string, string> = {}) =>
  new URLSearchParams({ from: f.from, to: f.to, ...(f.district ? { district: f.district } : {}), ...extra }).toString();
const signedOut = (error: unknown) => error instanceof ApiError && error.status === 401;

const CSS = `
#evidence { max-width: 96rem; }
#evidence > h2 { margin: 0 0 var(--s2, 0.5rem); }
#evidence-filter { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0 var(--s4, 1rem); margin: 0 0 var(--s2, 0.5rem); }
#evidence-filter .field { display: flex; flex-direction: column; }
#evidence-filter label { margin-top: var(--s2, 0.5rem); }
#evidence-filter input, #evidence-filter select { width: auto; min-width: 10rem; }
#evidence-filter button { margin-top: var(--s2, 0.5rem); min-height: 2.25rem; }
#evidence-contents ul { display: flex; flex-wrap: wrap; gap: var(--s1, 0.25rem) var(--s4, 1rem); list-style: none; padding: 0; margin: var(--s2, 0.5rem) 0 var(--s4, 1rem); font-size: var(--small, 0.8125rem); }
/* At least 24 px high, so each link is easy to hit on its own (WCAG 2.5.8). */
#evidence-contents a { display: inline-block; min-height: 1.5rem; padding: 0.125rem 0; }
.evidence-table { scroll-margin-top: var(--s4, 1rem); }
.evidence-table > h3 { margin: 0 0 var(--s1, 0.25rem); }
.evidence-range { color: var(--muted, #57606a); font-size: var(--small, 0.8125rem); margin: 0 0 var(--s2, 0.5rem); }
.evidence-body { display: grid; gap: var(--s4, 1rem); align-items: start; }
/* On a wide screen the chart sits beside a table narrow enough to share the width; a wide one goes under it. */
@media (min-width: 64rem) { .evidence-body.beside { grid-template-columns: minmax(20rem, 2fr) minmax(0, 3fr); } }
.evidence-charts { display: grid; gap: var(--s4, 1rem); min-width: 0; }
.evidence-chart { position: relative; width: 100%; min-width: 0; }
.table-scroll { overflow-x: auto; max-width: 100%; }
.table-scroll:focus-visible { outline: 3px solid var(--accent, #0b5cad); outline-offset: 2px; }
.table-scroll table.data { margin-bottom: var(--s2, 0.5rem); }
table.data.evidence-data th[scope="col"] { vertical-align: bottom; }
table.data.evidence-data td { white-space: nowrap; }
table.data.evidence-data thead th { min-width: 5rem; }
table.data.evidence-data tr:last-child th { border-bottom: 0; }
table.data.evidence-data tbody th { color: var(--text, #1f2328); font-weight: 400; white-space: normal; min-width: 8rem; }
.held-back { color: var(--muted, #57606a); font-style: italic; }
table.evidence-grid td { text-align: center; min-width: 3.5rem; font-variant-numeric: tabular-nums; }
table.evidence-grid thead th { min-width: 6rem; }
.evidence-foot { margin-top: var(--s3, 0.75rem); display: flex; flex-wrap: wrap; gap: var(--s1, 0.25rem) var(--s4, 1rem); align-items: baseline; }
.evidence-foot p { margin: 0; }
`;

export function EvidencePage({ onSessionEnded }: { onSessionEnded: () => void }) {
  const index = useQuery({ queryKey: ['evidence'], queryFn: () => readView('/api/evidence', EvidenceIndexView), staleTime: FRESH_MS });
  const [applied, setApplied] = useState<Filter | null>(null);
  const title = useRef<HTMLHeadingElement>(null);
  // Opening the view focuses its title, as the admin area does.
  useEffect(() => title.current?.focus(), []);
  useEffect(() => {
    if (index.data && !applied) setApplied({ ...index.data.range, district: '' });
  }, [index.data, applied]);
  useEffect(() => {
    if (signedOut(index.error)) onSessionEnded();
  }, [index.error, onSessionEnded]);

  return (
    <section id="evidence" className="page" aria-labelledby="evidence-title">
      <style href="contact-hub-evidence" precedence="contact-hub">
        {CSS}
      </style>
      <h2 id="evidence-title" tabIndex={-1} ref={title}>
        Evidence
      </h2>
      <p className="hint">
        Counts across many people, never about one: a figure of fewer than {index.data?.smallestShown ?? 5} is held back, and so is a row counting fewer.
      </p>
      {index.error && !signedOut(index.error) ? <p role="alert">{errorText(index.error)}</p> : null}
      {index.data && applied ? (
        <>
          <FilterForm index={index.data} applied={applied} onApply={setApplied} />
          <nav id="evidence-contents" aria-label="Tables on this page">
            <ul>
              {index.data.tables.map((t) => (
                <li key={t.name}>
                  <a href={`#evidence-${t.name}`}>{t.title}</a>
                </li>
              ))}
            </ul>
          </nav>
          {index.data.tables.map((t) => (
            <EvidenceSection
              key={t.name}
              name={t.name}
              title={t.title}
              filter={applied}
              smallestShown={index.data.smallestShown}
              onSessionEnded={onSessionEnded}
            />
          ))}
        </>
      ) : index.isPending ? (
        <p>Loading…</p>
      ) : null}
    </section>
  );
}

function FilterForm({ index, applied, onApply }: { index: EvidenceIndexView; applied: Filter; onApply: (filter: Filter) => void }) {
  const [draft, setDraft] = useState(applied);
  const [error, setError] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!draft.from || !draft.to) return setError('Give both dates, like 31/01/2026.');
    if (draft.from > draft.to) return setError('The first day must be on or before the last day.');
    // The hub's own limit (evidence.ts), said once here rather than by every table.
    if (Date.parse(draft.to) - Date.parse(draft.from) > 5 * 366 * 86_400_000) return setError('A range is at most five years.');
    setError('');
    onApply({ ...draft });
  };
  const invalid = error ? true : undefined;
  return (
    <>
      <form id="evidence-filter" aria-label="Which figures" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="evidence-from">From</label>
          <input
            id="evidence-from"
            type="date"
            required
            value={draft.from}
            onChange={(e) => setDraft({ ...draft, from: e.target.value })}
            aria-invalid={invalid}
            aria-describedby="evidence-filter-error"
          />
        </div>
        <div className="field">
          <label htmlFor="evidence-to">To (included)</label>
          <input
            id="evidence-to"
            type="date"
            required
            value={draft.to}
            onChange={(e) => setDraft({ ...draft, to: e.target.value })}
            aria-invalid={invalid}
            aria-describedby="evidence-filter-error"
          />
        </div>
        <div className="field">
          <label htmlFor="evidence-area">Area</label>
          <select id="evidence-area" value={draft.district} onChange={(e) => setDraft({ ...draft, district: e.target.value })}>
            <option value="">All areas</option>
            {index.districts.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Show the figures</button>
      </form>
      <p id="evidence-filter-error" role="alert">
        {error}
      </p>
      <p id="evidence-shown" role="status">
        {`Showing ${filterText(applied)}.`}
      </p>
    </>
  );
}

interface SectionProps {
  name: string;
  title: string;
  filter: Filter;
  smallestShown: number;
  onSessionEnded: () => void;
}

function EvidenceSection({ name, title, filter, smallestShown, onSessionEnded }: SectionProps) {
  const table = useQuery({
    queryKey: ['evidence', name, filter.from, filter.to, filter.district],
    queryFn: () => readView(`/api/evidence/${encodeURIComponent(name)}?${query(filter)}`, EvidenceTableView),
    staleTime: FRESH_MS,
  });
  useEffect(() => {
    if (signedOut(table.error)) onSessionEnded();
  }, [table.error, onSessionEnded]);
  const data = table.data;
  const charts = useMemo(() => (data ? chartsFor(data) : []), [data]);
  const grid = useMemo(() => (data?.name === 'needs-together' && data.rows.length ? needsGrid(data) : null), [data]);
  const csv = `/api/evidence/${encodeURIComponent(name)}?${query(filter, { format: 'csv' })}`;
  return (
    <section id={`evidence-${name}`} className="card evidence-table" aria-labelledby={`evidence-${name}-title`} aria-busy={table.isFetching || undefined}>
      <h3 id={`evidence-${name}-title`}>{data?.title ?? title}</h3>
      {data ? <p>{data.about}</p> : null}
      {/* Said once here for the eye; each table's caption says it again for screen readers. */}
      <p className="evidence-range">{`${filterText(filter)[0]!.toUpperCase()}${filterText(filter).slice(1)}`}</p>
      {table.error && !signedOut(table.error) ? <p role="alert">{errorText(table.error)}</p> : null}
      {!data ? (
        table.isPending ? (
          <p>Loading…</p>
        ) : null
      ) : data.rows.length === 0 ? (
        <p className="evidence-empty">Nothing to show for {filterText(filter)}.</p>
      ) : (
        <div className={`evidence-body${(charts.length || grid) && data.columns.length <= NARROW_COLUMNS ? ' beside' : ''}`}>
          {charts.length ? (
            <div className="evidence-charts">
              {charts.map((spec) => (
                <EvidenceChart key={spec.value.title} spec={spec} />
              ))}
            </div>
          ) : null}
          {grid ? <GridTable name={name} title={data.title} grid={grid} filter={filter} smallestShown={smallestShown} /> : null}
          <DataTable table={data} filter={filter} smallestShown={smallestShown} />
        </div>
      )}
      <div className="evidence-foot">
        {data && data.suppressedRows > 0 ? (
          <p className="evidence-held-back">{`${data.suppressedRows} ${data.suppressedRows === 1 ? 'row' : 'rows'} held back (fewer than ${smallestShown})`}</p>
        ) : null}
        {/* A plain link: the same GET with the session cookie, answered as a file to save. */}
        <a href={csv} download>
          Download CSV<span className="visually-hidden">{` (${title})`}</span>
        </a>
      </div>
    </section>
  );
}

/** Tables of up to this many columns fit beside their chart on a wide screen. */
const NARROW_COLUMNS = 6;

const numeric = (kind: EvidenceTableView['columns'][number]['kind']) => kind !== 'text';

function DataTable({ table, filter, smallestShown }: { table: EvidenceTableView; filter: Filter; smallestShown: number }) {
  const caption = useId();
  return (
    // Wide tables scroll inside their own box (never the page); it takes focus so a keyboard can scroll it.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (WCAG 2.1.1).
    <section className="table-scroll" aria-labelledby={caption} tabIndex={0}>
      <table className="data evidence-data">
        {/* Hidden from the eye (the heading and the line under it say the same): as wide as the table, it would scroll with it. */}
        <caption id={caption} className="visually-hidden">{`${table.title}: ${filterText(filter)}`}</caption>
        <thead>
          <tr>
            {table.columns.map((c) => (
              <th key={c.key} scope="col" className={numeric(c.kind) ? 'num' : undefined}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row, i) => (
            <tr key={i}>
              {table.columns.map((c, j) => {
                const value = row[c.key];
                // Months as people say them ("Nov 2026"); the CSV keeps the sortable 2026-11.
                const text = c.key === 'month' && typeof value === 'string' ? monthLabel(value) : formatValue(value, c.kind, smallestShown);
                return j === 0 ? (
                  <th key={c.key} scope="row">
                    {value === null ? <span className="held-back">{text}</span> : text}
                  </th>
                ) : (
                  <td key={c.key} className={numeric(c.kind) ? 'num' : undefined}>
                    {value === null ? <span className="held-back">{text}</span> : text}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Shades from white to the desk's blue; the figure in each cell is black or white, whichever reads better. */
function shade(n: number, max: number): { background: string; color: string } {
  const t = max > 0 ? n / max : 0;
  const [r, g, b] = [0xff + (0x0b - 0xff) * t, 0xff + (0x5c - 0xff) * t, 0xff + (0xad - 0xff) * t].map(Math.round) as [number, number, number];
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
  // Black on it is (L + 0.05) / 0.05, white (1.05) / (L + 0.05): the higher wins, at least 4.5:1 either way.
  return { background: `rgb(${r} ${g} ${b})`, color: (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) ? '#000' : '#fff' };
}

interface GridProps {
  name: string;
  title: string;
  grid: ReturnType<typeof needsGrid>;
  filter: Filter;
  smallestShown: number;
}

function GridTable({ name, title, grid, filter, smallestShown }: GridProps) {
  const key = `A dash: none, or fewer than ${smallestShown}.`;
  return (
    <div className="evidence-grid-box">
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard (WCAG 2.1.1). */}
      <section className="table-scroll" aria-labelledby={`evidence-${name}-grid`} tabIndex={0}>
        <table className="data evidence-data evidence-grid">
          <caption id={`evidence-${name}-grid`} className="visually-hidden">
            {`${title}, as a grid: plans holding both needs, ${filterText(filter)}. ${key}`}
          </caption>
          <thead>
            <tr>
              <td />
              {grid.needs.map((need) => (
                <th key={need} scope="col">
                  {need}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {grid.needs.map((need, i) => (
              <tr key={need}>
                <th scope="row">{need}</th>
                {grid.plans[i]!.map((n, j) =>
                  n === null ? (
                    <td key={grid.needs[j]}>–</td>
                  ) : (
                    <td key={grid.needs[j]} style={shade(n, grid.max)}>
                      {n.toLocaleString('en-GB')}
                    </td>
                  ),
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <p className="hint" aria-hidden="true">{`Plans holding both needs (a need with itself: plans holding it); the darker, the more. ${key}`}</p>
    </div>
  );
}

// What the admin screens share: the shapes they read, errors as sentences, and the picker of needs (an
// agent's skills, a team's needs) from the needs taxonomy.
import type { TaxonomyNeed } from './api.ts';

export interface TeamRow {
  id: string;
  name: string;
  needs: string[];
  hours: string | null;
  timeZone: string;
}

/** An API error as a sentence: "Email taken" → "Email taken." */
export function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return '';
  const capital = trimmed.replace(/^./, (c) => c.toUpperCase());
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

const areaOf = (code: string) => code.split('.')[0]!;
const areaLabel = (area: string) => area.replace(/^./, (c) => c.toUpperCase());

/**
 * Checkboxes for need areas ("housing": every housing need) and single needs. `id` prefixes the inputs' ids;
 * `hint` says what ticking none means.
 */
export function NeedPicker({
  id,
  legend,
  hint,
  taxonomy,
  value,
  onChange,
}: {
  id: string;
  legend: string;
  hint: string;
  taxonomy: TaxonomyNeed[];
  value: string[];
  onChange: (next: string[]) => void;
}) {
  const areas = [...new Set(taxonomy.map((n) => areaOf(n.code)))].sort();
  const toggle = (code: string, on: boolean) => onChange(on ? [...value, code] : value.filter((c) => c !== code));
  const box = (code: string, label: string) => (
    <li key={code}>
      <input id={`${id}-${code}`} type="checkbox" checked={value.includes(code)} onChange={(e) => toggle(code, e.target.checked)} />
      <label htmlFor={`${id}-${code}`}>{label}</label>
    </li>
  );
  // Codes set before the taxonomy changed: still shown, so saving does not drop them unseen.
  const unknown = value.filter((c) => !areas.includes(c) && !taxonomy.some((n) => n.code === c));
  return (
    <fieldset className="admin-needs" aria-describedby={`${id}-hint`}>
      <legend>{legend}</legend>
      <p id={`${id}-hint`} className="hint">
        {hint}
      </p>
      <fieldset>
        <legend>Whole areas</legend>
        <ul className="admin-checks">{areas.map((area) => box(area, areaLabel(area)))}</ul>
      </fieldset>
      <fieldset>
        <legend>Single needs</legend>
        <ul className="admin-checks">{taxonomy.map((n) => box(n.code, n.label))}</ul>
      </fieldset>
      {unknown.length ? (
        <fieldset>
          <legend>Not in the taxonomy now</legend>
          <ul className="admin-checks">{unknown.map((code) => box(code, code))}</ul>
        </fieldset>
      ) : null}
    </fieldset>
  );
}

/** Labels of need codes and areas, for tables. */
export function needWords(codes: string[], taxonomy: TaxonomyNeed[]): string {
  return codes.map((code) => taxonomy.find((n) => n.code === code)?.label ?? (code.includes('.') ? code : `${areaLabel(code)} (all)`)).join(', ');
}

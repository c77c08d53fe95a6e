// Admin → Service directory: the services hand-offs go to, the whole directory to download as Open Referral
// UK JSON, and (admins) importing a file, with the hub's report row by row: imported, imported with
// warnings, or refused and why.
import { useEffect, useState, type FormEvent } from 'react';
import { api, errorText, type TaxonomyNeed } from './api.ts';
import { needWords, sentence } from './AdminCommon.tsx';

/** How hand-offs reach a service, in words (the directory's `handoff.kind`). */
const TARGET_NAMES: Record<string, string> = {
  desk: 'Their desk view (they sign in here)',
  slack: 'Slack',
  email: 'Email',
  webhook: 'Their own system (signed webhook)',
};

interface ServiceRow {
  id: string;
  name: string;
  organisation: string;
  needs: string[];
  hours: string | null;
  phone: string | null;
  email: string | null;
  url: string | null;
  target: string;
}
interface ReportRow {
  kind: 'organization' | 'service';
  at: string;
  id: string | null;
  name: string | null;
  outcome: 'imported' | 'imported_with_warnings' | 'refused';
  warnings: string[];
  problems: string[];
}
interface Report {
  shape?: string;
  organizations?: number;
  services?: number;
  created?: number;
  updated?: number;
  imported?: number;
  importedWithWarnings?: number;
  refused?: number;
  rows?: ReportRow[];
}
/** What the import answered: the report, or why the file was refused (with its rows when they could be read). */
interface Outcome {
  ok: boolean;
  error?: string;
  problems?: string[];
  report?: Report;
}

const OUTCOME: Record<ReportRow['outcome'], string> = { imported: 'Imported', imported_with_warnings: 'Imported, with warnings', refused: 'Refused' };
const MAX_BYTES = 5 * 1024 * 1024;

function ImportReport({ outcome }: { outcome: Outcome }) {
  const report = outcome.report;
  const rows = report?.rows ?? [];
  return (
    <section aria-labelledby="import-report-title" id="import-report">
      <h4 id="import-report-title">{outcome.ok ? 'Imported' : 'Not imported'}</h4>
      {report?.shape ? <p>Read as: {report.shape}.</p> : null}
      {report && report.imported !== undefined ? (
        <p>
          {report.imported} rows imported, {report.importedWithWarnings ?? 0} imported with warnings, {report.refused ?? 0} refused
          {report.created !== undefined ? `; ${report.created} created, ${report.updated ?? 0} updated` : ''}.
        </p>
      ) : null}
      {outcome.problems?.length ? (
        <>
          <h5>Problems</h5>
          <ul id="import-problems">
            {outcome.problems.map((p, i) => (
              <li key={i}>{p}</li>
            ))}
          </ul>
        </>
      ) : null}
      {rows.length ? (
        <table id="import-rows" className="admin-table">
          <caption className="visually-hidden">Each row of the file</caption>
          <thead>
            <tr>
              <th scope="col">Row</th>
              <th scope="col">Where in the file</th>
              <th scope="col">Outcome</th>
              <th scope="col">Warnings and problems</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.at}-${r.id}`}>
                <th scope="row">
                  {r.kind === 'organization' ? 'Organisation' : 'Service'}: {r.name ?? r.id ?? 'no name'}
                </th>
                <td className="admin-code">{r.at}</td>
                <td>{OUTCOME[r.outcome]}</td>
                <td>
                  {r.problems.length || r.warnings.length ? (
                    <ul>
                      {r.problems.map((p) => (
                        <li key={`p-${p}`}>{p}</li>
                      ))}
                      {r.warnings.map((w) => (
                        <li key={`w-${w}`}>Warning: {w}</li>
                      ))}
                    </ul>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}

function ImportForm({ onImported }: { onImported: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [allOrNothing, setAllOrNothing] = useState(false);
  const [error, setError] = useState('');
  const [said, setSaid] = useState('');
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    setSaid('');
    setOutcome(null);
    if (!file) return setError('Choose a file to import.');
    if (file.size > MAX_BYTES) return setError('The file is larger than 5 MB, the most the hub takes at once: split it by organisation.');
    let text: string;
    try {
      text = await file.text();
      JSON.parse(text);
    } catch (e) {
      return setError(`The file is not JSON: ${errorText(e)}.`);
    }
    setBusy(true);
    try {
      // Not api(): a refused file is answered 422 with a report worth showing, not only an error.
      const res = await fetch(`/api/directory?allOrNothing=${allOrNothing}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: text });
      const body = (await res.json().catch(() => null)) as (Report & { error?: string; problems?: string[]; report?: Report }) | null;
      if (res.ok && body) {
        setOutcome({ ok: true, report: body });
        setSaid(`Imported: ${body.imported ?? 0} rows, ${body.importedWithWarnings ?? 0} with warnings, ${body.refused ?? 0} refused.`);
        onImported();
      } else if (res.status === 422 && body) {
        setOutcome({ ok: false, error: body.error, problems: body.problems, report: body.report ?? (body.rows ? { rows: body.rows } : undefined) });
        setError(sentence(body.error ?? 'The directory cannot be imported'));
      } else {
        setError(sentence(body?.error ?? res.statusText));
      }
    } catch (e) {
      setError(sentence(errorText(e)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="import-title">
      <h4 id="import-title">Import a directory file</h4>
      <form id="import-form" onSubmit={submit} noValidate>
        <label htmlFor="import-file">Directory file (Open Referral UK or HSDS JSON)</label>
        <input
          id="import-file"
          type="file"
          accept=".json,application/json"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          aria-describedby="import-hint import-error"
        />
        <p id="import-hint" className="hint">
          Organisations and services are matched by their ids in the file; those not in the file stay as they are.
        </p>
        <div className="admin-check">
          <input id="import-all" type="checkbox" checked={allOrNothing} onChange={(e) => setAllOrNothing(e.target.checked)} />
          <label htmlFor="import-all">Import nothing if any row is refused</label>
        </div>
        <button type="submit" disabled={busy}>
          Import
        </button>
        <p role="status">{said}</p>
        <p id="import-error" role="alert">
          {error}
        </p>
      </form>
      {outcome ? <ImportReport outcome={outcome} /> : null}
    </section>
  );
}

export function AdminDirectory({ admin }: { admin: boolean }) {
  const [services, setServices] = useState<ServiceRow[] | null>(null);
  const [taxonomy, setTaxonomy] = useState<TaxonomyNeed[]>([]);
  const [error, setError] = useState('');
  const [reload, setReload] = useState(0);
  useEffect(() => {
    api<{ services: ServiceRow[] }>('/api/services').then(
      ({ services: s }) => setServices(s),
      (e) => setError(sentence(errorText(e))),
    );
  }, [reload]);
  useEffect(() => {
    api<{ needs: TaxonomyNeed[] }>('/api/needs/taxonomy').then(
      ({ needs }) => setTaxonomy(needs),
      () => {},
    );
  }, []);
  return (
    <>
      <p>
        <a href="/api/directory" download="directory.json" id="directory-export">
          Download the whole directory (Open Referral UK JSON)
        </a>
      </p>
      <p role="alert">{error}</p>
      {services === null ? (
        <p>Loading…</p>
      ) : services.length === 0 ? (
        <p>The directory has no services yet.</p>
      ) : (
        <table id="admin-service-list" className="admin-table">
          <caption className="visually-hidden">Services in the directory</caption>
          <thead>
            <tr>
              <th scope="col">Service</th>
              <th scope="col">Organisation</th>
              <th scope="col">Needs</th>
              <th scope="col">Hours</th>
              <th scope="col">Contact</th>
              <th scope="col">Hand-offs go by</th>
            </tr>
          </thead>
          <tbody>
            {services.map((s) => (
              <tr key={s.id}>
                <th scope="row">{s.name}</th>
                <td>{s.organisation}</td>
                <td>{needWords(s.needs, taxonomy)}</td>
                <td className="admin-code">{s.hours ?? ''}</td>
                <td>{[s.phone, s.email, s.url].filter(Boolean).join(' · ')}</td>
                <td>{TARGET_NAMES[s.target] ?? s.target}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {admin ? <ImportForm onImported={() => setReload((n) => n + 1)} /> : null}
    </>
  );
}

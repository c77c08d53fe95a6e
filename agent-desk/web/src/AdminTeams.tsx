// Admin → Teams: each team with the needs it answers and its opening hours (OpenStreetMap's opening_hours
// syntax, read in the team's time zone); add one or change one. The hub checks the hours and says what is
// wrong with them; that is shown as it says it.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorText, type TaxonomyNeed } from './api.ts';
import { queries } from './query.ts';
import { NeedPicker, needWords, sentence, type TeamRow } from './AdminCommon.tsx';

/** No needs yet: the same empty list each time. */
const NONE: TaxonomyNeed[] = [];

const ZONES: string[] = (() => {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['Europe/London'];
  }
})();

function TeamForm({
  team,
  taxonomy,
  onSaved,
  onCancel,
}: {
  team: TeamRow | null;
  taxonomy: TaxonomyNeed[];
  onSaved: (t: TeamRow) => Promise<void>;
  onCancel?: () => void;
}) {
  const [name, setName] = useState(team?.name ?? '');
  const [needs, setNeeds] = useState(team?.needs ?? []);
  const [hours, setHours] = useState(team?.hours ?? '');
  const [timeZone, setTimeZone] = useState(team?.timeZone ?? 'Europe/London');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const title = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (team) title.current?.focus();
  }, [team]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    setBusy(true);
    try {
      const body = { name, needs, hours: hours.trim() || null, timeZone };
      const { team: saved } = team
        ? await api<{ team: TeamRow }>(`/api/teams/${team.id}`, { method: 'PUT', body })
        : await api<{ team: TeamRow }>('/api/teams', { method: 'POST', body });
      if (!team) {
        setName('');
        setNeeds([]);
        setHours('');
      }
      await onSaved(saved);
    } catch (e) {
      setError(sentence(errorText(e)));
    } finally {
      setBusy(false);
    }
  };
  const prefix = team ? 'team-edit' : 'team-new';
  const invalid = error ? true : undefined;
  return (
    <section aria-labelledby={`${prefix}-title`} className={team ? 'admin-editor' : undefined}>
      <h4 id={`${prefix}-title`} tabIndex={-1} ref={title}>
        {team ? `Change ${team.name}` : 'Add a team'}
      </h4>
      <form id={`${prefix}-form`} onSubmit={submit} noValidate>
        <label htmlFor={`${prefix}-name`}>Name</label>
        <input
          id={`${prefix}-name`}
          required
          autoComplete="off"
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={invalid}
          aria-describedby={`${prefix}-error`}
        />
        <NeedPicker
          id={`${prefix}-need`}
          legend="Needs it answers"
          hint="Conversations about these needs wait for this team. None ticked: it gets none by need."
          taxonomy={taxonomy}
          value={needs}
          onChange={setNeeds}
        />
        <label htmlFor={`${prefix}-hours`}>Opening hours</label>
        <input
          id={`${prefix}-hours`}
          autoComplete="off"
          spellCheck={false}
          value={hours}
          onChange={(e) => setHours(e.target.value)}
          aria-invalid={invalid}
          aria-describedby={`${prefix}-hours-hint ${prefix}-error`}
        />
        <p id={`${prefix}-hours-hint`} className="hint">
          In OpenStreetMap’s opening hours form, for example “Mo-Fr 09:00-17:00; Sa 10:00-12:00; PH off” (PH: bank holidays). Empty: always open.
        </p>
        <label htmlFor={`${prefix}-zone`}>Time zone</label>
        <input
          id={`${prefix}-zone`}
          list="admin-time-zones"
          autoComplete="off"
          spellCheck={false}
          value={timeZone}
          onChange={(e) => setTimeZone(e.target.value)}
          aria-invalid={invalid}
          aria-describedby={`${prefix}-error`}
        />
        <button type="submit" disabled={busy}>
          {team ? 'Save the team' : 'Add the team'}
        </button>{' '}
        {onCancel ? (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
        <p id={`${prefix}-error`} role="alert">
          {error}
        </p>
      </form>
    </section>
  );
}

export function AdminTeams() {
  const queryClient = useQueryClient();
  const listed = useQuery(queries.adminTeams);
  const teams = listed.data ?? null;
  const taxonomy = useQuery(queries.taxonomy).data ?? NONE;
  const [editing, setEditing] = useState<string | null>(null);
  const [said, setSaid] = useState('');
  const error = listed.error ? sentence(errorText(listed.error)) : '';
  // The desk's list of teams (Transfer) is read again with this one.
  const load = () => queryClient.invalidateQueries({ queryKey: ['teams'] });
  const close = (id: string) => {
    setEditing(null);
    requestAnimationFrame(() => document.getElementById(`team-${id}`)?.focus());
  };
  const editingTeam = teams?.find((t) => t.id === editing) ?? null;
  return (
    <>
      <datalist id="admin-time-zones">
        {ZONES.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
      <p role="status">{said}</p>
      <p role="alert">{error}</p>
      {teams === null ? (
        <p>Loading…</p>
      ) : teams.length === 0 ? (
        <p>There are no teams yet.</p>
      ) : (
        <table id="admin-team-list" className="admin-table">
          <caption className="visually-hidden">Teams</caption>
          <thead>
            <tr>
              <th scope="col">Team</th>
              <th scope="col">Needs it answers</th>
              <th scope="col">Opening hours</th>
              <th scope="col">Time zone</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {teams.map((t) => (
              <tr key={t.id}>
                <th scope="row">{t.name}</th>
                <td>{needWords(t.needs, taxonomy) || 'None'}</td>
                <td className="admin-code">{t.hours ?? 'Always open'}</td>
                <td>{t.timeZone}</td>
                <td>
                  <button type="button" id={`team-${t.id}`} aria-label={`Change ${t.name}`} aria-expanded={editing === t.id} onClick={() => setEditing(t.id)}>
                    Change
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editingTeam ? (
        <TeamForm
          key={editingTeam.id}
          team={editingTeam}
          taxonomy={taxonomy}
          onCancel={() => close(editingTeam.id)}
          onSaved={async (saved) => {
            setSaid(`${saved.name} saved.`);
            await load();
            close(saved.id);
          }}
        />
      ) : null}
      <TeamForm
        team={null}
        taxonomy={taxonomy}
        onSaved={async (saved) => {
          setSaid(`${saved.name} added.`);
          await load();
        }}
      />
    </>
  );
}

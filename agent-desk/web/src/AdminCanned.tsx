// Admin → Canned responses: every team's saved replies, and adding, changing or deleting one. The hub refuses
// a placeholder it does not know ({firstname}); its words are shown as it says them.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, errorText, type CannedResponse } from './api.ts';
import { sentence, type TeamRow } from './AdminCommon.tsx';
import { queries } from './query.ts';

const NO_PLACEHOLDERS: Record<string, string> = {};
const NO_TEAMS: TeamRow[] = [];

function CannedForm({
  canned,
  teams,
  placeholders,
  onSaved,
  onCancel,
}: {
  canned: CannedResponse | null;
  teams: TeamRow[];
  placeholders: Record<string, string>;
  onSaved: (c: CannedResponse) => Promise<void>;
  onCancel?: () => void;
}) {
  const [title, setTitle] = useState(canned?.title ?? '');
  const [body, setBody] = useState(canned?.body ?? '');
  const [teamId, setTeamId] = useState(canned?.team?.id ?? '');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (canned) heading.current?.focus();
  }, [canned]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    setBusy(true);
    try {
      const payload = { title, body, teamId: teamId || null };
      const { cannedResponse } = canned
        ? await api<{ cannedResponse: CannedResponse }>(`/api/canned-responses/${canned.id}`, { method: 'PUT', body: payload })
        : await api<{ cannedResponse: CannedResponse }>('/api/canned-responses', { method: 'POST', body: payload });
      if (!canned) {
        setTitle('');
        setBody('');
      }
      await onSaved(cannedResponse);
    } catch (e) {
      setError(sentence(errorText(e)));
    } finally {
      setBusy(false);
    }
  };
  const prefix = canned ? 'canned-edit' : 'canned-new';
  const invalid = error ? true : undefined;
  return (
    <section aria-labelledby={`${prefix}-title`} className={canned ? 'admin-editor' : undefined}>
      <h4 id={`${prefix}-title`} tabIndex={-1} ref={heading}>
        {canned ? `Change “${canned.title}”` : 'Add a canned response'}
      </h4>
      <form id={`${prefix}-form`} onSubmit={submit} noValidate>
        <label htmlFor={`${prefix}-name`}>Title</label>
        <input
          id={`${prefix}-name`}
          required
          maxLength={80}
          autoComplete="off"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          aria-invalid={invalid}
          aria-describedby={`${prefix}-error`}
        />
        <label htmlFor={`${prefix}-body`}>Text</label>
        <textarea
          id={`${prefix}-body`}
          required
          rows={4}
          maxLength={1600}
          value={body}
          onChange={(e) => setBody(e.target.value)}
          aria-invalid={invalid}
          aria-describedby={`${prefix}-hint ${prefix}-error`}
        />
        <p id={`${prefix}-hint`} className="hint">
          Placeholders filled in when an agent inserts it:{' '}
          {Object.entries(placeholders)
            .map(([name, what]) => `{${name}}: ${what}`)
            .join('; ')}
          .
        </p>
        <label htmlFor={`${prefix}-team`}>Who sees it</label>
        <select id={`${prefix}-team`} value={teamId} onChange={(e) => setTeamId(e.target.value)}>
          <option value="">Everyone</option>
          {teams.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name} only
            </option>
          ))}
        </select>
        <button type="submit" disabled={busy}>
          {canned ? 'Save the response' : 'Add the response'}
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

export function AdminCanned() {
  const queryClient = useQueryClient();
  const listed = useQuery(queries.adminCanned);
  const list = listed.data?.cannedResponses ?? null;
  const placeholders = listed.data?.placeholders ?? NO_PLACEHOLDERS;
  const teams = useQuery(queries.adminTeams).data ?? NO_TEAMS;
  const [editing, setEditing] = useState<string | null>(null);
  const [said, setSaid] = useState('');
  const [failed, setError] = useState('');
  const error = failed || (listed.error ? sentence(errorText(listed.error)) : '');
  // The desk's canned responses (the reply box's picker) are read again with these.
  const load = () => queryClient.invalidateQueries({ queryKey: ['canned'] });
  const close = (id: string) => {
    setEditing(null);
    requestAnimationFrame(() => document.getElementById(`canned-${id}`)?.focus());
  };
  const remove = async (c: CannedResponse) => {
    if (!window.confirm(`Delete the canned response “${c.title}”?`)) return;
    setError('');
    try {
      await api(`/api/canned-responses/${c.id}`, { method: 'DELETE' });
      setSaid(`“${c.title}” deleted.`);
      if (editing === c.id) setEditing(null);
      await load();
    } catch (e) {
      setError(sentence(errorText(e)));
    }
  };
  const editingOne = list?.find((c) => c.id === editing) ?? null;
  return (
    <>
      <p role="status">{said}</p>
      <p role="alert">{error}</p>
      {list === null ? (
        <p>Loading…</p>
      ) : list.length === 0 ? (
        <p>There are no canned responses yet.</p>
      ) : (
        <table id="admin-canned-list" className="admin-table">
          <caption className="visually-hidden">Canned responses</caption>
          <thead>
            <tr>
              <th scope="col">Title</th>
              <th scope="col">Who sees it</th>
              <th scope="col">Text</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((c) => (
              <tr key={c.id}>
                <th scope="row">{c.title}</th>
                <td>{c.team?.name ?? 'Everyone'}</td>
                <td className="admin-text">{c.body}</td>
                <td className="admin-actions">
                  <button
                    type="button"
                    id={`canned-${c.id}`}
                    aria-label={`Change “${c.title}”`}
                    aria-expanded={editing === c.id}
                    onClick={() => setEditing(c.id)}
                  >
                    Change
                  </button>
                  <button type="button" aria-label={`Delete “${c.title}”`} onClick={() => void remove(c)}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editingOne ? (
        <CannedForm
          key={editingOne.id}
          canned={editingOne}
          teams={teams}
          placeholders={placeholders}
          onCancel={() => close(editingOne.id)}
          onSaved={async (saved) => {
            setSaid(`“${saved.title}” saved.`);
            await load();
            close(saved.id);
          }}
        />
      ) : null}
      <CannedForm
        canned={null}
        teams={teams}
        placeholders={placeholders}
        onSaved={async (saved) => {
          setSaid(`“${saved.title}” added.`);
          await load();
        }}
      />
    </>
  );
}

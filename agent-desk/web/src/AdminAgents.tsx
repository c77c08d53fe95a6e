// Admin → Agents: every account with its role, teams, status and whether it can sign in. Supervisors and
// admins set an agent's teams, skills and capacity; admins also add accounts, set a forgotten password, sign
// an account out everywhere, and disable or enable it. Results and refusals (in the hub's words) are said in
// live regions.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, errorText, type Agent, type TaxonomyNeed } from './api.ts';
import { NeedPicker, sentence, type TeamRow } from './AdminCommon.tsx';
import { CHANNEL_NAMES, PRESENCE_NAMES } from './text.ts';

interface AgentRow {
  id: string;
  displayName: string;
  email: string;
  role: Agent['role'];
  presence: string;
  skills: string[];
  capacity: Record<string, number>;
  teams: { id: string; name: string }[];
  disabled: boolean;
}
interface ServiceRef {
  id: string;
  name: string;
  organisation: string;
}

const ROLES: { value: Agent['role']; label: string }[] = [
  { value: 'agent', label: 'Agent' },
  { value: 'supervisor', label: 'Supervisor' },
  { value: 'admin', label: 'Admin' },
  { value: 'service', label: 'Service team (works one service’s hand-offs)' },
  { value: 'strategy', label: 'Managers and strategy (the evidence view only)' },
];
/** A role as the Agents table says it (the form's choices say more). */
const ROLE_NAMES: Record<string, string> = { agent: 'Agent', supervisor: 'Supervisor', admin: 'Admin', service: 'Service team', strategy: 'Strategy' };
const MIN_PASSWORD = 12;
const sessions = (n: number) => `${n} ${n === 1 ? 'session' : 'sessions'}`;

function CreateAgent({ services, onCreated }: { services: ServiceRef[]; onCreated: (name: string) => Promise<void> }) {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Agent['role']>('agent');
  const [serviceId, setServiceId] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    if (password.length < MIN_PASSWORD) return setError(`The password must be at least ${MIN_PASSWORD} characters.`);
    setBusy(true);
    try {
      await api('/api/agents', {
        method: 'POST',
        body: { displayName: name, email, role, password, ...(role === 'service' && serviceId ? { serviceId } : {}) },
      });
      const created = name.trim();
      setName('');
      setEmail('');
      setPassword('');
      setRole('agent');
      setServiceId('');
      await onCreated(created);
    } catch (e) {
      setError(sentence(errorText(e)));
    } finally {
      setBusy(false);
    }
  };
  const invalid = error ? true : undefined;
  return (
    <section aria-labelledby="new-agent-title">
      <h4 id="new-agent-title">Add an account</h4>
      <form id="new-agent-form" onSubmit={submit} noValidate>
        <label htmlFor="new-agent-name">Name</label>
        <input
          id="new-agent-name"
          autoComplete="off"
          required
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={invalid}
          aria-describedby="new-agent-error"
        />
        <label htmlFor="new-agent-email">Email</label>
        <input
          id="new-agent-email"
          type="email"
          autoComplete="off"
          required
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          aria-invalid={invalid}
          aria-describedby="new-agent-error"
        />
        <label htmlFor="new-agent-role">Role</label>
        <select id="new-agent-role" value={role} onChange={(e) => setRole(e.target.value as Agent['role'])}>
          {ROLES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
        {role === 'service' ? (
          <>
            <label htmlFor="new-agent-service">Service</label>
            <select id="new-agent-service" value={serviceId} onChange={(e) => setServiceId(e.target.value)}>
              <option value="">None yet (sees no hand-offs)</option>
              {services.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name} ({s.organisation})
                </option>
              ))}
            </select>
          </>
        ) : null}
        <label htmlFor="new-agent-password">First password</label>
        <input
          id="new-agent-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={invalid}
          aria-describedby="new-agent-password-hint new-agent-error"
        />
        <p id="new-agent-password-hint" className="hint">
          At least {MIN_PASSWORD} characters; not a common password, nor only the council’s or the person’s own words. Tell them it another way; they can change
          it under Your account.
        </p>
        <button type="submit" disabled={busy}>
          Add the account
        </button>
        <p id="new-agent-error" role="alert">
          {error}
        </p>
      </form>
    </section>
  );
}

function RoutingForm({
  agent,
  teams,
  taxonomy,
  onSaved,
  onCancel,
}: {
  agent: AgentRow;
  teams: TeamRow[];
  taxonomy: TaxonomyNeed[];
  onSaved: () => Promise<void>;
  onCancel: () => void;
}) {
  const [teamIds, setTeamIds] = useState(agent.teams.map((t) => t.id));
  const [skills, setSkills] = useState(agent.skills);
  const [capacity, setCapacity] = useState<Record<string, string>>(Object.fromEntries(Object.entries(agent.capacity).map(([k, v]) => [k, String(v)])));
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const title = useRef<HTMLHeadingElement>(null);
  useEffect(() => title.current?.focus(), []);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    const numbers = Object.entries(capacity).map(([k, v]) => [k, Number(v)] as const);
    const bad = numbers.find(([, n]) => !Number.isInteger(n) || n < 0 || n > 50);
    if (bad) return setError(`Capacity for ${bad[0]} must be a whole number from 0 to 50.`);
    setBusy(true);
    try {
      await api(`/api/agents/${agent.id}/routing`, { method: 'PUT', body: { teamIds, skills, capacity: Object.fromEntries(numbers) } });
      await onSaved();
    } catch (e) {
      setError(sentence(errorText(e)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="routing-title" className="admin-editor">
      <h4 id="routing-title" tabIndex={-1} ref={title}>
        Routing for {agent.displayName}
      </h4>
      <form id="routing-form" onSubmit={submit} noValidate>
        <fieldset>
          <legend>Teams</legend>
          {teams.length === 0 ? <p>There are no teams yet.</p> : null}
          <ul className="admin-checks">
            {teams.map((t) => (
              <li key={t.id}>
                <input
                  id={`routing-team-${t.id}`}
                  type="checkbox"
                  checked={teamIds.includes(t.id)}
                  onChange={(e) => setTeamIds(e.target.checked ? [...teamIds, t.id] : teamIds.filter((id) => id !== t.id))}
                />
                <label htmlFor={`routing-team-${t.id}`}>{t.name}</label>
              </li>
            ))}
          </ul>
        </fieldset>
        <NeedPicker id="routing-skill" legend="Skills" hint="None ticked: offered any need." taxonomy={taxonomy} value={skills} onChange={setSkills} />
        <fieldset aria-describedby="capacity-hint">
          <legend>Conversations at once, by channel</legend>
          <p id="capacity-hint" className="hint">
            0: not offered that channel.
          </p>
          {Object.keys(capacity).map((kind) => (
            <div key={kind} className="admin-number">
              <label htmlFor={`capacity-${kind}`}>{CHANNEL_NAMES[kind] ?? kind}</label>
              <input
                id={`capacity-${kind}`}
                type="number"
                inputMode="numeric"
                min={0}
                max={50}
                step={1}
                value={capacity[kind]}
                onChange={(e) => setCapacity({ ...capacity, [kind]: e.target.value })}
                aria-describedby="routing-error"
              />
            </div>
          ))}
        </fieldset>
        <button type="submit" disabled={busy}>
          Save routing
        </button>{' '}
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <p id="routing-error" role="alert">
          {error}
        </p>
      </form>
    </section>
  );
}

function PasswordForm({ agent, onDone, onCancel }: { agent: AgentRow; onDone: (said: string) => void; onCancel: () => void }) {
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const title = useRef<HTMLHeadingElement>(null);
  useEffect(() => title.current?.focus(), []);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    if (password.length < MIN_PASSWORD) return setError(`The password must be at least ${MIN_PASSWORD} characters.`);
    setBusy(true);
    try {
      const { sessionsEnded } = await api<{ sessionsEnded: number }>(`/api/agents/${agent.id}/password`, { method: 'POST', body: { password } });
      onDone(`New password set for ${agent.displayName}. They were signed out everywhere (${sessions(sessionsEnded)}).`);
    } catch (e) {
      setError(sentence(errorText(e)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="reset-title" className="admin-editor">
      <h4 id="reset-title" tabIndex={-1} ref={title}>
        New password for {agent.displayName}
      </h4>
      <form id="reset-form" onSubmit={submit} noValidate>
        <label htmlFor="reset-password">New password</label>
        <input
          id="reset-password"
          type="password"
          autoComplete="new-password"
          required
          minLength={MIN_PASSWORD}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby="reset-hint reset-error"
        />
        <p id="reset-hint" className="hint">
          For a forgotten password. Every session of the account ends. Tell them the new one another way.
        </p>
        <button type="submit" disabled={busy}>
          Set the password
        </button>{' '}
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <p id="reset-error" role="alert">
          {error}
        </p>
      </form>
    </section>
  );
}

export function AdminAgents({ me }: { me: Agent }) {
  const admin = me.role === 'admin';
  const [rows, setRows] = useState<AgentRow[] | null>(null);
  const [teams, setTeams] = useState<TeamRow[]>([]);
  const [taxonomy, setTaxonomy] = useState<TaxonomyNeed[]>([]);
  const [services, setServices] = useState<ServiceRef[]>([]);
  const [editing, setEditing] = useState<{ id: string; what: 'routing' | 'password' } | null>(null);
  const [said, setSaid] = useState('');
  const [error, setError] = useState('');

  const load = useCallback(async () => {
    const { agents } = await api<{ agents: AgentRow[] }>('/api/agents');
    setRows(agents);
  }, []);
  useEffect(() => {
    load().catch((e) => setError(sentence(errorText(e))));
    api<{ teams: TeamRow[] }>('/api/teams').then(
      ({ teams: t }) => setTeams(t),
      () => {},
    );
    api<{ needs: TaxonomyNeed[] }>('/api/needs/taxonomy').then(
      ({ needs }) => setTaxonomy(needs),
      () => {},
    );
    if (admin)
      api<{ services: ServiceRef[] }>('/api/services').then(
        ({ services: s }) => setServices(s),
        () => {},
      );
  }, [load, admin]);

  /** Closes the editor, giving focus back to the button that opened it. */
  const close = (id: string, what: 'routing' | 'password') => {
    setEditing(null);
    requestAnimationFrame(() => document.getElementById(`${what}-${id}`)?.focus());
  };
  const act = async (row: AgentRow, path: string, words: (body: { sessionsEnded?: number }) => string) => {
    setError('');
    setSaid('');
    try {
      const body = await api<{ sessionsEnded?: number }>(`/api/agents/${row.id}/${path}`, { method: 'POST' });
      setSaid(words(body));
      await load();
    } catch (e) {
      setError(sentence(errorText(e)));
    }
  };
  const editingRow = editing && rows?.find((r) => r.id === editing.id);

  return (
    <>
      <p role="status" id="agents-said">
        {said}
      </p>
      <p role="alert">{error}</p>
      {rows === null ? (
        <p>Loading…</p>
      ) : (
        <table id="admin-agent-list" className="admin-table">
          <caption className="visually-hidden">Accounts</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Teams</th>
              <th scope="col">Status</th>
              <th scope="col">Can sign in</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <th scope="row">{row.displayName}</th>
                <td>{row.email}</td>
                <td>{ROLE_NAMES[row.role] ?? row.role}</td>
                <td>{row.teams.map((t) => t.name).join(', ') || 'None'}</td>
                <td>{PRESENCE_NAMES[row.presence] ?? row.presence}</td>
                <td>{row.disabled ? 'No: disabled' : 'Yes'}</td>
                <td className="admin-actions">
                  {/* Service-team and strategy accounts are never offered conversations: no routing to set. */}
                  {row.role === 'service' || row.role === 'strategy' ? null : (
                    <button
                      type="button"
                      id={`routing-${row.id}`}
                      aria-label={`Routing for ${row.displayName}`}
                      aria-expanded={editing?.id === row.id && editing.what === 'routing'}
                      onClick={() => setEditing({ id: row.id, what: 'routing' })}
                    >
                      Routing
                    </button>
                  )}
                  {admin && row.id !== me.id ? (
                    <>
                      <button
                        type="button"
                        id={`password-${row.id}`}
                        aria-label={`New password for ${row.displayName}`}
                        aria-expanded={editing?.id === row.id && editing.what === 'password'}
                        onClick={() => setEditing({ id: row.id, what: 'password' })}
                      >
                        New password
                      </button>
                      <button
                        type="button"
                        aria-label={`Sign out ${row.displayName} everywhere`}
                        onClick={() => void act(row, 'sign-out', (b) => `${row.displayName} was signed out everywhere (${sessions(b.sessionsEnded ?? 0)}).`)}
                      >
                        Sign out
                      </button>
                      <button
                        type="button"
                        aria-label={`${row.disabled ? 'Enable' : 'Disable'} ${row.displayName}`}
                        onClick={() =>
                          void act(row, row.disabled ? 'enable' : 'disable', () =>
                            row.disabled ? `${row.displayName} can sign in again.` : `${row.displayName} is disabled and was signed out everywhere.`,
                          )
                        }
                      >
                        {row.disabled ? 'Enable' : 'Disable'}
                      </button>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editingRow && editing.what === 'routing' ? (
        <RoutingForm
          key={editingRow.id}
          agent={editingRow}
          teams={teams}
          taxonomy={taxonomy}
          onCancel={() => close(editingRow.id, 'routing')}
          onSaved={async () => {
            setSaid(`Routing saved for ${editingRow.displayName}.`);
            await load();
            close(editingRow.id, 'routing');
          }}
        />
      ) : null}
      {editingRow && editing.what === 'password' ? (
        <PasswordForm
          key={editingRow.id}
          agent={editingRow}
          onCancel={() => close(editingRow.id, 'password')}
          onDone={(words) => {
            setSaid(words);
            close(editingRow.id, 'password');
          }}
        />
      ) : null}
      {admin ? (
        <CreateAgent
          services={services}
          onCreated={async (name) => {
            setSaid(`${name}’s account was added.`);
            await load();
          }}
        />
      ) : null}
    </>
  );
}

// Admin → Audit log (admins): who did what and when, newest first, filtered by action, agent, customer and
// dates, fifty at a time. Read only. Each event's detail is shown as "key: value" text, never as HTML.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, errorText } from './api.ts';
import { sentence } from './AdminCommon.tsx';

interface AuditEvent {
  id: string;
  action: string;
  at: string;
  agent: { id: string; displayName: string; email: string } | null;
  customerId: string | null;
  reason: string | null;
  detail: Record<string, unknown>;
}
interface AuditPage {
  events: AuditEvent[];
  next: string | null;
  actions: string[];
}
interface AgentName {
  id: string;
  displayName: string;
  email: string;
}

const PAGE = 50;

/** "agent_password_reset" → "agent password reset": the hub's own names, readable. */
const actionWords = (action: string) => action.replace(/_/g, ' ');

/** The start of a local calendar day (yyyy-mm-dd), as an instant; `days` later for an end. */
function dayStart(date: string, days = 0): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(y, m - 1, d + days).toISOString();
}

function detailValue(key: string, value: unknown, agents: AgentName[]): string {
  if (typeof value === 'string') {
    // Ids of accounts read as the account's name, with the id for searching.
    const named = key === 'agent' ? agents.find((a) => a.id === value) : undefined;
    return named ? `${named.displayName} (${value})` : value;
  }
  return JSON.stringify(value);
}

export function AdminAudit() {
  const [agents, setAgents] = useState<AgentName[]>([]);
  const [actions, setActions] = useState<string[]>([]);
  const [action, setAction] = useState('');
  const [agentId, setAgentId] = useState('');
  const [customerId, setCustomerId] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [events, setEvents] = useState<AuditEvent[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [said, setSaid] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  // The filters the list shows; "Show older" pages through these, not what is typed since.
  const shown = useRef('');
  const firstNew = useRef<string | null>(null);

  const fetchPage = useCallback(async (query: string, before: string | null) => {
    const page = await api<AuditPage>(`/api/admin/audit?${query}${before ? `&before=${before}` : ''}`);
    setActions(page.actions);
    setNext(page.next);
    return page;
  }, []);

  const search = async (event?: FormEvent) => {
    event?.preventDefault();
    setError('');
    setBusy(true);
    const params = new URLSearchParams({ limit: String(PAGE) });
    if (action) params.set('action', action);
    if (agentId) params.set('agentId', agentId);
    if (customerId.trim()) params.set('customerId', customerId.trim());
    if (from) params.set('from', dayStart(from));
    if (to) params.set('to', dayStart(to, 1));
    try {
      const page = await fetchPage(params.toString(), null);
      shown.current = params.toString();
      setEvents(page.events);
      const n = page.events.length;
      setSaid(n ? `${n}${page.next ? ' most recent' : ''} ${n === 1 ? 'event' : 'events'} shown.` : 'No events match.');
    } catch (e) {
      setError(sentence(errorText(e)));
    } finally {
      setBusy(false);
    }
  };

  const older = async () => {
    if (!next || !events) return;
    setError('');
    setBusy(true);
    try {
      const page = await fetchPage(shown.current, next);
      firstNew.current = page.events[0]?.id ?? null;
      setEvents([...events, ...page.events]);
      setSaid(`${page.events.length} older ${page.events.length === 1 ? 'event' : 'events'} added.`);
    } catch (e) {
      setError(sentence(errorText(e)));
    } finally {
      setBusy(false);
    }
  };

  // After "Show older", focus goes to the first added row, so the keyboard carries on where the list grew.
  useEffect(() => {
    if (!firstNew.current) return;
    document.getElementById(`audit-${firstNew.current}`)?.focus();
    firstNew.current = null;
  }, [events]);

  // Once, on opening: later searches are asked for, with the filters as they are then.
  // biome-ignore lint/correctness/useExhaustiveDependencies: search is not a dependency: it runs once here
  useEffect(() => {
    api<{ agents: AgentName[] }>('/api/agents').then(
      ({ agents: a }) => setAgents(a),
      () => {},
    );
    void search();
  }, []);

  return (
    <>
      <form id="audit-filters" onSubmit={search} noValidate aria-describedby="audit-error">
        <div className="admin-filters">
          <div>
            <label htmlFor="audit-action">Action</label>
            <select id="audit-action" value={action} onChange={(e) => setAction(e.target.value)}>
              <option value="">Any action</option>
              {actions.map((a) => (
                <option key={a} value={a}>
                  {actionWords(a)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="audit-agent">Done by</label>
            <select id="audit-agent" value={agentId} onChange={(e) => setAgentId(e.target.value)}>
              <option value="">Anyone</option>
              {agents.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.displayName} ({a.email})
                </option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor="audit-customer">Customer id</label>
            <input id="audit-customer" autoComplete="off" spellCheck={false} value={customerId} onChange={(e) => setCustomerId(e.target.value)} />
          </div>
          <div>
            <label htmlFor="audit-from">From (date)</label>
            <input id="audit-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
          </div>
          <div>
            <label htmlFor="audit-to">To (date, included)</label>
            <input id="audit-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
          </div>
        </div>
        <button type="submit" disabled={busy}>
          Show events
        </button>
      </form>
      <p role="status">{said}</p>
      <p id="audit-error" role="alert">
        {error}
      </p>
      {events === null ? (
        <p>Loading…</p>
      ) : events.length === 0 ? null : (
        <table id="audit-list" className="admin-table">
          <caption className="visually-hidden">Audit events, newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
              <th scope="col">Customer</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {events.map((e) => (
              <tr key={e.id} id={`audit-${e.id}`} tabIndex={-1}>
                <th scope="row">
                  <time dateTime={e.at}>{new Date(e.at).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' })}</time>
                </th>
                <td>{e.agent ? `${e.agent.displayName} (${e.agent.email})` : 'The customer, or the hub'}</td>
                <td>{actionWords(e.action)}</td>
                <td className="admin-code">{e.customerId ?? ''}</td>
                <td>
                  {e.reason || Object.keys(e.detail).length ? (
                    <dl className="admin-detail">
                      {e.reason ? (
                        <div>
                          <dt>reason</dt>
                          <dd>{e.reason}</dd>
                        </div>
                      ) : null}
                      {Object.entries(e.detail).map(([key, value]) => (
                        <div key={key}>
                          <dt>{key}</dt>
                          <dd>{detailValue(key, value, agents)}</dd>
                        </div>
                      ))}
                    </dl>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {next ? (
        <button type="button" disabled={busy} onClick={() => void older()}>
          Show older events
        </button>
      ) : null}
    </>
  );
}

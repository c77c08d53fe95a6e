// The desk of a service-team account (a service in the directory without Slack or its own system): the
// hand-offs for its service instead of conversations, live, and one at a time in full with what can be done.
// Service accounts may use only the hand-off routes: every other desk route answers 403.
import { useCallback, useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { api } from './api.ts';
import { HandoffDetail } from './HandoffDetail.tsx';
import { HandoffList } from './HandoffList.tsx';
import { HandoffStyles } from './HandoffStyles.tsx';
import { plainError, useSocketEvent, type Handoff, type ServiceEntry } from './handoffs.ts';

type Show = 'open' | 'all';

export function ServiceDesk() {
  const [socket, setSocket] = useState<Socket | null>(null);
  const [handoffs, setHandoffs] = useState<Handoff[] | null>(null);
  const [show, setShow] = useState<Show>('open');
  const [currentId, setCurrentId] = useState<string | null>(null);
  const [services, setServices] = useState<ServiceEntry[] | null>(null);
  const [announce, setAnnounce] = useState('');
  const [error, setError] = useState('');
  const showRef = useRef(show);
  showRef.current = show;
  // Hand-offs already seen, so that only new ones are announced.
  const seen = useRef<Set<string> | null>(null);

  const load = useCallback(async () => {
    const asked = showRef.current;
    try {
      const { handoffs: list } = await api<{ handoffs: Handoff[] }>(`/api/handoffs?status=${asked}`);
      if (asked !== showRef.current) return;
      const fresh = seen.current ? list.filter((h) => !seen.current!.has(h.id)) : [];
      if (fresh.length) setAnnounce(`New hand-off for your service: ${fresh.map((h) => `reference ${h.reference}${h.urgent ? ', urgent' : ''}`).join('; ')}.`);
      seen.current = new Set([...(seen.current ?? []), ...list.map((h) => h.id)]);
      setHandoffs(list);
      setError('');
    } catch (e) {
      setError(plainError(e));
    }
  }, []);

  useEffect(() => {
    // WebSocket first, as the desk does: several hub processes then need no sticky sessions.
    const s = io('/desk', { withCredentials: true, transports: ['websocket', 'polling'] });
    setSocket(s);
    return () => {
      s.close();
      setSocket(null);
    };
  }, []);
  useEffect(() => void load(), [show, load]);
  useEffect(() => {
    // Needed to pass a hand-off on; null (the route is refused) shows who can do that instead.
    api<{ services: ServiceEntry[] }>('/api/services').then(
      ({ services: list }) => setServices(list),
      () => setServices(null),
    );
  }, []);
  useSocketEvent(socket, 'handoff.updated', () => void load());
  // After a reconnect: missed events are not replayed.
  useSocketEvent(socket, 'connect', () => void load());
  useSocketEvent(socket, 'desk.resync', () => void load());

  const count =
    handoffs === null
      ? 'Loading…'
      : handoffs.length
        ? `${handoffs.length} hand-off${handoffs.length === 1 ? '' : 's'}, urgent first.`
        : show === 'open'
          ? 'Nothing open for your service.'
          : 'No hand-offs for your service yet.';
  return (
    <div id="desk" className="service-desk">
      <HandoffStyles />
      <nav aria-labelledby="handoffs-title">
        <h2 id="handoffs-title" tabIndex={-1}>
          Hand-offs for your service
        </h2>
        <fieldset id="handoff-filter">
          <legend>Show</legend>
          {(
            [
              ['open', 'Open'],
              ['all', 'All, closed ones too'],
            ] as const
          ).map(([value, label]) => (
            <span key={value} className="check">
              <input type="radio" id={`handoff-show-${value}`} name="handoff-show" value={value} checked={show === value} onChange={() => setShow(value)} />
              <label htmlFor={`handoff-show-${value}`}>{label}</label>
            </span>
          ))}
        </fieldset>
        <p id="handoffs-count">{count}</p>
        <HandoffList handoffs={handoffs ?? []} currentId={currentId} labelledBy="handoffs-title" onOpen={setCurrentId} />
        <p role="alert">{error}</p>
        <p className="visually-hidden" role="status">
          {announce}
        </p>
      </nav>
      <section id="handoff" aria-label="The hand-off you chose">
        {currentId ? (
          <HandoffDetail handoffId={currentId} socket={socket} services={services} level={2} ownService onChanged={() => void load()} />
        ) : (
          <h2>Choose a hand-off</h2>
        )}
      </section>
    </div>
  );
}

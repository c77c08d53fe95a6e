// What sits around the three panes rather than in them: conversations offered to me (a card under the header
// while any is pending: each runs out), phone calls waiting (the header's Calls button opens them, with the
// number my calls are put through to), and the supervisor's live queues, agents and calls.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, errorText, type Call, type Offer, type Overview } from './api.ts';
import { ChannelIcon, Icon } from './Icons.tsx';
import { CALL_STATE, contactLabel, minutesSince, minutesWaiting, secondsLeft, CHANNEL_NAMES, PRESENCE_NAMES } from './text.ts';

/** Ticks every `ms`: only the text that depends on the time changes, so keyboard focus stays where it is. */
export function useNow(ms: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(timer);
  }, [ms]);
  return now;
}

interface OffersProps {
  offers: Map<string, Offer>;
  announce: string;
  error: string;
  onAnswer: (offer: Offer, answer: 'accept' | 'decline') => void;
}

export function Offers({ offers, announce, error, onAnswer }: OffersProps) {
  const now = useNow(1000);
  return (
    <>
      <section id="offers" className="offers-card" aria-labelledby="offers-title" hidden={offers.size === 0}>
        <h2 id="offers-title">Offered to you</h2>
        <ul id="offer-list">
          {[...offers.values()].map((offer) => {
            const c = offer.conversation;
            const who = contactLabel(c.customer);
            // A call is ringing for this agent: accepting puts the caller through to their phone.
            const call = c.channelCapabilities.speaks;
            const what = call ? 'call' : 'conversation';
            const said = c.lastInbound?.body ?? c.lastMessage?.body ?? '';
            return (
              <li key={offer.id} data-offer-id={offer.id} className={[c.urgent ? 'urgent-offer' : '', call ? 'call-offer' : ''].join(' ').trim() || undefined}>
                <strong>
                  {`${c.urgent ? 'URGENT · ' : ''}${call ? 'Incoming call · ringing · ' : ''}`}
                  <bdi>{who}</bdi>
                </strong>
                <span className="meta">
                  <ChannelIcon channel={c.channel} />
                  {` ${CHANNEL_NAMES[c.channel] ?? c.channel}${c.team ? ` · ${c.team.name}` : ''} · `}
                  <bdi>{said.slice(0, 120)}</bdi>
                </span>
                <span className="meta countdown">{`Runs out in ${secondsLeft(offer, now)} s`}</span>
                <span className="offer-buttons">
                  <button type="button" className="primary" aria-label={`Accept ${what} with ${who}`} onClick={() => onAnswer(offer, 'accept')}>
                    {call ? 'Answer' : 'Accept'}
                  </button>
                  <button type="button" aria-label={`Decline ${what} with ${who}`} onClick={() => onAnswer(offer, 'decline')}>
                    Decline
                  </button>
                </span>
              </li>
            );
          })}
        </ul>
        <p className="hint">Alt+A accepts the first offer, Alt+D declines it.</p>
      </section>
      <p id="offer-announce" className="visually-hidden" role="status">
        {announce}
      </p>
      <p id="offer-error" className="floating-alert" role="alert">
        {error}
      </p>
    </>
  );
}

/** The supervisor's tables: who waits for which team (and who is available for it), and each agent's presence and load. */
export function QueuesAndAgents({ overview }: { overview: Overview | null }) {
  const now = Date.now();
  return (
    <section id="supervisor" className="card" aria-labelledby="supervisor-title">
      <h3 id="supervisor-title">Queues and agents</h3>
      <table id="queue-table" className="data">
        <caption>Waiting for a person, by team</caption>
        <thead>
          <tr>
            <th scope="col">Team</th>
            <th scope="col" className="num">
              Waiting
            </th>
            <th scope="col" className="num">
              Urgent
            </th>
            <th scope="col">Longest wait</th>
          </tr>
        </thead>
        <tbody>
          {overview?.queues.map((q, i) => (
            <tr key={`${q.name}-${i}`} className={q.urgent ? 'urgent-row' : undefined}>
              {/* Who could take them, under the team's name: a fifth column would not fit a phone's width. */}
              <td>
                {q.name}
                {q.open ? null : <span className="meta">{` · closed now${q.hours ? `, open ${q.hours}` : ''}`}</span>}
                <span className="meta queue-available">
                  {q.available.length ? `Available: ${q.available.map((a) => a.displayName).join(', ')}` : 'Nobody available'}
                </span>
              </td>
              <td className="num">{String(q.waiting)}</td>
              <td className="num">{String(q.urgent)}</td>
              <td>{q.longestWaitSince ? `${minutesSince(q.longestWaitSince, now)} min` : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table id="agent-table" className="data">
        <caption>Agents</caption>
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Status</th>
            <th scope="col">Conversations</th>
          </tr>
        </thead>
        <tbody>
          {overview?.agents.map((a, i) => (
            <tr key={`${a.displayName}-${i}`}>
              <td>{a.displayName}</td>
              <td>
                <span className={`presence-dot presence-${a.presence}`} aria-hidden="true" />
                {PRESENCE_NAMES[a.presence] ?? a.presence}
              </td>
              <td>
                {Object.entries(a.load)
                  .map(([channel, n]) => `${n} ${CHANNEL_NAMES[channel] ?? channel}`)
                  .join(', ') || 'none'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Calls waiting or in progress, for the supervisor's view: read only (agents take them from the header). */
export function CallsOverview({ calls }: { calls: Map<string, Call> }) {
  const now = useNow(30_000);
  const live = [...calls.values()].filter((c) => c.state !== 'ended').sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
  return (
    <section id="calls-overview" className="card" aria-labelledby="calls-overview-title">
      <h3 id="calls-overview-title">Phone calls</h3>
      {live.length ? (
        <table className="data">
          <caption className="visually-hidden">Calls waiting or in progress</caption>
          <thead>
            <tr>
              <th scope="col">Caller</th>
              <th scope="col">State</th>
              <th scope="col">Waiting</th>
              <th scope="col">Said</th>
            </tr>
          </thead>
          <tbody>
            {live.map((call) => (
              <tr key={call.id}>
                <td>{call.customer.displayName || call.fromAddress}</td>
                <td>{`${CALL_STATE[call.state]}${call.agent ? ` · ${call.agent.displayName}` : ''}`}</td>
                <td>{minutesWaiting(call, now)}</td>
                <td>{call.said.join(' / ') || '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No calls waiting or in progress.</p>
      )}
    </section>
  );
}

interface CallsProps {
  calls: Map<string, Call>;
  error: string;
  onTake: (call: Call) => Promise<boolean>;
  phone: string;
  onPhone: (phone: string) => void;
}

/**
 * The header's Calls button says how many callers wait; it opens the list (each with what they said, and Take)
 * and the number calls are put through to. Escape or the button shuts it and focus goes back to the button.
 */
export function Calls({ calls, error, onTake, phone, onPhone }: CallsProps) {
  // Waiting times move on even when nothing else happens.
  const now = useNow(30_000);
  const [open, setOpen] = useState(false);
  const [status, setStatus] = useState('');
  const [value, setValue] = useState(phone);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const panelRef = useRef<HTMLDivElement>(null);
  useEffect(() => setValue(phone), [phone]);
  const live = [...calls.values()].filter((c) => c.state !== 'ended').sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));
  const waiting = live.filter((c) => c.state === 'queued').length;

  // A click anywhere else shuts it, as a menu would; so does Escape, and focus goes back to the button.
  useEffect(() => {
    if (!open) return;
    const away = (event: MouseEvent) => {
      const target = event.target as Node;
      if (!panelRef.current?.contains(target) && !buttonRef.current?.contains(target)) setOpen(false);
    };
    const onEscape = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      buttonRef.current?.focus();
    };
    document.addEventListener('mousedown', away);
    document.addEventListener('keydown', onEscape);
    return () => {
      document.removeEventListener('mousedown', away);
      document.removeEventListener('keydown', onEscape);
    };
  }, [open]);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setStatus('');
    try {
      const { phone: saved } = await api<{ phone: string | null }>('/api/agents/me/voice', { method: 'PUT', body: { phone: value.trim() || null } });
      onPhone(saved ?? '');
      setValue(saved ?? '');
      setStatus(saved ? `Calls you take will ring ${saved}.` : 'No number set: you cannot take calls.');
    } catch (e) {
      setStatus(errorText(e));
    }
  };

  const take = async (call: Call) => {
    if (await onTake(call)) setOpen(false);
  };

  return (
    <div className="calls-control">
      <button
        type="button"
        id="calls-button"
        ref={buttonRef}
        className={waiting ? 'calls-waiting' : undefined}
        aria-expanded={open}
        aria-controls="calls"
        onClick={() => setOpen(!open)}
      >
        <Icon name="phone" />
        <span>{waiting ? `${waiting} ${waiting === 1 ? 'call' : 'calls'} waiting` : 'No one is waiting.'}</span>
      </button>
      <div id="calls" ref={panelRef} className="popover" hidden={!open}>
        <section aria-labelledby="calls-title">
          <h2 id="calls-title">Calls waiting</h2>
          <ul id="call-list">
            {live.map((call) => {
              const who = call.customer.displayName || call.fromAddress;
              return (
                <li key={call.id} data-call-id={call.id}>
                  <strong>{who}</strong>
                  <span className="meta">{`${CALL_STATE[call.state]}${call.agent ? ` · ${call.agent.displayName}` : ''} · waiting ${minutesWaiting(call, now)}`}</span>
                  <span className="said">{call.said.length ? `Said: ${call.said.join(' / ')}` : 'Has not said anything yet.'}</span>
                  {call.state === 'queued' ? (
                    <button type="button" className="primary" onClick={() => void take(call)}>{`Take call from ${who}`}</button>
                  ) : null}
                </li>
              );
            })}
          </ul>
          {live.length ? null : <p className="hint">Nobody is on the line.</p>}
          <p id="call-error" role="alert">
            {error}
          </p>
          <form id="voice-form" onSubmit={save}>
            <label htmlFor="voice-phone">Put my calls through to</label>
            <div className="field-row">
              <input
                id="voice-phone"
                name="phone"
                type="tel"
                autoComplete="tel"
                placeholder="Your phone number"
                value={value}
                onChange={(e) => setValue(e.target.value)}
              />
              <button type="submit">Save number</button>
            </div>
            <p id="voice-status" aria-live="polite">
              {status}
            </p>
          </form>
        </section>
      </div>
    </div>
  );
}

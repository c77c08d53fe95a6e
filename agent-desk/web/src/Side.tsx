// The desk's left column above the list: conversations offered to me (each runs out), the supervisor's live
// queues and agents, and phone calls waiting for a person.
import { useEffect, useState, type FormEvent } from 'react';
import { api, errorText, type Call, type Offer, type Overview } from './api.ts';
import { CALL_STATE, contactLabel, minutesSince, minutesWaiting, secondsLeft } from './text.ts';

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
    <section id="offers" aria-labelledby="offers-title">
      <h2 id="offers-title">Offered to you</h2>
      <p id="offers-empty" hidden={offers.size > 0}>
        Nothing offered. Set your status to Available to be offered conversations.
      </p>
      <ul id="offer-list">
        {[...offers.values()].map((offer) => {
          const c = offer.conversation;
          const who = contactLabel(c.customer);
          // A call is ringing for this agent: accepting puts the caller through to their phone.
          const call = c.channelCapabilities.speaks;
          const what = call ? 'call' : 'conversation';
          return (
            <li key={offer.id} data-offer-id={offer.id} className={[c.urgent ? 'urgent-offer' : '', call ? 'call-offer' : ''].join(' ').trim() || undefined}>
              <strong>{`${c.urgent ? 'URGENT · ' : ''}${call ? 'Incoming call · ringing · ' : ''}${who}`}</strong>
              <span className="meta">{`${c.channel.toUpperCase()}${c.team ? ` · ${c.team.name}` : ''} · ${c.lastMessage ? c.lastMessage.body.slice(0, 120) : ''}`}</span>
              <span className="meta countdown">{`Runs out in ${secondsLeft(offer, now)} s`}</span>
              <button type="button" aria-label={`Accept ${what} with ${who}`} onClick={() => onAnswer(offer, 'accept')}>
                {call ? 'Answer' : 'Accept'}
              </button>
              <button type="button" aria-label={`Decline ${what} with ${who}`} onClick={() => onAnswer(offer, 'decline')}>
                Decline
              </button>
            </li>
          );
        })}
      </ul>
      <p id="offer-announce" className="visually-hidden" role="status">
        {announce}
      </p>
      <p id="offer-error" role="alert">
        {error}
      </p>
      <p className="hint">Keys: Alt+A accepts the first offer, Alt+D declines it, Alt+S changes your status.</p>
    </section>
  );
}

export function Supervisor({ overview }: { overview: Overview | null }) {
  const now = Date.now();
  return (
    <section id="supervisor" aria-labelledby="supervisor-title">
      <h2 id="supervisor-title">Queues and agents</h2>
      <table id="queue-table">
        <caption>Waiting for a person, by team</caption>
        <thead>
          <tr>
            <th scope="col">Team</th>
            <th scope="col">Waiting</th>
            <th scope="col">Urgent</th>
            <th scope="col">Longest wait</th>
          </tr>
        </thead>
        <tbody>
          {overview?.queues.map((q, i) => (
            <tr key={`${q.name}-${i}`}>
              <td>{q.name}</td>
              <td>{String(q.waiting)}</td>
              <td>{String(q.urgent)}</td>
              <td>{q.longestWaitSince ? `${minutesSince(q.longestWaitSince, now)} min` : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <table id="agent-table">
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
              <td>{a.presence}</td>
              <td>
                {Object.entries(a.load)
                  .map(([channel, n]) => `${n} ${channel}`)
                  .join(', ') || 'none'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

interface CallsProps {
  calls: Map<string, Call>;
  error: string;
  onTake: (call: Call) => void;
  phone: string;
  onPhone: (phone: string) => void;
}

export function Calls({ calls, error, onTake, phone, onPhone }: CallsProps) {
  // Waiting times move on even when nothing else happens.
  const now = useNow(30_000);
  const [status, setStatus] = useState('');
  const [value, setValue] = useState(phone);
  useEffect(() => setValue(phone), [phone]);
  const live = [...calls.values()].filter((c) => c.state !== 'ended').sort((a, b) => a.queuedAt.localeCompare(b.queuedAt));

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

  return (
    <section id="calls" aria-labelledby="calls-title">
      <h2 id="calls-title">Calls waiting</h2>
      <p id="calls-empty" hidden={live.length > 0}>
        No one is waiting.
      </p>
      <ul id="call-list">
        {live.map((call) => {
          const who = call.customer.displayName || call.fromAddress;
          return (
            <li key={call.id} data-call-id={call.id}>
              <strong>{who}</strong>
              <span className="meta">{`${CALL_STATE[call.state]}${call.agent ? ` · ${call.agent.displayName}` : ''} · waiting ${minutesWaiting(call, now)}`}</span>
              <span className="said">{call.said.length ? `Said: ${call.said.join(' / ')}` : 'Has not said anything yet.'}</span>
              {call.state === 'queued' ? <button type="button" onClick={() => onTake(call)}>{`Take call from ${who}`}</button> : null}
            </li>
          );
        })}
      </ul>
      <p id="call-error" role="alert">
        {error}
      </p>
      <form id="voice-form" onSubmit={save}>
        <label htmlFor="voice-phone">Put my calls through to</label>
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
        <p id="voice-status" aria-live="polite">
          {status}
        </p>
      </form>
    </section>
  );
}

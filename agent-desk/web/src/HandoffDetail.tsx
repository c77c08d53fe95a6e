// One hand-off with everything the service needs to act without asking the customer again: the needs, how
// to reach them, what they told us and in their own words, the note, their consent, the rest of their plan
// and what has happened so far; then what can be done with it. Read through GET /api/handoffs/{id}, and read
// again whenever the hub says it changed.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Socket } from 'socket.io-client';
import { api } from './api.ts';
import { HandoffActions } from './HandoffActions.tsx';
import {
  EVENT_WORDS,
  feedbackText,
  inTheirWords,
  isOverdue,
  plainError,
  statusLine,
  STATUS_WORDS,
  useSocketEvent,
  when,
  type Handoff,
  type HandoffEvent,
  type HandoffUpdated,
  type ServiceEntry,
} from './handoffs.ts';
import { CHANNEL_NAMES } from './text.ts';
import { useNow } from './Side.tsx';

interface DetailProps {
  handoffId: string;
  socket: Socket | null;
  services: ServiceEntry[] | null;
  /** The heading level of the hand-off's title: 2 in the service view, 3 in the supervisors' list. */
  level: 2 | 3;
  /** Read by the service's own team (the service view): it is "your service" to them. */
  ownService?: boolean;
  onChanged?: () => void;
}

export function HandoffDetail({ handoffId, socket, services, level, ownService = false, onChanged }: DetailProps) {
  const [handoff, setHandoff] = useState<Handoff | null>(null);
  const [events, setEvents] = useState<HandoffEvent[]>([]);
  const [error, setError] = useState('');
  const asked = useRef(handoffId);
  asked.current = handoffId;

  const load = useCallback(async () => {
    const id = asked.current;
    try {
      const read = await api<{ handoff: Handoff; events: HandoffEvent[] }>(`/api/handoffs/${id}`);
      if (id !== asked.current) return;
      setHandoff(read.handoff);
      setEvents(read.events);
      setError('');
    } catch (e) {
      if (id === asked.current) setError(plainError(e));
    }
  }, []);

  useEffect(() => {
    setHandoff(null);
    setEvents([]);
    void load();
  }, [handoffId, load]);
  useSocketEvent<HandoffUpdated>(socket, 'handoff.updated', (event) => void (event.handoffId === handoffId && load()));
  useSocketEvent(socket, 'desk.resync', () => void load());

  const Title = `h${level}` as 'h2';
  if (!handoff) return error ? <p role="alert">{error}</p> : <p>Loading…</p>;
  return (
    <article id="handoff-detail" className="handoff-detail" aria-labelledby="handoff-detail-title">
      <Title id="handoff-detail-title">{`Hand-off ${handoff.reference} to ${handoff.service.name}`}</Title>
      {error ? <p role="alert">{error}</p> : null}
      <Summary handoff={handoff} />
      <About handoff={handoff} level={(level + 1) as 3 | 4} events={events} ownService={ownService} />
      <HandoffActions
        handoff={handoff}
        services={services}
        level={(level + 1) as 3 | 4}
        onDone={(next) => {
          setHandoff(next);
          void load();
          onChanged?.();
        }}
      />
    </article>
  );
}

function Summary({ handoff: h }: { handoff: Handoff }) {
  const now = useNow(30_000);
  const waiting = h.status === 'sent' || h.status === 'delivered' || h.status === 'failed';
  return (
    <>
      {h.urgent ? <p className="urgent">URGENT: signs of immediate danger. Deal with this first.</p> : null}
      <p id="handoff-status">
        {`Status: ${statusLine(h)}.`}
        {isOverdue(h, now) ? (
          <>
            {' '}
            <strong className="overdue">{`Overdue: it should have been accepted by ${when(h.dueAt)}.`}</strong>
          </>
        ) : waiting ? (
          ` Accept by ${when(h.dueAt)}.`
        ) : null}
      </p>
      {h.outcome ? <p id="handoff-outcome-done">{`What was done: ${h.outcome}`}</p> : null}
    </>
  );
}

function About({ handoff: h, level, events, ownService }: { handoff: Handoff; level: 3 | 4; events: HandoffEvent[]; ownService: boolean }) {
  const Heading = `h${level}` as 'h3';
  const c = h.customer;
  const words = inTheirWords(h);
  const channel = (kind: string | null) => (kind ? (CHANNEL_NAMES[kind] ?? kind) : null);
  const contact: [string, string | null][] = [
    ['Name', c.name ?? 'Not given'],
    ['Phone', c.phone],
    ['Email', c.email],
    ['Postcode', c.postcode],
    ['Language', c.language],
    ['Prefers', channel(c.preferredChannel)],
    ['Accessibility', c.accessibilityNeeds.join('; ') || null],
    ['Replies go by', channel(c.channel)],
  ];
  return (
    <>
      <Heading>Needs</Heading>
      <ul id="handoff-needs">
        {h.needs.map((n) => (
          <li key={n.code}>{n.label}</li>
        ))}
      </ul>
      <Heading>Customer</Heading>
      <dl id="handoff-customer">
        {contact.filter(([, value]) => value).flatMap(([term, value]) => [<dt key={`t${term}`}>{term}</dt>, <dd key={`d${term}`}>{value}</dd>])}
      </dl>
      {h.facts.length ? (
        <>
          <Heading>What they told us</Heading>
          <dl id="handoff-facts">{h.facts.flatMap((f) => [<dt key={`t${f.key}`}>{f.label}</dt>, <dd key={`d${f.key}`}>{f.value}</dd>])}</dl>
        </>
      ) : null}
      <Heading>In their words</Heading>
      {words.length ? words.map((text, i) => <blockquote key={i}>{text}</blockquote>) : <p>They did not write more than a few words.</p>}
      <details id="handoff-excerpt">
        <summary>{`The conversation before it was handed on (${h.excerpt.length} message${h.excerpt.length === 1 ? '' : 's'})`}</summary>
        <ol>
          {h.excerpt.map((line, i) => (
            <li key={i}>
              <span className="meta">{`${when(line.at)} · ${line.from === 'customer' ? 'Customer' : 'Council'}`}</span>
              <span className="pre">{line.text}</span>
            </li>
          ))}
        </ol>
      </details>
      {h.messages.length ? (
        <>
          <Heading>Since it was handed on</Heading>
          <ol id="handoff-messages">
            {h.messages.map((m) => (
              <li key={m.id}>
                <span className="meta">{`${when(m.at)} · ${m.from === 'customer' ? 'The customer' : (m.author ?? h.service.name)}`}</span>
                <span className="pre">{m.text}</span>
              </li>
            ))}
          </ol>
        </>
      ) : null}
      {h.feedback.length ? (
        <>
          <Heading>How the customer says things are</Heading>
          <p className="hint">The contact centre asked the customer how things are now, compared with when they first got in touch.</p>
          <ul id="handoff-feedback">
            {h.feedback.map((f) => (
              <li key={f.followUpId}>{`${when(f.answeredAt)}: ${feedbackText(f, ownService ? 'Your service' : h.service.name)}`}</li>
            ))}
          </ul>
        </>
      ) : null}
      {h.note ? (
        <>
          <Heading>Note from the contact centre</Heading>
          <p id="handoff-note-text" className="pre">
            {h.note}
          </p>
        </>
      ) : null}
      <Heading>Consent to share</Heading>
      <p id="handoff-consent-text">{`The customer agreed on ${when(h.consent.at)}. Recorded by ${h.consent.recordedBy}.`}</p>
      <Heading>The customer’s plan</Heading>
      {h.plan.lead ? <p className="hint">{`Lead at the contact centre: ${h.plan.lead}`}</p> : null}
      <ul id="handoff-plan">
        {h.plan.actions.map((a) => (
          <li
            key={a.id}
          >{`${a.service} (${a.needs.map((n) => n.label).join('; ')}), reference ${a.reference}: ${STATUS_WORDS[a.status]}${a.id === h.id ? ' (this one)' : ''}`}</li>
        ))}
      </ul>
      <Heading>What has happened</Heading>
      <ol id="handoff-events">
        {events.map((e, i) => (
          <li key={i}>{`${when(e.at)}: ${EVENT_WORDS[e.kind] ?? e.kind}${e.actor ? ` (${e.actor})` : ''}`}</li>
        ))}
      </ol>
    </>
  );
}

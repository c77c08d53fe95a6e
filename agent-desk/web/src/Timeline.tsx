// The open conversation's messages, with colleagues' private notes among them by time. Customers' words are
// React text nodes, shown exactly as written; an email's formatted version only ever goes into a sandboxed
// frame (no scripts, no access to the desk), served by the hub with its own strict CSP. What the customer
// wrote and named is isolated (dir="auto", <bdi>): direction controls in it cannot reorder the desk around it.
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react';
import type { Call, Message, Note } from './api.ts';
import { statusLine, type Handoff } from './handoffs.ts';
import { CALL_EVENT, exactTime, senderLabel, statusText, CHANNEL_NAMES } from './text.ts';

// Pictures are shown as well as offered: they come from the hub itself (the desk's CSP allows images from its own
// origin only), served nosniff with a type from the allow-list, and an <img> only ever decodes an image: no script,
// nothing loaded from elsewhere. Types a browser cannot show (HEIC) and anything else stay download-only.
const SHOWN_INLINE = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

function FormattedEmail({ url }: { url: string }) {
  const [opened, setOpened] = useState(false);
  return (
    <details
      onToggle={(e) => {
        if ((e.currentTarget as HTMLDetailsElement).open) setOpened(true);
      }}
    >
      <summary>Show the formatted email</summary>
      <iframe title="Formatted email" sandbox="allow-popups allow-popups-to-escape-sandbox" referrerPolicy="no-referrer" src={opened ? url : undefined} />
    </details>
  );
}

/**
 * An email whose sender could not be confirmed: said in words (not only a colour), on the message itself, so an
 * agent does not act on it as the customer's. Verified email shows nothing extra.
 */
function SenderWarning({ m }: { m: Message }) {
  if (!m.senderAuth || m.senderAuth.verdict === 'pass') return null;
  const why = m.senderAuth.verdict === 'temperror' ? ' (the check could not be completed)' : '';
  return (
    <p className="sender-warning" role="note">
      <strong>Sender not confirmed.</strong>{' '}
      {`We could not confirm this email came from ${m.fromAddress ?? 'the address it shows'}${why}. Check with the customer another way before acting on it or sharing their details.`}
    </p>
  );
}

/** Who wrote it, for the timeline's look: the customer, me, a colleague, the bot, a service, the hub itself. */
function senderKind(m: Message, meId: string | null): string {
  const sender = m.sender;
  if (!sender) return m.direction === 'inbound' ? 'customer' : m.fromBot ? 'bot' : 'automatic';
  if (sender.kind === 'agent') return sender.agentId === meId ? 'me' : 'agent';
  return sender.kind;
}

function MessageItem({ m, meId }: { m: Message; meId: string | null }) {
  const who = senderLabel(m, meId);
  const files = m.attachments.filter((a) => a.filename);
  return (
    <li className={`${m.direction} ${m.status}`} data-message-id={m.id} data-sender={senderKind(m, meId)} title={exactTime(m.createdAt)}>
      <span className="meta">{`${who} · ${CHANNEL_NAMES[m.channel] ?? m.channel} · ${statusText(m)}`}</span>
      <SenderWarning m={m} />
      <span className="body" dir="auto">
        {m.body}
      </span>
      {m.notices.map((notice, i) => (
        <span key={i} className="notice" dir="auto">
          {notice}
        </span>
      ))}
      {files.length ? (
        <ul className="files">
          {files.map((file, i) => (
            <li key={file.url || i}>
              {file.contentType && SHOWN_INLINE.has(file.contentType) ? (
                <img
                  className="picture"
                  src={file.url}
                  // biome-ignore lint/a11y/noRedundantAlt: the words say who sent the picture, which the page does not say otherwise
                  alt={`Picture sent by the customer (${file.filename})`}
                />
              ) : null}
              <a href={file.url} download={file.filename ?? undefined}>
                <bdi>{file.filename}</bdi>
                {file.size === undefined ? null : ` (${Math.max(1, Math.round(file.size / 1024))} KB)`}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {m.htmlUrl ? <FormattedEmail url={m.htmlUrl} /> : null}
    </li>
  );
}

function NoteItem({ note }: { note: Note }) {
  return (
    <li className="note" data-note-id={note.id}>
      <span className="meta">{`Note · ${note.agent ? note.agent.displayName : 'a former colleague'} (not sent) · ${new Date(note.createdAt).toLocaleTimeString('en-GB')}`}</span>
      <span className="body">{note.body}</span>
    </li>
  );
}

/** Something that happened to a hand-off made from this conversation: handed on, then where it stands now. */
interface HandoffEvent {
  key: string;
  at: string;
  text: string;
}

/** The hand-offs made from this conversation as events in its timeline (the plan in the sidebar has them all). */
export function handoffEvents(plan: Handoff[], conversationId: string | null): HandoffEvent[] {
  return plan
    .filter((h) => h.conversationId === conversationId)
    .flatMap((h) => [
      {
        key: `${h.id}-created`,
        at: h.createdAt,
        text: `Handed on to ${h.service.name}: ${h.needs.map((n) => n.label).join('; ')}. Reference ${h.reference}.`,
      },
      ...(h.status === 'sent' || h.statusAt <= h.createdAt
        ? []
        : [{ key: `${h.id}-status`, at: h.statusAt, text: `${h.service.name} (reference ${h.reference}): ${statusLine(h)}.` }]),
    ]);
}

function EventItem({ event }: { event: HandoffEvent }) {
  return (
    <li className="event" title={exactTime(event.at)}>
      <span className="event-text">{event.text}</span>
    </li>
  );
}

type Item = { kind: 0; at: string; m: Message } | { kind: 1; at: string; note: Note } | { kind: 2; at: string; event: HandoffEvent };

/** Messages by time, each note before the first message later than it; hand-off events among them. */
export function Timeline({
  messages,
  notes,
  events = [],
  meId,
}: {
  messages: Map<string, Message>;
  notes: Map<string, Note>;
  events?: HandoffEvent[];
  meId: string | null;
}) {
  const items: Item[] = [
    ...[...messages.values()].map((m): Item => ({ kind: 0, at: m.createdAt, m })),
    ...[...notes.values()].map((note): Item => ({ kind: 1, at: note.createdAt, note })),
    ...events.map((event): Item => ({ kind: 2, at: event.at, event })),
  ].sort((a, b) => a.at.localeCompare(b.at) || a.kind - b.kind);
  return (
    <ol id="messages" aria-live="polite">
      {items.map((item) =>
        item.kind === 0 ? (
          <MessageItem key={`m${item.m.id}`} m={item.m} meId={meId} />
        ) : item.kind === 1 ? (
          <NoteItem key={`n${item.note.id}`} note={item.note} />
        ) : (
          <EventItem key={`e${item.event.key}`} event={item.event} />
        ),
      )}
    </ol>
  );
}

/** Narrow screens (desk.css): one pane at a time, and the page scrolls rather than each pane. */
const narrow = () => matchMedia('(max-width: 63.99rem)').matches;
const NEAR = 48;

/**
 * The conversation's own scrolling area: it opens at the newest message, and follows new ones while the agent
 * is at the end (not while they are reading further up). On a laptop only this area scrolls: the page never
 * jumps. On a narrow screen the page scrolls instead, to the newest message and the reply box under it.
 */
export function TimelineScroller({ conversationId, size, children }: { conversationId: string | null; size: number; children: ReactNode }) {
  const ref = useRef<HTMLElement>(null);
  const atEnd = useRef(true);
  const shown = useRef<string | null>(null);
  useLayoutEffect(() => {
    const box = ref.current;
    if (!box) return;
    if (shown.current !== conversationId || atEnd.current) {
      box.scrollTop = box.scrollHeight;
      if (narrow()) document.getElementById('composer')?.scrollIntoView({ block: 'end' });
    }
    shown.current = conversationId;
  }, [conversationId, size]);
  // Where the agent is reading, when the page is what scrolls.
  useEffect(() => {
    const onScroll = () => {
      if (!narrow()) return;
      const page = document.scrollingElement!;
      atEnd.current = page.scrollHeight - page.scrollTop - innerHeight < NEAR;
    };
    addEventListener('scroll', onScroll, { passive: true });
    return () => removeEventListener('scroll', onScroll);
  }, []);
  return (
    <section
      id="timeline"
      className="timeline-scroll"
      ref={ref}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: focusable, so the messages can be scrolled from the keyboard (WCAG 2.1.1)
      tabIndex={0}
      aria-label="Messages and notes"
      onScroll={(e) => {
        const box = e.currentTarget;
        atEnd.current = box.scrollHeight - box.scrollTop - box.clientHeight < NEAR;
      }}
    >
      {children}
    </section>
  );
}

export function CallHistory({ history }: { history: Map<string, Call> }) {
  return (
    <ul id="call-history" aria-label="Calls in this conversation">
      {[...history.values()].flatMap((call) =>
        call.events.map((e, i) => (
          <li
            key={`${call.id}-${i}`}
          >{`Call ${CALL_EVENT[e.kind] ?? e.kind}${e.agent ? ` (${e.agent})` : ''} · ${new Date(e.at).toLocaleTimeString('en-GB')}`}</li>
        )),
      )}
    </ul>
  );
}

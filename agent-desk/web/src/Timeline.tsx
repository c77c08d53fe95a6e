// The open conversation's messages, with colleagues' private notes among them by time. Customers' words are
// React text nodes, shown exactly as written; an email's formatted version only ever goes into a sandboxed
// frame (no scripts, no access to the desk), served by the hub with its own strict CSP. What the customer
// wrote and named is isolated (dir="auto", <bdi>): direction controls in it cannot reorder the desk around it.
import { useState } from 'react';
import type { Call, Message, Note } from './api.ts';
import { CALL_EVENT, senderLabel, statusText } from './text.ts';

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

function MessageItem({ m, meId }: { m: Message; meId: string | null }) {
  const who = senderLabel(m, meId);
  const files = (m.attachments ?? []).filter((a) => a.filename);
  return (
    <li className={`${m.direction} ${m.status}`} data-message-id={m.id}>
      <SenderWarning m={m} />
      <span className="body" dir="auto">
        {m.body}
      </span>
      {(m.notices ?? []).map((notice, i) => (
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
                {` (${Math.max(1, Math.round(file.size / 1024))} KB)`}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
      {m.htmlUrl ? <FormattedEmail url={m.htmlUrl} /> : null}
      <span className="meta">{`${who} · ${m.channel.toUpperCase()} · ${statusText(m)}`}</span>
    </li>
  );
}

function NoteItem({ note }: { note: Note }) {
  return (
    <li className="note" data-note-id={note.id}>
      <span className="meta">{`Note · ${note.agent ? note.agent.displayName : 'a former colleague'} (not sent) · ${new Date(note.createdAt).toLocaleTimeString()}`}</span>
      <span className="body">{note.body}</span>
    </li>
  );
}

type Item = { kind: 0; at: string; m: Message } | { kind: 1; at: string; note: Note };

/** Messages by time, each note before the first message later than it. */
export function Timeline({ messages, notes, meId }: { messages: Map<string, Message>; notes: Map<string, Note>; meId: string | null }) {
  const items: Item[] = [
    ...[...messages.values()].map((m): Item => ({ kind: 0, at: m.createdAt, m })),
    ...[...notes.values()].map((note): Item => ({ kind: 1, at: note.createdAt, note })),
  ].sort((a, b) => a.at.localeCompare(b.at) || a.kind - b.kind);
  return (
    <ol id="messages" aria-live="polite">
      {items.map((item) =>
        item.kind === 0 ? <MessageItem key={`m${item.m.id}`} m={item.m} meId={meId} /> : <NoteItem key={`n${item.note.id}`} note={item.note} />,
      )}
    </ol>
  );
}

export function CallHistory({ history }: { history: Map<string, Call> }) {
  return (
    <ul id="call-history" aria-label="Calls in this conversation">
      {[...history.values()].flatMap((call) =>
        call.events.map((e, i) => (
          <li key={`${call.id}-${i}`}>{`Call ${CALL_EVENT[e.kind] ?? e.kind}${e.agent ? ` (${e.agent})` : ''} · ${new Date(e.at).toLocaleTimeString()}`}</li>
        )),
      )}
    </ul>
  );
}

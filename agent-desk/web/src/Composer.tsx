// The composer, pinned under the conversation: one box with two modes, a reply to the customer (on the channel
// chosen in "Reply by", when there is a choice) and a private note for colleagues. A note looks unlike a reply
// (yellow, dashed, says "not sent") and the box stays a note until the agent switches back: a second note
// typed in haste must never go to the customer. Canned responses go into the reply, with {first_name} and
// {agent_name} filled in, for the agent to check and edit.
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type RefObject } from 'react';
import { flushSync } from 'react-dom';
import { api, errorText, type Agent, type CannedResponse, type Channel, type ConversationDetail, type Message, type Note } from './api.ts';
import { CHANNEL_NAMES } from './text.ts';

type Mode = 'reply' | 'note';
const MODES: { value: Mode; label: string }[] = [
  { value: 'reply', label: 'Reply' },
  { value: 'note', label: 'Private note' },
];

const PLACEHOLDER = /\{([a-z_]+)\}/g;
/** The placeholders the desk fills in when a canned response is inserted (the server's PLACEHOLDERS in canned.ts). */
const FILLED_IN = new Set(['first_name', 'agent_name']);
/** The first of those still in a text, where the desk could not fill it (a customer with no name). */
const unfilled = (text: string) => [...text.matchAll(PLACEHOLDER)].find((m) => FILLED_IN.has(m[1]!));

interface ComposerProps {
  conversation: ConversationDetail | null;
  agent: Agent;
  canned: CannedResponse[];
  replyRef: RefObject<HTMLTextAreaElement | null>;
  onSent: (message: Message) => void;
  onNote: (note: Note) => void;
  onTyping: () => void;
}

/** Keyed by the conversation (App.tsx): each one starts as an empty reply, so a draft never follows the agent to another. */
export function Composer({ conversation, agent, canned, replyRef, onSent, onNote, onTyping }: ComposerProps) {
  const [mode, setMode] = useState<Mode>('reply');
  const [cannedStatus, setCannedStatus] = useState('');
  const tabs = useRef<Record<string, HTMLButtonElement | null>>({});

  const onTabKey = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    event.preventDefault();
    const next = mode === 'reply' ? 'note' : 'reply';
    setMode(next);
    tabs.current[next]?.focus();
  };

  /** Canned responses always go into the reply: the box becomes a reply first, so the agent sees where it went. */
  const toReply = () => flushSync(() => setMode('reply'));

  return (
    <div id="composer" className={`composer mode-${mode}`} hidden={!conversation}>
      <div className="composer-bar">
        <div className="tabs composer-tabs" role="tablist" aria-label="What to write" onKeyDown={onTabKey}>
          {MODES.map((m) => (
            <button
              key={m.value}
              type="button"
              role="tab"
              id={`mode-${m.value}`}
              ref={(el) => void (tabs.current[m.value] = el)}
              aria-selected={mode === m.value}
              aria-controls={m.value === 'reply' ? 'reply-form' : 'note-form'}
              tabIndex={mode === m.value ? 0 : -1}
              onClick={() => setMode(m.value)}
            >
              {m.label}
            </button>
          ))}
        </div>
        <CannedPicker conversation={conversation} agent={agent} canned={canned} replyRef={replyRef} beforeInsert={toReply} onStatus={setCannedStatus} />
      </div>
      <p id="canned-status" className="canned-status" aria-live="polite">
        {cannedStatus}
      </p>
      <ReplyForm conversation={conversation} replyRef={replyRef} hidden={mode !== 'reply'} onSent={onSent} onTyping={onTyping} />
      <NoteForm conversation={conversation} hidden={mode !== 'note'} onNote={onNote} />
    </div>
  );
}

interface ReplyProps {
  conversation: ConversationDetail | null;
  replyRef: RefObject<HTMLTextAreaElement | null>;
  hidden: boolean;
  onSent: (message: Message) => void;
  onTyping: () => void;
}

/** The reply box; "Reply by" appears only when the customer can be reached on more than one channel. */
function ReplyForm({ conversation, replyRef, hidden, onSent, onTyping }: ReplyProps) {
  const [error, setError] = useState('');
  const [channel, setChannel] = useState<Channel | ''>('');
  const channels = conversation?.replyChannels ?? [];
  const id = conversation?.id;
  // Each conversation starts on its own channel (the first offered).
  useEffect(() => {
    setChannel('');
    setError('');
  }, [id]);
  const chosen = channel && channels.includes(channel) ? channel : channels[0];

  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (!id || !replyRef.current) return;
    setError('');
    const text = replyRef.current.value;
    // A canned response's placeholder the desk could not fill is never sent as it is.
    const left = unfilled(text);
    if (left) {
      replyRef.current.focus();
      replyRef.current.setSelectionRange(left.index, left.index + left[0].length);
      return setError(`Replace ${left[0]} with what it stands for before sending.`);
    }
    try {
      const body = channels.length > 1 && chosen ? { text, channel: chosen } : { text };
      const { message } = await api<{ message: Message }>(`/api/conversations/${id}/messages`, { method: 'POST', body });
      // Emptied once sent, unless the agent has already started the next one.
      if (replyRef.current?.value === text) replyRef.current.value = '';
      onSent(message);
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <form id="reply-form" role="tabpanel" className="composer-form" hidden={hidden} onSubmit={send}>
      <label htmlFor="reply-text" className="visually-hidden">
        Reply
      </label>
      <textarea
        id="reply-text"
        name="text"
        rows={3}
        maxLength={1600}
        required
        ref={replyRef}
        onInput={onTyping}
        onKeyDown={submitOnCtrlEnter}
        placeholder="Write to the customer"
        aria-describedby="reply-keys"
      />
      <div className="composer-actions">
        {channels.length > 1 ? (
          <span className="inline-field">
            <label htmlFor="reply-channel">Reply by</label>
            <select id="reply-channel" name="channel" value={chosen} onChange={(e) => setChannel(e.target.value as Channel)}>
              {channels.map((c, i) => (
                <option key={c} value={c}>{`${CHANNEL_NAMES[c] ?? c}${i === 0 ? ' (this conversation)' : ''}`}</option>
              ))}
            </select>
          </span>
        ) : channels[0] ? (
          // Where it really goes: for a call or a contact in person, the channel that reaches their number or address.
          <span className="hint">{`Goes by ${CHANNEL_NAMES[channels[0]] ?? channels[0]}`}</span>
        ) : conversation ? (
          <span id="reply-nowhere" className="hint">
            Nothing can be sent: no address of theirs is on record for a channel this hub has on.
          </span>
        ) : null}
        <span id="reply-keys" className="hint keys">
          Ctrl+Enter sends
        </span>
        <button
          type="submit"
          className="primary"
          disabled={!!conversation && channels.length === 0}
          aria-describedby={channels.length ? undefined : 'reply-nowhere'}
        >
          Send
        </button>
      </div>
      <p id="reply-error" role="alert">
        {error}
      </p>
    </form>
  );
}

interface CannedProps {
  conversation: ConversationDetail | null;
  agent: Agent;
  canned: CannedResponse[];
  replyRef: RefObject<HTMLTextAreaElement | null>;
  beforeInsert: () => void;
  /** What happened, said under the composer's bar. */
  onStatus: (status: string) => void;
}

/** Inserts a canned response at the cursor with {first_name} and {agent_name} filled in, for the agent to edit. */
function CannedPicker({ conversation, agent, canned, replyRef, beforeInsert, onStatus: setStatus }: CannedProps) {
  const [selected, setSelected] = useState('');
  const value = canned.some((c) => c.id === selected) ? selected : (canned[0]?.id ?? '');

  const insert = (event: FormEvent) => {
    event.preventDefault();
    const chosen = canned.find((c) => c.id === value);
    if (!chosen) return;
    beforeInsert();
    const reply = replyRef.current;
    if (!reply) return;
    const name = conversation?.customer.displayName ? (conversation.customer.displayName.trim().split(/\s+/)[0] ?? '') : '';
    const values: Record<string, string> = { first_name: name, agent_name: agent.displayName };
    const filled = chosen.body.replace(PLACEHOLDER, (whole, key: string) => (Object.hasOwn(values, key) && values[key] ? values[key] : whole));
    const start = reply.selectionStart;
    reply.setRangeText(filled, start, reply.selectionEnd, 'end');
    reply.focus({ preventScroll: true });
    const left = unfilled(filled);
    if (left) {
      reply.setSelectionRange(start + left.index, start + left.index + left[0].length);
      setStatus(`Replace ${left[0]} in the reply before sending: the desk does not know it.`);
    } else {
      setStatus(`Inserted “${chosen.title}” into the reply. Check it before sending.`);
    }
  };

  return (
    <form id="canned-form" className="canned" aria-labelledby="canned-title" onSubmit={insert}>
      <h3 id="canned-title" className="visually-hidden">
        Canned responses
      </h3>
      <label htmlFor="canned-select">Canned response</label>
      <select id="canned-select" name="canned" aria-describedby="canned-help" value={value} onChange={(e) => setSelected(e.target.value)}>
        {canned.map((c) => (
          <option key={c.id} value={c.id}>
            {c.team ? `${c.title} (${c.team.name})` : c.title}
          </option>
        ))}
        {canned.length ? null : <option value="">None saved yet</option>}
      </select>
      <button type="submit" id="canned-insert" disabled={canned.length === 0}>
        Insert into reply
      </button>
      <p id="canned-help" className="visually-hidden">
        Goes into the reply box with {'{first_name}'} (the customer’s first name) and {'{agent_name}'} (your name) filled in. Check and edit it before you send.
      </p>
    </form>
  );
}

/** A note for colleagues: shown in the timeline, marked as not sent; the server never sends it. */
/** Ctrl+Enter (or ⌘+Enter) sends a reply or adds a note, as in most chat tools; Enter alone makes a new line. */
function submitOnCtrlEnter(event: KeyboardEvent<HTMLTextAreaElement>) {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    event.currentTarget.form?.requestSubmit();
  }
}

function NoteForm({ conversation, hidden, onNote }: { conversation: ConversationDetail | null; hidden: boolean; onNote: (note: Note) => void }) {
  const [error, setError] = useState('');
  const textRef = useRef<HTMLTextAreaElement>(null);
  useEffect(() => setError(''), [conversation?.id]);
  const add = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    const id = conversation?.id;
    const text = textRef.current?.value.trim() ?? '';
    if (!id) return;
    if (!text) return setError('Write the note first.');
    try {
      const { note } = await api<{ note: Note }>(`/api/conversations/${id}/notes`, { method: 'POST', body: { text } });
      if (textRef.current?.value.trim() === text) textRef.current.value = '';
      onNote(note);
      // Ready for the next note, as the reply box is after sending.
      textRef.current?.focus({ preventScroll: true });
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <form id="note-form" role="tabpanel" className="composer-form private-note" hidden={hidden} onSubmit={add}>
      <p id="note-hint">Only colleagues see notes. A note is never sent to the customer. Ctrl+Enter adds it.</p>
      <label htmlFor="note-text" className="visually-hidden">
        Private note (not sent to the customer)
      </label>
      <textarea
        id="note-text"
        name="text"
        rows={3}
        maxLength={4000}
        required
        aria-describedby="note-hint"
        ref={textRef}
        onKeyDown={submitOnCtrlEnter}
        placeholder="Write a note for colleagues"
      />
      <div className="composer-actions">
        <button type="submit" className="note-button">
          Add private note
        </button>
      </div>
      <p id="note-error" role="alert">
        {error}
      </p>
    </form>
  );
}

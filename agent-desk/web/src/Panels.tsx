// The open conversation's panels: needs (with suggestions and facts), the reply composer (with the "Reply by"
// channel switch), canned responses, private notes, and handing on or closing.
import { useEffect, useRef, useState, type FormEvent, type RefObject } from 'react';
import {
  api,
  errorText,
  type Agent,
  type CannedResponse,
  type Channel,
  type ConversationDetail,
  type DirectoryAgent,
  type Message,
  type Note,
  type TaxonomyNeed,
  type TeamRef,
} from './api.ts';
import { CHANNEL_NAMES, FACT_NAMES, SOURCE } from './text.ts';

export function NeedsPanel({
  conversation,
  taxonomy,
  onChanged,
}: {
  conversation: ConversationDetail | null;
  taxonomy: TaxonomyNeed[];
  onChanged: () => Promise<void>;
}) {
  const [suggestions, setSuggestions] = useState<TaxonomyNeed[]>([]);
  const [error, setError] = useState('');
  const [code, setCode] = useState('');
  const id = conversation?.id;
  const needsKey = conversation ? conversation.needs.map((n) => n.code).join(',') : '';

  useEffect(() => {
    if (!id) return void setSuggestions([]);
    let live = true;
    api<{ needs: TaxonomyNeed[] }>(`/api/conversations/${id}/needs/suggestions`)
      .then(({ needs }) => live && setSuggestions(needs))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [id, needsKey]);

  const change = async (method: string, path: string, body?: unknown) => {
    setError('');
    try {
      await api(path, { method, body });
      await onChanged();
    } catch (e) {
      setError(errorText(e));
    }
  };

  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!id) return;
    void change('POST', `/api/conversations/${id}/needs`, { code: code || taxonomy[0]?.code });
  };

  return (
    <section id="needs-panel" aria-labelledby="needs-title" hidden={!conversation}>
      <h3 id="needs-title">Needs</h3>
      <p id="needs-empty" hidden={!conversation || conversation.needs.length > 0 || conversation.urgent}>
        None recorded yet.
      </p>
      <ul id="needs-list">
        {conversation?.urgent ? <li className="urgent">URGENT: signs of immediate danger. The customer was given 999 and helpline numbers.</li> : null}
        {conversation?.needs.map((need) => {
          const consent = need.consentToShare === null ? '' : need.consentToShare ? ', may be shared' : ', NOT to be shared';
          return (
            <li key={need.code} className={need.urgent ? 'urgent' : undefined}>
              <span>{`${need.urgent ? 'URGENT: ' : ''}${need.label} (${SOURCE[need.source] ?? need.source}${consent}) `}</span>
              <button
                type="button"
                onClick={() => void change('DELETE', `/api/conversations/${conversation.id}/needs/${encodeURIComponent(need.code)}`)}
              >{`Remove ${need.label}`}</button>
            </li>
          );
        })}
      </ul>
      <dl id="facts-list">
        {Object.entries(conversation?.facts ?? {}).flatMap(([key, value]) => [
          <dt key={`t${key}`}>{FACT_NAMES[key] ?? key}</dt>,
          <dd key={`d${key}`}>{value}</dd>,
        ])}
      </dl>
      <div id="needs-suggested" hidden={suggestions.length === 0}>
        <h4>Suggested from what the customer wrote</h4>
        <ul id="suggestion-list">
          {suggestions.map((need) => (
            <li key={need.code}>
              <button
                type="button"
                onClick={() => id && void change('POST', `/api/conversations/${id}/needs`, { code: need.code })}
              >{`Add ${need.label}`}</button>
            </li>
          ))}
        </ul>
      </div>
      <form id="need-form" onSubmit={add}>
        <label htmlFor="need-code">Add a need</label>
        <select id="need-code" name="code" required value={code || taxonomy[0]?.code || ''} onChange={(e) => setCode(e.target.value)}>
          {taxonomy.map((n) => (
            <option key={n.code} value={n.code}>
              {n.label}
            </option>
          ))}
        </select>
        <button type="submit">Add need</button>
        <p id="need-error" role="alert">
          {error}
        </p>
      </form>
    </section>
  );
}

interface ComposerProps {
  conversation: ConversationDetail | null;
  replyRef: RefObject<HTMLTextAreaElement | null>;
  onSent: (message: Message) => void;
  onTyping: () => void;
}

/** The reply box; "Reply by" appears only when the customer can be reached on more than one channel. */
export function ReplyForm({ conversation, replyRef, onSent, onTyping }: ComposerProps) {
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
    try {
      const body = channels.length > 1 && chosen ? { text, channel: chosen } : { text };
      const { message } = await api<{ message: Message }>(`/api/conversations/${id}/messages`, { method: 'POST', body });
      if (replyRef.current) replyRef.current.value = '';
      onSent(message);
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <form id="reply-form" hidden={!conversation} onSubmit={send}>
      {channels.length > 1 ? (
        <>
          <label htmlFor="reply-channel">Reply by</label>
          <select id="reply-channel" name="channel" value={chosen} onChange={(e) => setChannel(e.target.value as Channel)}>
            {channels.map((c, i) => (
              <option key={c} value={c}>{`${CHANNEL_NAMES[c] ?? c}${i === 0 ? ' (this conversation)' : ''}`}</option>
            ))}
          </select>
        </>
      ) : null}
      <label htmlFor="reply-text">Reply</label>
      <textarea id="reply-text" name="text" rows={3} maxLength={1600} required ref={replyRef} onInput={onTyping} />
      <button type="submit">Send</button>
      <p id="reply-error" role="alert">
        {error}
      </p>
    </form>
  );
}

const PLACEHOLDER = /\{([a-z_]+)\}/g;

/** Inserts a canned response at the cursor with {first_name} and {agent_name} filled in, for the agent to edit. */
export function CannedPanel({
  conversation,
  agent,
  canned,
  replyRef,
}: {
  conversation: ConversationDetail | null;
  agent: Agent;
  canned: CannedResponse[];
  replyRef: RefObject<HTMLTextAreaElement | null>;
}) {
  const [selected, setSelected] = useState('');
  const [status, setStatus] = useState('');
  useEffect(() => setStatus(''), [conversation?.id]);
  const value = canned.some((c) => c.id === selected) ? selected : (canned[0]?.id ?? '');

  const insert = (event: FormEvent) => {
    event.preventDefault();
    const chosen = canned.find((c) => c.id === value);
    const reply = replyRef.current;
    if (!chosen || !reply) return;
    const name = conversation?.customer.displayName ? (conversation.customer.displayName.trim().split(/\s+/)[0] ?? '') : '';
    const values: Record<string, string> = { first_name: name, agent_name: agent.displayName };
    const filled = chosen.body.replace(PLACEHOLDER, (whole, key: string) => (Object.hasOwn(values, key) && values[key] ? values[key] : whole));
    const start = reply.selectionStart;
    reply.setRangeText(filled, start, reply.selectionEnd, 'end');
    reply.focus();
    const left = [...filled.matchAll(PLACEHOLDER)].find((m) => Object.hasOwn(values, m[1]!));
    if (left) {
      reply.setSelectionRange(start + left.index, start + left.index + left[0].length);
      setStatus(`Replace ${left[0]} in the reply before sending: the desk does not know it.`);
    } else {
      setStatus(`Inserted “${chosen.title}” into the reply. Check it before sending.`);
    }
  };

  return (
    <section id="canned-panel" aria-labelledby="canned-title" hidden={!conversation}>
      <h3 id="canned-title">Canned responses</h3>
      <form id="canned-form" onSubmit={insert}>
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
        <p id="canned-help" className="hint">
          Goes into the reply box with {'{first_name}'} (the customer’s first name) and {'{agent_name}'} (your name) filled in. Check and edit it before you
          send.
        </p>
        <p id="canned-status" aria-live="polite">
          {status}
        </p>
      </form>
    </section>
  );
}

/** A note for colleagues: shown in the timeline, marked as not sent; the server never sends it. */
export function NotePanel({ conversation, onNote }: { conversation: ConversationDetail | null; onNote: (note: Note) => void }) {
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
      if (textRef.current) textRef.current.value = '';
      onNote(note);
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section id="note-panel" className="private-note" aria-labelledby="note-title" hidden={!conversation}>
      <h3 id="note-title">Private note</h3>
      <p id="note-hint">Only colleagues see notes. A note is never sent to the customer.</p>
      <form id="note-form" onSubmit={add}>
        <label htmlFor="note-text">Private note (not sent to the customer)</label>
        <textarea id="note-text" name="text" rows={2} maxLength={4000} required aria-describedby="note-hint" ref={textRef} />
        <button type="submit">Add private note</button>
        <p id="note-error" role="alert">
          {error}
        </p>
      </form>
    </section>
  );
}

const OUTCOMES: [string, string][] = [
  ['resolved', 'Resolved'],
  ['handed_off', 'Handed to a service'],
  ['signposted', 'Signposted elsewhere'],
  ['no_reply', 'No reply from the customer'],
  ['other', 'Other'],
];

interface HandoverProps {
  conversation: ConversationDetail | null;
  meId: string | null;
  teams: TeamRef[];
  agents: DirectoryAgent[];
  onTransferred: () => Promise<void>;
  onClosed: () => Promise<void>;
}

export function HandoverPanel({ conversation, meId, teams, agents, onTransferred, onClosed }: HandoverProps) {
  const [transferError, setTransferError] = useState('');
  const [closeError, setCloseError] = useState('');
  const [to, setTo] = useState('');
  const [outcome, setOutcome] = useState('resolved');
  const [met, setMet] = useState<Set<string>>(new Set());
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const id = conversation?.id;
  useEffect(() => {
    setMet(new Set());
    setTransferError('');
    setCloseError('');
    setOutcome('resolved');
  }, [id]);

  const targets = [
    ...teams.map((t) => ({ value: `team:${t.id}`, label: `Team: ${t.name}` })),
    ...agents.filter((a) => a.id !== meId).map((a) => ({ value: `agent:${a.id}`, label: `${a.displayName} (${a.presence})` })),
  ];
  const target = targets.some((t) => t.value === to) ? to : (targets[0]?.value ?? '');

  const transfer = async (event: FormEvent) => {
    event.preventDefault();
    setTransferError('');
    const [kind, targetId] = target.split(':');
    try {
      await api(`/api/conversations/${id}/transfer`, {
        method: 'POST',
        body: { [kind === 'team' ? 'teamId' : 'agentId']: targetId, note: noteRef.current?.value ?? '' },
      });
      if (noteRef.current) noteRef.current.value = '';
      await onTransferred();
    } catch (e) {
      setTransferError(errorText(e));
    }
  };

  const close = async (event: FormEvent) => {
    event.preventDefault();
    setCloseError('');
    try {
      await api(`/api/conversations/${id}/close`, { method: 'POST', body: { outcome, needsMet: [...met] } });
      await onClosed();
    } catch (e) {
      setCloseError(errorText(e));
    }
  };

  const assigned = !conversation
    ? ''
    : conversation.assignedAgent
      ? `${conversation.assignedAgent.id === meId ? 'You have' : `${conversation.assignedAgent.displayName} has`} this conversation.`
      : conversation.waitingSince
        ? `Waiting for a person${conversation.team ? ` in ${conversation.team.name}` : ''}.`
        : 'Nobody has this conversation yet.';

  return (
    <section id="handover-panel" aria-labelledby="handover-title" hidden={!conversation || conversation.status !== 'open'}>
      <h3 id="handover-title">Hand on or close</h3>
      <p id="assigned-to" aria-live="polite">
        {assigned}
      </p>
      <form id="transfer-form" onSubmit={transfer}>
        <label htmlFor="transfer-to">Transfer to</label>
        <select id="transfer-to" name="to" required value={target} onChange={(e) => setTo(e.target.value)}>
          {targets.map((t) => (
            <option key={t.value} value={t.value}>
              {t.label}
            </option>
          ))}
        </select>
        <label htmlFor="transfer-note">Note for them (why, and what has been done)</label>
        <textarea id="transfer-note" name="note" rows={2} maxLength={4000} required ref={noteRef} />
        <button type="submit">Transfer</button>
        <p id="transfer-error" role="alert">
          {transferError}
        </p>
      </form>
      <form id="close-form" onSubmit={close}>
        <label htmlFor="close-outcome">Outcome</label>
        <select id="close-outcome" name="outcome" value={outcome} onChange={(e) => setOutcome(e.target.value)}>
          {OUTCOMES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <fieldset id="needs-met">
          <legend>Needs met</legend>
          <p id="needs-met-empty" hidden={!!conversation && conversation.needs.length > 0}>
            No needs recorded.
          </p>
          {conversation?.needs.map((need) => (
            <div key={need.code}>
              <input
                type="checkbox"
                id={`met-${need.code}`}
                value={need.code}
                checked={met.has(need.code)}
                onChange={(e) => {
                  const next = new Set(met);
                  if (e.target.checked) next.add(need.code);
                  else next.delete(need.code);
                  setMet(next);
                }}
              />
              <label htmlFor={`met-${need.code}`}>{need.label}</label>
            </div>
          ))}
        </fieldset>
        <button type="submit">Close conversation</button>
        <p id="close-error" role="alert">
          {closeError}
        </p>
      </form>
    </section>
  );
}

// The open conversation's panels: needs (with suggestions and facts) in the sidebar, and the header's actions:
// taking one nobody has, handing on (transfer) or closing, each in a dialog, and reopening a closed one. The
// composer is in Composer.tsx.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api, errorText, type ConversationDetail, type DirectoryAgent, type TaxonomyNeed, type TeamRef } from './api.ts';
import { Section } from './Section.tsx';
import { FACT_NAMES, SOURCE } from './text.ts';

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
  const [typed, setTyped] = useState('');
  const id = conversation?.id;
  const needsKey = conversation ? conversation.needs.map((n) => n.code).join(',') : '';
  const inputRef = useRef<HTMLInputElement>(null);
  /** The Remove or Add button just used: it goes once the change is read back, and focus must not go with it. */
  const usedButton = useRef<HTMLElement | null>(null);

  useEffect(() => {
    setTyped('');
    setError('');
  }, [id]);
  // The button used is gone (the need removed, the suggestion taken): focus goes to the box for the next need,
  // never to the page. Once the agent has moved on from the button, it is left alone.
  useEffect(() => {
    const button = usedButton.current;
    if (!button) return;
    if (button.isConnected && document.activeElement === button) return;
    usedButton.current = null;
    if (!button.isConnected && (!document.activeElement || document.activeElement === document.body)) inputRef.current?.focus();
  });
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
    usedButton.current = document.activeElement instanceof HTMLButtonElement ? document.activeElement : null;
    try {
      await api(path, { method, body });
      await onChanged();
      return true;
    } catch (e) {
      setError(errorText(e));
      return false;
    }
  };

  // The agent types a few letters and picks from the list the browser offers (a datalist), or types the
  // whole name: either way it is matched to the taxonomy by its label, so only a real need can be added.
  const add = async (event: FormEvent) => {
    event.preventDefault();
    if (!id) return;
    const wanted = typed.trim().toLowerCase();
    const need = taxonomy.find((n) => n.label.toLowerCase() === wanted) ?? taxonomy.find((n) => n.code.toLowerCase() === wanted);
    if (!need) {
      const close = taxonomy.filter((n) => n.label.toLowerCase().includes(wanted)).slice(0, 3);
      return setError(
        wanted && close.length
          ? `Choose one from the list, such as ${close.map((n) => n.label).join(', ')}.`
          : 'Choose a need from the list: type a few letters of it.',
      );
    }
    // Emptied once added, unless the agent has already typed the next one meanwhile.
    if (await change('POST', `/api/conversations/${id}/needs`, { code: need.code })) setTyped((now) => (now.trim().toLowerCase() === wanted ? '' : now));
  };

  return (
    <Section id="needs-panel" title="Needs" hidden={!conversation}>
      <p id="needs-empty" hidden={!conversation || conversation.needs.length > 0 || conversation.urgent}>
        None recorded yet.
      </p>
      <ul id="needs-list">
        {conversation?.urgent ? (
          <li className="urgent">
            {conversation.channelCapabilities.recordedAtDesk
              ? 'URGENT: signs of immediate danger in what they told you. Check they are safe now; if not, call 999.'
              : // Not "they were given 999": the bot may not have answered (a channel it does not take, a service's relay).
                'URGENT: signs of immediate danger. Check they are safe now; if not, tell them to call 999. Any emergency numbers the bot gave them are in the conversation.'}
          </li>
        ) : null}
        {conversation?.needs.map((need) => {
          const consent = need.consentToShare === null ? '' : need.consentToShare ? ', may be shared' : ', NOT to be shared';
          return (
            <li key={need.code} className={need.urgent ? 'urgent' : undefined}>
              <span>{`${need.urgent ? 'URGENT: ' : ''}${need.label} (${SOURCE[need.source] ?? need.source}${consent}) `}</span>
              <button
                type="button"
                className="small"
                onClick={() => void change('DELETE', `/api/conversations/${conversation.id}/needs/${encodeURIComponent(need.code)}`)}
              >
                Remove<span className="visually-hidden">{` ${need.label}`}</span>
              </button>
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
                className="small"
                onClick={() => id && void change('POST', `/api/conversations/${id}/needs`, { code: need.code })}
              >{`Add ${need.label}`}</button>
            </li>
          ))}
        </ul>
      </div>
      <form id="need-form" onSubmit={(e) => void add(e)}>
        <label htmlFor="need-code">Add a need</label>
        <div className="field-row">
          <input
            id="need-code"
            ref={inputRef}
            name="need"
            list="need-options"
            autoComplete="off"
            placeholder="Type to search needs"
            aria-describedby="need-error"
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
          />
          <button type="submit">Add need</button>
        </div>
        <datalist id="need-options">
          {taxonomy
            .filter((n) => !conversation?.needs.some((had) => had.code === n.code))
            .map((n) => (
              <option key={n.code} value={n.label} />
            ))}
        </datalist>
        <p id="need-error" role="alert">
          {error}
        </p>
      </form>
    </Section>
  );
}

const HANDED_OFF = 'handed_off';
const OUTCOMES: [string, string][] = [
  ['resolved', 'Resolved'],
  [HANDED_OFF, 'Handed on to a service'],
  ['signposted', 'Signposted elsewhere'],
  ['no_reply', 'No reply from the customer'],
  ['other', 'Other'],
];

interface ActionsProps {
  conversation: ConversationDetail | null;
  meId: string | null;
  teams: TeamRef[];
  agents: DirectoryAgent[];
  /** The conversation has been handed on to a service (it has a hand-off): only then is that an outcome. */
  handedOff: boolean;
  onTransferred: () => Promise<void>;
  onClosed: () => Promise<void>;
  /** It changed here (taken, reopened): read it again. */
  onChanged: () => Promise<void>;
}

/** Who has the conversation, in words, for the conversation's header. */
export function assignedText(conversation: ConversationDetail | null, meId: string | null): string {
  if (!conversation) return '';
  // A closed one says what came of it (the outcome chosen on closing), else it would read as if still being worked.
  if (conversation.status !== 'open') {
    const outcome = OUTCOMES.find(([value]) => value === conversation.outcome)?.[1];
    const had = conversation.assignedAgent ? ` ${conversation.assignedAgent.id === meId ? 'You' : conversation.assignedAgent.displayName} had it.` : '';
    return `Closed.${outcome ? ` Outcome: ${outcome}.` : ''}${had}`;
  }
  if (conversation.assignedAgent)
    return `${conversation.assignedAgent.id === meId ? 'You have' : `${conversation.assignedAgent.displayName} has`} this conversation.`;
  if (conversation.waitingSince) return `Waiting for a person${conversation.team ? ` in ${conversation.team.name}` : ''}.`;
  return 'Nobody has this conversation yet.';
}

/**
 * A modal dialog for one of the header's actions: it keeps keyboard focus inside, closes with Escape or
 * Cancel, and the browser gives focus back to the button that opened it.
 */
function ActionDialog({ id, title, open, onClose, children }: { id: string; title: string; open: boolean; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (open && !dialog?.open) dialog?.showModal();
    if (!open && dialog?.open) dialog.close();
  }, [open]);
  return (
    <dialog ref={ref} id={id} className="action-dialog" aria-labelledby={`${id}-title`} onClose={onClose}>
      <div className="dialog-head">
        <h3 id={`${id}-title`}>{title}</h3>
        <button type="button" onClick={() => ref.current?.close()}>
          Cancel
        </button>
      </div>
      {children}
    </dialog>
  );
}

/**
 * The conversation's header actions: Assign to me (when nobody has it), Transfer and Close (each opens its form in
 * a dialog); for a closed one, Reopen instead.
 */
export function ConversationActions({ conversation, meId, teams, agents, handedOff, onTransferred, onClosed, onChanged }: ActionsProps) {
  const [transferError, setTransferError] = useState('');
  const [closeError, setCloseError] = useState('');
  const [actionError, setActionError] = useState('');
  const [to, setTo] = useState('');
  const [outcome, setOutcome] = useState('resolved');
  const [met, setMet] = useState<Set<string>>(new Set());
  const [dialog, setDialog] = useState<'transfer' | 'close' | null>(null);
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const id = conversation?.id;
  useEffect(() => {
    setMet(new Set());
    setTransferError('');
    setCloseError('');
    setActionError('');
    setOutcome('resolved');
    setDialog(null);
  }, [id]);
  // Its hand-offs are read after it opens: "handed on" chosen, then found not to be so, is not sent.
  const chosen = outcome === HANDED_OFF && !handedOff ? 'resolved' : outcome;

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
      setDialog(null);
      await onTransferred();
    } catch (e) {
      setTransferError(errorText(e));
    }
  };

  const close = async (event: FormEvent) => {
    event.preventDefault();
    setCloseError('');
    try {
      await api(`/api/conversations/${id}/close`, { method: 'POST', body: { outcome: chosen, needsMet: [...met] } });
      setDialog(null);
      await onClosed();
    } catch (e) {
      setCloseError(errorText(e));
    }
  };

  /** Take it (Assign to me) or reopen it: one request, then the conversation is read again. */
  const act = async (action: 'take' | 'reopen') => {
    setActionError('');
    try {
      await api(`/api/conversations/${id}/${action}`, { method: 'POST' });
      await onChanged();
    } catch (e) {
      setActionError(errorText(e));
    }
  };
  const error = (
    <p id="conversation-action-error" className="action-error" role="alert">
      {actionError}
    </p>
  );

  if (!conversation) return null;
  if (conversation.status !== 'open')
    return (
      <div id="handover-panel" className="conversation-actions">
        <span className="tag tag-closed">Closed</span>
        <button type="button" className="primary" onClick={() => void act('reopen')}>
          Reopen
        </button>
        {error}
      </div>
    );
  return (
    <div id="handover-panel" className="conversation-actions">
      {conversation.assignedAgent ? null : (
        <button type="button" className="primary" onClick={() => void act('take')}>
          Assign to me
        </button>
      )}
      {error}
      <button type="button" aria-haspopup="dialog" onClick={() => setDialog('transfer')}>
        Transfer…
      </button>
      <button type="button" aria-haspopup="dialog" onClick={() => setDialog('close')}>
        Close…
      </button>
      <ActionDialog id="transfer-dialog" title="Transfer this conversation" open={dialog === 'transfer'} onClose={() => setDialog(null)}>
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
          <textarea id="transfer-note" name="note" rows={3} maxLength={4000} required ref={noteRef} />
          <div className="dialog-actions">
            <button type="submit" className="primary">
              Transfer
            </button>
          </div>
          <p id="transfer-error" role="alert">
            {transferError}
          </p>
        </form>
      </ActionDialog>
      <ActionDialog id="close-dialog" title="Close this conversation" open={dialog === 'close'} onClose={() => setDialog(null)}>
        <form id="close-form" onSubmit={close}>
          <label htmlFor="close-outcome">Outcome</label>
          <select
            id="close-outcome"
            name="outcome"
            value={chosen}
            aria-describedby={handedOff ? undefined : 'close-outcome-hint'}
            onChange={(e) => setOutcome(e.target.value)}
          >
            {OUTCOMES.filter(([value]) => value !== HANDED_OFF || handedOff).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
          {handedOff ? null : (
            <p id="close-outcome-hint" className="hint">
              “Handed on to a service” is not offered: this conversation has not been handed on. Hand it on from Services first if it should be.
            </p>
          )}
          <fieldset id="needs-met">
            <legend>Needs met</legend>
            <p id="needs-met-empty" hidden={conversation.needs.length > 0}>
              No needs recorded.
            </p>
            {conversation.needs.map((need) => (
              <div key={need.code} className="check">
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
          <div className="dialog-actions">
            <button type="submit" className="primary">
              Close conversation
            </button>
          </div>
          <p id="close-error" role="alert">
            {closeError}
          </p>
        </form>
      </ActionDialog>
    </div>
  );
}

// The conversation's Services panel: the customer's plan (what was handed to which service, and where each
// stands) and the form that hands needs on to the services that own them in the directory, once the
// customer has agreed. The plan follows every change live (handoff.updated).
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import type { Socket } from 'socket.io-client';
import { api, type ConversationDetail } from './api.ts';
import { isOverdue, plainError, statusLine, useSocketEvent, type Handoff, type HandoffUpdated, type PreviewNeed } from './handoffs.ts';
import { HandoffStyles } from './HandoffStyles.tsx';
import { Section } from './Section.tsx';
import { CustomerPlan } from './CustomerPlan.tsx';

interface PanelProps {
  conversation: ConversationDetail | null;
  socket: Socket | null;
  /** The plan as it was last read: the conversation's timeline shows its hand-offs as events. */
  onPlan?: (plan: Handoff[]) => void;
}

export function ServicesPanel({ conversation, socket, onPlan }: PanelProps) {
  const [plan, setPlan] = useState<Handoff[]>([]);
  const [preview, setPreview] = useState<PreviewNeed[] | null>(null);
  const [reachableLater, setReachableLater] = useState(true);
  const [loadError, setLoadError] = useState('');
  const id = conversation?.id ?? null;
  const needsKey = conversation ? conversation.needs.map((n) => n.code).join(',') : '';
  const currentId = useRef(id);
  currentId.current = id;

  const load = useCallback(async () => {
    const asked = currentId.current;
    if (!asked) return;
    try {
      const [{ handoffs }, needs] = await Promise.all([
        api<{ handoffs: Handoff[] }>(`/api/conversations/${asked}/handoffs`),
        api<{ needs: PreviewNeed[]; reachableLater: boolean }>(`/api/conversations/${asked}/handoffs/preview`),
      ]);
      if (asked !== currentId.current) return;
      setPlan(handoffs);
      onPlan?.(handoffs);
      setPreview(needs.needs);
      setReachableLater(needs.reachableLater);
      setLoadError('');
    } catch (e) {
      if (asked === currentId.current) setLoadError(plainError(e));
    }
  }, [onPlan]);

  useEffect(() => {
    setPlan([]);
    onPlan?.([]);
    setPreview(null);
    setLoadError('');
  }, [id, onPlan]);
  // Needs added or removed change what can be handed on.
  useEffect(() => void load(), [id, needsKey, load]);

  // The plan spans the customer's conversations, so a change to any hand-off in it counts.
  useSocketEvent<HandoffUpdated>(socket, 'handoff.updated', (event) => {
    if (event.conversationId === id || plan.some((h) => h.id === event.handoffId)) void load();
  });
  useSocketEvent(socket, 'desk.resync', () => void load());

  return (
    <Section id="services-panel" title="Services" hidden={!conversation}>
      <HandoffStyles />
      {loadError ? <p role="alert">{loadError}</p> : null}
      <Plan plan={plan} />
      {id && plan[0] ? <CustomerPlan planId={plan[0].plan.id} conversationId={id} socket={socket} /> : null}
      {id ? <HandOnForm key={id} conversationId={id} preview={preview} reachableLater={reachableLater} onDone={load} /> : null}
    </Section>
  );
}

/** The customer's plan: every hand-off, newest first. */
function Plan({ plan }: { plan: Handoff[] }) {
  const lead = plan.find((h) => h.plan.lead)?.plan.lead;
  return (
    <>
      <h4 id="plan-title">The customer’s plan</h4>
      {plan.length === 0 ? <p id="plan-empty">Nothing has been handed on to a service yet.</p> : null}
      {lead ? <p className="hint">{`Lead at the contact centre: ${lead}`}</p> : null}
      <ul id="plan-list" className="plan-list" aria-labelledby="plan-title" hidden={plan.length === 0}>
        {plan.map((h) => (
          <li key={h.id} data-reference={h.reference}>
            <strong>{`${h.service.name} (${h.service.organisation})`}</strong>
            {`: ${h.needs.map((n) => n.label).join('; ')}`}
            <span className="meta">
              {`Reference ${h.reference} · ${statusLine(h)}`}
              {isOverdue(h) ? <strong className="overdue"> · overdue</strong> : null}
            </span>
            {h.outcome ? <span className="meta">{`What was done: ${h.outcome}`}</span> : null}
          </li>
        ))}
      </ul>
    </>
  );
}

interface HandOnProps {
  conversationId: string;
  preview: PreviewNeed[] | null;
  /** Whether anything on the customer's record reaches them after this conversation (a phone number, an email). */
  reachableLater: boolean;
  onDone: () => Promise<void>;
}

const canHand = (n: PreviewNeed) => !!n.owner && !n.handedOff;

/** Each need with the service it would go to; the agent confirms the customer agreed before anything is shared. */
function HandOnForm({ conversationId, preview, reachableLater, onDone }: HandOnProps) {
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [consent, setConsent] = useState(false);
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  const [consentMissing, setConsentMissing] = useState(false);
  const [result, setResult] = useState('');
  const consentRef = useRef<HTMLInputElement>(null);
  const offered =
    preview
      ?.filter(canHand)
      .map((n) => n.code)
      .join(',') ?? '';
  // Everything that can be handed on starts ticked; the agent unticks what the customer did not agree to.
  useEffect(() => setChosen(new Set(offered ? offered.split(',') : [])), [offered]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    setConsentMissing(false);
    setResult('');
    const needs = (preview ?? []).filter((n) => canHand(n) && chosen.has(n.code));
    if (!needs.length) return setError('Tick at least one need to hand on.');
    if (!consent) {
      setConsentMissing(true);
      setError('Ask the customer first. Tick the box to confirm they agreed that we share this with these services.');
      return consentRef.current?.focus();
    }
    try {
      const made = await api<{ handoffs: Handoff[]; unowned: string[] }>(`/api/conversations/${conversationId}/handoffs`, {
        method: 'POST',
        body: { consent: true, needs: needs.map((n) => n.code), ...(note.trim() ? { note: note.trim() } : {}) },
      });
      const label = (code: string) => preview?.find((n) => n.code === code)?.label ?? code;
      const kept = [...new Set([...made.unowned, ...(preview ?? []).filter((n) => !n.owner).map((n) => n.code)])];
      setResult(
        [
          `Handed on: ${made.handoffs.map((h) => `${h.service.name}, reference ${h.reference}`).join('; ')}.`,
          kept.length
            ? `No service in the directory for ${kept.map(label).join(' and ')}: the contact centre keeps ${kept.length === 1 ? 'this' : 'these'}.`
            : '',
        ]
          .join(' ')
          .trim(),
      );
      setConsent(false);
      setNote('');
      await onDone();
    } catch (e) {
      setError(plainError(e));
      await onDone();
    }
  };

  return (
    <form id="handoff-form" aria-labelledby="handoff-form-title" noValidate onSubmit={submit}>
      <h4 id="handoff-form-title">Hand on to services</h4>
      <p className="hint" id="handoff-hint">
        Each need goes to the service that deals with it. They get what the customer told us, so the customer does not have to tell their story again.
      </p>
      <fieldset>
        <legend>Needs to hand on</legend>
        {preview?.length === 0 ? <p>No needs recorded yet. Add them under Needs first.</p> : null}
        {preview === null ? <p>Loading…</p> : null}
        <ul className="handoff-choices">
          {preview?.map((need) => (
            <NeedChoice
              key={need.code}
              need={need}
              checked={chosen.has(need.code)}
              onChange={(on) => {
                const next = new Set(chosen);
                if (on) next.add(need.code);
                else next.delete(need.code);
                setChosen(next);
              }}
            />
          ))}
        </ul>
      </fieldset>
      {reachableLater ? null : (
        <p id="handoff-unreachable" className="warning">
          We have no phone number or email address for them: once this chat ends, the services cannot get back to them. Ask how they can be contacted safely,
          and write it in the note for the services.
        </p>
      )}
      <label htmlFor="handoff-note">Note for the services (optional)</label>
      <textarea
        id="handoff-note"
        name="note"
        rows={2}
        maxLength={2000}
        aria-describedby={reachableLater ? 'handoff-note-hint' : 'handoff-unreachable handoff-note-hint'}
        value={note}
        onChange={(e) => setNote(e.target.value)}
      />
      <p id="handoff-note-hint" className="hint">
        For example, how and when it is safe to contact them.
      </p>
      {/* Above the box it is about, so it shows when focus moves to the box on a short screen. */}
      <p id="handoff-error" role="alert">
        {error}
      </p>
      <div className="check">
        <input
          type="checkbox"
          id="handoff-consent"
          name="consent"
          required
          aria-invalid={consentMissing && !consent}
          aria-describedby="handoff-error"
          ref={consentRef}
          checked={consent}
          onChange={(e) => setConsent(e.target.checked)}
        />
        <label htmlFor="handoff-consent">The customer agreed that we share this with these services</label>
      </div>
      <button type="submit">Hand on to services</button>
      <p id="handoff-result" role="status">
        {result}
      </p>
    </form>
  );
}

function NeedChoice({ need, checked, onChange }: { need: PreviewNeed; checked: boolean; onChange: (on: boolean) => void }) {
  const where = `handon-${need.code}-where`;
  const urgent = need.urgent ? 'URGENT: ' : '';
  if (!canHand(need)) {
    // Nothing to choose: it is already with a service, or no service in the directory deals with it.
    return (
      <li>
        <span>{`${urgent}${need.label}`}</span>
        <span className="meta">
          {need.handedOff
            ? `Already with ${need.handedOff.service}, reference ${need.handedOff.reference}`
            : 'No service in the directory: the contact centre keeps this'}
        </span>
      </li>
    );
  }
  return (
    <li>
      <div className="check">
        <input
          type="checkbox"
          id={`handon-${need.code}`}
          name="needs"
          value={need.code}
          aria-describedby={where}
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
        />
        <label htmlFor={`handon-${need.code}`} className={need.urgent ? 'urgent' : undefined}>{`${urgent}${need.label}`}</label>
      </div>
      <span id={where} className="meta">{`Goes to ${need.owner!.name} (${need.owner!.organisation})`}</span>
    </li>
  );
}

// What a service (or a supervisor) does with a hand-off: accept it, answer the customer, pass it to another
// service, close it with what was done. Each answers with the hand-off as it now is; errors are shown beside
// the control that caused them, and what happened is announced (role=status).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from './api.ts';
import { isFinished, plainError, type Handoff, type ServiceEntry } from './handoffs.ts';
import { CHANNEL_NAMES } from './text.ts';

interface ActionsProps {
  handoff: Handoff;
  /** Services it could be passed to; null: this account cannot list them. */
  services: ServiceEntry[] | null;
  level: 3 | 4;
  onDone: (next: Handoff) => void;
}

type Done = (next: Handoff, said: string, moveFocus?: boolean) => void;

export function HandoffActions({ handoff, services, level, onDone }: ActionsProps) {
  const [said, setSaid] = useState('');
  const saidRef = useRef<HTMLParagraphElement>(null);
  useEffect(() => setSaid(''), [handoff.id]);
  const Heading = `h${level}` as 'h3';
  const done: Done = (next, words, moveFocus = false) => {
    setSaid(words);
    onDone(next);
    // The control just used may be gone (a closed hand-off has no Close form): keep the keyboard user's place.
    if (moveFocus) saidRef.current?.focus();
  };
  const open = !isFinished(handoff);
  return (
    <section className="handoff-actions" aria-labelledby="handoff-actions-title">
      <Heading id="handoff-actions-title">What to do</Heading>
      <p id="handoff-said" role="status" tabIndex={-1} ref={saidRef}>
        {said}
      </p>
      {open && handoff.status !== 'accepted' ? <Accept handoff={handoff} done={done} /> : null}
      {handoff.status !== 'redirected' ? <Reply handoff={handoff} done={done} /> : null}
      {open ? <Redirect handoff={handoff} services={services} done={done} /> : null}
      {open ? <Close handoff={handoff} done={done} /> : null}
      {handoff.status === 'redirected' ? <p>This hand-off was passed to another service: there is nothing more to do here.</p> : null}
    </section>
  );
}

/** Posts one action; the error, if any, is kept for the form that asked. */
function useAction(handoffId: string) {
  const [error, setError] = useState('');
  useEffect(() => setError(''), [handoffId]);
  const run = async (action: string, body?: unknown): Promise<Handoff | null> => {
    setError('');
    try {
      return (await api<{ handoff: Handoff }>(`/api/handoffs/${handoffId}/${action}`, { method: 'POST', body })).handoff;
    } catch (e) {
      setError(plainError(e));
      return null;
    }
  };
  return { error, setError, run };
}

function Accept({ handoff, done }: { handoff: Handoff; done: Done }) {
  const { error, run } = useAction(handoff.id);
  const accept = async () => {
    const next = await run('accept');
    if (next) done(next, `Accepted. The contact centre can see that ${next.service.name} has it.`, true);
  };
  return (
    <div className="accept">
      <p id="handoff-accept-hint" className="hint">
        Accept it to tell the contact centre and the customer’s plan that your service is dealing with it.
      </p>
      <button type="button" aria-describedby="handoff-accept-hint" onClick={() => void accept()}>
        Accept
      </button>
      <p role="alert">{error}</p>
    </div>
  );
}

function Reply({ handoff, done }: { handoff: Handoff; done: Done }) {
  const { error, setError, run } = useAction(handoff.id);
  const [text, setText] = useState('');
  const by = CHANNEL_NAMES[handoff.customer.channel] ?? handoff.customer.channel;
  const send = async (event: FormEvent) => {
    event.preventDefault();
    if (!text.trim()) return setError('Write the reply first.');
    const next = await run('reply', { text });
    if (!next) return;
    setText('');
    done(next, `Your reply is on its way to the customer by ${by}.`);
  };
  return (
    <form id="handoff-reply-form" noValidate onSubmit={send}>
      <label htmlFor="handoff-reply-text">Reply to the customer</label>
      <textarea
        id="handoff-reply-text"
        name="text"
        rows={3}
        maxLength={1500}
        required
        aria-describedby="handoff-reply-hint"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <p id="handoff-reply-hint" className="hint">
        {`They get it by ${by}, starting “${handoff.service.name} (reference ${handoff.reference}):”.${handoff.status === 'accepted' || isFinished(handoff) ? '' : ' Replying also accepts the hand-off.'}`}
      </p>
      <button type="submit">Send reply</button>
      <p role="alert">{error}</p>
    </form>
  );
}

function Redirect({ handoff, services, done }: { handoff: Handoff; services: ServiceEntry[] | null; done: Done }) {
  const { error, run } = useAction(handoff.id);
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const others = (services ?? []).filter((s) => s.id !== handoff.service.id);
  const target = others.some((s) => s.id === to) ? to : (others[0]?.id ?? '');
  if (!others.length) {
    return (
      <p className="hint">
        {services
          ? 'There is no other service in the directory to pass it to.'
          : 'To pass it to another service, ask the contact centre: they can see the whole directory.'}
      </p>
    );
  }
  const redirect = async (event: FormEvent) => {
    event.preventDefault();
    const next = await run('redirect', { serviceId: target, ...(reason.trim() ? { reason: reason.trim() } : {}) });
    if (next) done(next, `Passed to ${others.find((s) => s.id === target)?.name ?? 'the other service'}. It is theirs now.`, true);
  };
  return (
    <form id="handoff-redirect-form" noValidate onSubmit={redirect}>
      <label htmlFor="handoff-redirect-to">Pass it to another service</label>
      <select id="handoff-redirect-to" name="serviceId" value={target} onChange={(e) => setTo(e.target.value)}>
        {others.map((s) => (
          <option key={s.id} value={s.id}>{`${s.name} (${s.organisation})`}</option>
        ))}
      </select>
      <label htmlFor="handoff-redirect-reason">Why (optional)</label>
      <textarea id="handoff-redirect-reason" name="reason" rows={2} maxLength={500} value={reason} onChange={(e) => setReason(e.target.value)} />
      <button type="submit">Pass it on</button>
      <p role="alert">{error}</p>
    </form>
  );
}

function Close({ handoff, done }: { handoff: Handoff; done: Done }) {
  const { error, setError, run } = useAction(handoff.id);
  const [outcome, setOutcome] = useState('');
  const close = async (event: FormEvent) => {
    event.preventDefault();
    if (!outcome.trim()) return setError('Say what was done before closing it.');
    const next = await run('close', { outcome });
    if (next) done(next, 'Closed. The contact centre can see what was done.', true);
  };
  return (
    <form id="handoff-close-form" noValidate onSubmit={close}>
      <label htmlFor="handoff-outcome">What was done</label>
      <textarea
        id="handoff-outcome"
        name="outcome"
        rows={2}
        maxLength={500}
        required
        aria-describedby="handoff-outcome-hint"
        value={outcome}
        onChange={(e) => setOutcome(e.target.value)}
      />
      <p id="handoff-outcome-hint" className="hint">
        The contact centre and the customer’s plan show this.
      </p>
      <button type="submit">Close hand-off</button>
      <p role="alert">{error}</p>
    </form>
  );
}

// Contact that does not start on a channel: "Someone is here" writes down what a person said face to face (found on
// record, or new to the council), and "Message a customer" writes first to someone on record by SMS or email.
// Either opens the conversation it lands in, where the needs found are confirmed and handed on as with any other.
// A modal <dialog>: focus moves into it, Escape closes it, and focus goes back to the button that opened it.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { api, errorText } from './api.ts';

interface Match {
  id: string;
  displayName: string | null;
  postcode: string | null;
  contactPoints: { kind: string; address: string }[];
}

type Mode = 'in-person' | 'outbound';

/** What this hub offers (GET /api/contacts/options): in person may be switched off, and SMS or email. */
interface Options {
  inPerson: boolean;
  writeTo: ('phone' | 'email')[];
}

export function NewContact({ onCreated }: { onCreated: (conversationId: string) => void }) {
  const [open, setOpen] = useState<Mode | null>(null);
  const [options, setOptions] = useState<Options | null>(null);
  const opener = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    api<Options>('/api/contacts/options').then(setOptions, () => {});
  }, []);
  const close = () => {
    setOpen(null);
    opener.current?.focus();
  };
  // Nothing to offer at all: no button that leads to a form that can only be refused.
  if (options && !options.inPerson && !options.writeTo.length) return null;
  return (
    <div className="new-contact">
      <button type="button" ref={opener} onClick={() => setOpen(options?.inPerson === false ? 'outbound' : 'in-person')}>
        New contact
      </button>
      {open ? (
        <ContactDialog
          mode={open}
          options={options ?? { inPerson: true, writeTo: ['phone', 'email'] }}
          onMode={setOpen}
          onClose={close}
          onCreated={(id) => {
            setOpen(null);
            onCreated(id);
          }}
        />
      ) : null}
    </div>
  );
}

interface DialogProps {
  mode: Mode;
  options: Options;
  onMode: (m: Mode) => void;
  onClose: () => void;
  onCreated: (id: string) => void;
}

function ContactDialog({ mode, options, onMode, onClose, onCreated }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [query, setQuery] = useState('');
  const [matches, setMatches] = useState<Match[] | null>(null);
  const [chosen, setChosen] = useState<string>('');
  const [person, setPerson] = useState({ displayName: '', phone: '', email: '', postcode: '' });
  const [story, setStory] = useState('');
  const [picked, setPicked] = useState<'phone' | 'email'>(options.writeTo[0] ?? 'phone');
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  // One id per form: pressing Record twice (or a retry after a lost answer) records the contact once.
  const requestId = useRef(crypto.randomUUID());

  useEffect(() => {
    if (!ref.current?.open) ref.current?.showModal();
  }, []);

  const customer = matches?.find((m) => m.id === chosen);
  /** The address of that kind on their record, the most recently used first (the one the message goes to). */
  const addressOf = (kind: 'phone' | 'email') => customer?.contactPoints.find((p) => p.kind === kind)?.address;
  // Someone chosen with no address of the kind picked: the kind they have (of those this hub can write to).
  const to = customer && !addressOf(picked) ? (options.writeTo.find((kind) => addressOf(kind)) ?? picked) : picked;

  const find = async () => {
    setError('');
    if (query.trim().length < 2) return setError('Type at least 2 characters of a name, phone number, email or postcode.');
    try {
      const found = await api<{ customers: Match[] }>(`/api/customers?query=${encodeURIComponent(query.trim())}`);
      setMatches(found.customers);
      setChosen(found.customers[0]?.id ?? (mode === 'in-person' ? 'new' : ''));
    } catch (e) {
      setError(errorText(e));
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    const isNew = chosen === 'new';
    if (!chosen) return setError('Find the customer first, and choose them.');
    if (mode === 'in-person' && isNew && !person.displayName.trim()) return setError('Give the person’s name.');
    if (mode === 'in-person' && !story.trim()) return setError('Write what they told you, in their words.');
    if (mode === 'outbound' && !text.trim()) return setError('Write the message.');
    setBusy(true);
    try {
      if (mode === 'in-person') {
        const newCustomer = Object.fromEntries(Object.entries(person).filter(([, v]) => v.trim()));
        const done = await api<{ conversationId: string }>('/api/contacts/in-person', {
          method: 'POST',
          body: { requestId: requestId.current, story, ...(isNew ? { newCustomer } : { customerId: chosen }) },
        });
        onCreated(done.conversationId);
      } else {
        const done = await api<{ conversationId: string }>('/api/contacts/outbound', { method: 'POST', body: { customerId: chosen, to, text } });
        onCreated(done.conversationId);
      }
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <dialog ref={ref} className="contact-dialog" aria-labelledby={`${id}-title`} onClose={onClose}>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <h2 id={`${id}-title`}>New contact</h2>
        <fieldset>
          <legend>What happened</legend>
          {options.inPerson ? (
            <div className="check">
              <input type="radio" id={`${id}-in`} name="mode" checked={mode === 'in-person'} onChange={() => onMode('in-person')} />
              <label htmlFor={`${id}-in`}>Someone is here in person (a walk-in or reception)</label>
            </div>
          ) : null}
          {options.writeTo.length ? (
            <div className="check">
              <input type="radio" id={`${id}-out`} name="mode" checked={mode === 'outbound'} onChange={() => onMode('outbound')} />
              <label htmlFor={`${id}-out`}>I need to message a customer on record</label>
            </div>
          ) : null}
        </fieldset>

        <label htmlFor={`${id}-query`}>Find the customer</label>
        <div className="field-row">
          <input
            id={`${id}-query`}
            type="search"
            value={query}
            autoComplete="off"
            aria-describedby={`${id}-query-hint`}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                void find();
              }
            }}
          />
          <button type="button" onClick={() => void find()}>
            Find
          </button>
        </div>
        <p id={`${id}-query-hint`} className="hint">
          A name, phone number, email address or postcode.
        </p>
        {matches ? (
          <fieldset>
            <legend>{matches.length ? `${matches.length} found: choose one` : 'Nobody found'}</legend>
            {matches.map((m) => (
              <div className="check" key={m.id}>
                <input type="radio" id={`${id}-c-${m.id}`} name="customer" checked={chosen === m.id} onChange={() => setChosen(m.id)} />
                <label htmlFor={`${id}-c-${m.id}`}>
                  <bdi>{m.displayName ?? 'No name on record'}</bdi>
                  {[m.postcode, ...m.contactPoints.filter((p) => p.kind === 'phone' || p.kind === 'email').map((p) => p.address)]
                    .filter(Boolean)
                    .map((detail) => ` · ${detail}`)
                    .join('')}
                </label>
              </div>
            ))}
            {mode === 'in-person' ? (
              <div className="check">
                <input type="radio" id={`${id}-c-new`} name="customer" checked={chosen === 'new'} onChange={() => setChosen('new')} />
                <label htmlFor={`${id}-c-new`}>Someone new to us</label>
              </div>
            ) : null}
          </fieldset>
        ) : null}

        {mode === 'in-person' && chosen === 'new' ? (
          <fieldset>
            <legend>About them</legend>
            <label htmlFor={`${id}-name`}>Their name</label>
            <input id={`${id}-name`} value={person.displayName} autoComplete="off" onChange={(e) => setPerson({ ...person, displayName: e.target.value })} />
            <label htmlFor={`${id}-phone`}>Phone number (optional)</label>
            <input id={`${id}-phone`} type="tel" value={person.phone} autoComplete="off" onChange={(e) => setPerson({ ...person, phone: e.target.value })} />
            <label htmlFor={`${id}-email`}>Email address (optional)</label>
            <input id={`${id}-email`} type="email" value={person.email} autoComplete="off" onChange={(e) => setPerson({ ...person, email: e.target.value })} />
            <label htmlFor={`${id}-postcode`}>Postcode (optional)</label>
            <input id={`${id}-postcode`} value={person.postcode} autoComplete="off" onChange={(e) => setPerson({ ...person, postcode: e.target.value })} />
          </fieldset>
        ) : null}

        {mode === 'in-person' ? (
          <>
            <label htmlFor={`${id}-story`}>What they told you, in their words</label>
            <textarea id={`${id}-story`} rows={6} value={story} onChange={(e) => setStory(e.target.value)} aria-describedby={`${id}-story-hint`} />
            <p id={`${id}-story-hint`} className="hint">
              The needs found in it show with the conversation, to check with them before anything is shared.
            </p>
          </>
        ) : (
          <>
            <label htmlFor={`${id}-to`}>Send to</label>
            <select id={`${id}-to`} value={to} onChange={(e) => setPicked(e.target.value as 'phone' | 'email')}>
              {options.writeTo.map((kind) => {
                const address = addressOf(kind);
                const how = kind === 'phone' ? 'A text message' : 'An email';
                return (
                  <option key={kind} value={kind} disabled={!!customer && !address}>
                    {address ? `${how} to ${address}` : `${how} (no ${kind === 'phone' ? 'phone number' : 'email address'} on record)`}
                  </option>
                );
              })}
            </select>
            <label htmlFor={`${id}-text`}>Message</label>
            <textarea id={`${id}-text`} rows={5} value={text} onChange={(e) => setText(e.target.value)} />
          </>
        )}

        <p className="form-error" role="alert">
          {error}
        </p>
        <div className="dialog-actions">
          <button type="submit" className="primary" disabled={busy}>
            {mode === 'in-person' ? 'Record contact' : 'Send'}
          </button>
          <button type="button" onClick={() => ref.current?.close()}>
            Cancel
          </button>
        </div>
      </form>
    </dialog>
  );
}

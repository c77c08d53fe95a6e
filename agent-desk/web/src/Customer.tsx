// The customer 360 panel beside a conversation: who they are and how to reach them, what they asked about
// before and on which channel, the needs recorded in any conversation, so nobody asks them again, and what
// was handed to which service. Read through GET /api/customers/{id}, which the hub audits as a read of
// personal data (so it is read again only when one of this conversation's hand-offs changes).
import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { Socket } from 'socket.io-client';
import { api, errorText, type Message } from './api.ts';
import { statusLine, useSocketEvent, when, type HandoffStatus, type HandoffUpdated } from './handoffs.ts';
import { Section } from './Section.tsx';
import { addressLabel, CHANNEL_NAMES } from './text.ts';

interface Customer360 {
  id: string;
  displayName: string | null;
  preferredChannel: string | null;
  language: string | null;
  postcode: string | null;
  accessibilityNeeds: string[];
  contactPoints: { kind: string; address: string; verifiedBy: string }[];
  /** restricted: another team's, shown without its content. */
  conversations: { id: string; status: string; channel: string; createdAt: string; restricted?: boolean; team?: string | null }[];
  timeline: Message[];
  needs: { code: string; source: string; conversationId: string | null }[];
  handoffs?: {
    id: string;
    reference: string;
    service: string;
    needs: string[];
    status: HandoffStatus;
    acceptedBy: string | null;
    outcome: string | null;
    conversationId: string;
    createdAt: string;
  }[];
}

const KIND = { phone: 'Phone', email: 'Email', webchat_visitor: 'Web chat', botframework_user: 'Teams or Web Chat' } as Record<string, string>;

interface PanelProps {
  customerId: string | null;
  conversationId: string | null;
  needLabel: (code: string) => string;
  socket?: Socket | null;
}

export function CustomerPanel({ customerId, conversationId, needLabel, socket = null }: PanelProps) {
  const [customer, setCustomer] = useState<Customer360 | null>(null);
  const [error, setError] = useState('');
  const shown = useRef(customerId);
  shown.current = customerId;
  // Read again in place (no "Loading…") when a hand-off of this conversation changed.
  useSocketEvent<HandoffUpdated>(socket, 'handoff.updated', (event) => {
    const id = customerId;
    if (!id || event.conversationId !== conversationId) return;
    api<{ customer: Customer360 }>(`/api/customers/${id}?timelineLimit=200`).then(
      ({ customer: c }) => id === shown.current && setCustomer(c),
      () => {},
    );
  });
  useEffect(() => {
    setCustomer(null);
    setError('');
    if (!customerId) return;
    let current = true;
    api<{ customer: Customer360 }>(`/api/customers/${customerId}?timelineLimit=200`)
      .then(({ customer: c }) => current && setCustomer(c))
      .catch((e) => current && setError(errorText(e)));
    return () => {
      current = false;
    };
  }, [customerId, conversationId]);

  if (!customerId) return null;
  const earlier = customer ? customer.timeline.filter((m) => m.conversationId !== conversationId) : [];
  const others = customer ? customer.conversations.filter((c) => c.id !== conversationId && !c.restricted) : [];
  const restricted = customer ? customer.conversations.filter((c) => c.restricted) : [];
  const otherNeeds = customer ? [...new Set(customer.needs.filter((n) => n.conversationId !== conversationId).map((n) => n.code))] : [];
  return (
    <Section id="customer-panel" title="Customer">
      {error ? <p role="alert">{error}</p> : null}
      {customer ? (
        <>
          <dl>
            <dt>Name</dt>
            <dd>{customer.displayName ?? 'Not known'}</dd>
            <dt>Postcode</dt>
            <dd>{customer.postcode ?? 'Not known'}</dd>
            {customer.preferredChannel ? (
              <>
                <dt>Prefers</dt>
                <dd>{CHANNEL_NAMES[customer.preferredChannel] ?? customer.preferredChannel}</dd>
              </>
            ) : null}
            {customer.language ? (
              <>
                <dt>Language</dt>
                <dd>{customer.language}</dd>
              </>
            ) : null}
            {customer.accessibilityNeeds.length ? (
              <>
                <dt>Accessibility</dt>
                <dd>{customer.accessibilityNeeds.join(', ')}</dd>
              </>
            ) : null}
          </dl>
          <EditProfile key={customer.id} customer={customer} onSaved={setCustomer} />
          <h4>How to reach them</h4>
          <ul id="contact-points">
            {customer.contactPoints.map((p) => (
              <li key={`${p.kind}:${p.address}`}>{`${KIND[p.kind] ?? p.kind}: ${addressLabel(p)}`}</li>
            ))}
          </ul>
          {otherNeeds.length ? (
            <>
              <h4>Needs from earlier contact</h4>
              <ul id="earlier-needs">
                {otherNeeds.map((code) => (
                  <li key={code}>{needLabel(code)}</li>
                ))}
              </ul>
            </>
          ) : null}
          {customer.handoffs?.length ? (
            <>
              <h4>Passed to services</h4>
              <ul id="customer-handoffs">
                {customer.handoffs.map((h) => (
                  <li key={h.id}>
                    {`${h.service}: ${h.needs.map(needLabel).join('; ')}. Reference ${h.reference}, ${statusLine(h)}${h.outcome ? `. What was done: ${h.outcome}` : ''}`}
                    <span className="meta">{`${when(h.createdAt)}${h.conversationId === conversationId ? ' · from this conversation' : ''}`}</span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {restricted.length ? (
            <p id="restricted-contact">
              {`${restricted.length} other conversation${restricted.length === 1 ? ' is' : 's are'} with ${[...new Set(restricted.map((c) => c.team ?? 'another team'))].join(', ')}, which you are not in: ask a supervisor if you need ${restricted.length === 1 ? 'it' : 'them'}.`}
            </p>
          ) : null}
          <details id="earlier-contact" className="earlier">
            <summary>
              {others.length
                ? `Earlier contact: ${others.length} other conversation${others.length === 1 ? '' : 's'}, ${earlier.length} message${earlier.length === 1 ? '' : 's'}`
                : 'No earlier contact'}
            </summary>
            <ol>
              {earlier.map((m) => (
                <li key={m.id} className={m.direction}>
                  <span className="meta">{`${when(m.createdAt)} · ${CHANNEL_NAMES[m.channel] ?? m.channel} · ${m.direction === 'inbound' ? 'Customer' : m.fromBot ? 'Bot' : 'Council'}`}</span>
                  <span className="body" dir="auto">
                    {m.body}
                  </span>
                </li>
              ))}
            </ol>
          </details>
        </>
      ) : error ? null : (
        <p>Loading…</p>
      )}
    </Section>
  );
}

/**
 * Name and postcode, corrected or added as the customer gives them (a walk-in recorded in a hurry, a caller
 * known only by number). Empty clears what was there. The hub audits the change and checks whether the record
 * now looks like someone else's (same name and postcode), suggesting a merge rather than merging.
 */
function EditProfile({ customer, onSaved }: { customer: Customer360; onSaved: (c: Customer360) => void }) {
  const [name, setName] = useState(customer.displayName ?? '');
  const [postcode, setPostcode] = useState(customer.postcode ?? '');
  const [error, setError] = useState('');
  const [saved, setSaved] = useState('');
  const save = async (event: FormEvent) => {
    event.preventDefault();
    setError('');
    setSaved('');
    try {
      const { customer: updated } = await api<{ customer: Omit<Customer360, 'timeline'> }>(`/api/customers/${customer.id}`, {
        method: 'PATCH',
        body: { displayName: name.trim() || null, postcode: postcode.trim() || null },
      });
      // The reply carries no timeline (asked for none): keep the one shown.
      onSaved({ ...customer, ...updated, timeline: customer.timeline });
      setSaved('Saved.');
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <details id="edit-profile" className="edit-profile">
      <summary>Change name or postcode</summary>
      <form onSubmit={save}>
        <label htmlFor="profile-name">Name</label>
        <input id="profile-name" autoComplete="off" value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="profile-postcode">Postcode</label>
        <input
          id="profile-postcode"
          autoComplete="off"
          value={postcode}
          maxLength={10}
          aria-describedby="profile-error"
          onChange={(e) => setPostcode(e.target.value)}
        />
        <button type="submit">Save</button>
        <p id="profile-error" role="alert">
          {error}
        </p>
        <p role="status">{saved}</p>
      </form>
    </details>
  );
}

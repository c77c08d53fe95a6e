// The customer 360 panel beside a conversation: who they are and how to reach them, what they asked about
// before and on which channel, and the needs recorded in any conversation, so nobody asks them again.
// Read through GET /api/customers/{id}, which the hub audits as a read of personal data.
import { useEffect, useState } from 'react';
import { api, errorText, type Message } from './api.ts';

interface Customer360 {
  id: string;
  displayName: string | null;
  preferredChannel: string | null;
  language: string | null;
  accessibilityNeeds: string[];
  contactPoints: { kind: string; address: string; verifiedBy: string }[];
  conversations: { id: string; status: string; channel: string; createdAt: string }[];
  timeline: Message[];
  needs: { code: string; source: string; conversationId: string | null }[];
}

const KIND = { phone: 'Phone', email: 'Email', webchat_visitor: 'Web chat', botframework_user: 'Teams or Web Chat' } as Record<string, string>;
const when = (iso: string) => new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

export function CustomerPanel({ customerId, conversationId, needLabel }: { customerId: string | null; conversationId: string | null; needLabel: (code: string) => string }) {
  const [customer, setCustomer] = useState<Customer360 | null>(null);
  const [error, setError] = useState('');
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
  const others = customer ? customer.conversations.filter((c) => c.id !== conversationId) : [];
  const otherNeeds = customer ? [...new Set(customer.needs.filter((n) => n.conversationId !== conversationId).map((n) => n.code))] : [];
  return (
    <section id="customer-panel" aria-labelledby="customer-title">
      <h3 id="customer-title">Customer</h3>
      {error ? <p role="alert">{error}</p> : null}
      {customer ? (
        <>
          <dl>
            <dt>Name</dt>
            <dd>{customer.displayName ?? 'Not known'}</dd>
            {customer.preferredChannel ? (<><dt>Prefers</dt><dd>{customer.preferredChannel}</dd></>) : null}
            {customer.language ? (<><dt>Language</dt><dd>{customer.language}</dd></>) : null}
            {customer.accessibilityNeeds.length ? (<><dt>Accessibility</dt><dd>{customer.accessibilityNeeds.join(', ')}</dd></>) : null}
          </dl>
          <h4>How to reach them</h4>
          <ul id="contact-points">
            {customer.contactPoints.map((p) => (
              <li key={`${p.kind}:${p.address}`}>{`${KIND[p.kind] ?? p.kind}: ${p.address}`}</li>
            ))}
          </ul>
          {otherNeeds.length ? (
            <>
              <h4>Needs from earlier contact</h4>
              <ul id="earlier-needs">{otherNeeds.map((code) => <li key={code}>{needLabel(code)}</li>)}</ul>
            </>
          ) : null}
          <details id="earlier-contact">
            <summary>{others.length ? `Earlier contact: ${others.length} other conversation${others.length === 1 ? '' : 's'}, ${earlier.length} message${earlier.length === 1 ? '' : 's'}` : 'No earlier contact'}</summary>
            <ol>
              {earlier.map((m) => (
                <li key={m.id} className={m.direction}>
                  <span className="meta">{`${when(m.createdAt)} · ${m.channel.toUpperCase()} · ${m.direction === 'inbound' ? 'Customer' : m.fromBot ? 'Bot' : 'Council'}`}</span>
                  <span className="body">{m.body}</span>
                </li>
              ))}
            </ol>
          </details>
        </>
      ) : error ? null : (
        <p>Loading…</p>
      )}
    </section>
  );
}

// Webhook target: the hand-off as JSON, POSTed to the service's own system and signed (signature.ts).
// The body follows Open311 GeoReport v2's service request where its fields fit (service_request_id,
// service_code, status, description, requested_datetime, contact fields); the rest is under `attributes`.
import type { Db } from '../../db/client.ts';
import type { HandoffView } from '../view.ts';
import { summaryLines } from '../view.ts';
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from '../signature.ts';
import { DeliveryError, type Delivery, type DeliveryKind } from './errors.ts';

export const WEBHOOK_EVENTS: Record<DeliveryKind, string> = {
  handoff: 'handoff.created',
  update: 'handoff.updated',
  reminder: 'handoff.reminder',
  customer_message: 'handoff.customer_message',
  feedback: 'handoff.feedback',
};

/** Open311's two statuses: a hand-off is open until the service closes it (or it goes to another service). */
const open311Status = (status: HandoffView['status']) => (status === 'closed' || status === 'redirected' ? 'closed' : 'open');

export function webhookBody(
  view: HandoffView,
  links: { desk: string },
  about: { messageId?: string | null; followUpId?: string | null } = {},
): Record<string, unknown> {
  const [first, ...rest] = (view.customer.name ?? '').trim().split(/\s+/).reverse();
  return {
    service_request_id: view.reference,
    service_code: view.service.externalId,
    service_name: view.service.name,
    agency_responsible: view.service.organisation,
    status: open311Status(view.status),
    status_notes: view.outcome,
    description: summaryLines(view).join('\n'),
    requested_datetime: view.createdAt.toISOString(),
    updated_datetime: view.statusAt.toISOString(),
    expected_datetime: view.dueAt.toISOString(),
    first_name: rest.reverse().join(' ') || null,
    last_name: first || null,
    phone: view.customer.phone,
    email: view.customer.email,
    zipcode: view.customer.postcode,
    attributes: {
      id: view.id,
      status: view.status,
      accepted_by: view.acceptedBy,
      urgent: view.urgent,
      needs: view.needs,
      facts: view.facts,
      note: view.note,
      excerpt: view.excerpt,
      consent: { given_at: view.consent.at.toISOString(), recorded_by: view.consent.recordedBy },
      customer: {
        language: view.customer.language,
        preferred_channel: view.customer.preferredChannel,
        accessibility_needs: view.customer.accessibilityNeeds,
        reply_channel: view.customer.channel,
      },
      // Since the hand-off: the service's replies and the customer's answers; new_message_id is the one this event is about.
      messages: view.messages.map((m) => ({ id: m.id, at: m.at.toISOString(), from: m.from, author: m.author, channel: m.channel, text: m.text })),
      new_message_id: about.messageId ?? null,
      // What the customer said when asked how things are (1 much worse … 5 much better) and whether this service helped.
      feedback: view.feedback.map((f) => ({
        id: f.followUpId,
        asked_at: f.askedAt.toISOString(),
        answered_at: f.answeredAt.toISOString(),
        wellbeing: f.wellbeing,
        helped: f.helped,
      })),
      // The follow-up a handoff.feedback event is about (the list may hold earlier ones too).
      new_feedback_id: about.followUpId ?? null,
      plan: {
        id: view.plan.id,
        lead: view.plan.lead,
        actions: view.plan.actions.map((a) => ({ service_request_id: a.reference, service_name: a.service, needs: a.needs, status: a.status })),
      },
      links,
    },
  };
}

/** Posts the hand-off to the service's endpoint, signed with its secret. */
export async function sendToWebhook(db: Db, view: HandoffView, delivery: Delivery, options: { timeoutMs: number; deskLink: string }): Promise<void> {
  const service = await db.service.findUniqueOrThrow({ where: { id: view.service.id }, select: { webhookUrl: true, webhookSecret: true } });
  if (!service.webhookUrl || !service.webhookSecret) throw new DeliveryError(`${view.service.name} has no webhook URL and secret`, true);
  await postWebhook({
    url: service.webhookUrl,
    secret: service.webhookSecret,
    deliveryId: delivery.id,
    kind: delivery.kind,
    body: webhookBody(view, { desk: options.deskLink }, { messageId: delivery.messageId, followUpId: delivery.followUpId }),
    timeoutMs: options.timeoutMs,
  });
}

async function postWebhook(input: { url: string; secret: string; deliveryId: string; kind: DeliveryKind; body: unknown; timeoutMs: number }): Promise<void> {
  const raw = JSON.stringify(input.body);
  const timestamp = Math.floor(Date.now() / 1000);
  let response: Response;
  try {
    response = await fetch(input.url, {
      method: 'POST',
      redirect: 'error',
      signal: AbortSignal.timeout(input.timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'contact-hub',
        [EVENT_HEADER]: WEBHOOK_EVENTS[input.kind],
        // The receiver's idempotency key: a delivery retried after a lost response carries the same id.
        [DELIVERY_HEADER]: input.deliveryId,
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signWebhook(input.secret, timestamp, raw),
      },
      body: raw,
    });
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause?.code;
    throw new DeliveryError(`could not reach ${new URL(input.url).host}: ${cause ?? (error as Error).message}`, false);
  }
  await response.body?.cancel().catch(() => undefined);
  if (response.ok) return;
  // Busy, down or throttled: try again later. Any other refusal will not change by itself.
  const temporary = response.status >= 500 || response.status === 408 || response.status === 429;
  throw new DeliveryError(`${new URL(input.url).host} answered ${response.status}`, !temporary);
}

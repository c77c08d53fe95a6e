// The customer's answer to a service goes to that service. When the last thing the customer was sent in a
// conversation was a service's reply about a hand-off still open, their next message is passed on to the
// service (its Slack thread, its email, its system, or its desk view) instead of waiting for the contact
// centre, unless their words show immediate danger: then a person at the contact centre is brought in too.
import type { Db } from '../db/client.ts';
import { isUniqueViolation } from '../db/client.ts';

/** After this long, a message is a new contact, not an answer to the service. */
export const RELAY_WINDOW_MS = 14 * 24 * 3_600_000;

export interface Relayed {
  handoffId: string;
  /** The delivery that passes it on; null for a service on the desk, which reads it there. */
  deliveryId: string | null;
}

/** The open hand-off whose service an inbound message answers (passed on already, or answering its last reply); null for none. */
export async function serviceAnswered(
  db: Db,
  message: { direction: 'inbound' | 'outbound'; conversationId: string; createdAt: Date; handoffId: string | null },
  /** The conversation's latest outbound message (null: there is none), when the caller read it already. */
  lastOutbound?: { handoffId: string | null; createdAt: Date } | null,
): Promise<string | null> {
  if (message.direction !== 'inbound') return null;
  if (message.handoffId) return message.handoffId;
  if (lastOutbound === null) return null;
  // The latest is the last one before this message, unless something was sent since (then it is looked up).
  if (lastOutbound && lastOutbound.createdAt < message.createdAt) return fromService(db, message, lastOutbound);
  return answeredHandoff(db, message);
}

/** Passes an inbound message on to the service it answers, once (a retried job finds it passed on). */
export async function relayToService(db: Db, messageId: string, handoffId: string): Promise<Relayed> {
  const handoff = await db.handoff.findUniqueOrThrow({ where: { id: handoffId }, select: { service: { select: { target: true } } } });
  try {
    return await db.$transaction(async (tx) => {
      // The event's key is the message: a second run of this job fails here and reads what the first wrote.
      await tx.handoffEvent.create({ data: { handoffId, kind: 'customer_replied', providerKey: `relay:${messageId}`, detail: { messageId } } });
      await tx.message.update({ where: { id: messageId }, data: { handoffId } });
      const target = handoff.service.target;
      const delivery =
        target === 'desk' ? null : await tx.handoffDelivery.create({ data: { handoffId, kind: 'customer_message', target, messageId }, select: { id: true } });
      return { handoffId, deliveryId: delivery?.id ?? null };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const delivery = await db.handoffDelivery.findFirst({ where: { handoffId, messageId }, select: { id: true } });
    return { handoffId, deliveryId: delivery?.id ?? null };
  }
}

/** The open hand-off whose service sent the last message the customer got in this conversation, recently. */
async function answeredHandoff(db: Db, message: { conversationId: string; createdAt: Date }): Promise<string | null> {
  const last = await db.message.findFirst({
    where: { conversationId: message.conversationId, direction: 'outbound', createdAt: { lt: message.createdAt } },
    orderBy: { createdAt: 'desc' },
    select: { handoffId: true, createdAt: true },
  });
  return last ? fromService(db, message, last) : null;
}

/** The open hand-off whose service sent `last`, when it came within the relay window before the message. */
async function fromService(db: Db, message: { createdAt: Date }, last: { handoffId: string | null; createdAt: Date }): Promise<string | null> {
  if (!last.handoffId || message.createdAt.getTime() - last.createdAt.getTime() > RELAY_WINDOW_MS) return null;
  const open = await db.handoff.count({ where: { id: last.handoffId, status: { in: ['delivered', 'accepted'] } } });
  return open ? last.handoffId : null;
}

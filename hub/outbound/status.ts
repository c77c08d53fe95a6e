// Delivery status: provider reports are stored once each, keyed by the provider's id, and a message's
// status only moves forward (a late 'sent' never overwrites 'delivered').
import type { DeliveryReport, DeliveryStatus } from '../../channels/contract.ts';
import type { MessageStatus } from '../generated/prisma/client.ts';
import { isUniqueViolation, type Db } from '../db/client.ts';

const rank: Record<MessageStatus, number> = {
  received: 0,
  queued: 0,
  sending: 1,
  sent: 2,
  delivered: 3,
  undelivered: 3,
  failed: 3,
};

export function isAdvance(current: MessageStatus, next: DeliveryStatus): boolean {
  return rank[next] > rank[current];
}

/** Stores a report; returns the message it moved forward, if any. */
export async function recordDeliveryReport(db: Db, report: DeliveryReport): Promise<{ messageId: string; conversationId: string } | null> {
  try {
    await db.messageStatusEvent.create({
      data: { channel: report.channel, providerMessageId: report.providerMessageId, status: report.status, errorCode: report.errorCode ?? null },
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
  return applyDeliveryReports(db, report.channel, report.providerMessageId);
}

/**
 * Brings a message up to the furthest status reported for it. Called after a report arrives and after
 * the worker stores the provider id, since a report can arrive before the send call has returned.
 */
export async function applyDeliveryReports(db: Db, channel: DeliveryReport['channel'], providerMessageId: string) {
  const message = await db.message.findUnique({
    where: { channel_providerMessageId: { channel, providerMessageId } },
    select: { id: true, status: true, conversationId: true },
  });
  if (!message) return null;
  const reports = await db.messageStatusEvent.findMany({ where: { channel, providerMessageId } });
  const best = reports.reduce<(typeof reports)[number] | null>((a, b) => (!a || rank[b.status] > rank[a.status] ? b : a), null);
  if (!best || !isAdvance(message.status, best.status as DeliveryStatus)) return null;
  // The status in the WHERE makes the move conditional: a concurrent update that got further wins.
  const moved = await db.message.updateMany({
    where: { id: message.id, status: message.status },
    data: { status: best.status, errorCode: best.errorCode ?? undefined },
  });
  return moved.count === 1 ? { messageId: message.id, conversationId: message.conversationId } : null;
}

// An agent answers an offer. Accepting is conditional twice over (the offer still pending and in time,
// the conversation still unassigned), in one transaction, so one conversation never has two agents.
import { recordAudit } from '../audit.ts';
import type { Db } from '../db/client.ts';

export type OfferAnswer =
  | { result: 'accepted'; conversationId: string }
  | { result: 'declined'; conversationId: string }
  /** Not this agent's offer, or no such offer. */
  | { result: 'not-found' }
  /** Too late: it ran out, was withdrawn, or was answered already. */
  | { result: 'gone'; status: string };

class Lost extends Error {}

export async function answerOffer(db: Db, input: { offerId: string; agentId: string; accept: boolean; now?: Date }): Promise<OfferAnswer> {
  const now = input.now ?? new Date();
  const offer = await db.offer.findUnique({ where: { id: input.offerId }, select: { agentId: true, conversationId: true, status: true, expiresAt: true } });
  if (!offer || offer.agentId !== input.agentId) return { result: 'not-found' };
  if (offer.status !== 'pending') return { result: 'gone', status: offer.status };
  if (offer.expiresAt <= now) return { result: 'gone', status: 'expired' };

  if (!input.accept) {
    const declined = await db.offer.updateMany({ where: { id: input.offerId, status: 'pending' }, data: { status: 'declined', answeredAt: now } });
    return declined.count ? { result: 'declined', conversationId: offer.conversationId } : { result: 'gone', status: 'answered' };
  }
  try {
    await db.$transaction(async (tx) => {
      const taken = await tx.offer.updateMany({ where: { id: input.offerId, status: 'pending', expiresAt: { gt: now } }, data: { status: 'accepted', answeredAt: now } });
      if (!taken.count) throw new Lost();
      const assigned = await tx.conversation.updateMany({
        // Already theirs when accepting put a call through to them (takeCall assigns it).
        where: { id: offer.conversationId, status: 'open', OR: [{ assignedAgentId: null }, { assignedAgentId: input.agentId }] },
        data: { assignedAgentId: input.agentId, assignedAt: now, waitingSince: null, handler: 'person' },
      });
      if (!assigned.count) throw new Lost();
      const conversation = await tx.conversation.findUniqueOrThrow({ where: { id: offer.conversationId }, select: { customerId: true } });
      await recordAudit(tx, { action: 'conversation_assign', agentId: input.agentId, customerId: conversation.customerId, detail: { conversationId: offer.conversationId, offerId: input.offerId } });
    });
  } catch (error) {
    if (!(error instanceof Lost)) throw error;
    // Someone else got there first (it was closed, replied to, or the offer ran out): tell the agent so.
    await db.offer.updateMany({ where: { id: input.offerId, status: 'pending' }, data: { status: 'withdrawn', answeredAt: now } });
    return { result: 'gone', status: 'withdrawn' };
  }
  return { result: 'accepted', conversationId: offer.conversationId };
}

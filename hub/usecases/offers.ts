// An agent answers an offer routing made them, and sets their presence. Accepting is conditional twice over
// (the offer still pending and in time, the conversation still unassigned), in one transaction, so one
// conversation never has two agents. An offer of a call is accepted by putting the call through first.
import type { ChannelAdapter } from '../../channels/contract.ts';
import { recordAudit } from '../audit.ts';
import { TakeCallError, takeCall } from '../calls/take.ts';
import type { Db } from '../db/client.ts';
import { fx, type Effect } from '../effects.ts';
import { Refused, type RefusalCode } from './errors.ts';

export type Presence = 'available' | 'busy' | 'away' | 'offline';

class Lost extends Error {}

const TAKE_REFUSAL: Record<TakeCallError['status'], RefusalCode> = { 404: 'gone', 410: 'gone', 409: 'conflict', 502: 'unavailable' };

export interface AnswerInput {
  offerId: string;
  agentId: string;
  accept: boolean;
  now?: Date;
}

/** Throws Refused (with the effects still to apply) when the offer is not theirs, or is over. */
export async function answerOffer(
  db: Db,
  ctx: { voice?: ChannelAdapter },
  input: AnswerInput,
): Promise<{ result: 'accepted' | 'declined'; conversationId: string; effects: Effect[] }> {
  const now = input.now ?? new Date();
  // With it, the call that waits on the line if the offer is of one (the oldest queued on the conversation).
  const offer = await db.offer.findUnique({
    where: { id: input.offerId },
    select: {
      agentId: true,
      conversationId: true,
      status: true,
      expiresAt: true,
      conversation: { select: { calls: { where: { state: 'queued' }, orderBy: { queuedAt: 'asc' }, take: 1, select: { id: true } } } },
    },
  });
  if (!offer || offer.agentId !== input.agentId) throw new Refused('not_found', 'no such offer for you');
  // Someone else may have it: routing runs again so whatever is waiting moves on.
  const gone = (status: string) =>
    new Refused('gone', status === 'expired' ? 'the offer ran out; it has gone to someone else' : 'someone else has this conversation now', [fx.route()]);
  if (offer.status !== 'pending') throw gone(offer.status);
  if (offer.expiresAt <= now) throw gone('expired');

  if (!input.accept) {
    const declined = await db.offer.updateMany({ where: { id: input.offerId, status: 'pending' }, data: { status: 'declined', answeredAt: now } });
    if (!declined.count) throw gone('answered');
    // Declined: it goes to the next agent now.
    return { result: 'declined', conversationId: offer.conversationId, effects: [...answered(input, offer.conversationId, 'declined'), fx.route()] };
  }

  // An offer of a conversation whose caller waits on the line.
  const call = offer.conversation.calls[0];
  if (call) {
    try {
      // One agent wins the call, Twilio connects it, and the conversation is theirs; the offer is accepted below.
      await takeCall(db, ctx.voice, { callId: call.id, agentId: input.agentId });
    } catch (error) {
      if (!(error instanceof TakeCallError)) throw error;
      // Still waiting (Twilio was down, or no phone number is set): it goes to someone else now.
      await db.offer.updateMany({ where: { id: input.offerId, status: 'pending' }, data: { status: 'withdrawn', answeredAt: new Date() } });
      throw new Refused(TAKE_REFUSAL[error.status], error.message, [
        fx.publish({ type: 'offer.ended', offerId: input.offerId, conversationId: offer.conversationId, agentId: input.agentId, status: 'withdrawn' }),
        fx.route(),
      ]);
    }
  }
  try {
    await db.$transaction(async (tx) => {
      const taken = await tx.offer.updateMany({
        where: { id: input.offerId, status: 'pending', expiresAt: { gt: now } },
        data: { status: 'accepted', answeredAt: now },
      });
      if (!taken.count) throw new Lost();
      const [conversation] = await tx.conversation.updateManyAndReturn({
        // Already theirs when accepting put a call through to them (takeCall assigns it).
        where: { id: offer.conversationId, status: 'open', OR: [{ assignedAgentId: null }, { assignedAgentId: input.agentId }] },
        data: { assignedAgentId: input.agentId, assignedAt: now, waitingSince: null, handler: 'person' },
        select: { customerId: true },
      });
      if (!conversation) throw new Lost();
      await recordAudit(tx, {
        action: 'conversation_assign',
        agentId: input.agentId,
        customerId: conversation.customerId,
        detail: { conversationId: offer.conversationId, offerId: input.offerId },
      });
    });
  } catch (error) {
    if (!(error instanceof Lost)) throw error;
    // Someone else got there first (it was closed, replied to, or the offer ran out): tell the agent so.
    await db.offer.updateMany({ where: { id: input.offerId, status: 'pending' }, data: { status: 'withdrawn', answeredAt: now } });
    throw gone('withdrawn');
  }
  // Accepting changes no one's load: the offer already counted.
  return { result: 'accepted', conversationId: offer.conversationId, effects: answered(input, offer.conversationId, 'accepted') };
}

const answered = (input: AnswerInput, conversationId: string, status: 'accepted' | 'declined'): Effect[] => [
  fx.publish({ type: 'offer.ended', offerId: input.offerId, conversationId, agentId: input.agentId, status }),
  fx.conversationChanged(conversationId),
  fx.queueChanged(),
];

/** Sets an agent's presence. Leaving "available" gives back their pending offers at once, so nobody waits on them. */
export async function setPresence(db: Db, input: { agentId: string; presence: Presence; now?: Date }): Promise<{ effects: Effect[] }> {
  const now = input.now ?? new Date();
  const { agentId, presence } = input;
  return db.$transaction(async (tx) => {
    const before = await tx.agent.findUniqueOrThrow({ where: { id: agentId }, select: { presence: true } });
    await tx.agent.update({ where: { id: agentId }, data: { presence, presenceAt: now } });
    const effects: Effect[] = [];
    if (presence !== 'available') {
      const pending = await tx.offer.findMany({ where: { agentId, status: 'pending' }, select: { id: true, conversationId: true } });
      await tx.offer.updateMany({ where: { id: { in: pending.map((o) => o.id) }, status: 'pending' }, data: { status: 'withdrawn', answeredAt: now } });
      for (const o of pending) effects.push(fx.publish({ type: 'offer.ended', offerId: o.id, conversationId: o.conversationId, agentId, status: 'withdrawn' }));
    }
    effects.push(fx.publish({ type: 'agent.updated', agentId }));
    if (presence === 'available' || before.presence === 'available') effects.push(fx.route());
    return { effects };
  });
}

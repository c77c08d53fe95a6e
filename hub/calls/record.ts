// A phone call's progress → its Call row (the state the desk's waiting list shows) and its events (the
// call's story on the conversation). Providers retry callbacks and callbacks arrive out of order, so each
// state change is guarded by the state it comes from, and each provider callback is recorded once.
import type { CallReport, ChannelKind } from '../../channels/contract.ts';
import { capabilitiesOf } from '../../channels/registry.ts';
import { isUniqueViolation, isNotFound, type Db } from '../db/client.ts';
import type { CallEventKind } from '../generated/prisma/client.ts';
import { resolveCustomer } from '../identity/resolve.ts';
import { CustomerMovedError, openConversationFor } from '../conversation/thread.ts';

export interface RecordedCall {
  callId: string;
  conversationId: string;
}

const CALLER_ENDED = new Set<CallReport['kind']>(['completed', 'busy', 'no_answer', 'failed', 'canceled']);

/**
 * A report from the channel `channel` (one whose contacts are calls). Null: nothing changed (a retry, a callback
 * for a call that never asked for a person, an out-of-order one).
 */
export async function recordCallReport(db: Db, channel: ChannelKind, report: CallReport): Promise<RecordedCall | null> {
  const at = new Date(report.at);
  if (report.kind === 'queued') return queueCall(db, channel, report, at);

  const call = await db.call.findUnique({ where: { callSid: report.callId }, select: { id: true, conversationId: true, agentId: true } });
  if (!call) return null;
  const recorded = { callId: call.id, conversationId: call.conversationId };

  if (report.kind === 'returned_to_queue') {
    const moved = await db.$transaction(async (tx) => {
      const { count } = await tx.call.updateMany({
        where: { id: call.id, state: { in: ['connecting', 'connected'] } },
        data: { state: 'queued', agentId: null },
      });
      if (count) {
        await tx.callEvent.create({ data: { callId: call.id, leg: 'caller', kind: 'returned_to_queue', agentId: call.agentId, at } });
        // The agent did not answer: the caller waits for a person again, and routing offers the call on.
        if (call.agentId)
          await tx.conversation.updateMany({
            where: { id: call.conversationId, assignedAgentId: call.agentId },
            data: { assignedAgentId: null, assignedAt: null, waitingSince: at },
          });
      }
      return count > 0;
    });
    return moved ? recorded : null;
  }

  try {
    await db.$transaction(async (tx) => {
      await tx.callEvent.create({
        data: {
          callId: call.id,
          leg: report.leg,
          kind: report.kind as CallEventKind,
          agentId: report.leg === 'agent' ? call.agentId : null,
          providerKey: report.providerKey,
          at,
        },
      });
      if (report.leg === 'caller' && CALLER_ENDED.has(report.kind)) {
        await tx.call.updateMany({ where: { id: call.id, state: { not: 'ended' } }, data: { state: 'ended', endedAt: at } });
        // A caller who hung up while waiting is no longer waiting for a person (routing withdraws the offer).
        await tx.conversation.updateMany({
          where: { id: call.conversationId, assignedAgentId: null, channel, calls: { none: { state: 'queued' } } },
          data: { waitingSince: null },
        });
      } else if (report.leg === 'agent' && report.kind === 'answered') {
        await tx.call.updateMany({ where: { id: call.id, state: 'connecting' }, data: { state: 'connected' } });
      }
    });
  } catch (error) {
    if (isUniqueViolation(error)) return null; // the provider retried a callback we already have
    throw error;
  }
  return recorded;
}

async function queueCall(db: Db, channel: ChannelKind, report: CallReport, at: Date): Promise<RecordedCall | null> {
  if (!report.from) throw new Error('a queued call needs the caller’s number');
  const existing = await db.call.findUnique({ where: { callSid: report.callId }, select: { id: true } });
  if (existing) return null; // Twilio retried the request that queued it
  // Same customer and conversation as what the caller said (a merge meanwhile means: resolve again).
  for (let attempt = 0; ; attempt++) {
    try {
      const { customerId } = await resolveCustomer(db, { kind: capabilitiesOf(channel).address, address: report.from }, `inbound-${channel}`);
      const { conversationId } = await openConversationFor(db, customerId, channel);
      const call = await db.$transaction(async (tx) => {
        const created = await tx.call.create({
          data: {
            callSid: report.callId,
            conversationId,
            fromAddress: report.from!,
            state: 'queued',
            queuedAt: at,
            events: { create: { leg: 'caller', kind: 'queued', at } },
          },
          select: { id: true, conversationId: true },
        });
        // The caller now waits for a person: routing offers the call (unless an agent already has the conversation).
        await tx.conversation.updateMany({ where: { id: conversationId, assignedAgentId: null, waitingSince: null }, data: { waitingSince: at } });
        return created;
      });
      return { callId: call.id, conversationId: call.conversationId };
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      if (attempt >= 3 || !(error instanceof CustomerMovedError || isNotFound(error))) throw error;
    }
  }
}

// A phone call's progress → its Call row (the state the desk's waiting list shows) and its events (the
// call's story on the conversation). Providers retry callbacks and callbacks arrive out of order, so each
// state change is guarded by the state it comes from, and each provider callback is recorded once.
import type { CallReport } from '../../channels/contract.ts';
import { isUniqueViolation, isNotFound, type Db } from '../db/client.ts';
import type { CallEventKind } from '../generated/prisma/client.ts';
import { resolveCustomer } from '../identity/resolve.ts';
import { CustomerMovedError, openConversationFor } from '../conversation/thread.ts';

export interface RecordedCall {
  callId: string;
  conversationId: string;
}

const CALLER_ENDED = new Set<CallReport['kind']>(['completed', 'busy', 'no_answer', 'failed', 'canceled']);

/** Null: nothing changed (a retry, a callback for a call that never asked for a person, an out-of-order one). */
export async function recordCallReport(db: Db, report: CallReport): Promise<RecordedCall | null> {
  const at = new Date(report.at);
  if (report.kind === 'queued') return queueCall(db, report, at);

  const call = await db.call.findUnique({ where: { callSid: report.callSid }, select: { id: true, conversationId: true, agentId: true } });
  if (!call) return null;
  const recorded = { callId: call.id, conversationId: call.conversationId };

  if (report.kind === 'returned_to_queue') {
    const moved = await db.$transaction(async (tx) => {
      const { count } = await tx.call.updateMany({ where: { id: call.id, state: { in: ['connecting', 'connected'] } }, data: { state: 'queued', agentId: null } });
      if (count) await tx.callEvent.create({ data: { callId: call.id, leg: 'caller', kind: 'returned_to_queue', agentId: call.agentId, at } });
      return count > 0;
    });
    return moved ? recorded : null;
  }

  try {
    await db.$transaction(async (tx) => {
      await tx.callEvent.create({ data: { callId: call.id, leg: report.leg, kind: report.kind as CallEventKind, agentId: report.leg === 'agent' ? call.agentId : null, providerKey: report.providerKey, at } });
      if (report.leg === 'caller' && CALLER_ENDED.has(report.kind)) {
        await tx.call.updateMany({ where: { id: call.id, state: { not: 'ended' } }, data: { state: 'ended', endedAt: at } });
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

async function queueCall(db: Db, report: CallReport, at: Date): Promise<RecordedCall | null> {
  if (!report.from) throw new Error('a queued call needs the caller’s number');
  const existing = await db.call.findUnique({ where: { callSid: report.callSid }, select: { id: true } });
  if (existing) return null; // Twilio retried the request that queued it
  // Same customer and conversation as what the caller said (a merge meanwhile means: resolve again).
  for (let attempt = 0; ; attempt++) {
    try {
      const { customerId } = await resolveCustomer(db, { kind: 'phone', address: report.from }, 'inbound-voice');
      const { conversationId } = await openConversationFor(db, customerId, 'voice');
      const call = await db.call.create({
        data: { callSid: report.callSid, conversationId, fromAddress: report.from, state: 'queued', queuedAt: at, events: { create: { leg: 'caller', kind: 'queued', at } } },
        select: { id: true, conversationId: true },
      });
      return { callId: call.id, conversationId: call.conversationId };
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      if (attempt >= 3 || !(error instanceof CustomerMovedError || isNotFound(error))) throw error;
    }
  }
}

// An agent hands a conversation on (to another agent, or back to a team's queue, with a note for whoever
// picks it up) or closes it with an outcome. Each is one transaction that returns what follows from it.
import type { ChannelKind } from '../../channels/contract.ts';
import { recordAudit } from '../audit.ts';
import type { Db, Tx } from '../db/client.ts';
import { fx, type Effect } from '../effects.ts';
import { markWaiting } from '../routing/waiting.ts';
import { Refused } from './errors.ts';

export type CloseOutcome = 'resolved' | 'handed_off' | 'signposted' | 'no_reply' | 'other';

export interface TransferInput {
  conversationId: string;
  /** The agent handing it on. */
  byAgentId: string;
  to: { agentId: string } | { teamId: string };
  note: string;
  now?: Date;
}

export async function transferConversation(db: Db, ctx: { enabledChannels: readonly ChannelKind[] }, input: TransferInput): Promise<{ effects: Effect[] }> {
  const now = input.now ?? new Date();
  const toAgent = 'agentId' in input.to ? input.to.agentId : null;
  const toTeam = 'teamId' in input.to ? input.to.teamId : null;
  return db.$transaction(async (tx) => {
    const conversation = await openConversation(tx, input.conversationId);
    if (toAgent) {
      const target = await tx.agent.findUnique({ where: { id: toAgent }, select: { role: true } });
      if (!target || target.role === 'service') throw new Refused('not_found', 'no such agent on the desk');
    } else if (!(await tx.team.findUnique({ where: { id: toTeam! }, select: { id: true } }))) throw new Refused('not_found', 'no such team');

    await tx.note.create({
      data: { conversationId: conversation.id, agentId: input.byAgentId, body: `Transferred to ${toAgent ? 'an agent' : 'a team'}: ${input.note}` },
    });
    await tx.conversation.update({
      where: { id: conversation.id },
      // To an agent: theirs at once. To a team: it waits again, for that team's members.
      data: toAgent
        ? { assignedAgentId: toAgent, assignedAt: now, waitingSince: null, handler: 'person' }
        : { assignedAgentId: null, assignedAt: null, waitingSince: null, teamId: toTeam, handler: 'person' },
    });
    await recordAudit(tx, {
      action: 'conversation_transfer',
      agentId: input.byAgentId,
      customerId: conversation.customerId,
      detail: { conversationId: conversation.id, ...(toAgent ? { toAgent } : { toTeam: toTeam! }) },
    });
    const effects: Effect[] = [];
    if (toTeam) {
      const waiting = await markWaiting(tx, conversation.id, { enabledChannels: ctx.enabledChannels, now });
      if (waiting.noticeId) effects.push(...fx.message(conversation.id, waiting.noticeId));
    }
    // The agent handing it on has room for another; a team's members are offered it.
    return { effects: [...effects, fx.conversationChanged(conversation.id), fx.queueChanged(), fx.route()] };
  });
}

export interface CloseInput {
  conversationId: string;
  byAgentId: string;
  outcome: CloseOutcome;
  /** Need codes on this conversation that were met. */
  needsMet: string[];
  now?: Date;
}

export async function closeConversation(db: Db, input: CloseInput): Promise<{ effects: Effect[] }> {
  const now = input.now ?? new Date();
  return db.$transaction(async (tx) => {
    const conversation = await openConversation(tx, input.conversationId);
    const codes = new Set((await tx.need.findMany({ where: { conversationId: conversation.id }, select: { code: true } })).map((n) => n.code));
    const unknown = input.needsMet.filter((code) => !codes.has(code));
    if (unknown.length) throw new Refused('invalid', `not needs of this conversation: ${unknown.join(', ')}`);
    const done = await tx.conversation.updateMany({
      where: { id: conversation.id, status: 'open' },
      data: { status: 'closed', openForCustomer: null, closedAt: now, outcome: input.outcome, waitingSince: null },
    });
    if (!done.count) throw new Refused('conflict', 'this conversation is closed already');
    await tx.need.updateMany({ where: { conversationId: conversation.id, code: { in: input.needsMet } }, data: { metAt: now } });
    await recordAudit(tx, {
      action: 'conversation_close',
      agentId: input.byAgentId,
      customerId: conversation.customerId,
      detail: { conversationId: conversation.id, outcome: input.outcome, needsMet: input.needsMet },
    });
    // The agent has room for another.
    return { effects: [fx.conversationChanged(conversation.id), fx.queueChanged(), fx.route()] };
  });
}

/** The open conversation to hand on or close (the caller's right to has been checked by the desk's policy). */
async function openConversation(tx: Tx, id: string) {
  const conversation = await tx.conversation.findUnique({ where: { id }, select: { id: true, customerId: true, status: true } });
  if (!conversation) throw new Refused('not_found', 'conversation not found');
  if (conversation.status !== 'open') throw new Refused('conflict', 'this conversation is closed already');
  return conversation;
}

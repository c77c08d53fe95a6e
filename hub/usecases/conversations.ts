// An agent takes a conversation nobody has, hands one on (to another agent, or back to a team's queue, with a
// note for whoever picks it up), closes it with an outcome, or reopens a closed one. Each is one transaction
// that returns what follows from it.
import type { ChannelKind } from '../../channels/contract.ts';
import { capabilitiesOf } from '../../channels/registry.ts';
import { recordAudit } from '../audit.ts';
import { isUniqueViolation, type Db, type Tx } from '../db/client.ts';
import { fx, type Effect } from '../effects.ts';
import { createNotice } from '../outbound/compose.ts';
import { markWaiting } from '../routing/waiting.ts';
import { CUSTOMER_WORDING } from '../wording.ts';
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
    // Already waiting (for another team, or any agent): the customer's wait goes on from when it began.
    const waitingSince = conversation.assignedAgentId ? null : conversation.waitingSince;
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
      const waiting = await markWaiting(tx, conversation.id, { enabledChannels: ctx.enabledChannels, now, since: waitingSince ?? undefined });
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

export async function closeConversation(db: Db, ctx: { enabledChannels: readonly ChannelKind[] }, input: CloseInput): Promise<{ effects: Effect[] }> {
  const now = input.now ?? new Date();
  return db.$transaction(async (tx) => {
    const conversation = await openConversation(tx, input.conversationId);
    const codes = new Set(conversation.needs.map((n) => n.code));
    const unknown = input.needsMet.filter((code) => !codes.has(code));
    if (unknown.length) throw new Refused('invalid', `not needs of this conversation: ${unknown.join(', ')}`);
    // The outcome is the record of what was done: "handed on" only when it was (a hand-off exists, whatever its state).
    if (input.outcome === 'handed_off' && !(await tx.handoff.count({ where: { conversationId: conversation.id } })))
      throw new Refused('invalid', 'this conversation was not handed on to a service: choose another outcome, or hand it on first');
    const done = await tx.conversation.updateMany({
      where: { id: conversation.id, status: 'open' },
      data: { status: 'closed', openForCustomer: null, closedAt: now, outcome: input.outcome, waitingSince: null },
    });
    if (!done.count) throw new Refused('conflict', 'this conversation is closed already');
    if (input.needsMet.length) await tx.need.updateMany({ where: { conversationId: conversation.id, code: { in: input.needsMet } }, data: { metAt: now } });
    await recordAudit(tx, {
      action: 'conversation_close',
      agentId: input.byAgentId,
      customerId: conversation.customerId,
      detail: { conversationId: conversation.id, outcome: input.outcome, needsMet: input.needsMet },
    });
    // A customer whose screen shows this as one chat (web chat) is told it has ended, and offered a new one; where
    // the thread simply goes on (a text, an email) nothing is sent: their next message starts a new conversation.
    const effects: Effect[] = [];
    if (capabilitiesOf(conversation.channel).showsTranscript) {
      // Not sendable (the channel is off here): closing goes on; there is no chat to tell.
      const notice = await createNotice(tx, {
        conversationId: conversation.id,
        text: CUSTOMER_WORDING.chatEnded.text,
        suggestions: [CUSTOMER_WORDING.chatEnded.startAgain],
        enabledChannels: ctx.enabledChannels,
      }).catch(() => null);
      if (notice) effects.push(...fx.message(conversation.id, notice.id));
    }
    // The agent has room for another.
    return { effects: [...effects, fx.conversationChanged(conversation.id), fx.queueChanged(), fx.route()] };
  });
}

export interface ReopenInput {
  conversationId: string;
  byAgentId: string;
  now?: Date;
}

/**
 * A closed conversation is opened again (closed too soon, or the customer's matter came back), and the agent who
 * reopens it has it. Refused while the customer has another open conversation: that one is where they are now.
 */
export async function reopenConversation(db: Db, input: ReopenInput): Promise<{ effects: Effect[] }> {
  const now = input.now ?? new Date();
  const ANOTHER_OPEN = 'the customer has another open conversation now; carry on in that one';
  try {
    return await db.$transaction(async (tx) => {
      const conversation = await tx.conversation.findUnique({
        where: { id: input.conversationId },
        select: { id: true, customerId: true, status: true, outcome: true, unverifiedEmailFrom: true },
      });
      if (!conversation) throw new Refused('not_found', 'conversation not found');
      if (conversation.status !== 'closed') throw new Refused('conflict', 'this conversation is open already');
      // An unverified email's conversation never holds the customer's one open place (hub/conversation/thread.ts).
      const holdsOpenPlace = !conversation.unverifiedEmailFrom;
      if (holdsOpenPlace && (await tx.conversation.count({ where: { openForCustomer: conversation.customerId } }))) throw new Refused('conflict', ANOTHER_OPEN);
      const done = await tx.conversation.updateMany({
        where: { id: conversation.id, status: 'closed' },
        data: {
          status: 'open',
          openForCustomer: holdsOpenPlace ? conversation.customerId : null,
          closedAt: null,
          outcome: null,
          assignedAgentId: input.byAgentId,
          assignedAt: now,
          waitingSince: null,
          handler: 'person',
        },
      });
      if (!done.count) throw new Refused('conflict', 'this conversation is open already');
      await recordAudit(tx, {
        action: 'conversation_reopen',
        agentId: input.byAgentId,
        customerId: conversation.customerId,
        detail: { conversationId: conversation.id, ...(conversation.outcome ? { outcome: conversation.outcome } : {}) },
      });
      // The reopening agent's load went up: routing offers them less.
      return { effects: [fx.conversationChanged(conversation.id), fx.queueChanged(), fx.route()] };
    });
  } catch (error) {
    // The customer wrote, and their new conversation opened, between the check and the update.
    if (isUniqueViolation(error)) throw new Refused('conflict', ANOTHER_OPEN);
    throw error;
  }
}

export interface TakeInput {
  conversationId: string;
  agentId: string;
  now?: Date;
}

/**
 * "Assign to me": an agent or supervisor takes an open conversation nobody has (waiting for a person, or still
 * with the bot) without waiting for routing to offer it. Conditional, like accepting an offer, so one agent wins.
 * A caller waiting on the line is taken from the calls list instead, which puts the call through.
 */
export async function takeConversation(db: Db, input: TakeInput): Promise<{ effects: Effect[] }> {
  const now = input.now ?? new Date();
  return db.$transaction(async (tx) => {
    const conversation = await tx.conversation.findUnique({
      where: { id: input.conversationId },
      select: { id: true, customerId: true, status: true, assignedAgentId: true, assignedAgent: { select: { displayName: true } } },
    });
    if (!conversation) throw new Refused('not_found', 'conversation not found');
    if (conversation.status !== 'open') throw new Refused('conflict', 'this conversation is closed');
    if (conversation.assignedAgentId === input.agentId) throw new Refused('conflict', 'you have this conversation already');
    if (conversation.assignedAgentId)
      throw new Refused('conflict', `${conversation.assignedAgent?.displayName ?? 'another agent'} has this conversation; transfer it instead`);
    if (await tx.call.count({ where: { conversationId: conversation.id, state: 'queued' } }))
      throw new Refused('conflict', 'the caller is waiting on the line: take the call from Calls, which puts it through to you');
    const taken = await tx.conversation.updateMany({
      where: { id: conversation.id, status: 'open', assignedAgentId: null },
      data: { assignedAgentId: input.agentId, assignedAt: now, waitingSince: null, handler: 'person' },
    });
    if (!taken.count) throw new Refused('conflict', 'someone else has just taken this conversation');
    await recordAudit(tx, {
      action: 'conversation_assign',
      agentId: input.agentId,
      customerId: conversation.customerId,
      detail: { conversationId: conversation.id, taken: true },
    });
    // Routing withdraws a pending offer of it (taken another way, as by a reply) and tells that agent.
    return { effects: [fx.conversationChanged(conversation.id), fx.queueChanged(), fx.route()] };
  });
}

/** The open conversation to hand on or close (the caller's right to has been checked by the desk's policy). */
async function openConversation(tx: Tx, id: string) {
  const conversation = await tx.conversation.findUnique({
    where: { id },
    // Its needs joined in (closing checks the needs met against them).
    select: { id: true, customerId: true, status: true, channel: true, assignedAgentId: true, waitingSince: true, needs: { select: { code: true } } },
  });
  if (!conversation) throw new Refused('not_found', 'conversation not found');
  if (conversation.status !== 'open') throw new Refused('conflict', 'this conversation is closed already');
  return conversation;
}

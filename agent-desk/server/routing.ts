// An agent's side of routing: their presence, the offers made to them (accept or decline), and handing a
// conversation on (transfer to an agent or a team, with a note) or closing it with an outcome.
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import type { ChannelAdapter, ChannelKind } from '../../channels/contract.ts';
import { TakeCallError, takeCall } from '../../hub/calls/take.ts';
import { recordAudit } from '../../hub/audit.ts';
import type { Db } from '../../hub/db/client.ts';
import type { EventBus } from '../../hub/events.ts';
import type { Router } from '../../hub/routing/engine.ts';
import { answerOffer } from '../../hub/routing/offers.ts';
import { markWaiting } from '../../hub/routing/waiting.ts';
import { enqueueFor, type Queues } from '../../hub/queues.ts';
import { invalid } from './http.ts';
import { listConversations, type ConversationSummary } from './views.ts';
import { agentRoutingView, type AgentRoutingView } from './agents.ts';

export const PresenceBody = z.object({ presence: z.enum(['available', 'busy', 'away', 'offline']) });
export const CloseBody = z.object({
  outcome: z.enum(['resolved', 'handed_off', 'signposted', 'no_reply', 'other']),
  /** Need codes on this conversation that were met. */
  needsMet: z.array(z.string().max(100)).max(50).default([]),
});
export const TransferBody = z
  .object({
    agentId: z.uuid().optional(),
    teamId: z.uuid().optional(),
    note: z.string().trim().min(1, 'say why, for the person who picks it up').max(4000),
  })
  .refine((b) => Boolean(b.agentId) !== Boolean(b.teamId), 'give an agentId or a teamId, not both');
const IdParam = z.object({ id: z.uuid() });

export interface OfferView {
  id: string;
  expiresAt: string;
  conversation: ConversationSummary;
}

/** The queued call an offer to this agent is about, if it is about a call. */
async function callOffered(db: Db, offerId: string, agentId: string) {
  const offer = await db.offer.findUnique({ where: { id: offerId }, select: { agentId: true, status: true, conversation: { select: { channel: true } }, conversationId: true } });
  if (!offer || offer.agentId !== agentId || offer.status !== 'pending' || offer.conversation.channel !== 'voice') return null;
  return db.call.findFirst({ where: { conversationId: offer.conversationId, state: 'queued' }, orderBy: { queuedAt: 'asc' }, select: { id: true, conversationId: true } });
}

export async function offerView(db: Db, offerId: string): Promise<(OfferView & { agentId: string }) | null> {
  const offer = await db.offer.findUnique({ where: { id: offerId }, select: { id: true, agentId: true, status: true, expiresAt: true, conversationId: true } });
  if (!offer || offer.status !== 'pending') return null;
  const [conversation] = await listConversations(db, { ids: [offer.conversationId] });
  return conversation ? { id: offer.id, agentId: offer.agentId, expiresAt: offer.expiresAt.toISOString(), conversation } : null;
}

export function routingRouter(deps: { db: Db; bus: EventBus; router: Router; queues: Queues; enabledChannels: readonly ChannelKind[]; defaultCapacity: Record<ChannelKind, number>; voice?: ChannelAdapter }) {
  const router = express.Router();

  router.get('/api/agents/me/routing', async (req, res) => {
    const me = await agentRoutingView(deps.db, req.agent!.id, deps.defaultCapacity);
    const offers = await deps.db.offer.findMany({ where: { agentId: req.agent!.id, status: 'pending', expiresAt: { gt: new Date() } }, select: { id: true } });
    res.json({ agent: me, offers: (await Promise.all(offers.map((o) => offerView(deps.db, o.id)))).filter(Boolean) });
  });

  // Who a conversation can be transferred to: names, presence and teams only.
  router.get('/api/agents/directory', async (_req, res) => {
    const agents = await deps.db.agent.findMany({
      where: { role: { not: 'service' } },
      select: { id: true, displayName: true, presence: true, teams: { select: { team: { select: { id: true, name: true } } } } },
      orderBy: { displayName: 'asc' },
    });
    res.json({ agents: agents.map((a) => ({ id: a.id, displayName: a.displayName, presence: a.presence, teams: a.teams.map((t) => t.team) })) });
  });

  router.put('/api/agents/me/presence', async (req, res) => {
    const body = PresenceBody.safeParse(req.body);
    if (!body.success) return invalid(res, body.error);
    const agent = await setPresence(deps, req.agent!.id, body.data.presence);
    res.json({ agent });
  });

  router.post('/api/offers/:id/:answer', async (req: Request, res: Response) => {
    const params = IdParam.extend({ answer: z.enum(['accept', 'decline']) }).safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    // A call is accepted by putting it through to the agent's phone: takeCall claims it (one agent wins),
    // asks Twilio to connect it, and assigns the conversation; the offer is then marked accepted.
    if (params.data.answer === 'accept') {
      const call = await callOffered(deps.db, params.data.id, req.agent!.id);
      if (call) {
        try {
          await takeCall(deps.db, deps.voice, { callId: call.id, agentId: req.agent!.id });
        } catch (error) {
          if (!(error instanceof TakeCallError)) throw error;
          // Still waiting (Twilio was down, or no phone number is set): it goes to someone else now.
          await deps.db.offer.updateMany({ where: { id: params.data.id, status: 'pending' }, data: { status: 'withdrawn', answeredAt: new Date() } });
          await deps.bus.publish({ type: 'offer.ended', offerId: params.data.id, conversationId: call.conversationId, agentId: req.agent!.id, status: 'withdrawn' });
          deps.router.request();
          return void res.status(error.status === 404 || error.status === 410 ? 410 : error.status).json({ error: error.message });
        }
      }
    }
    const answer = await answerOffer(deps.db, { offerId: params.data.id, agentId: req.agent!.id, accept: params.data.answer === 'accept' });
    if (answer.result === 'not-found') return void res.status(404).json({ error: 'no such offer for you' });
    if (answer.result === 'gone') {
      deps.router.request();
      return void res.status(410).json({ error: answer.status === 'expired' ? 'the offer ran out; it has gone to someone else' : 'someone else has this conversation now' });
    }
    await deps.bus.publish({ type: 'offer.ended', offerId: params.data.id, conversationId: answer.conversationId, agentId: req.agent!.id, status: answer.result });
    await deps.bus.publish({ type: 'conversation.updated', conversationId: answer.conversationId });
    await deps.bus.publish({ type: 'queue.changed' });
    // Declined: it goes to the next agent now. (Accepted changes no one's load: the offer already counted.)
    if (answer.result === 'declined') deps.router.request();
    res.json({ result: answer.result, conversationId: answer.conversationId });
  });

  router.post('/api/conversations/:id/transfer', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const body = TransferBody.safeParse(req.body);
    if (!body.success) return invalid(res, body.error);
    const conversation = await mayHandOn(deps.db, req, res, params.data.id);
    if (!conversation) return;
    const { agentId, teamId, note } = body.data;
    if (agentId) {
      const target = await deps.db.agent.findUnique({ where: { id: agentId }, select: { role: true } });
      if (!target || target.role === 'service') return void res.status(404).json({ error: 'no such agent on the desk' });
    } else if (!(await deps.db.team.findUnique({ where: { id: teamId! }, select: { id: true } }))) return void res.status(404).json({ error: 'no such team' });

    const now = new Date();
    await deps.db.$transaction(async (tx) => {
      await tx.note.create({ data: { conversationId: conversation.id, agentId: req.agent!.id, body: `Transferred to ${agentId ? 'an agent' : 'a team'}: ${note}` } });
      await tx.conversation.update({
        where: { id: conversation.id },
        // To an agent: theirs at once. To a team: it waits again, for that team's members.
        data: agentId ? { assignedAgentId: agentId, assignedAt: now, waitingSince: null, handler: 'person' } : { assignedAgentId: null, assignedAt: null, waitingSince: null, teamId, handler: 'person' },
      });
      await recordAudit(tx, { action: 'conversation_transfer', agentId: req.agent!.id, customerId: conversation.customerId, detail: { conversationId: conversation.id, ...(agentId ? { toAgent: agentId } : { toTeam: teamId! }) } });
    });
    if (teamId) {
      const waiting = await markWaiting(deps.db, conversation.id, { enabledChannels: deps.enabledChannels, now });
      if (waiting.noticeId) {
        await enqueueFor(deps.queues.outbound, waiting.noticeId, { messageId: waiting.noticeId }).catch(() => undefined);
        await deps.bus.publish({ type: 'message.created', conversationId: conversation.id, messageId: waiting.noticeId });
      }
    }
    await deps.bus.publish({ type: 'conversation.updated', conversationId: conversation.id });
    await deps.bus.publish({ type: 'queue.changed' });
    deps.router.request();
    const [view] = await listConversations(deps.db, { ids: [conversation.id] });
    res.json({ conversation: view });
  });

  router.post('/api/conversations/:id/close', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const body = CloseBody.safeParse(req.body);
    if (!body.success) return invalid(res, body.error);
    const conversation = await mayHandOn(deps.db, req, res, params.data.id);
    if (!conversation) return;
    const codes = new Set((await deps.db.need.findMany({ where: { conversationId: conversation.id }, select: { code: true } })).map((n) => n.code));
    const unknown = body.data.needsMet.filter((code) => !codes.has(code));
    if (unknown.length) return void res.status(400).json({ error: `not needs of this conversation: ${unknown.join(', ')}` });

    const now = new Date();
    const closed = await deps.db.$transaction(async (tx) => {
      const done = await tx.conversation.updateMany({
        where: { id: conversation.id, status: 'open' },
        data: { status: 'closed', openForCustomer: null, closedAt: now, outcome: body.data.outcome, waitingSince: null },
      });
      if (!done.count) return false;
      await tx.need.updateMany({ where: { conversationId: conversation.id, code: { in: body.data.needsMet } }, data: { metAt: now } });
      await recordAudit(tx, { action: 'conversation_close', agentId: req.agent!.id, customerId: conversation.customerId, detail: { conversationId: conversation.id, outcome: body.data.outcome, needsMet: body.data.needsMet } });
      return true;
    });
    if (!closed) return void res.status(409).json({ error: 'this conversation is closed already' });
    await deps.bus.publish({ type: 'conversation.updated', conversationId: conversation.id });
    await deps.bus.publish({ type: 'queue.changed' });
    // The agent has room for another.
    deps.router.request();
    const [view] = await listConversations(deps.db, { ids: [conversation.id] });
    res.json({ conversation: view });
  });

  return router;
}

/**
 * The open conversation to hand on or close (policy.ts has checked the caller may: theirs, nobody's, or any
 * for supervisors and admins). Answers 404/409 itself and returns null when it cannot be.
 */
async function mayHandOn(db: Db, _req: Request, res: Response, id: string) {
  const conversation = await db.conversation.findUnique({ where: { id }, select: { id: true, customerId: true, status: true } });
  if (!conversation) {
    res.status(404).json({ error: 'conversation not found' });
    return null;
  }
  if (conversation.status !== 'open') {
    res.status(409).json({ error: 'this conversation is closed already' });
    return null;
  }
  return conversation;
}

/** Sets an agent's presence. Leaving "available" gives back their pending offers at once, so nobody waits on them. */
export async function setPresence(
  deps: { db: Db; bus: EventBus; router: Router; defaultCapacity: Record<ChannelKind, number> },
  agentId: string,
  presence: z.infer<typeof PresenceBody>['presence'],
): Promise<AgentRoutingView> {
  const now = new Date();
  const before = await deps.db.agent.findUniqueOrThrow({ where: { id: agentId }, select: { presence: true } });
  await deps.db.agent.update({ where: { id: agentId }, data: { presence, presenceAt: now } });
  if (presence !== 'available') {
    const pending = await deps.db.offer.findMany({ where: { agentId, status: 'pending' }, select: { id: true, conversationId: true } });
    await deps.db.offer.updateMany({ where: { id: { in: pending.map((o) => o.id) }, status: 'pending' }, data: { status: 'withdrawn', answeredAt: now } });
    for (const o of pending) await deps.bus.publish({ type: 'offer.ended', offerId: o.id, conversationId: o.conversationId, agentId, status: 'withdrawn' });
  }
  await deps.bus.publish({ type: 'agent.updated', agentId });
  if (presence === 'available' || before.presence === 'available') deps.router.request();
  return agentRoutingView(deps.db, agentId, deps.defaultCapacity);
}

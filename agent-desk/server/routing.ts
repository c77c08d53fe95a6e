// An agent's side of routing, over HTTP: their presence, the offers made to them (accept or decline), taking a
// conversation nobody has, handing one on (transfer to an agent or a team, with a note), closing it with an
// outcome and reopening it. The
// work is done by the hub's use cases (hub/usecases/); these routes parse, call, apply the effects, answer.
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import type { ChannelAdapter, ChannelKind } from '../../channels/contract.ts';
import type { Db } from '../../hub/db/client.ts';
import type { EffectsRunner } from '../../hub/effects.ts';
import { closeConversation, reopenConversation, takeConversation, transferConversation } from '../../hub/usecases/conversations.ts';
import { answerOffer, setPresence as setAgentPresence } from '../../hub/usecases/offers.ts';
import { invalid, refused } from './http.ts';
import { kindsThat } from '../../channels/registry.ts';
import { listConversations } from './views.ts';
import type { MyRoutingView, OfferView } from '../shared/views.ts';
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
export const IdParam = z.object({ id: z.uuid() });

export { OfferView } from '../shared/views.ts';

export async function offerView(db: Db, offerId: string): Promise<(OfferView & { agentId: string }) | null> {
  const offer = await db.offer.findUnique({ where: { id: offerId }, select: { id: true, agentId: true, status: true, expiresAt: true, conversationId: true } });
  if (!offer || offer.status !== 'pending') return null;
  const [conversation] = await listConversations(db, { ids: [offer.conversationId] });
  return conversation ? { id: offer.id, agentId: offer.agentId, expiresAt: offer.expiresAt.toISOString(), conversation } : null;
}

export interface PresenceDeps {
  db: Db;
  effects: EffectsRunner;
  defaultCapacity: Readonly<Partial<Record<ChannelKind, number>>>;
}

export function routingRouter(deps: PresenceDeps & { enabledChannels: readonly ChannelKind[]; voice?: ChannelAdapter }) {
  const router = express.Router();

  router.get('/api/agents/me/routing', async (req, res) => {
    const me = await agentRoutingView(deps.db, req.agent!.id, deps.defaultCapacity);
    const offers = await deps.db.offer.findMany({ where: { agentId: req.agent!.id, status: 'pending', expiresAt: { gt: new Date() } }, select: { id: true } });
    // Calls are put through when the hub has a channel that speaks switched on, to agents with room for one.
    const takesCalls = !!deps.voice && kindsThat('speaks').some((kind) => (me.capacity[kind] ?? 0) > 0);
    const pending = (await Promise.all(offers.map((o) => offerView(deps.db, o.id)))).filter((o) => o !== null);
    res.json({ agent: me, offers: pending, takesCalls } satisfies MyRoutingView);
  });

  // Who a conversation can be transferred to: names, presence and teams only.
  router.get('/api/agents/directory', async (_req, res) => {
    const agents = await deps.db.agent.findMany({
      where: { role: { notIn: ['service', 'strategy'] } },
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
    try {
      const answer = await answerOffer(
        deps.db,
        { voice: deps.voice },
        { offerId: params.data.id, agentId: req.agent!.id, accept: params.data.answer === 'accept' },
      );
      await deps.effects.run(answer.effects);
      res.json({ result: answer.result, conversationId: answer.conversationId });
    } catch (error) {
      await refused(res, deps.effects, error);
    }
  });

  router.post('/api/conversations/:id/transfer', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const body = TransferBody.safeParse(req.body);
    if (!body.success) return invalid(res, body.error);
    const { agentId, teamId, note } = body.data;
    try {
      const done = await transferConversation(deps.db, deps, {
        conversationId: params.data.id,
        byAgentId: req.agent!.id,
        to: agentId ? { agentId } : { teamId: teamId! },
        note,
      });
      await deps.effects.run(done.effects);
    } catch (error) {
      return refused(res, deps.effects, error);
    }
    const [view] = await listConversations(deps.db, { ids: [params.data.id] });
    res.json({ conversation: view });
  });

  router.post('/api/conversations/:id/close', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const body = CloseBody.safeParse(req.body);
    if (!body.success) return invalid(res, body.error);
    try {
      const done = await closeConversation(deps.db, deps, { conversationId: params.data.id, byAgentId: req.agent!.id, ...body.data });
      await deps.effects.run(done.effects);
    } catch (error) {
      return refused(res, deps.effects, error);
    }
    const [view] = await listConversations(deps.db, { ids: [params.data.id] });
    res.json({ conversation: view });
  });

  router.post('/api/conversations/:id/reopen', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    try {
      const done = await reopenConversation(deps.db, { conversationId: params.data.id, byAgentId: req.agent!.id });
      await deps.effects.run(done.effects);
    } catch (error) {
      return refused(res, deps.effects, error);
    }
    const [view] = await listConversations(deps.db, { ids: [params.data.id] });
    res.json({ conversation: view });
  });

  // "Assign to me": the caller takes a conversation nobody has, without waiting for an offer.
  router.post('/api/conversations/:id/take', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    try {
      const done = await takeConversation(deps.db, { conversationId: params.data.id, agentId: req.agent!.id });
      await deps.effects.run(done.effects);
    } catch (error) {
      return refused(res, deps.effects, error);
    }
    const [view] = await listConversations(deps.db, { ids: [params.data.id] });
    res.json({ conversation: view });
  });

  return router;
}

/** Sets an agent's presence (leaving "available" gives back their pending offers) and answers with their routing view. */
export async function setPresence(deps: PresenceDeps, agentId: string, presence: z.infer<typeof PresenceBody>['presence']): Promise<AgentRoutingView> {
  const done = await setAgentPresence(deps.db, { agentId, presence });
  await deps.effects.run(done.effects);
  return agentRoutingView(deps.db, agentId, deps.defaultCapacity);
}

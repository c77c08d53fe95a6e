// The customer's own plan on the desk: what they added themself, and the links that open it. An agent sends a
// link (the customer gets it on a channel that reaches them) or stops every link at once.
import express from 'express';
import { z } from 'zod';
import type { Db } from '../../hub/db/client.ts';
import type { EffectsRunner } from '../../hub/effects.ts';
import { revokePlanLinks, sendPlanLink, type PlanLinkSettings } from '../../hub/usecases/plan.ts';
import { invalid, refused } from './http.ts';

export const IdParam = z.object({ id: z.uuid('plan id must be a UUID') });

export const PlanActionView = z.object({
  id: z.uuid(),
  text: z.string(),
  addedBy: z.enum(['customer', 'agent']),
  doneAt: z.date().nullable(),
  createdAt: z.date(),
});
export const PlanLinksView = z.object({
  /** Links that open the plan now. */
  working: z.number().int(),
  /** When the last of them stops working; null when none works. */
  worksUntil: z.date().nullable(),
  /** When the customer last opened one (any, working or not). */
  lastOpenedAt: z.date().nullable(),
});
export const CustomerPlanDeskView = z.object({ id: z.uuid(), actions: z.array(PlanActionView), links: PlanLinksView });
export const SentLinkView = z.object({ link: z.object({ id: z.uuid(), expiresAt: z.date() }), messageId: z.uuid(), links: PlanLinksView });
export const RevokedView = z.object({ revoked: z.number().int(), links: PlanLinksView });

async function linksOf(db: Db, planId: string): Promise<z.infer<typeof PlanLinksView>> {
  const now = new Date();
  const [working, opened] = await Promise.all([
    db.planLink.aggregate({ where: { planId, revokedAt: null, expiresAt: { gt: now } }, _count: true, _max: { expiresAt: true } }),
    db.planLink.aggregate({ where: { planId }, _max: { lastOpenedAt: true } }),
  ]);
  return { working: working._count, worksUntil: working._max.expiresAt, lastOpenedAt: opened._max.lastOpenedAt };
}

export function planRouter(deps: { db: Db; effects: EffectsRunner; settings: PlanLinkSettings }) {
  const router = express.Router();

  router.get('/api/plans/:id', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const plan = await deps.db.actionPlan.findUnique({
      where: { id: params.data.id },
      select: { id: true, actions: { orderBy: { createdAt: 'asc' }, select: { id: true, text: true, addedBy: true, doneAt: true, createdAt: true } } },
    });
    if (!plan) return void res.status(404).json({ error: 'plan not found' });
    res.json({ plan: CustomerPlanDeskView.parse({ ...plan, links: await linksOf(deps.db, plan.id) }) });
  });

  router.post('/api/plans/:id/links', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    try {
      const sent = await sendPlanLink(deps.db, deps.settings, { planId: params.data.id, agentId: req.agent!.id });
      await deps.effects.run(sent.effects);
      res.status(201).json(
        SentLinkView.parse({
          link: { id: sent.linkId, expiresAt: sent.expiresAt },
          messageId: sent.messageId,
          links: await linksOf(deps.db, params.data.id),
        }),
      );
    } catch (error) {
      await refused(res, deps.effects, error);
    }
  });

  router.delete('/api/plans/:id/links', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    try {
      const { revoked, effects } = await revokePlanLinks(deps.db, { planId: params.data.id, agentId: req.agent!.id });
      await deps.effects.run(effects);
      res.json(RevokedView.parse({ revoked, links: await linksOf(deps.db, params.data.id) }));
    } catch (error) {
      await refused(res, deps.effects, error);
    }
  });
  return router;
}

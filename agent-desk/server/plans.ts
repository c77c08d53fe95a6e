// The customer's own plan on the desk: what they added themself, and the links that open it. An agent sends a
// link (the customer gets it on a channel that reaches them) or stops every link at once.
import express from 'express';
import { z } from 'zod';
import type { Db } from '../../hub/db/client.ts';
import type { EffectsRunner } from '../../hub/effects.ts';
import { revokePlanLinks, sendPlanLink, type PlanLinkSettings } from '../../hub/usecases/plan.ts';
import { CustomerPlanDeskView, PlanLinksView, type FollowUpView } from '../shared/views.ts';
import { invalid, refused } from './http.ts';

export const IdParam = z.object({ id: z.uuid('plan id must be a UUID') });

export { CustomerPlanDeskView, PlanLinksView };
export const SentLinkView = z.object({ link: z.object({ id: z.uuid(), expiresAt: z.iso.datetime() }), messageId: z.uuid(), links: PlanLinksView });
export const RevokedView = z.object({ revoked: z.number().int(), links: PlanLinksView });

async function linksOf(db: Db, planId: string): Promise<z.infer<typeof PlanLinksView>> {
  const now = new Date();
  const [working, opened] = await Promise.all([
    db.planLink.aggregate({ where: { planId, revokedAt: null, expiresAt: { gt: now } }, _count: true, _max: { expiresAt: true } }),
    db.planLink.aggregate({ where: { planId }, _max: { lastOpenedAt: true } }),
  ]);
  return { working: working._count, worksUntil: iso(working._max.expiresAt), lastOpenedAt: iso(opened._max.lastOpenedAt) };
}

const iso = (at: Date | null) => at?.toISOString() ?? null;

/** Every follow-up of the plan, newest first, with what the customer answered about each service. */
async function followUpsOf(db: Db, planId: string, needLabel: (code: string) => string): Promise<FollowUpView[]> {
  const rows = await db.followUp.findMany({
    where: { planId },
    orderBy: { askedAt: 'desc' },
    select: {
      id: true,
      reason: true,
      step: true,
      channel: true,
      askedAt: true,
      answeredAt: true,
      wellbeing: true,
      comment: true,
      answers: {
        orderBy: { handoff: { createdAt: 'asc' } },
        select: { needs: true, helped: true, handoff: { select: { reference: true, service: { select: { name: true } } } } },
      },
    },
  });
  return rows.map((f) => ({
    ...f,
    channel: f.channel as FollowUpView['channel'],
    askedAt: f.askedAt.toISOString(),
    answeredAt: iso(f.answeredAt),
    services: f.answers.map((a) => ({ service: a.handoff.service.name, reference: a.handoff.reference, needs: a.needs.map(needLabel), helped: a.helped })),
  }));
}

export function planRouter(deps: { db: Db; effects: EffectsRunner; settings: PlanLinkSettings; needLabel: (code: string) => string }) {
  const router = express.Router();

  router.get('/api/plans/:id', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const plan = await deps.db.actionPlan.findUnique({
      where: { id: params.data.id },
      select: { id: true, actions: { orderBy: { createdAt: 'asc' }, select: { id: true, text: true, addedBy: true, doneAt: true, createdAt: true } } },
    });
    if (!plan) return void res.status(404).json({ error: 'plan not found' });
    res.json({
      plan: CustomerPlanDeskView.parse({
        id: plan.id,
        actions: plan.actions.map((a) => ({ ...a, doneAt: iso(a.doneAt), createdAt: a.createdAt.toISOString() })),
        links: await linksOf(deps.db, plan.id),
        followUps: await followUpsOf(deps.db, plan.id, deps.needLabel),
      }),
    });
  });

  router.post('/api/plans/:id/links', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    try {
      const sent = await sendPlanLink(deps.db, deps.settings, { planId: params.data.id, agentId: req.agent!.id });
      await deps.effects.run(sent.effects);
      res.status(201).json(
        SentLinkView.parse({
          link: { id: sent.linkId, expiresAt: sent.expiresAt.toISOString() },
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

// Hand-offs on the desk. Agents hand a conversation's needs to the services that own them (recording that
// the customer agreed) and follow the customer's plan; a service-team account sees and acts on its own
// service's hand-offs (the service view, for teams without Slack); supervisors see everything, overdue and
// undelivered first. The directory is read by all and replaced by admins.
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { recordAudit } from '../../hub/audit.ts';
import { HandoffError } from '../../hub/handoff/create.ts';
import { handOffNeeds } from '../../hub/usecases/handoffs.ts';
import { ownerOf } from '../../hub/handoff/owners.ts';
import type { HandoffDeps } from '../../hub/handoff/dispatch.ts';
import { DirectoryError, exportDirectory, importDirectoryFile } from '../../hub/handoff/directory.ts';
import { acceptHandoff, closeHandoff, redirectHandoff, replyFromService, resendHandoff, type Actor, type ChangeResult } from '../../hub/handoff/status.ts';
import { OPEN_STATUSES, WITH_SERVICE_STATUSES, loadHandoffView, loadHandoffViews, type HandoffView, type HandoffWords } from '../../hub/handoff/view.ts';
import { conversationScope, handoffScope, viewerIn } from './policy.ts';
import { invalid } from './http.ts';
import { ADDRESSES_THAT_REACH_LATER } from '../../channels/registry.ts';

export const IdParam = z.object({ id: z.uuid('id must be a UUID') });
export const DirectoryQuery = z.object({
  allOrNothing: z
    .enum(['true', 'false'], 'allOrNothing must be true or false')
    .default('false')
    .transform((v) => v === 'true')
    .describe('true: import nothing if any row is refused'),
});
export const HandoffBody = z.object({
  /** The agent confirms the customer agreed to share these needs with the services. */
  consent: z.literal(true, 'the customer must agree to share: send consent: true once they have'),
  needs: z.array(z.string().min(1).max(64)).min(1).max(30).optional(),
  serviceId: z.uuid().optional(),
  note: z.string().trim().max(2000).optional(),
});
export const HandoffCloseBody = z.object({ outcome: z.string().trim().min(1, 'say what was done').max(500) });
export const RedirectBody = z.object({ serviceId: z.uuid(), reason: z.string().trim().max(500).optional() });
export const HandoffReplyBody = z.object({ text: z.string().trim().min(1, 'text is empty').max(1500) });
export const ListQuery = z.object({
  status: z.enum(['open', 'all', 'attention']).default('open'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export interface HandoffRouteDeps extends HandoffDeps {
  words: HandoffWords;
  needCodes: ReadonlySet<string>;
}

/** Hand-off routes for every signed-in role, service accounts included (policy.ts says who may do what). */
export function serviceHandoffRouter(deps: HandoffRouteDeps) {
  const router = express.Router();

  async function visible(req: Request, res: Response): Promise<HandoffView | undefined> {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return void invalid(res, params.error);
    const view = await loadHandoffView(deps.db, params.data.id, deps.words);
    if (!view) return void res.status(404).json({ error: 'hand-off not found' });
    return view;
  }

  // Read by service accounts too: redirecting a hand-off means choosing another service.
  router.get('/api/services', async (_req, res) => {
    const services = await deps.db.service.findMany({
      where: { active: true },
      orderBy: { name: 'asc' },
      select: {
        id: true,
        name: true,
        needs: true,
        eligibility: true,
        hours: true,
        phone: true,
        email: true,
        url: true,
        target: true,
        organization: { select: { name: true } },
      },
    });
    res.json({ services: services.map(({ organization, ...s }) => ({ ...s, organisation: organization.name })) });
  });

  router.get('/api/handoffs', async (req, res) => {
    const query = ListQuery.safeParse(req.query);
    if (!query.success) return invalid(res, query.error);
    const scope = handoffScope(viewerIn(req));
    const { status, limit } = query.data;
    const rows = await deps.db.handoff.findMany({
      where: {
        ...(scope ? { AND: [scope] } : {}),
        ...(status === 'open' ? { status: { in: OPEN_STATUSES } } : {}),
        // What a supervisor must act on: undelivered, or escalated and still not accepted.
        ...(status === 'attention' ? { OR: [{ status: 'failed' }, { escalatedAt: { not: null }, status: { in: ['sent', 'delivered'] } }] } : {}),
      },
      orderBy: [{ urgent: 'desc' }, { dueAt: 'asc' }],
      take: limit,
      select: { id: true },
    });
    res.json({
      handoffs: await loadHandoffViews(
        deps.db,
        rows.map((r) => r.id),
        deps.words,
      ),
    });
  });

  router.get('/api/handoffs/:id', async (req, res) => {
    const view = await visible(req, res);
    if (!view) return;
    const events = await deps.db.handoffEvent.findMany({
      where: { handoffId: view.id },
      orderBy: { at: 'asc' },
      select: { kind: true, actor: true, detail: true, at: true },
    });
    res.json({ handoff: view, events });
  });

  /** A change to a visible hand-off, its body checked first; answers with the hand-off as it now is. */
  const act =
    <T>(schema: z.ZodType<T> | null, run: (id: string, body: T, actor: Actor) => Promise<ChangeResult>) =>
    async (req: Request, res: Response) => {
      const view = await visible(req, res);
      if (!view) return;
      const body = schema?.safeParse(req.body);
      if (body && !body.success) return invalid(res, body.error);
      try {
        const result = await run(view.id, body?.data as T, { name: req.agent!.displayName, agentId: req.agent!.id });
        await deps.effects.run(result.effects);
        res.json({ handoff: await loadHandoffView(deps.db, view.id, deps.words) });
      } catch (error) {
        if (error instanceof HandoffError) return void res.status(error.status).json({ error: error.message });
        throw error;
      }
    };

  router.post(
    '/api/handoffs/:id/accept',
    act(null, (id, _body, actor) => acceptHandoff(deps, id, actor)),
  );
  router.post(
    '/api/handoffs/:id/close',
    act(HandoffCloseBody, (id, body, actor) => closeHandoff(deps, id, body.outcome, actor)),
  );
  router.post(
    '/api/handoffs/:id/redirect',
    act(RedirectBody, (id, body, actor) => redirectHandoff(deps, id, body.serviceId, actor, body.reason)),
  );
  router.post(
    '/api/handoffs/:id/resend',
    act(null, (id, _body, actor) => resendHandoff(deps, id, actor)),
  );
  router.post(
    '/api/handoffs/:id/reply',
    act(HandoffReplyBody, (id, body, actor) => replyFromService(deps, id, body.text, actor)),
  );
  return router;
}

/** Desk-only routes (agents, supervisors, admins): making hand-offs, the customer's plan, the directory. */
export function deskHandoffRouter(deps: HandoffRouteDeps) {
  const router = express.Router();

  router.get('/api/directory', async (_req, res) => void res.json(await exportDirectory(deps.db, deps.words.need)));

  router.put('/api/directory', async (req, res) => {
    const query = DirectoryQuery.safeParse(req.query);
    if (!query.success) return invalid(res, query.error);
    try {
      const report = await importDirectoryFile(deps.db, req.body, deps.needCodes, { allOrNothing: query.data.allOrNothing });
      const { rows, ...summary } = report;
      await recordAudit(deps.db, { action: 'directory_import', agentId: req.agent!.id, detail: { ...summary } });
      // Nothing could be imported: the same answer as a file refused whole, with the report.
      if (!summary.imported && !summary.importedWithWarnings && summary.refused) {
        return void res.status(422).json({ error: 'no row of the directory can be imported', problems: rows.flatMap((row) => row.problems), report });
      }
      res.json(report);
    } catch (error) {
      if (error instanceof DirectoryError) {
        return void res
          .status(422)
          .json({ error: 'the directory cannot be imported', problems: error.problems, ...(error.reading ? { rows: error.reading.rows } : {}) });
      }
      throw error;
    }
  });

  /** Every hand-off of this conversation's customer the agent may see: their plan, as the lead agent follows it. */
  router.get('/api/conversations/:id/handoffs', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const conversation = await deps.db.conversation.findUnique({ where: { id: params.data.id }, select: { customerId: true } });
    if (!conversation) return void res.status(404).json({ error: 'conversation not found' });
    const scope = conversationScope(viewerIn(req));
    const rows = await deps.db.handoff.findMany({
      where: { customerId: conversation.customerId, ...(scope ? { conversation: scope } : {}) },
      orderBy: { createdAt: 'desc' },
      take: 100,
      select: { id: true },
    });
    res.json({
      handoffs: await loadHandoffViews(
        deps.db,
        rows.map((r) => r.id),
        deps.words,
      ),
    });
  });

  /** Before the agent asks the customer: each need of the conversation, the service that would get it, or the hand-off it is already in. */
  router.get('/api/conversations/:id/handoffs/preview', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const conversation = await deps.db.conversation.findUnique({
      where: { id: params.data.id },
      select: {
        customerId: true,
        needs: { orderBy: { createdAt: 'asc' }, select: { code: true, urgent: true } },
        customer: { select: { contactPoints: { select: { kind: true } } } },
      },
    });
    if (!conversation) return void res.status(404).json({ error: 'conversation not found' });
    const [services, open] = await Promise.all([
      deps.db.service.findMany({
        where: { active: true },
        select: { id: true, name: true, needs: true, priority: true, active: true, organization: { select: { name: true } } },
      }),
      deps.db.handoff.findMany({
        where: { customerId: conversation.customerId, status: { in: WITH_SERVICE_STATUSES } },
        select: { reference: true, needs: true, service: { select: { name: true } } },
      }),
    ]);
    res.json({
      // False: nothing on their record reaches them once this conversation is over (a web visitor with no number
      // or email), so a service could not get back to them: the desk says so before anything is handed on.
      reachableLater: conversation.customer.contactPoints.some((p) => ADDRESSES_THAT_REACH_LATER.has(p.kind)),
      needs: conversation.needs.map((n) => {
        const owner = ownerOf(n.code, services);
        const handed = open.find((h) => h.needs.includes(n.code));
        return {
          code: n.code,
          label: deps.words.need(n.code),
          urgent: n.urgent,
          owner: owner ? { id: owner.id, name: owner.name, organisation: owner.organization.name } : null,
          handedOff: handed ? { reference: handed.reference, service: handed.service.name } : null,
        };
      }),
    });
  });

  router.post('/api/conversations/:id/handoffs', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const body = HandoffBody.safeParse(req.body);
    if (!body.success) return invalid(res, body.error);
    try {
      const { result, effects } = await handOffNeeds(deps.db, deps.wording, {
        conversationId: params.data.id,
        agentId: req.agent!.id,
        needs: body.data.needs,
        serviceId: body.data.serviceId,
        note: body.data.note,
      });
      await deps.effects.run(effects);
      const status = result.created.length ? 201 : 409;
      res.status(status).json({
        ...(status === 409 ? { error: result.unowned.length ? 'no service in the directory owns these needs' : 'these needs are already with a service' } : {}),
        handoffs: await loadHandoffViews(
          deps.db,
          result.created.map((h) => h.id),
          deps.words,
        ),
        unowned: result.unowned,
        alreadyHanded: result.alreadyHanded,
      });
    } catch (error) {
      if (error instanceof HandoffError) return void res.status(error.status).json({ error: error.message });
      throw error;
    }
  });
  return router;
}

// The audit log for admins: who did what, when, newest first, a page at a time. Read-only: rows are only ever
// added (hub/audit.ts). `detail` holds ids, counts and field names, never personal data, and the desk shows
// it as text.
import express from 'express';
import { z } from 'zod';
import type { Db } from '../../hub/db/client.ts';
import { AuditAction, type Prisma } from '../../hub/generated/prisma/client.ts';
import { invalid } from './http.ts';

const ACTIONS = Object.values(AuditAction) as [AuditAction, ...AuditAction[]];

/** A moment: an ISO date and time with its offset, or a date alone (midnight UTC). */
const Moment = z
  .union([z.iso.datetime({ offset: true }), z.iso.date()], 'give an ISO date (2026-12-03) or date and time (2026-12-03T09:00:00Z)')
  .transform((v) => new Date(v));

export const AuditQuery = z
  .object({
    action: z.enum(ACTIONS, 'action must be one of the audit actions').optional().describe('Only this action'),
    agentId: z.uuid('agentId must be an agent id (a UUID)').optional().describe('Only what this agent did'),
    customerId: z.uuid('customerId must be a customer id (a UUID)').optional().describe('Only what was about this customer'),
    from: Moment.optional().describe('From this moment on (inclusive)'),
    to: Moment.optional().describe('Before this moment (exclusive)'),
    before: z.uuid('before must be an event id (a UUID)').optional().describe('The page after this event: the `next` of the page before'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { message: 'from must be before to', path: ['to'] });

export const AuditEventView = z.object({
  id: z.uuid(),
  action: z.enum(ACTIONS),
  at: z.iso.datetime(),
  /** Who acted; null when the customer did (a one-time code) or the hub itself. */
  agent: z.object({ id: z.uuid(), displayName: z.string(), email: z.string() }).nullable(),
  customerId: z.uuid().nullable(),
  reason: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEventView = z.infer<typeof AuditEventView>;

export const AuditPage = z.object({
  events: z.array(AuditEventView),
  /** Ask again with before=next for older events; null: there are none. */
  next: z.uuid().nullable(),
  /** Every action there is, for a filter. */
  actions: z.array(z.enum(ACTIONS)),
});

export function auditLogRouter(deps: { db: Db }) {
  const router = express.Router();

  router.get('/api/admin/audit', async (req, res) => {
    const query = AuditQuery.safeParse(req.query);
    if (!query.success) return invalid(res, query.error);
    const { action, agentId, customerId, from, to, before, limit } = query.data;
    const where: Prisma.AuditEventWhereInput[] = [];
    if (action) where.push({ action });
    if (agentId) where.push({ agentId });
    if (customerId) where.push({ customerId });
    if (from) where.push({ at: { gte: from } });
    if (to) where.push({ at: { lt: to } });
    if (before) {
      const cursor = await deps.db.auditEvent.findUnique({ where: { id: before }, select: { at: true } });
      if (!cursor) return void res.status(400).json({ error: 'invalid request', issues: [{ path: 'before', message: 'no audit event has that id' }] });
      // Ties in time are ordered by id, so a page never repeats or skips an event.
      where.push({ OR: [{ at: { lt: cursor.at } }, { at: cursor.at, id: { lt: before } }] });
    }
    const rows = await deps.db.auditEvent.findMany({
      where: { AND: where },
      orderBy: [{ at: 'desc' }, { id: 'desc' }],
      take: limit + 1,
      select: {
        id: true,
        action: true,
        at: true,
        customerId: true,
        reason: true,
        detail: true,
        agent: { select: { id: true, displayName: true, email: true } },
      },
    });
    const page = rows.slice(0, limit);
    res.json({
      events: page.map((r) => ({ ...r, at: r.at.toISOString(), detail: isObject(r.detail) ? r.detail : {} })),
      next: rows.length > limit ? page.at(-1)!.id : null,
      actions: ACTIONS,
    });
  });

  return router;
}

const isObject = (v: Prisma.JsonValue): v is Prisma.JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

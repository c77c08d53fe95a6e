// The SLA: a hand-off not accepted by its accept-by time is escalated in two steps, each a BullMQ delayed
// job: first the service is reminded (in its Slack thread, by email, or through its webhook), then, as long
// again later, supervisors are told on the desk. Redis may lose delayed jobs, so the sweeper also looks for
// overdue hand-offs in the database (sweepHandoffs).
import type { Db } from '../db/client.ts';
import type { HandoffStatus } from '../generated/prisma/client.ts';
import type { Queues } from '../queues.ts';
import { handoffEffects, noEffects } from './dispatch.ts';
import { fx, scheduleTimer, type Effect } from '../effects.ts';

/** Not accepted yet: still waiting on the service. */
const UNANSWERED: HandoffStatus[] = ['sent', 'delivered', 'failed'];

/** Reminds the service or tells supervisors, once each; returns what follows (the next stage's timer among it). */
export async function runTimer(db: Db, handoffId: string, stage: 'remind' | 'escalate'): Promise<Effect[]> {
  const effects = noEffects();
  const now = new Date();
  let escalateAt: Date | null = null;
  await db.$transaction(async (tx) => {
    const h = await tx.handoff.findUnique({
      where: { id: handoffId },
      select: { id: true, status: true, createdAt: true, dueAt: true, remindedAt: true, escalatedAt: true, service: { select: { target: true } } },
    });
    if (!h || !UNANSWERED.includes(h.status)) return;
    const period = h.dueAt.getTime() - h.createdAt.getTime();
    if (stage === 'remind') {
      // Early (a timer scheduled before a change of clock) or already done (a job that ran twice).
      if (h.remindedAt || h.dueAt > now) return;
      const claimed = await tx.handoff.updateMany({ where: { id: h.id, remindedAt: null }, data: { remindedAt: now } });
      if (!claimed.count) return;
      await tx.handoffEvent.create({ data: { handoffId: h.id, kind: 'reminded' } });
      if (h.service.target !== 'desk')
        effects.deliveryIds.push(
          (await tx.handoffDelivery.create({ data: { handoffId: h.id, kind: 'reminder', target: h.service.target }, select: { id: true } })).id,
        );
      escalateAt = new Date(now.getTime() + period);
    } else {
      if (h.escalatedAt || !h.remindedAt || h.remindedAt.getTime() + period > now.getTime()) return;
      const claimed = await tx.handoff.updateMany({ where: { id: h.id, escalatedAt: null }, data: { escalatedAt: now } });
      if (!claimed.count) return;
      await tx.handoffEvent.create({ data: { handoffId: h.id, kind: 'escalated', detail: { to: 'supervisors' } } });
    }
    effects.handoffIds.push(h.id);
  });
  const next: Effect[] = escalateAt ? [fx.schedule(handoffId, 'escalate', escalateAt)] : [];
  return [...next, ...(await handoffEffects(db, effects))];
}

/** Finds what Redis may have lost: queued deliveries and overdue timers. Returns how many were queued again. */
export async function sweepHandoffs(
  db: Db,
  queues: Queues,
  olderThanMs: number,
  requeue: (id: string) => Promise<boolean>,
): Promise<{ deliveries: number; timers: number }> {
  const before = new Date(Date.now() - olderThanMs);
  const queued = await db.handoffDelivery.findMany({
    where: { status: 'queued', createdAt: { lte: before } },
    select: { id: true },
    take: 500,
    orderBy: { createdAt: 'asc' },
  });
  let deliveries = 0;
  for (const d of queued) if (await requeue(d.id)) deliveries++;
  const overdue = await db.handoff.findMany({
    where: {
      status: { in: UNANSWERED },
      OR: [
        { remindedAt: null, dueAt: { lte: before } },
        { remindedAt: { not: null }, escalatedAt: null },
      ],
    },
    select: { id: true, createdAt: true, dueAt: true, remindedAt: true },
    take: 500,
  });
  let timers = 0;
  for (const h of overdue) {
    const stage = h.remindedAt ? 'escalate' : 'remind';
    const due = h.remindedAt ? new Date(h.remindedAt.getTime() + (h.dueAt.getTime() - h.createdAt.getTime())) : h.dueAt;
    if (due > before) continue;
    const existing = await queues.handoffTimer.getJob(`${h.id}-${stage}`);
    const state = await existing?.getState();
    // Still waiting for a time already past (the accept-by time was brought forward): run it now.
    if (existing && state === 'delayed') {
      await existing.promote().catch(() => undefined);
      timers++;
      continue;
    }
    if (existing && state !== 'completed' && state !== 'failed' && state !== 'unknown') continue;
    // A finished job keeps its id, which would swallow the add.
    await existing?.remove().catch(() => undefined);
    await scheduleTimer(queues, h.id, stage, new Date());
    timers++;
  }
  return { deliveries, timers };
}

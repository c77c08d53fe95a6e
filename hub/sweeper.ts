// Redis is not the record: inbox rows never processed, outbox rows never sent, hand-off deliveries never
// made and hand-offs overdue for their reminder or escalation are found in the database and queued again
// (after a Redis restart, a dropped add, or a job that failed every attempt). Ended sessions and sign-in
// locks are deleted on the same timer.
import type { Db } from './db/client.ts';
import type { Logger } from './logger.ts';
import { enqueueFor, type Queues } from './queues.ts';
import { sweepHandoffs } from './handoff/timers.ts';

export async function sweepOnce(
  db: Db,
  queues: Queues,
  olderThanMs: number,
): Promise<{ inbound: number; outbound: number; handoffDeliveries: number; handoffTimers: number }> {
  const before = new Date(Date.now() - olderThanMs);
  const inbox = await db.inboxItem.findMany({
    where: { processedAt: null, receivedAt: { lte: before } },
    select: { id: true, channel: true },
    take: 500,
    orderBy: { receivedAt: 'asc' },
  });
  let inbound = 0;
  let outbound = 0;
  for (const item of inbox) if (await requeueIfIdle(queues.inbound, item.id, { inboxItemId: item.id, channel: item.channel })) inbound++;
  const outbox = await db.message.findMany({
    where: { direction: 'outbound', status: 'queued', createdAt: { lte: before } },
    select: { id: true },
    take: 500,
    orderBy: { createdAt: 'asc' },
  });
  for (const message of outbox) if (await requeueIfIdle(queues.outbound, message.id, { messageId: message.id })) outbound++;
  const handoffs = await sweepHandoffs(db, queues, olderThanMs, (id) => requeueIfIdle(queues.handoff, id, { deliveryId: id }));
  return { inbound, outbound, handoffDeliveries: handoffs.deliveries, handoffTimers: handoffs.timers };
}

/**
 * Leaves a job that is waiting, delayed or running alone. A finished job with the same id (kept after
 * failing) would swallow the add, so it is removed first: the row, not Redis, says whether work remains.
 */
async function requeueIfIdle<T>(queue: Parameters<typeof enqueueFor<T>>[0], id: string, data: T): Promise<boolean> {
  const job = await queue.getJob(id);
  if (job) {
    const state = await job.getState();
    if (state !== 'failed' && state !== 'completed' && state !== 'unknown') return false;
    await job.remove().catch(() => undefined);
  }
  await enqueueFor(queue, id, data);
  return true;
}

/**
 * Deletes desk sessions that have ended (past their lifetime, or idle past SESSION_IDLE_MINUTES: sign-in refuses
 * them already, so this only keeps the table small) and sign-in lock records whose lock is over.
 */
export async function sweepSessions(db: Db, idleMs: number): Promise<{ sessions: number; signInLocks: number }> {
  const now = Date.now();
  const sessions = await db.session.deleteMany({ where: { OR: [{ expiresAt: { lte: new Date(now) } }, { lastSeenAt: { lte: new Date(now - idleMs) } }] } });
  const locks = await db.signInLock.deleteMany({ where: { lockedUntil: { lte: new Date(now) } } });
  return { sessions: sessions.count, signInLocks: locks.count };
}

export function startSweeper(db: Db, queues: Queues, logger: Logger, opts: { intervalMs: number; afterMs: number; sessionIdleMs: number }): () => void {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const swept = await sweepOnce(db, queues, opts.afterMs);
      if (Object.values(swept).some(Boolean)) logger.info(swept, 're-queued unfinished work');
      const ended = await sweepSessions(db, opts.sessionIdleMs);
      if (ended.sessions || ended.signInLocks) logger.debug(ended, 'deleted ended sessions and sign-in locks');
    } catch (error) {
      logger.warn({ err: (error as Error).message }, 'sweep failed; will try again');
    } finally {
      running = false;
    }
  }, opts.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

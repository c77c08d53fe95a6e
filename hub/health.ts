// GET /health: can this process reach its database and Redis right now, and is anything waiting in the journal?
import type { Request, Response } from 'express';
import type { Redis } from 'ioredis';

export function healthHandler(deps: { pingDb: () => Promise<void>; redis: Redis; journalPending?: () => Promise<number> }) {
  const check = async (probe: () => Promise<unknown>) => {
    try {
      await Promise.race([probe(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000).unref())]);
      return 'up' as const;
    } catch {
      return 'down' as const;
    }
  };
  return async (_req: Request, res: Response) => {
    const [database, redis, journaled] = await Promise.all([check(deps.pingDb), check(() => deps.redis.ping()), deps.journalPending?.().catch(() => -1) ?? 0]);
    const ok = database === 'up' && redis === 'up';
    // Contacts kept on disk while the database could not take them, not yet in the inbox (-1: cannot tell).
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', database, redis, journaled });
  };
}

// GET /health: can this process reach its database and Redis right now?
import type { Request, Response } from 'express';
import type { Redis } from 'ioredis';

export function healthHandler(deps: { pingDb: () => Promise<void>; redis: Redis }) {
  const check = async (probe: () => Promise<unknown>) => {
    try {
      await Promise.race([probe(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 2_000).unref())]);
      return 'up' as const;
    } catch {
      return 'down' as const;
    }
  };
  return async (_req: Request, res: Response) => {
    const [database, redis] = await Promise.all([check(deps.pingDb), check(() => deps.redis.ping())]);
    const ok = database === 'up' && redis === 'up';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', database, redis });
  };
}

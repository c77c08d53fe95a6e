// Rate limits that hold for the whole deployment: rate-limiter-flexible's Redis limiter, one count per key
// for every hub process (an in-memory count per process would let N processes allow N times the limit).
//
// When Redis is away or slow, each process falls back to its own in-memory count, with a warning (at most
// every 10 s): the limits still hold per process, and nobody is shut out of the chat by a Redis blip; a
// council's web chat is how some people reach help, so it must not fail closed, and it must not fail wide
// open either (a flood is exactly when Redis is most likely to struggle).
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimit, RateLimits } from '../channels/contract.ts';
import type { Logger } from './logger.ts';
import type { Redis } from './redis.ts';

export interface RateLimitsOptions {
  redis: Redis;
  /** The deployment's key prefix (QUEUE_PREFIX): hubs sharing a Redis keep their own counts. */
  prefix: string;
  logger: Logger;
  /** A Redis call slower than this counts in memory instead. */
  redisTimeoutMs?: number;
}

export function createRateLimits(options: RateLimitsOptions): RateLimits {
  const { redis, prefix, logger } = options;
  const timeoutMs = options.redisTimeoutMs ?? 500;
  let lastWarning = 0;
  const warn = (name: string, error: unknown) => {
    if (Date.now() - lastWarning < 10_000) return;
    lastWarning = Date.now();
    logger.warn({ err: (error as Error).message, limit: name }, 'rate limit counted in this process only: Redis did not answer');
  };

  return {
    limit(name, points, durationSeconds): RateLimit {
      const shared = new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${prefix}:rate:${name}`,
        points,
        duration: durationSeconds,
        // The hub's connection queues commands through a reconnect; a limit must not wait for it.
        rejectIfRedisNotReady: true,
      });
      const local = new RateLimiterMemory({ points, duration: durationSeconds });
      const allowed = (work: Promise<unknown>) =>
        work.then(
          () => true,
          (rejection) => {
            if (rejection instanceof RateLimiterRes) return false;
            throw rejection;
          },
        );
      return {
        async take(key) {
          let timer: NodeJS.Timeout | undefined;
          try {
            return await Promise.race([
              allowed(shared.consume(key)),
              new Promise<never>((_, reject) => {
                timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
              }),
            ]);
          } catch (error) {
            warn(name, error);
            return allowed(local.consume(key));
          } finally {
            clearTimeout(timer);
          }
        },
      };
    },
  };
}

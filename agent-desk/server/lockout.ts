// Locks sign-in after repeated failures: rate-limiter-flexible's login-endpoint protection, on Redis.
// Three counters of failed sign-ins, each locking when it reaches its ceiling:
//   - one account from one address (email + client address): LOGIN_MAX_FAILURES in a row;
//   - one account from anywhere: LOGIN_MAX_FAILURES_PER_ACCOUNT (guessing spread over many addresses);
//   - one address, whatever the accounts: LOGIN_MAX_FAILURES_PER_IP_PER_DAY, locked for a day (password spraying).
// A sign-in that succeeds clears the account's counters. Unknown emails are counted exactly like known ones,
// so the answers say nothing about which accounts exist.
//
// As the library documents: a cheap read first (a locked request writes nothing and checks no password),
// a success deletes the account's keys. One change: each attempt is counted atomically before its password
// is checked (and the address's count given back on success), so a burst of parallel requests cannot all
// pass the read before any failure is recorded.
//
// When Redis is away or slow the lock-out is skipped with a warning (fail open): signing in still needs the
// right password, and the desk keeps working through a Redis blip like the rest of the hub.
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from '../../hub/redis.ts';
import type { Logger } from '../../hub/logger.ts';

export interface LockoutSettings {
  /** Wrong passwords in a row for one account from one address before it is locked. */
  maxFailures: number;
  /** Wrong passwords for one account from all addresses together before it is locked. */
  maxFailuresPerAccount: number;
  /** How long an account stays locked (whole seconds, at least 1). */
  lockSeconds: number;
  /** Wrong passwords from one address in a day before it is locked for a day. */
  maxFailuresPerIpPerDay: number;
}

export interface Lock {
  /** Seconds until a sign-in may be tried again (the Retry-After header). */
  retryAfterSeconds: number;
}

/** One sign-in attempt that is not locked: report how the password check went. */
export interface Attempt {
  /** Clears the account's failure counts. */
  succeeded(): Promise<void>;
  /** Counts a wrong password (or unknown email); the lock it brought on, if it reached a ceiling. */
  failed(): Promise<Lock | null>;
}

export interface LoginLockout {
  /** Before the password is checked: a lock in force, or the attempt to report on. */
  begin(email: string, address: string | undefined): Promise<{ locked: Lock } | { locked: null; attempt: Attempt }>;
}

export interface LockoutOptions extends LockoutSettings {
  redis: Redis;
  /** The deployment's key prefix (QUEUE_PREFIX), so hubs sharing a Redis keep their own counts. */
  prefix: string;
  logger: Logger;
  /** The agent id for an email, to name the account in the lock-out log; unknown: null. */
  findAgentId?: (normalisedEmail: string) => Promise<string | null>;
  /** A Redis call slower than this is given up on (fail open). */
  redisTimeoutMs?: number;
}

type Scope = 'account-address' | 'account' | 'address';

const DAY_SECONDS = 24 * 60 * 60;
/** How long failure counts last, from the first failure counted; then they start afresh. */
const FAILURE_MEMORY_SECONDS = DAY_SECONDS;

export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/** A stable pseudonym for an email: Redis keys and logs never hold the address itself. */
export const accountHash = (email: string) => createHash('sha256').update(normaliseEmail(email)).digest('hex').slice(0, 32);

/**
 * The address failures are counted against: an IPv4 address as it is (IPv4-mapped IPv6 unwrapped),
 * an IPv6 address by its /64, since one subscriber or host usually holds a whole /64.
 */
export function addressKey(ip: string | undefined): string {
  if (!ip) return 'unknown';
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  const bare = ip.split('%')[0]!.toLowerCase();
  if (isIP(bare) !== 6) return ip;
  const [head = '', tail] = bare.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

/** "15 minutes", "30 seconds", "24 hours": what the person is told to wait. */
export function waitInWords(seconds: number): string {
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (seconds < 60) return plural(Math.max(1, Math.ceil(seconds)), 'second');
  const minutes = Math.ceil(seconds / 60);
  return minutes <= 90 ? plural(minutes, 'minute') : plural(Math.ceil(seconds / 3600), 'hour');
}

export const lockedMessage = (lock: Lock) => `Too many failed sign-ins. Try again in ${waitInWords(lock.retryAfterSeconds)}.`;

const toLock = (msBeforeNext: number): Lock => ({ retryAfterSeconds: Math.max(1, Math.ceil(msBeforeNext / 1000)) });
const longest = (locks: Lock[]): Lock | null => (locks.length ? { retryAfterSeconds: Math.max(...locks.map((l) => l.retryAfterSeconds)) } : null);

export function createLoginLockout(options: LockoutOptions): LoginLockout {
  const { redis, prefix, logger, findAgentId } = options;
  const timeoutMs = options.redisTimeoutMs ?? 1_000;
  const counter = (scope: Scope, points: number, lockSeconds: number, duration: number) => ({
    scope,
    lockSeconds,
    limiter: new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${prefix}:login-failures:${scope}`,
      points,
      duration,
      blockDuration: lockSeconds,
      // The hub's connection queues commands through a reconnect; the lock-out must not wait for it.
      rejectIfRedisNotReady: true,
    }),
  });
  const counters = [
    counter('account-address', options.maxFailures, options.lockSeconds, FAILURE_MEMORY_SECONDS),
    counter('account', options.maxFailuresPerAccount, options.lockSeconds, FAILURE_MEMORY_SECONDS),
    counter('address', options.maxFailuresPerIpPerDay, DAY_SECONDS, DAY_SECONDS),
  ] as const;

  let lastWarning = 0;
  const warn = (step: string, error: unknown) => {
    if (Date.now() - lastWarning < 10_000) return;
    lastWarning = Date.now();
    logger.warn({ err: (error as Error).message, step }, 'sign-in lock-out skipped: Redis did not answer (signing in without it)');
  };
  /** Runs Redis work; if Redis fails or is slow, warns (at most every 10 s) and answers null. */
  async function guarded<T>(step: string, work: () => Promise<T>): Promise<T | null> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        work(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (error) {
      warn(step, error);
      return null;
    } finally {
      clearTimeout(timer);
    }
  }
  const unguarded: Attempt = { succeeded: async () => undefined, failed: async () => null };

  return {
    async begin(email, address) {
      const account = accountHash(email);
      const where = addressKey(address);
      const keys: Record<Scope, string> = { 'account-address': `${account}:${where}`, account, address: where };

      // 1. A cheap read: a lock in force answers at once, with no write and no password check.
      const current = await guarded('check', () => Promise.all(counters.map((c) => c.limiter.get(keys[c.scope]))));
      if (!current) return { locked: null, attempt: unguarded };
      const inForce = longest(
        current.flatMap((res, i) => (res && res.consumedPoints > counters[i]!.limiter.points && res.msBeforeNext > 0 ? [toLock(res.msBeforeNext)] : [])),
      );
      if (inForce) return { locked: inForce };

      // 2. Count this attempt before its password is checked, one counter after another. A count over its
      //    ceiling (parallel attempts got there first) is a lock: the counts this attempt took before it are
      //    given back, and the counters after it are not touched.
      const counted = await guarded('count', async () => {
        const tally: number[] = [];
        for (const c of counters) {
          try {
            tally.push((await c.limiter.consume(keys[c.scope])).consumedPoints);
          } catch (rejection) {
            if (!(rejection instanceof RateLimiterRes)) throw rejection;
            await Promise.all(counters.slice(0, tally.length).map((given) => given.limiter.reward(keys[given.scope])));
            return { locked: toLock(rejection.msBeforeNext) };
          }
        }
        return { locked: null, tally };
      });
      if (!counted) return { locked: null, attempt: unguarded };
      if (counted.locked) return { locked: counted.locked };
      const { tally } = counted;

      return {
        locked: null,
        attempt: {
          async succeeded() {
            await guarded('reset', () =>
              Promise.all([
                counters[0].limiter.delete(keys['account-address']),
                counters[1].limiter.delete(keys.account),
                // The address's ceiling counts failures only: give this attempt back.
                counters[2].limiter.reward(keys.address),
              ]),
            );
          },
          async failed() {
            // This failure was counted in step 2: lock whatever it brought to its ceiling.
            const locking = counters.filter((c, i) => tally[i]! >= c.limiter.points);
            if (!locking.length) return null;
            const blocked = await guarded('lock', () => Promise.all(locking.map((c) => c.limiter.block(keys[c.scope], c.lockSeconds))));
            if (!blocked) return null;
            const agentId = findAgentId ? await findAgentId(normaliseEmail(email)).catch(() => null) : null;
            const lockedForSeconds = Math.max(...locking.map((c) => c.lockSeconds));
            logger.warn(
              { agentId: agentId ?? undefined, account, ip: where, scopes: locking.map((c) => c.scope), lockedForSeconds },
              'sign-in locked after repeated failures',
            );
            return { retryAfterSeconds: lockedForSeconds };
          },
        },
      };
    },
  };
}

// Slows and locks sign-in after repeated failures, on Redis, without letting a guesser lock the real agent out.
// Three scopes of failed sign-ins:
//   - one account from one address (email + client address): LOGIN_MAX_FAILURES in a row lock that pair for
//     LOGIN_LOCK_MINUTES. Only the pair: the same account from another address, and other accounts from this
//     address, go on as usual - so a guesser locks out nobody but themselves;
//   - one account from anywhere (guessing spread over many addresses): past LOGIN_MAX_FAILURES_PER_ACCOUNT each
//     further failure makes the account wait a little before the next try, 1 s, then 2, 4 ... up to
//     LOGIN_ACCOUNT_DELAY_MAX_SECONDS. Never a long lock. Addresses the account has signed in from before
//     (within KNOWN_ADDRESS_DAYS) do not wait at all: the real agent at their usual desk is never slowed;
//   - one address, whatever the accounts: LOGIN_MAX_FAILURES_PER_IP_PER_DAY, locked for a day (password spraying).
// A sign-in that succeeds clears the pair's and the account's counts. Unknown emails are counted exactly like
// known ones, so the answers say nothing about which accounts exist. Each lock and slow-down is also handed to
// a recorder (sign-in-locks.ts), so admins can see it and lift it.
//
// As rate-limiter-flexible's login-endpoint example does: a cheap read first (a locked request writes nothing
// and checks no password), a success deletes the account's keys. One change: each attempt is counted
// atomically before its password is checked (and the address's count given back on success), so a burst of
// parallel requests cannot all pass the read before any failure is recorded.
//
// When Redis is away or slow the lock-out is skipped with a warning (fail open): signing in still needs the
// right password, and the desk keeps working through a Redis blip like the rest of the hub.
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Redis } from '../../hub/redis.ts';
import type { Logger } from '../../hub/logger.ts';

export interface LockoutSettings {
  /** Wrong passwords in a row for one account from one address before that pair is locked. */
  maxFailures: number;
  /** How long a locked pair stays locked (whole seconds, at least 1). */
  lockSeconds: number;
  /** Wrong passwords for one account from all addresses together before each further one makes it wait. */
  maxFailuresPerAccount: number;
  /** The longest an account is made to wait between tries (the wait doubles from one second up to this). */
  accountDelayMaxSeconds: number;
  /** Wrong passwords from one address in a day before it is locked for a day. */
  maxFailuresPerIpPerDay: number;
}

export interface Lock {
  /** Seconds until a sign-in may be tried again (the Retry-After header). */
  retryAfterSeconds: number;
}

/** One sign-in attempt that is not locked: report how the password check went. */
export interface Attempt {
  /** Clears the pair's and the account's failure counts, and remembers this address for the account. */
  succeeded(): Promise<void>;
  /** Counts a wrong password (or unknown email); the lock or wait it brought on, if any. */
  failed(): Promise<Lock | null>;
}

export type Scope = 'account-address' | 'account' | 'address';

/** Which lock: the account's hash ('' for an address's own lock) and the address ('' for an account's). */
export interface LockKey {
  scope: Scope;
  accountHash: string;
  address: string;
}

/** A lock or wait just put in force, for the record admins see. */
export interface LockEntry extends LockKey {
  /** The agent whose email it is; null for an address's own lock or an email with no account. */
  agentId: string | null;
  failures: number;
  until: Date;
}

export interface LoginLockout {
  /** Before the password is checked: a lock in force, or the attempt to report on. */
  begin(email: string, address: string | undefined): Promise<{ locked: Lock } | { locked: null; attempt: Attempt }>;
  /** Milliseconds the lock still has to run (0: over); null when Redis does not answer. */
  remaining(key: LockKey): Promise<number | null>;
  /** Ends a lock now and forgets its count; false when Redis does not answer. */
  lift(key: LockKey): Promise<boolean>;
}

export interface LockoutOptions extends LockoutSettings {
  redis: Redis;
  /** The deployment's key prefix (QUEUE_PREFIX), so hubs sharing a Redis keep their own counts. */
  prefix: string;
  logger: Logger;
  /** The agent id for an email, to name the account in the log and the record; unknown: null. */
  findAgentId?: (normalisedEmail: string) => Promise<string | null>;
  /** Keeps each lock put in force where admins can see it; a failure is logged, never stops the answer. */
  record?: (entry: LockEntry) => Promise<void>;
  /** A Redis call slower than this is given up on (fail open). */
  redisTimeoutMs?: number;
}

const DAY_SECONDS = 24 * 60 * 60;
/** How long failure counts last, from the first failure counted; then they start afresh. */
const FAILURE_MEMORY_SECONDS = DAY_SECONDS;
/** How long an address an account signed in from is remembered as the account's own (not slowed). */
export const KNOWN_ADDRESS_DAYS = 30;

// One account's count from all addresses, and its wait: atomic, so parallel tries cannot all slip past the wait.
// KEYS: count, wait. ARGV: after how many failures waits begin, longest wait (ms), count memory (ms),
// '1' when the address is one the account signed in from (it does not wait, but its failures count).
// Returns {-1, ms left} when the account must wait, or {count, wait set (ms)}.
const COUNT_ACCOUNT = `
if ARGV[4] == '0' then
  local left = redis.call('PTTL', KEYS[2])
  if left > 0 then return {-1, left} end
end
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
local wait = 0
local after = tonumber(ARGV[1])
if n >= after then
  wait = math.floor(math.min(tonumber(ARGV[2]), 1000 * 2 ^ math.min(n - after, 40)))
  redis.call('SET', KEYS[2], n, 'PX', wait)
end
return {n, wait}`;

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
  return `${groups
    .slice(0, 4)
    .map((g) => parseInt(g, 16).toString(16))
    .join(':')}::/64`;
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
  const counter = (scope: 'account-address' | 'address', points: number, lockSeconds: number, duration: number) => ({
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
    counter('address', options.maxFailuresPerIpPerDay, DAY_SECONDS, DAY_SECONDS),
  ] as const;
  const accountCount = (account: string) => `${prefix}:login-failures:account:${account}`;
  const accountWait = (account: string) => `${prefix}:login-failures:account-wait:${account}`;
  const knownAddress = (account: string, where: string) => `${prefix}:login-known:${account}:${where}`;
  const ready = () => {
    // Like rejectIfRedisNotReady above: the hub's connection would queue these through a reconnect.
    if (redis.status !== 'ready') throw new Error(`Redis is ${redis.status}`);
  };

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
  const locksInForce = (results: (RateLimiterRes | null)[]) =>
    results.flatMap((res, i) => (res && res.consumedPoints > counters[i]!.limiter.points && res.msBeforeNext > 0 ? [toLock(res.msBeforeNext)] : []));
  async function record(entry: LockEntry) {
    if (!options.record) return;
    await options.record(entry).catch((error: Error) => logger.warn({ err: error.message, scope: entry.scope }, 'could not record a sign-in lock for admins'));
  }

  return {
    async begin(email, address) {
      const account = accountHash(email);
      const where = addressKey(address);
      const keys = { 'account-address': `${account}:${where}`, address: where } as const;

      // 1. A cheap read: a lock or wait in force answers at once, with no write and no password check.
      const current = await guarded('check', async () => {
        ready();
        const [locks, known, wait] = await Promise.all([
          Promise.all(counters.map((c) => c.limiter.get(keys[c.scope]))),
          redis.exists(knownAddress(account, where)),
          redis.pttl(accountWait(account)),
        ]);
        return { locks, known: known === 1, wait };
      });
      if (!current) return { locked: null, attempt: unguarded };
      const inForce = longest([...locksInForce(current.locks), ...(!current.known && current.wait > 0 ? [toLock(current.wait)] : [])]);
      if (inForce) return { locked: inForce };

      // 2. Count this attempt before its password is checked: the pair, the address, then the account. A count
      //    over its ceiling (parallel attempts got there first), or an account that must wait, is a lock: the
      //    counts this attempt took before it are given back, and those after it are not touched.
      const counted = await guarded('count', async () => {
        ready();
        const tally: number[] = [];
        const giveBack = () => Promise.all(counters.slice(0, tally.length).map((given) => given.limiter.reward(keys[given.scope])));
        for (const c of counters) {
          try {
            tally.push((await c.limiter.consume(keys[c.scope])).consumedPoints);
          } catch (rejection) {
            if (!(rejection instanceof RateLimiterRes)) throw rejection;
            await giveBack();
            return { locked: toLock(rejection.msBeforeNext) };
          }
        }
        const [n, ms] = (await redis.eval(
          COUNT_ACCOUNT,
          2,
          accountCount(account),
          accountWait(account),
          options.maxFailuresPerAccount,
          options.accountDelayMaxSeconds * 1000,
          FAILURE_MEMORY_SECONDS * 1000,
          current.known ? '1' : '0',
        )) as [number, number];
        if (n < 0) {
          await giveBack();
          return { locked: toLock(ms) };
        }
        return { locked: null, tally, accountFailures: n, waitMs: ms };
      });
      if (!counted) return { locked: null, attempt: unguarded };
      if (counted.locked) return { locked: counted.locked };
      const { tally, accountFailures, waitMs } = counted;

      return {
        locked: null,
        attempt: {
          async succeeded() {
            await guarded('reset', () =>
              Promise.all([
                counters[0].limiter.delete(keys['account-address']),
                redis.del(accountCount(account), accountWait(account)),
                // The address's ceiling counts failures only: give this attempt back.
                counters[1].limiter.reward(keys.address),
                redis.set(knownAddress(account, where), '1', 'EX', KNOWN_ADDRESS_DAYS * DAY_SECONDS),
              ]),
            );
          },
          async failed() {
            // This failure was counted in step 2: lock whatever it brought to its ceiling.
            const locking = counters.filter((c, i) => tally[i]! >= c.limiter.points);
            const blocked = locking.length ? await guarded('lock', () => Promise.all(locking.map((c) => c.limiter.block(keys[c.scope], c.lockSeconds)))) : [];
            if (!blocked) return null;
            if (!locking.length && !waitMs) return null;
            const agentId = findAgentId ? await findAgentId(normaliseEmail(email)).catch(() => null) : null;
            const now = Date.now();
            for (const c of locking) {
              const pair = c.scope === 'account-address';
              await record({
                scope: c.scope,
                accountHash: pair ? account : '',
                address: where,
                agentId: pair ? agentId : null,
                failures: tally[counters.indexOf(c)]!,
                until: new Date(now + c.lockSeconds * 1000),
              });
            }
            if (locking.length) {
              logger.warn(
                {
                  agentId: agentId ?? undefined,
                  account,
                  ip: where,
                  scopes: locking.map((c) => c.scope),
                  lockedForSeconds: Math.max(...locking.map((c) => c.lockSeconds)),
                },
                'sign-in locked after repeated failures',
              );
            }
            if (waitMs) {
              await record({ scope: 'account', accountHash: account, address: '', agentId, failures: accountFailures, until: new Date(now + waitMs) });
              logger.warn(
                { agentId: agentId ?? undefined, account, ip: where, failures: accountFailures, waitSeconds: toLock(waitMs).retryAfterSeconds },
                'sign-in slowed for an account failing from many addresses',
              );
            }
            return longest([...locking.map((c) => ({ retryAfterSeconds: c.lockSeconds })), ...(waitMs ? [toLock(waitMs)] : [])]);
          },
        },
      };
    },

    async remaining(key) {
      return guarded('read a lock', async () => {
        ready();
        if (key.scope === 'account') return Math.max(0, await redis.pttl(accountWait(key.accountHash)));
        const c = key.scope === 'address' ? counters[1] : counters[0];
        const res = await c.limiter.get(key.scope === 'address' ? key.address : `${key.accountHash}:${key.address}`);
        return res && res.consumedPoints > c.limiter.points ? Math.max(0, res.msBeforeNext) : 0;
      });
    },

    async lift(key) {
      const done = await guarded('lift a lock', async () => {
        ready();
        if (key.scope === 'account') await redis.del(accountCount(key.accountHash), accountWait(key.accountHash));
        else if (key.scope === 'address') await counters[1].limiter.delete(key.address);
        else await counters[0].limiter.delete(`${key.accountHash}:${key.address}`);
        return true;
      });
      return done ?? false;
    },
  };
}

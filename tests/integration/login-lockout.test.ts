// Signing in to the desk after repeated wrong passwords: what the person at the keyboard sees (429, when to
// try again), that a guesser elsewhere never locks the real agent out, what an attacker learns (nothing about
// which accounts exist), what admins see and lift, and that a Redis outage never stops agents signing in. Real hubs, real Redis and PostgreSQL; each client address is set through the
// loopback proxy's X-Forwarded-For, as the council's load balancer would.
import { connect, createServer, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { apiJson, signIn, testEnv, uniquePrefix } from '../helpers/hub.ts';
import { freePort, privateRedis, type PrivateRedis } from '../../testkit/processes.ts';
import { loadConfig, type Env } from '../../hub/config.ts';
import { createLogger } from '../../hub/logger.ts';
import { startHub, type RunningHub } from '../../app/compose.ts';
import { createRedis } from '../../hub/redis.ts';
import { hashPassword } from '../../agent-desk/server/auth.ts';
import { accountHash, addressKey, createLoginLockout, waitInWords, type LoginLockout } from '../../agent-desk/server/lockout.ts';
import type { SignInLockView } from '../../agent-desk/server/sign-in-locks.ts';

type LogLine = { level: number; msg: string; [key: string]: unknown };
type Hub = RunningHub & { url: string; logs: LogLine[] };

const RIGHT = 'the right password, long enough';
const WRONG = 'not the password';
const LOCKED_15 = { error: 'Too many failed sign-ins. Try again in 15 minutes.' };

let database: TestDatabase;
/** The machine's Redis, to look at and remove what the tests wrote. */
const direct = new Redis('redis://127.0.0.1:6379', { lazyConnect: true });
const cleanups: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  database = await createTestDatabase('login_lockout');
});
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  await database?.drop();
  direct.disconnect();
});

/** A hub whose log lines are kept, to check what a lock-out records. */
async function startLoggedHub(env: Env): Promise<Hub> {
  const logs: LogLine[] = [];
  const logger = createLogger('info', { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
  const hub = await startHub(loadConfig(testEnv({ DATABASE_URL: database.url, ...env })), logger);
  cleanups.push(() => hub.stop());
  return Object.assign(hub as RunningHub & { url: string }, { logs });
}

let agentCount = 0;
/** A fresh agent account for one test, so tests do not share failure counts. */
async function newAgent(hub: Hub, label: string): Promise<{ id: string; email: string }> {
  const email = `${label}-${++agentCount}-${randomBytes(3).toString('hex')}@council.example`;
  const agent = await hub.database.prisma.agent.create({ data: { email, displayName: label, passwordHash: await hashPassword(RIGHT), role: 'agent' } });
  return { id: agent.id, email };
}

let addressCount = 0;
/** A client address of its own (documentation range 198.51.100.0/24 and 203.0.113.0/24). */
const newAddress = () => {
  const n = ++addressCount;
  return n < 250 ? `198.51.100.${n}` : `203.0.113.${n - 249}`;
};

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { error?: string; agent?: { id: string } };
}

async function login(hub: Hub, email: string, password: string, ip: string): Promise<Answer> {
  const res = await fetch(`${hub.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
    body: JSON.stringify({ email, password }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Answer['body'] };
}

async function failTimes(hub: Hub, email: string, ip: string, times: number): Promise<Answer[]> {
  const answers: Answer[] = [];
  for (let i = 0; i < times; i++) answers.push(await login(hub, email, WRONG, ip));
  return answers;
}

const NOT_RIGHT = { status: 401, retryAfter: null, body: { error: 'email or password is not right' } };
const statuses = (answers: Answer[]) => answers.map((a) => a.status);

describe('sign-in lock-out (defaults: 5 in a row, 15 minutes)', () => {
  let hub: Hub;
  const prefix = uniquePrefix('lockout');
  beforeAll(async () => {
    hub = await startLoggedHub({
      QUEUE_PREFIX: prefix,
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '8',
      LOGIN_ACCOUNT_DELAY_MAX_SECONDS: '4',
      LOGIN_MAX_FAILURES_PER_IP_PER_DAY: '15',
    });
    cleanups.push(async () => {
      const keys = await direct.keys(`${prefix}:login-*`);
      if (keys.length) await direct.del(...keys);
    });
  });

  it('after 5 wrong passwords even the right one is refused with 429 and when to try again; other accounts and addresses are unaffected', async () => {
    const agent = await newAgent(hub, 'locked');
    const ip = newAddress();
    const answers = await failTimes(hub, agent.email, ip, 5);
    expect(answers.slice(0, 4)).toEqual(Array(4).fill(NOT_RIGHT));
    expect(answers[4]).toMatchObject({ status: 429, body: LOCKED_15 });

    const right = await login(hub, agent.email, RIGHT, ip);
    expect(right.status).toBe(429);
    expect(right.body).toEqual(LOCKED_15);
    expect(Number(right.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(right.retryAfter)).toBeLessThanOrEqual(15 * 60);
    expect(Number.isInteger(Number(right.retryAfter))).toBe(true);

    // Someone else at the same address signs in as usual.
    const colleague = await newAgent(hub, 'colleague');
    expect((await login(hub, colleague.email, RIGHT, ip)).status).toBe(200);
    // The same person from another address too; the pair that failed stays locked.
    expect((await login(hub, agent.email, RIGHT, newAddress())).status).toBe(200);
    expect((await login(hub, agent.email, RIGHT, ip)).status).toBe(429);

    // The lock-out is in the log, naming the agent by id, never by email.
    const lockLines = hub.logs.filter((l) => l.msg === 'sign-in locked after repeated failures');
    expect(lockLines).toContainEqual(expect.objectContaining({ agentId: agent.id, ip, scopes: ['account-address'], lockedForSeconds: 900 }));
    expect(JSON.stringify(hub.logs)).not.toContain(agent.email.split('@')[0]);
  });

  it('answers an email with no account exactly as it answers one with an account', async () => {
    const known = await newAgent(hub, 'known');
    const unknown = `nobody-${randomBytes(3).toString('hex')}@council.example`;
    const sequence = async (email: string) => {
      const ip = newAddress();
      return [...(await failTimes(hub, email, ip, 5)), await login(hub, email, RIGHT, ip)];
    };
    const forKnown = await sequence(known.email);
    const forUnknown = await sequence(unknown);
    expect(statuses(forKnown)).toEqual([401, 401, 401, 401, 429, 429]);
    // Same statuses, same words, a Retry-After on the same answers (its value counts down, so only its presence).
    const shape = (answers: Answer[]) => answers.map((a) => ({ status: a.status, body: a.body, retryAfter: a.retryAfter !== null }));
    expect(shape(forUnknown)).toEqual(shape(forKnown));
    expect(JSON.stringify(hub.logs)).not.toContain(unknown.split('@')[0]);
  });

  it('a successful sign-in before the fifth failure starts the count again', async () => {
    const agent = await newAgent(hub, 'reset');
    const ip = newAddress();
    expect(statuses(await failTimes(hub, agent.email, ip, 4))).toEqual([401, 401, 401, 401]);
    expect((await login(hub, agent.email, RIGHT, ip)).status).toBe(200);
    expect(statuses(await failTimes(hub, agent.email, ip, 4))).toEqual([401, 401, 401, 401]);
    expect((await login(hub, agent.email, RIGHT, ip)).status).toBe(200);
    expect(statuses(await failTimes(hub, agent.email, ip, 5))).toEqual([401, 401, 401, 401, 429]);
  });

  it('a guesser elsewhere cannot lock the agent out at their own address, however many times they try', async () => {
    const agent = await newAgent(hub, 'target');
    const home = newAddress();
    expect((await login(hub, agent.email, RIGHT, home)).status).toBe(200);
    const guesser = newAddress();
    const answers = await failTimes(hub, agent.email, guesser, 25);
    expect(statuses(answers)).toEqual([401, 401, 401, 401, ...Array(21).fill(429)]);
    // Only the guesser's own pair is locked: the agent signs in at once, at home and anywhere else.
    expect((await login(hub, agent.email, RIGHT, home)).status).toBe(200);
    expect((await login(hub, agent.email, RIGHT, newAddress())).status).toBe(200);
    expect((await login(hub, agent.email, RIGHT, guesser)).status).toBe(429);
    // Twenty-five more, spread over five addresses (past LOGIN_MAX_FAILURES_PER_ACCOUNT): home still signs in.
    for (let i = 0; i < 5; i++) await failTimes(hub, agent.email, newAddress(), 5);
    expect((await login(hub, agent.email, RIGHT, home)).status).toBe(200);
  });

  it('slows an account guessed from many addresses (LOGIN_MAX_FAILURES_PER_ACCOUNT=8): waits of 1 s, 2, 4, capped at 4; never at the agent’s own address', async () => {
    const agent = await newAgent(hub, 'spread');
    const home = newAddress();
    expect((await login(hub, agent.email, RIGHT, home)).status).toBe(200);
    const waitKey = `${prefix}:login-failures:account-wait:${accountHash(agent.email)}`;
    const waitOver = () => expect.poll(() => direct.pttl(waitKey), { timeout: 15_000, interval: 100 }).toBeLessThan(0);

    const answers: Answer[] = [];
    for (let i = 0; i < 8; i++) answers.push(await login(hub, agent.email, WRONG, newAddress()));
    expect(statuses(answers)).toEqual([401, 401, 401, 401, 401, 401, 401, 429]);
    expect(answers[7]).toMatchObject({ retryAfter: '1', body: { error: 'Too many failed sign-ins. Try again in 1 second.' } });
    expect(hub.logs).toContainEqual(
      expect.objectContaining({ msg: 'sign-in slowed for an account failing from many addresses', agentId: agent.id, failures: 8, waitSeconds: 1 }),
    );

    for (const wait of [2, 4, 4]) {
      await waitOver();
      const next = await login(hub, agent.email, WRONG, newAddress());
      expect(next).toMatchObject({ status: 429, retryAfter: String(wait), body: { error: `Too many failed sign-ins. Try again in ${wait} seconds.` } });
      // While it waits, tries from anywhere new are refused unchecked (and do not make the wait grow)...
      expect((await login(hub, agent.email, WRONG, newAddress())).status).toBe(429);
    }
    expect((await login(hub, agent.email, RIGHT, newAddress())).status).toBe(429);
    // ...but the agent where they signed in before is let straight in.
    expect((await login(hub, agent.email, RIGHT, home)).status).toBe(200);
  });

  it('a burst of parallel guesses from many addresses gets no more password checks than one after another', async () => {
    const agent = await newAgent(hub, 'spread-burst');
    const answers = await Promise.all(Array.from({ length: 20 }, () => login(hub, agent.email, WRONG, newAddress())));
    expect(answers.filter((a) => a.status === 401)).toHaveLength(7);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(13);
    // Eight passwords were checked: only the eighth failure made the account wait, the rest were refused unchecked.
    expect(hub.logs.filter((l) => l.msg === 'sign-in slowed for an account failing from many addresses' && l.agentId === agent.id)).toHaveLength(1);
  });

  it('admins see each lock (account, address, until when, why) and lift one; other roles may not', async () => {
    const agent = await newAgent(hub, 'lifted-by-admin');
    const colleague = await newAgent(hub, 'not-admin');
    const ip = newAddress();
    expect(statuses(await failTimes(hub, agent.email, ip, 5))).toEqual([401, 401, 401, 401, 429]);
    const admin = await signIn(hub.url);
    const listed = await apiJson<{ locks: SignInLockView[] }>(hub.url, admin, '/api/admin/sign-in-locks');
    expect(listed.status).toBe(200);
    const lock = listed.body.locks.find((l) => l.agent?.id === agent.id)!;
    expect(lock).toMatchObject({
      scope: 'account-address',
      agent: { id: agent.id, email: agent.email },
      address: ip,
      failures: 5,
      reason: '5 wrong passwords in a row for this account from this address',
    });
    const minutesLeft = (Date.parse(lock.lockedUntil) - Date.now()) / 60_000;
    expect(minutesLeft).toBeGreaterThan(13);
    expect(minutesLeft).toBeLessThanOrEqual(15);

    const notAdmin = await signIn(hub.url, { email: colleague.email, password: RIGHT });
    expect((await apiJson(hub.url, notAdmin, '/api/admin/sign-in-locks')).status).toBe(403);
    expect((await apiJson(hub.url, notAdmin, `/api/admin/sign-in-locks/${lock.id}`, { method: 'DELETE' })).status).toBe(403);
    expect((await login(hub, agent.email, RIGHT, ip)).status).toBe(429);

    expect((await apiJson(hub.url, admin, `/api/admin/sign-in-locks/${lock.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await login(hub, agent.email, RIGHT, ip)).status).toBe(200);
    expect((await apiJson<{ locks: SignInLockView[] }>(hub.url, admin, '/api/admin/sign-in-locks')).body.locks.map((l) => l.id)).not.toContain(lock.id);
    expect((await apiJson(hub.url, admin, `/api/admin/sign-in-locks/${lock.id}`, { method: 'DELETE' })).status).toBe(404);
    const adminId = (await hub.database.prisma.agent.findUniqueOrThrow({ where: { email: 'admin@council.example' } })).id;
    expect(await hub.database.prisma.auditEvent.findMany({ where: { action: 'sign_in_lock_lift' }, select: { agentId: true, detail: true } })).toEqual([
      { agentId: adminId, detail: { lock: lock.id, scope: 'account-address', agent: agent.id } },
    ]);
  });

  it('stops password spraying: an address that fails on many accounts is locked for a day (LOGIN_MAX_FAILURES_PER_IP_PER_DAY=15)', async () => {
    const ip = newAddress();
    const answers: Answer[] = [];
    for (let i = 0; i < 15; i++) answers.push(await login(hub, `sprayed-${i}-${randomBytes(3).toString('hex')}@council.example`, WRONG, ip));
    expect(statuses(answers)).toEqual([...Array(14).fill(401), 429]);
    const agent = await newAgent(hub, 'sprayed-from');
    const fromThere = await login(hub, agent.email, RIGHT, ip);
    expect(fromThere).toMatchObject({ status: 429, body: { error: 'Too many failed sign-ins. Try again in 24 hours.' } });
    expect(Number(fromThere.retryAfter)).toBeGreaterThan(15 * 60);
    expect((await login(hub, agent.email, RIGHT, newAddress())).status).toBe(200);
    // Admins see the address's own lock (no account) and can lift it.
    const admin = await signIn(hub.url);
    const lock = (await apiJson<{ locks: SignInLockView[] }>(hub.url, admin, '/api/admin/sign-in-locks')).body.locks.find(
      (l) => l.scope === 'address' && l.address === ip,
    );
    expect(lock).toMatchObject({
      agent: null,
      failures: 15,
      reason: '15 wrong passwords from this address today, across accounts (possible password spraying)',
    });
    expect((await apiJson(hub.url, admin, `/api/admin/sign-in-locks/${lock!.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await login(hub, agent.email, RIGHT, ip)).status).toBe(200);
  });

  it('a burst of parallel guesses gets no more tries than one after another', async () => {
    const agent = await newAgent(hub, 'burst');
    const ip = newAddress();
    const answers = await Promise.all(Array.from({ length: 20 }, () => login(hub, agent.email, WRONG, ip)));
    expect(answers.filter((a) => a.status === 401)).toHaveLength(4);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(16);
    expect((await login(hub, agent.email, RIGHT, ip)).status).toBe(429);
    // Only the five checked passwords counted against the account as a whole: it is not locked elsewhere.
    expect((await login(hub, agent.email, RIGHT, newAddress())).status).toBe(200);
  });

  it('keeps its counts under this hub’s QUEUE_PREFIX, with no email in the keys', async () => {
    const agent = await newAgent(hub, 'prefix');
    await failTimes(hub, agent.email, newAddress(), 1);
    const keys = await direct.keys(`${prefix}:login-*`);
    expect(keys.some((k) => k.startsWith(`${prefix}:login-failures:account:`))).toBe(true);
    expect(keys.join(' ')).not.toContain('@');
  });
});

describe('the lock lifting, and Redis going away (LOGIN_LOCK_MINUTES=0.1, a Redis of its own)', () => {
  let redis: PrivateRedis;
  let hub: Hub;
  beforeAll(async () => {
    redis = await privateRedis();
    cleanups.push(() => redis.stop());
    hub = await startLoggedHub({ REDIS_URL: redis.url, HUB_ROLES: 'web', LOGIN_LOCK_MINUTES: '0.1' });
  });

  it('lifts the lock after the lock time, and the count starts again', async () => {
    const agent = await newAgent(hub, 'lifted');
    const ip = newAddress();
    const answers = await failTimes(hub, agent.email, ip, 5);
    expect(answers[4]).toMatchObject({ status: 429, body: { error: 'Too many failed sign-ins. Try again in 6 seconds.' } });
    expect(Number(answers[4]!.retryAfter)).toBeLessThanOrEqual(6);
    // Refused while locked (these attempts do not extend the lock), then let in.
    await expect.poll(async () => (await login(hub, agent.email, RIGHT, ip)).status, { timeout: 30_000, interval: 250 }).toBe(200);
    expect(statuses(await failTimes(hub, agent.email, ip, 4))).toEqual([401, 401, 401, 401]);
  });

  it('lets agents sign in while Redis is down (with a warning), and locks again once it is back', async () => {
    const agent = await newAgent(hub, 'outage');
    const ip = newAddress();
    expect(statuses(await failTimes(hub, agent.email, ip, 5))).toEqual([401, 401, 401, 401, 429]);

    await redis.stop();
    // No lock-out without Redis: the right password signs in, a wrong one is simply wrong.
    expect((await login(hub, agent.email, WRONG, ip)).status).toBe(401);
    expect((await login(hub, agent.email, RIGHT, ip)).status).toBe(200);
    expect(hub.logs).toContainEqual(expect.objectContaining({ level: 40, msg: 'sign-in lock-out skipped: Redis did not answer (signing in without it)' }));

    await redis.start(); // empty: it keeps nothing on disk
    await expect.poll(() => hub.redis.status, { timeout: 30_000 }).toBe('ready');
    expect(statuses(await failTimes(hub, agent.email, ip, 5))).toEqual([401, 401, 401, 401, 429]);
    expect((await login(hub, agent.email, RIGHT, ip)).status).toBe(429);
  });
});

/** A TCP proxy to the machine's Redis that can stop passing bytes on: a Redis that hangs rather than refuses. */
async function stallableProxy(): Promise<{ url: string; stall(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let stalled = false;
  const server = createServer((client) => {
    const upstream = connect(6379, '127.0.0.1');
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.on('data', (chunk) => void (stalled || to.write(chunk)));
      from.on('error', () => undefined);
      from.on('close', () => to.destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    stall: () => void (stalled = true),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('the lock-out module when Redis does not answer', () => {
  const warnings: LogLine[] = [];
  const logger = createLogger('warn', { write: (line: string) => void warnings.push(JSON.parse(line) as LogLine) });
  const settings = { maxFailures: 2, maxFailuresPerAccount: 4, accountDelayMaxSeconds: 60, lockSeconds: 60, maxFailuresPerIpPerDay: 10 };

  async function expectFailsOpen(lockout: LoginLockout) {
    for (let i = 0; i < 4; i++) {
      const gate = await lockout.begin('agent@council.example', '192.0.2.1');
      expect(gate.locked).toBeNull();
      if (gate.locked === null) expect(await gate.attempt.failed()).toBeNull();
    }
    const gate = await lockout.begin('agent@council.example', '192.0.2.1');
    expect(gate.locked).toBeNull();
    if (gate.locked === null) await gate.attempt.succeeded();
  }

  it('fails open on a client to a closed port, the hub’s kind (queues through reconnects) or the default kind', async () => {
    const closed = `redis://127.0.0.1:${await freePort()}`;
    for (const client of [createRedis(closed), new Redis(closed, { lazyConnect: false })]) {
      client.on('error', () => undefined);
      cleanups.push(() => client.disconnect());
      warnings.length = 0;
      await expectFailsOpen(createLoginLockout({ redis: client, prefix: 'test-closed', logger, ...settings }));
      expect(warnings).toContainEqual(expect.objectContaining({ msg: 'sign-in lock-out skipped: Redis did not answer (signing in without it)' }));
    }
  });
});

describe('the lock-out module when Redis hangs', () => {
  it('gives up on a Redis that stops answering and lets the sign-in go on', async () => {
    const warnings: LogLine[] = [];
    const logger = createLogger('warn', { write: (line: string) => void warnings.push(JSON.parse(line) as LogLine) });
    const proxy = await stallableProxy();
    cleanups.push(() => proxy.close());
    const client = createRedis(proxy.url); // the hub's kind: it waits through anything rather than failing
    client.on('error', () => undefined);
    cleanups.push(() => client.disconnect());
    await client.connect();
    const prefix = uniquePrefix('lockout-hang');
    cleanups.push(async () => {
      const keys = await direct.keys(`${prefix}:*`);
      if (keys.length) await direct.del(...keys);
    });
    const lockout = createLoginLockout({
      redis: client,
      prefix,
      logger,
      redisTimeoutMs: 300,
      maxFailures: 2,
      maxFailuresPerAccount: 4,
      accountDelayMaxSeconds: 60,
      lockSeconds: 60,
      maxFailuresPerIpPerDay: 10,
    });

    // Through the proxy the lock-out works...
    for (const expected of [null, { retryAfterSeconds: 60 }]) {
      const gate = await lockout.begin('hang@council.example', '192.0.2.7');
      expect(gate.locked).toBeNull();
      if (gate.locked === null) expect(await gate.attempt.failed()).toEqual(expected);
    }
    expect((await lockout.begin('hang@council.example', '192.0.2.7')).locked).toMatchObject({ retryAfterSeconds: expect.any(Number) });

    // ...then Redis hangs: the check gives up and the sign-in goes on to the password.
    proxy.stall();
    const gate = await lockout.begin('hang@council.example', '192.0.2.7');
    expect(gate.locked).toBeNull();
    if (gate.locked === null) {
      expect(await gate.attempt.failed()).toBeNull();
      await gate.attempt.succeeded();
    }
    expect(warnings).toContainEqual(
      expect.objectContaining({ msg: 'sign-in lock-out skipped: Redis did not answer (signing in without it)', err: 'no answer within 300 ms' }),
    );
  });
});

describe('pure parts', () => {
  it('counts an IPv6 client by its /64 and unwraps IPv4-mapped addresses', () => {
    expect(addressKey('203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey(undefined)).toBe('unknown');
  });

  it('says how long to wait in plain words', () => {
    expect(waitInWords(900)).toBe('15 minutes');
    expect(waitInWords(899.2)).toBe('15 minutes');
    expect(waitInWords(60)).toBe('1 minute');
    expect(waitInWords(6)).toBe('6 seconds');
    expect(waitInWords(1)).toBe('1 second');
    expect(waitInWords(86_400)).toBe('24 hours');
  });
});

// Desk sessions: the idle time-out, changing a password, signing out everywhere, admins disabling an account,
// and the sweeper clearing ended sessions. Two hub processes of one deployment (one database, one Redis, one
// QUEUE_PREFIX), so a session ended on one closes the agent's desk connected to the other. Time is moved by
// editing the stored last-seen and expiry, never by sleeping.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { ADMIN, apiJson, connectDesk, createDeskAccount, signIn, startTestHub, testEnv, uniquePrefix, type DeskAccount } from '../helpers/hub.ts';
import type { RunningHub } from '../../app/compose.ts';
import { SESSION_COOKIE, hashPassword } from '../../agent-desk/server/auth.ts';
import { createHash } from 'node:crypto';

type Hub = RunningHub & { url: string };
const cleanups: (() => Promise<unknown> | unknown)[] = [];
const sockets: Socket[] = [];

afterAll(async () => {
  for (const s of sockets) s.close();
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const MINUTE = 60_000;
const me = (hub: Hub, cookie: string) => apiJson(hub.url, cookie, '/api/auth/me');
const tokenHash = (cookie: string) =>
  createHash('sha256')
    .update(decodeURIComponent(cookie.slice(SESSION_COOKIE.length + 1)))
    .digest('hex');

/** Resolves once the server has closed the socket (the client does not reconnect on its own then). */
async function expectClosedByServer(socket: Socket) {
  await expect.poll(() => socket.connected, { timeout: 20_000, interval: 50 }).toBe(false);
}

async function desk(hub: Hub, cookie: string): Promise<Socket & { closedBy: () => string | null }> {
  const socket = await connectDesk(hub.url, cookie);
  sockets.push(socket);
  let reason: string | null = null;
  socket.on('disconnect', (r) => void (reason = r));
  return Object.assign(socket, { closedBy: () => reason });
}

describe('sessions across two hub processes (idle time-out 30 minutes, the default)', () => {
  let database: TestDatabase;
  let a: Hub;
  let b: Hub;
  let admin: string;
  let adminId: string;

  beforeAll(async () => {
    database = await createTestDatabase('sessions');
    cleanups.push(() => database.drop());
    const prefix = uniquePrefix('sessions');
    a = await startTestHub(testEnv({ DATABASE_URL: database.url, QUEUE_PREFIX: prefix }));
    cleanups.push(() => a.stop());
    b = await startTestHub(testEnv({ DATABASE_URL: database.url, QUEUE_PREFIX: prefix }));
    cleanups.push(() => b.stop());
    admin = await signIn(a.url);
    adminId = (await me(a, admin)).body.agent.id;
  });

  const account = (name: string) => createDeskAccount(a.url, admin, { name });
  const sessionRow = (cookie: string) => a.database.prisma.session.findUnique({ where: { tokenHash: tokenHash(cookie) } });
  const backdate = (cookie: string, data: { lastSeenAt?: Date; expiresAt?: Date }) =>
    a.database.prisma.session.update({ where: { tokenHash: tokenHash(cookie) }, data });

  it('signing in ends the session the browser already had (a shared computer’s next user inherits nothing)', async () => {
    const first = await account('Shared Desk');
    const second = await account('Next User');
    const res = await fetch(`${a.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: first.cookie },
      body: JSON.stringify({ email: second.email, password: second.password }),
    });
    expect(res.status).toBe(200);
    expect(await sessionRow(first.cookie)).toBeNull();
    expect((await me(a, first.cookie)).status).toBe(401);
  });

  it('writes a session’s last-seen time at most once a minute, not on every request', async () => {
    const agent = await account('Toby');
    const first = (await sessionRow(agent.cookie))!.lastSeenAt;
    for (let i = 0; i < 3; i++) expect((await me(a, agent.cookie)).status).toBe(200);
    expect((await sessionRow(agent.cookie))!.lastSeenAt).toEqual(first);
    await backdate(agent.cookie, { lastSeenAt: new Date(Date.now() - MINUTE - 1000) });
    expect((await me(b, agent.cookie)).status).toBe(200);
    const moved = (await sessionRow(agent.cookie))!.lastSeenAt;
    expect(Date.now() - moved.getTime()).toBeLessThan(10_000);
    expect((await me(a, agent.cookie)).status).toBe(200);
    expect((await sessionRow(agent.cookie))!.lastSeenAt).toEqual(moved);
  });

  it('refuses a session idle for 30 minutes, and one past its lifetime, however recently used', async () => {
    const idle = await account('Ida');
    await backdate(idle.cookie, { lastSeenAt: new Date(Date.now() - 29 * MINUTE) });
    expect((await me(a, idle.cookie)).status).toBe(200);
    await backdate(idle.cookie, { lastSeenAt: new Date(Date.now() - 31 * MINUTE) });
    expect(await me(a, idle.cookie)).toEqual({ status: 401, body: { error: 'sign in required' } });

    const old = await account('Otto');
    await backdate(old.cookie, { expiresAt: new Date(Date.now() - 1000) });
    expect((await me(a, old.cookie)).status).toBe(401);
  });

  it('changing the password needs the current one, ends the agent’s other sessions and closes their desks, and keeps this one', async () => {
    const agent = await account('Pat');
    const elsewhere = await signIn(a.url, { email: agent.email, password: agent.password });
    const otherDesk = await desk(b, elsewhere);
    const ownDesk = await desk(a, agent.cookie);
    const change = (body: object) => apiJson(a.url, agent.cookie, '/api/auth/password', { method: 'POST', body: JSON.stringify(body) });

    expect(await change({ currentPassword: 'not my password', newPassword: 'a brand new long password' })).toEqual({
      status: 400,
      body: { error: 'your current password is not right' },
    });
    const short = await change({ currentPassword: agent.password, newPassword: 'too short' });
    expect(short.status).toBe(400);
    expect(short.body.issues).toEqual([{ path: 'newPassword', message: 'the new password must be at least 12 characters' }]);
    // An attacker's first guesses: the most common passwords, and this system's and the person's own words.
    for (const [newPassword, reason] of [
      ['password1234', /most common/],
      ['Council Hub Password 1', /words of the council/],
      ['Pat Pat Pat 2026!', /your name/],
    ] as const) {
      const weak = await change({ currentPassword: agent.password, newPassword });
      expect(weak.status).toBe(400);
      expect(weak.body.issues).toEqual([{ path: 'newPassword', message: expect.stringMatching(reason) }]);
    }
    const created = await apiJson(a.url, admin, '/api/agents', {
      method: 'POST',
      body: JSON.stringify({ email: 'new.starter@council.example', displayName: 'New Starter', password: 'welcome to the council' }),
    });
    expect(created.status).toBe(400);
    expect(created.body.issues).toEqual([{ path: 'password', message: expect.stringMatching(/words of the council/) }]);
    expect((await me(a, elsewhere)).status).toBe(200);

    expect(await change({ currentPassword: agent.password, newPassword: 'a brand new long password' })).toEqual({
      status: 200,
      body: { otherSessionsEnded: 1 },
    });
    expect((await me(a, elsewhere)).status).toBe(401);
    await expectClosedByServer(otherDesk);
    expect(otherDesk.closedBy()).toBe('io server disconnect');
    expect((await me(a, agent.cookie)).status).toBe(200);
    expect(ownDesk.connected).toBe(true);

    const login = (password: string) =>
      fetch(`${a.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: agent.email, password }),
      });
    expect((await login(agent.password)).status).toBe(401);
    expect((await login('a brand new long password')).status).toBe(200);
    const stored = await a.database.prisma.agent.findUniqueOrThrow({ where: { id: agent.id }, select: { passwordHash: true } });
    expect(stored.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await a.database.prisma.auditEvent.findMany({ where: { action: 'password_change', agentId: agent.id }, select: { detail: true } })).toEqual([
      { detail: { otherSessionsEnded: 1 } },
    ]);
  });

  it('signing out closes this session’s desk only; signing out everywhere ends every session and closes every desk', async () => {
    const agent = await account('Sam');
    const second = await signIn(a.url, { email: agent.email, password: agent.password });
    const third = await signIn(a.url, { email: agent.email, password: agent.password });
    const desks = [await desk(a, agent.cookie), await desk(b, second), await desk(b, third)];

    expect((await apiJson(a.url, third, '/api/auth/logout', { method: 'POST' })).status).toBe(204);
    await expectClosedByServer(desks[2]!);
    expect((await me(a, third)).status).toBe(401);
    expect(desks[0]!.connected && desks[1]!.connected).toBe(true);
    expect((await me(a, second)).status).toBe(200);

    const res = await fetch(`${a.url}/api/auth/sign-out-everywhere`, { method: 'POST', headers: { cookie: agent.cookie } });
    expect(res.status).toBe(204);
    expect(res.headers.get('set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=;`));
    for (const cookie of [agent.cookie, second]) expect((await me(a, cookie)).status).toBe(401);
    for (const socket of desks.slice(0, 2)) await expectClosedByServer(socket);
    expect(await a.database.prisma.session.count({ where: { agentId: agent.id } })).toBe(0);
    // Signing in again works as ever.
    expect((await me(a, await signIn(a.url, { email: agent.email, password: agent.password }))).status).toBe(200);
  });

  it('an admin signs an account out everywhere (a lost device): its sessions end and its desks close, and it may sign in again', async () => {
    const agent = await account('Lost Phone');
    const open = await desk(b, agent.cookie);
    const signOut = (who: string) => apiJson(a.url, who, `/api/agents/${agent.id}/sign-out`, { method: 'POST' });
    expect((await signOut(agent.cookie)).status).toBe(403);
    expect(await signOut(admin)).toEqual({ status: 200, body: { sessionsEnded: 1 } });
    await expectClosedByServer(open);
    expect((await me(a, agent.cookie)).status).toBe(401);
    expect((await me(a, await signIn(a.url, { email: agent.email, password: agent.password }))).status).toBe(200);
  });

  it('an admin signs everyone out: every session but the admin’s own ends, and their desks close', async () => {
    const one = await account('Everyone One');
    const two = await account('Everyone Two');
    const open = await desk(b, two.cookie);
    expect((await apiJson(a.url, one.cookie, '/api/admin/sign-out-everyone', { method: 'POST' })).status).toBe(403);
    const done = await apiJson(a.url, admin, '/api/admin/sign-out-everyone', { method: 'POST' });
    expect(done.status).toBe(200);
    expect(done.body.sessionsEnded).toBeGreaterThanOrEqual(2);
    await expectClosedByServer(open);
    for (const cookie of [one.cookie, two.cookie]) expect((await me(a, cookie)).status).toBe(401);
    expect((await me(a, admin)).status).toBe(200);
  });

  it('an admin disables an account: its sessions end, its desk on the other process is closed at once, it cannot sign in until enabled', async () => {
    const agent: DeskAccount = await account('Dee');
    const colleague = await account('Cal');
    const open = await desk(b, agent.cookie);
    const disable = (who: string, id: string) => apiJson(a.url, who, `/api/agents/${id}/disable`, { method: 'POST' });

    expect((await disable(colleague.cookie, agent.id)).status).toBe(403);
    expect(await disable(admin, adminId)).toEqual({ status: 409, body: { error: 'you cannot disable your own account' } });
    expect((await me(a, agent.cookie)).status).toBe(200);

    const done = await disable(admin, agent.id);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ agent: { id: agent.id, disabled: true, presence: 'offline' }, sessionsEnded: 1 });
    await expectClosedByServer(open);
    expect(open.closedBy()).toBe('io server disconnect');
    expect((await me(a, agent.cookie)).status).toBe(401);
    // The right password now says why; a wrong one says only that it is wrong.
    const login = (password: string) => apiJson(a.url, '', '/api/auth/login', { method: 'POST', body: JSON.stringify({ email: agent.email, password }) });
    expect(await login(agent.password)).toEqual({ status: 403, body: { error: 'this account is disabled; ask an admin to enable it' } });
    expect((await login('not the password at all')).status).toBe(401);
    expect(await a.database.prisma.session.count({ where: { agentId: agent.id } })).toBe(0);
    const listed = await apiJson<{ agents: { id: string; disabled: boolean }[] }>(a.url, admin, '/api/agents');
    expect(listed.body.agents.find((x) => x.id === agent.id)?.disabled).toBe(true);

    expect((await apiJson(a.url, colleague.cookie, `/api/agents/${agent.id}/enable`, { method: 'POST' })).status).toBe(403);
    expect((await apiJson(a.url, admin, `/api/agents/${agent.id}/enable`, { method: 'POST' })).body.agent).toMatchObject({ disabled: false });
    expect((await login(agent.password)).status).toBe(200);
    const audit = await a.database.prisma.auditEvent.findMany({
      where: { action: { in: ['agent_disable', 'agent_enable'] } },
      select: { action: true, agentId: true, detail: true },
      orderBy: { at: 'asc' },
    });
    expect(audit).toEqual([
      { action: 'agent_disable', agentId: adminId, detail: { agent: agent.id, sessionsEnded: 1 } },
      { action: 'agent_enable', agentId: adminId, detail: { agent: agent.id } },
    ]);
  });

  it('the sweeper deletes expired and idle sessions and keeps live ones', async () => {
    const agent = await a.database.prisma.agent.create({
      data: { email: 'swept@council.example', displayName: 'Swept', passwordHash: await hashPassword('a long enough password') },
    });
    const row = (label: string, data: { expiresAt: Date; lastSeenAt?: Date }) =>
      a.database.prisma.session.create({ data: { tokenHash: `${label}-${agent.id}`, agentId: agent.id, ...data } });
    const expired = await row('expired', { expiresAt: new Date(Date.now() - 1000) });
    const idle = await row('idle', { expiresAt: new Date(Date.now() + 60 * MINUTE), lastSeenAt: new Date(Date.now() - 31 * MINUTE) });
    const live = await row('live', { expiresAt: new Date(Date.now() + 60 * MINUTE) });
    await expect
      .poll(async () => (await a.database.prisma.session.findMany({ where: { agentId: agent.id }, select: { id: true } })).map((s) => s.id), {
        timeout: 15_000,
        interval: 200,
      })
      .toEqual([live.id]);
    expect([expired.id, idle.id]).not.toContain(live.id);
  });
});

describe('a short idle time-out (SESSION_IDLE_MINUTES=0.25; no sweeper, so the row stays and only the check refuses it)', () => {
  let hub: Hub;
  beforeAll(async () => {
    const database = await createTestDatabase('sessions_idle');
    cleanups.push(() => database.drop());
    hub = await startTestHub(testEnv({ DATABASE_URL: database.url, SESSION_IDLE_MINUTES: '0.25', SWEEP_INTERVAL_MS: '3600000' }));
    cleanups.push(() => hub.stop());
  });

  it('closes a desk whose session went idle, and refuses the session', async () => {
    const cookie = await signIn(hub.url, ADMIN);
    const open = await desk(hub, cookie);
    await hub.database.prisma.session.update({ where: { tokenHash: tokenHash(cookie) }, data: { lastSeenAt: new Date(Date.now() - MINUTE) } });
    await expect.poll(() => open.connected, { timeout: 20_000, interval: 100 }).toBe(false);
    expect((await me(hub, cookie)).status).toBe(401);
    expect(await hub.database.prisma.session.count({ where: { tokenHash: tokenHash(cookie) } })).toBe(1);
  });
});

// The admin area's own API: an admin setting another account's password (the password rules, the account's
// sessions ended, audited), and the audit log (newest first, filtered, paged, admins only). Account and team
// changes are audited so that the log shows them.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { ADMIN, apiJson, createDeskAccount, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import type { RunningHub } from '../../app/compose.ts';

let database: TestDatabase;
let hub: RunningHub & { url: string };
let admin: string;
let adminId: string;

beforeAll(async () => {
  database = await createTestDatabase('admin_api');
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url }));
  admin = await signIn(hub.url);
  adminId = (await apiJson(hub.url, admin, '/api/auth/me')).body.agent.id;
});
afterAll(async () => {
  await hub?.stop();
  await database?.drop();
});

const post = (cookie: string, path: string, body: unknown) => apiJson(hub.url, cookie, path, { method: 'POST', body: JSON.stringify(body) });
const audit = (cookie: string, query = '') => apiJson(hub.url, cookie, `/api/admin/audit${query}`);

describe('an admin sets another account’s password', () => {
  it('holds it to the password rules, saying why in words', async () => {
    const pat = await createDeskAccount(hub.url, admin, { name: 'Pat Forgetful' });
    const short = await post(admin, `/api/agents/${pat.id}/password`, { password: 'too short' });
    expect(short.status).toBe(400);
    expect(short.body.issues).toEqual([{ path: 'password', message: 'the new password must be at least 12 characters' }]);
    const common = await post(admin, `/api/agents/${pat.id}/password`, { password: 'password1234' });
    expect(common.status).toBe(400);
    expect(common.body.issues[0].message).toMatch(/^this is one of the most common passwords/);
    const ownName = await post(admin, `/api/agents/${pat.id}/password`, { password: 'PatForgetful2026' });
    expect(ownName.status).toBe(400);
    expect(ownName.body.issues[0].message).toMatch(/your name/);
    // Nothing changed: the old password and session still work.
    expect((await apiJson(hub.url, pat.cookie, '/api/auth/me')).status).toBe(200);
  });

  it('sets it, ends every session of the account, and audits it', async () => {
    const pat = await createDeskAccount(hub.url, admin, { name: 'Pat Reset' });
    const second = await signIn(hub.url, { email: pat.email, password: pat.password });
    const set = await post(admin, `/api/agents/${pat.id}/password`, { password: 'marble kettle orchard ferry' });
    expect(set).toEqual({ status: 200, body: { sessionsEnded: 2 } });
    for (const cookie of [pat.cookie, second]) expect((await apiJson(hub.url, cookie, '/api/auth/me')).status).toBe(401);
    const old = await fetch(`${hub.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: pat.email, password: pat.password }),
    });
    expect(old.status).toBe(401);
    await signIn(hub.url, { email: pat.email, password: 'marble kettle orchard ferry' });

    const { body } = await audit(admin, `?action=agent_password_reset&limit=1`);
    expect(body.events).toEqual([
      expect.objectContaining({ action: 'agent_password_reset', agent: expect.objectContaining({ id: adminId }), detail: { agent: pat.id, sessionsEnded: 2 } }),
    ]);
  });

  it('refuses the admin’s own account, an unknown one, and anyone but an admin', async () => {
    expect((await post(admin, `/api/agents/${adminId}/password`, { password: 'marble kettle orchard ferry' })).status).toBe(409);
    expect((await post(admin, `/api/agents/${randomUUID()}/password`, { password: 'marble kettle orchard ferry' })).status).toBe(404);
    const sue = await createDeskAccount(hub.url, admin, { name: 'Sue Supervisor', role: 'supervisor' });
    const refused = await post(sue.cookie, `/api/agents/${adminId}/password`, { password: 'marble kettle orchard ferry' });
    expect(refused).toEqual({ status: 403, body: { error: 'only admin accounts may do this' } });
    await signIn(hub.url, ADMIN);
  });
});

describe('the audit log', () => {
  it('shows who created an account and changed a team, newest first', async () => {
    const before = new Date().toISOString();
    const ann = await createDeskAccount(hub.url, admin, { name: 'Ann Audited', role: 'supervisor' });
    const team = await post(admin, '/api/teams', { name: 'Audited team', hours: 'Mo-Fr 09:00-17:00' });
    expect(team.status).toBe(201);
    const put = await apiJson(hub.url, ann.cookie, `/api/teams/${team.body.team.id}`, {
      method: 'PUT',
      body: JSON.stringify({ name: 'Audited team', hours: 'Mo-Fr 08:00-18:00' }),
    });
    expect(put.status).toBe(200);

    const { status, body } = await audit(admin, `?from=${encodeURIComponent(before)}`);
    expect(status).toBe(200);
    expect(body.events.map((e: { action: string }) => e.action)).toEqual(['team_update', 'team_create', 'agent_create']);
    expect(body.events[0]).toMatchObject({ agent: { id: ann.id, displayName: 'Ann Audited', email: ann.email }, detail: { team: team.body.team.id } });
    expect(body.events[2]).toMatchObject({ agent: { id: adminId }, customerId: null, reason: null, detail: { agent: ann.id, role: 'supervisor' } });
    expect(body.next).toBeNull();
    expect(body.actions).toContain('agent_create');
  });

  it('filters by action, agent, customer and time, and pages without repeating or skipping', async () => {
    const db = hub.database.prisma;
    const customer = await db.customer.create({ data: {} });
    const base = Date.parse('2026-01-10T12:00:00Z');
    // Five reads of one customer, a minute apart, two of them at the same moment (the id breaks the tie).
    const at = [0, 1, 2, 2, 3].map((m) => new Date(base + m * 60_000));
    for (const when of at) await db.auditEvent.create({ data: { action: 'customer_read', agentId: adminId, customerId: customer.id, at: when } });
    await db.auditEvent.create({ data: { action: 'customer_export', agentId: null, customerId: customer.id, at: new Date(base) } });

    const pages: string[][] = [];
    let next: string | null = null;
    do {
      const page: { status: number; body: { events: { id: string; at: string }[]; next: string | null } } = await audit(
        admin,
        `?customerId=${customer.id}&action=customer_read&limit=2${next ? `&before=${next}` : ''}`,
      );
      expect(page.status).toBe(200);
      pages.push(page.body.events.map((e) => e.at));
      next = page.body.next;
    } while (next);
    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(at.map((d) => d.toISOString()).reverse());

    const window = await audit(admin, `?customerId=${customer.id}&from=2026-01-10T12:01:00Z&to=2026-01-10T12:03:00Z`);
    expect(window.body.events).toHaveLength(3);
    const byDate = await audit(admin, `?customerId=${customer.id}&from=2026-01-10&to=2026-01-11`);
    expect(byDate.body.events).toHaveLength(6);
    const byAgent = await audit(admin, `?customerId=${customer.id}&agentId=${adminId}`);
    expect(byAgent.body.events).toHaveLength(5);
    const exported = await audit(admin, `?customerId=${customer.id}&action=customer_export`);
    expect(exported.body.events).toEqual([expect.objectContaining({ action: 'customer_export', agent: null })]);
  });

  it('says what is wrong with a query', async () => {
    const problems = async (query: string) => (await audit(admin, query)).body.issues?.map((i: { path: string }) => i.path);
    expect(await problems('?limit=201')).toEqual(['limit']);
    expect(await problems('?action=customer_eat')).toEqual(['action']);
    expect(await problems('?from=yesterday')).toEqual(['from']);
    expect(await problems('?from=2026-02-01&to=2026-01-01')).toEqual(['to']);
    expect(await problems(`?before=${randomUUID()}`)).toEqual(['before']);
  });

  it('is for admins only', async () => {
    for (const role of ['agent', 'supervisor', 'service'] as const) {
      const someone = await createDeskAccount(hub.url, admin, { name: `A ${role}`, role });
      expect((await audit(someone.cookie)).status).toBe(403);
    }
  });
});

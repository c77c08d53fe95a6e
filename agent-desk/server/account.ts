// An account's own sessions and password, and admins disabling and enabling accounts. Ending a session here
// also closes its desks' sockets in every hub process at once: a socket outlives the request that opened it.
import express from 'express';
import { z } from 'zod';
import type { ChannelKind } from '../../channels/contract.ts';
import { recordAudit } from '../../hub/audit.ts';
import type { Db } from '../../hub/db/client.ts';
import type { AuditAction, Prisma } from '../../hub/generated/prisma/client.ts';
import { rooms } from './access.ts';
import { agentRoutingView } from './agents.ts';
import { SESSION_COOKIE, endSessions, hashPassword, isCurrentPassword } from './auth.ts';
import { invalid } from './http.ts';
import { lockedMessage, type LoginLockout } from './lockout.ts';
import { sessionRoom, type DeskSockets } from './realtime.ts';
import { setPresence } from './routing.ts';
import { fx, type EffectsRunner } from '../../hub/effects.ts';
import { passwordProblem } from './password-rules.ts';

/** The same rule as for new accounts (agents.ts). */
export const NewPassword = z.string().min(12, 'the new password must be at least 12 characters').max(1024, 'the new password must be at most 1024 characters');
export const PasswordChangeBody = z
  .object({ currentPassword: z.string().min(1, 'give your current password').max(1024), newPassword: NewPassword })
  .refine((b) => b.currentPassword !== b.newPassword, { message: 'the new password must differ from the current one', path: ['newPassword'] });

export const IdParam = z.object({ id: z.uuid('agent id must be a UUID') });
/** An admin setting another account's password (a forgotten one): the same rules as any new password. */
export const PasswordResetBody = z.object({ password: NewPassword });

export interface AccountDeps {
  db: Db;
  /** The desk's and the council's names: a password made of them is guessed first. */
  site: { name: string; council: string | null };
  effects: EffectsRunner;
  defaultCapacity: Readonly<Partial<Record<ChannelKind, number>>>;
  desk: DeskSockets;
  /** The current password is a password check like sign-in: guessing it is limited the same way. */
  loginLockout: LoginLockout;
  cookieOptions: { httpOnly: boolean; sameSite: 'strict'; secure: boolean; path: string };
  /** The hub's public address: its words are no password (password-rules.ts). */
  publicBaseUrl: string;
}

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

export function accountRouter(deps: AccountDeps) {
  const router = express.Router();

  /**
   * Ends the sessions `where` names, after `first` and with its audit row in the same transaction, then
   * closes their desks on every process (`close`: rooms to close instead, e.g. the whole account's).
   */
  async function endSessionsAudited(
    where: Parameters<typeof endSessions>[1],
    audit: (sessionsEnded: number) => { action: AuditAction; detail: Prisma.InputJsonObject },
    options: { first?: (tx: Tx) => Promise<unknown>; close?: string[]; agentId: string },
  ): Promise<number> {
    const ended = await deps.db.$transaction(async (tx) => {
      await options.first?.(tx);
      const ids = await endSessions(tx, where);
      await recordAudit(tx, { agentId: options.agentId, ...audit(ids.length) });
      return ids;
    });
    await deps.desk.disconnect(options.close ?? ended.map(sessionRoom));
    return ended.length;
  }

  router.post('/api/auth/password', async (req, res) => {
    const body = PasswordChangeBody.safeParse(req.body);
    if (!body.success) return invalid(res, body.error);
    const me = req.agent!;
    const gate = await deps.loginLockout.begin(me.email, req.ip);
    if (gate.locked)
      return void res
        .status(429)
        .set('Retry-After', String(gate.locked.retryAfterSeconds))
        .json({ error: lockedMessage(gate.locked) });
    if (!(await isCurrentPassword(deps.db, me.id, body.data.currentPassword))) {
      const lock = await gate.attempt.failed();
      if (lock)
        return void res
          .status(429)
          .set('Retry-After', String(lock.retryAfterSeconds))
          .json({ error: lockedMessage(lock) });
      return void res.status(400).json({ error: 'your current password is not right' });
    }
    await gate.attempt.succeeded();
    const weak = passwordProblem(body.data.newPassword, {
      publicBaseUrl: deps.publicBaseUrl,
      siteNames: [deps.site.name, deps.site.council],
      displayName: me.displayName,
      email: me.email,
    });
    if (weak) return void res.status(400).json({ error: 'invalid request', issues: [{ path: 'newPassword', message: weak }] });
    const passwordHash = await hashPassword(body.data.newPassword);
    // Whoever else held a session (a forgotten browser, someone who learnt the old password) is signed out.
    const ended = await endSessionsAudited(
      { agentId: me.id, exceptId: req.sessionId },
      (n) => ({ action: 'password_change', detail: { otherSessionsEnded: n } }),
      {
        agentId: me.id,
        first: (tx) => tx.agent.update({ where: { id: me.id }, data: { passwordHash } }),
      },
    );
    res.json({ otherSessionsEnded: ended });
  });

  router.post('/api/auth/sign-out-everywhere', async (req, res) => {
    const me = req.agent!;
    await endSessionsAudited({ agentId: me.id }, (n) => ({ action: 'sessions_end_all', detail: { sessionsEnded: n } }), {
      agentId: me.id,
      close: [rooms.agent(me.id)],
    });
    res.clearCookie(SESSION_COOKIE, deps.cookieOptions).status(204).end();
  });

  router.post('/api/agents/:id/disable', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const id = params.data.id;
    // An admin disabling themselves could leave nobody to enable anyone.
    if (id === req.agent!.id) return void res.status(409).json({ error: 'you cannot disable your own account' });
    const agent = await deps.db.agent.findUnique({ where: { id }, select: { disabledAt: true } });
    if (!agent) return void res.status(404).json({ error: 'no such agent' });
    const ended = await endSessionsAudited({ agentId: id }, (n) => ({ action: 'agent_disable', detail: { agent: id, sessionsEnded: n } }), {
      agentId: req.agent!.id,
      first: async (tx) => {
        if (!agent.disabledAt) await tx.agent.update({ where: { id }, data: { disabledAt: new Date() } });
      },
      close: [rooms.agent(id)],
    });
    // Offline: routing offers them nothing more, and offers pending for them go to others now.
    await setPresence(deps, id, 'offline');
    res.json({ agent: await agentRoutingView(deps.db, id, deps.defaultCapacity), sessionsEnded: ended });
  });

  // A lost or shared device: every session of the account ends and its desks close, and it may sign in again.
  router.post('/api/agents/:id/sign-out', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const id = params.data.id;
    if (!(await deps.db.agent.findUnique({ where: { id }, select: { id: true } }))) return void res.status(404).json({ error: 'no such agent' });
    const ended = await endSessionsAudited({ agentId: id }, (n) => ({ action: 'sessions_end_all', detail: { agent: id, sessionsEnded: n } }), {
      agentId: req.agent!.id,
      close: [rooms.agent(id)],
    });
    res.json({ sessionsEnded: ended });
  });

  // A forgotten password: an admin sets a new one and tells the person another way. Whoever held the old one
  // is signed out everywhere at once.
  router.post('/api/agents/:id/password', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const body = PasswordResetBody.safeParse(req.body);
    if (!body.success) return invalid(res, body.error);
    const id = params.data.id;
    // Their own goes through "Your account", which asks for the current one (and keeps this session).
    if (id === req.agent!.id) return void res.status(409).json({ error: 'change your own password under Your account: it asks for the current one' });
    const agent = await deps.db.agent.findUnique({ where: { id }, select: { displayName: true, email: true } });
    if (!agent) return void res.status(404).json({ error: 'no such agent' });
    const weak = passwordProblem(body.data.password, {
      publicBaseUrl: deps.publicBaseUrl,
      siteNames: [deps.site.name, deps.site.council],
      displayName: agent.displayName,
      email: agent.email,
    });
    if (weak) return void res.status(400).json({ error: 'invalid request', issues: [{ path: 'password', message: weak }] });
    const passwordHash = await hashPassword(body.data.password);
    const ended = await endSessionsAudited({ agentId: id }, (n) => ({ action: 'agent_password_reset', detail: { agent: id, sessionsEnded: n } }), {
      agentId: req.agent!.id,
      first: (tx) => tx.agent.update({ where: { id }, data: { passwordHash } }),
      close: [rooms.agent(id)],
    });
    res.json({ sessionsEnded: ended });
  });

  // After a breach, or a change that must reach every desk at once: every session but the admin's own ends.
  router.post('/api/admin/sign-out-everyone', async (req, res) => {
    const ended = await endSessionsAudited(
      { agentId: null, exceptId: req.sessionId! },
      (n) => ({ action: 'sessions_end_all', detail: { everyone: true, sessionsEnded: n } }),
      { agentId: req.agent!.id },
    );
    res.json({ sessionsEnded: ended });
  });

  router.post('/api/agents/:id/enable', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const id = params.data.id;
    const updated = await deps.db.$transaction(async (tx) => {
      const done = await tx.agent.updateMany({ where: { id }, data: { disabledAt: null } });
      if (done.count) await recordAudit(tx, { action: 'agent_enable', agentId: req.agent!.id, detail: { agent: id } });
      return done.count;
    });
    if (!updated) return void res.status(404).json({ error: 'no such agent' });
    await deps.effects.run([fx.publish({ type: 'agent.updated', agentId: id })]);
    res.json({ agent: await agentRoutingView(deps.db, id, deps.defaultCapacity) });
  });

  return router;
}

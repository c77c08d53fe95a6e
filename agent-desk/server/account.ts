// An account's own sessions and password, and admins disabling and enabling accounts. Ending a session here
// also closes its desks' sockets in every hub process at once: a socket outlives the request that opened it.
import express from 'express';
import { z } from 'zod';
import type { ChannelKind } from '../../channels/contract.ts';
import { recordAudit } from '../../hub/audit.ts';
import type { Db } from '../../hub/db/client.ts';
import type { EventBus } from '../../hub/events.ts';
import type { Router } from '../../hub/routing/engine.ts';
import { rooms } from './access.ts';
import { agentRoutingView } from './agents.ts';
import { SESSION_COOKIE, endSessions, hashPassword, isCurrentPassword } from './auth.ts';
import { invalid } from './http.ts';
import { lockedMessage, type LoginLockout } from './lockout.ts';
import { sessionRoom, type DeskSockets } from './realtime.ts';
import { setPresence } from './routing.ts';
import { passwordProblem } from './password-rules.ts';

/** The same rule as for new accounts (agents.ts). */
export const NewPassword = z.string().min(12, 'the new password must be at least 12 characters').max(1024, 'the new password must be at most 1024 characters');
export const PasswordChangeBody = z
  .object({ currentPassword: z.string().min(1, 'give your current password').max(1024), newPassword: NewPassword })
  .refine((b) => b.currentPassword !== b.newPassword, { message: 'the new password must differ from the current one', path: ['newPassword'] });

const IdParam = z.object({ id: z.uuid('agent id must be a UUID') });

export interface AccountDeps {
  db: Db;
  bus: EventBus;
  router: Router;
  defaultCapacity: Record<ChannelKind, number>;
  desk: DeskSockets;
  /** The current password is a password check like sign-in: guessing it is limited the same way. */
  loginLockout: LoginLockout;
  cookieOptions: { httpOnly: boolean; sameSite: 'strict'; secure: boolean; path: string };
  /** The hub's public address: its words are no password (password-rules.ts). */
  publicBaseUrl: string;
}

export function accountRouter(deps: AccountDeps) {
  const router = express.Router();

  router.post('/api/auth/password', async (req, res) => {
    const body = PasswordChangeBody.safeParse(req.body);
    if (!body.success) return invalid(res, body.error);
    const me = req.agent!;
    const gate = await deps.loginLockout.begin(me.email, req.ip);
    if (gate.locked) return void res.status(429).set('Retry-After', String(gate.locked.retryAfterSeconds)).json({ error: lockedMessage(gate.locked) });
    if (!(await isCurrentPassword(deps.db, me.id, body.data.currentPassword))) {
      const lock = await gate.attempt.failed();
      if (lock) return void res.status(429).set('Retry-After', String(lock.retryAfterSeconds)).json({ error: lockedMessage(lock) });
      return void res.status(400).json({ error: 'your current password is not right' });
    }
    await gate.attempt.succeeded();
    const weak = passwordProblem(body.data.newPassword, { publicBaseUrl: deps.publicBaseUrl, displayName: me.displayName, email: me.email });
    if (weak) return void res.status(400).json({ error: 'invalid request', issues: [{ path: 'newPassword', message: weak }] });
    const passwordHash = await hashPassword(body.data.newPassword);
    // Whoever else held a session (a forgotten browser, someone who learnt the old password) is signed out.
    const ended = await deps.db.$transaction(async (tx) => {
      await tx.agent.update({ where: { id: me.id }, data: { passwordHash } });
      const ids = await endSessions(tx, { agentId: me.id, exceptId: req.sessionId });
      await recordAudit(tx, { action: 'password_change', agentId: me.id, detail: { otherSessionsEnded: ids.length } });
      return ids;
    });
    await deps.desk.disconnect(ended.map(sessionRoom));
    res.json({ otherSessionsEnded: ended.length });
  });

  router.post('/api/auth/sign-out-everywhere', async (req, res) => {
    const me = req.agent!;
    const ended = await endSessions(deps.db, { agentId: me.id });
    await recordAudit(deps.db, { action: 'sessions_end_all', agentId: me.id, detail: { sessionsEnded: ended.length } });
    await deps.desk.disconnect([rooms.agent(me.id)]);
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
    const ended = await deps.db.$transaction(async (tx) => {
      if (!agent.disabledAt) await tx.agent.update({ where: { id }, data: { disabledAt: new Date() } });
      const ids = await endSessions(tx, { agentId: id });
      await recordAudit(tx, { action: 'agent_disable', agentId: req.agent!.id, detail: { agent: id, sessionsEnded: ids.length } });
      return ids;
    });
    await deps.desk.disconnect([rooms.agent(id)]);
    // Offline: routing offers them nothing more, and offers pending for them go to others now.
    await setPresence({ db: deps.db, bus: deps.bus, router: deps.router, defaultCapacity: deps.defaultCapacity }, id, 'offline');
    res.json({ agent: await agentRoutingView(deps.db, id, deps.defaultCapacity), sessionsEnded: ended.length });
  });

  // A lost or shared device: every session of the account ends and its desks close, and it may sign in again.
  router.post('/api/agents/:id/sign-out', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const id = params.data.id;
    if (!(await deps.db.agent.findUnique({ where: { id }, select: { id: true } }))) return void res.status(404).json({ error: 'no such agent' });
    const ended = await deps.db.$transaction(async (tx) => {
      const ids = await endSessions(tx, { agentId: id });
      await recordAudit(tx, { action: 'sessions_end_all', agentId: req.agent!.id, detail: { agent: id, sessionsEnded: ids.length } });
      return ids;
    });
    await deps.desk.disconnect([rooms.agent(id)]);
    res.json({ sessionsEnded: ended.length });
  });

  // After a breach, or a change that must reach every desk at once: every session but the admin's own ends.
  router.post('/api/admin/sign-out-everyone', async (req, res) => {
    const ended = await deps.db.$transaction(async (tx) => {
      const ids = await endSessions(tx, { agentId: null, exceptId: req.sessionId! });
      await recordAudit(tx, { action: 'sessions_end_all', agentId: req.agent!.id, detail: { everyone: true, sessionsEnded: ids.length } });
      return ids;
    });
    await deps.desk.disconnect(ended.map(sessionRoom));
    res.json({ sessionsEnded: ended.length });
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
    await deps.bus.publish({ type: 'agent.updated', agentId: id });
    res.json({ agent: await agentRoutingView(deps.db, id, deps.defaultCapacity) });
  });

  return router;
}

// Sign-in locks for admins: which account and address are locked or slowed, until when and why, and lifting
// one (an agent locked out at their own address by their own typing, or an office address behind one NAT).
// Redis holds the counts (lockout.ts); each lock put in force is also kept here in PostgreSQL, because Redis
// keys hold no email and admins need to know whose account it is.
import express from 'express';
import { z } from 'zod';
import { recordAudit } from '../../hub/audit.ts';
import type { Db } from '../../hub/db/client.ts';
import { invalid } from './http.ts';
import type { LockEntry, LoginLockout, Scope } from './lockout.ts';

/** Keeps a lock for the admins' list: one row per scope, account and address, the latest lock's end. */
export function signInLockRecorder(db: Db) {
  return async (entry: LockEntry) => {
    const key = { scope: entry.scope, accountHash: entry.accountHash, address: entry.address };
    await db.signInLock.upsert({
      where: { scope_accountHash_address: key },
      create: { ...key, agentId: entry.agentId, failures: entry.failures, lockedUntil: entry.until },
      update: { agentId: entry.agentId, failures: entry.failures, lockedUntil: entry.until },
    });
  };
}

export const SignInLockView = z.object({
  id: z.uuid(),
  scope: z.enum(['account-address', 'account', 'address']),
  /** The account's agent; null for an address's own lock, or an email with no account (never stored). */
  agent: z.object({ id: z.uuid(), email: z.string(), displayName: z.string() }).nullable(),
  /** The client address (IPv6 by its /64); null for an account slowed from everywhere. */
  address: z.string().nullable(),
  lockedUntil: z.iso.datetime(),
  failures: z.number().int(),
  /** Why, in plain words. */
  reason: z.string(),
});
export type SignInLockView = z.infer<typeof SignInLockView>;

function reason(scope: Scope, failures: number): string {
  if (scope === 'account-address') return `${failures} wrong passwords in a row for this account from this address`;
  if (scope === 'account') return `${failures} wrong passwords for this account from many addresses: each new try must wait a little`;
  return `${failures} wrong passwords from this address today, across accounts (possible password spraying)`;
}

export const IdParam = z.object({ id: z.uuid('lock id must be a UUID') });

export function signInLocksRouter(deps: { db: Db; lockout: LoginLockout }) {
  const router = express.Router();
  router.get('/api/admin/sign-in-locks', async (_req, res) => {
    const rows = await deps.db.signInLock.findMany({
      where: { lockedUntil: { gt: new Date() } },
      include: { agent: { select: { id: true, email: true, displayName: true } } },
      orderBy: { lockedUntil: 'desc' },
      take: 500,
    });
    const locks: SignInLockView[] = [];
    for (const row of rows) {
      const scope = row.scope as Scope;
      // Redis has the final word: a lock lifted by time running out early (a Redis restart) is not shown.
      const left = await deps.lockout.remaining({ scope, accountHash: row.accountHash, address: row.address });
      if (left === 0) continue;
      locks.push({
        id: row.id,
        scope,
        agent: row.agent,
        address: row.address || null,
        lockedUntil: (left === null ? row.lockedUntil : new Date(Date.now() + left)).toISOString(),
        failures: row.failures,
        reason: reason(scope, row.failures),
      });
    }
    res.json({ locks });
  });

  router.delete('/api/admin/sign-in-locks/:id', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const row = await deps.db.signInLock.findUnique({ where: { id: params.data.id } });
    if (!row) return void res.status(404).json({ error: 'no such lock (it may have ended already)' });
    if (!(await deps.lockout.lift({ scope: row.scope as Scope, accountHash: row.accountHash, address: row.address })))
      return void res.status(503).json({ error: 'the lock could not be lifted: Redis did not answer; try again' });
    await deps.db.$transaction(async (tx) => {
      await tx.signInLock.deleteMany({ where: { id: row.id } });
      await recordAudit(tx, { action: 'sign_in_lock_lift', agentId: req.agent!.id, detail: { lock: row.id, scope: row.scope, agent: row.agentId } });
    });
    res.status(204).end();
  });

  return router;
}

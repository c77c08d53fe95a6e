// Agents' accounts and sessions: argon2id password hashes; a random session token in an httpOnly
// cookie, of which only a SHA-256 hash is stored (a database leak yields no usable sessions).
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Db } from '../../hub/db/client.ts';
import type { AgentRole } from '../../hub/generated/prisma/client.ts';
import type { Viewer } from './access.ts';

export const SESSION_COOKIE = 'ch_session';

export interface SignedInAgent {
  id: string;
  email: string;
  displayName: string;
  role: AgentRole;
}

declare module 'express-serve-static-core' {
  interface Request {
    agent?: SignedInAgent;
    /** The id of the session the request came with (set with `agent`). */
    sessionId?: string;
  }
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export const hashPassword = (password: string) => hash(password);

/** On first start, with no agent yet, the admin named in the environment is created. */
export async function ensureFirstAdmin(db: Db, admin: { email: string; password: string } | null): Promise<'created' | 'exists' | 'none-configured'> {
  if ((await db.agent.count()) > 0) return 'exists';
  if (!admin) return 'none-configured';
  await db.agent.create({ data: { email: admin.email, displayName: 'Administrator', passwordHash: await hashPassword(admin.password), role: 'admin' } });
  return 'created';
}

// Verifying against a real hash when the email is unknown keeps response times alike (no account probing).
let dummyHash: Promise<string> | undefined;

/** The account for these credentials (disabled or not: the caller says which); null for a wrong email or password. */
export async function checkPassword(db: Db, email: string, password: string): Promise<(SignedInAgent & { disabled: boolean }) | null> {
  const agent = await db.agent.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!agent) {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verify(await dummyHash, password).catch(() => false);
    return null;
  }
  const ok = await verify(agent.passwordHash, password).catch(() => false);
  return ok ? { id: agent.id, email: agent.email, displayName: agent.displayName, role: agent.role, disabled: agent.disabledAt !== null } : null;
}

/** Whether this is the agent's password now (for changing it: the session alone is not enough). */
export async function isCurrentPassword(db: Db, agentId: string, password: string): Promise<boolean> {
  const agent = await db.agent.findUnique({ where: { id: agentId }, select: { passwordHash: true } });
  return !!agent && (await verify(agent.passwordHash, password).catch(() => false));
}

/** How long sessions last: at most ttlMs from sign-in, and idleMs from the last request. */
export interface SessionPolicy {
  ttlMs: number;
  idleMs: number;
}

// A session's last request is written at most this often (a quarter of a short idle time, for tests and
// strict settings): a write per request would cost more than the request itself.
const TOUCH_EVERY_MS = 60_000;

export async function startSession(db: Db, agentId: string, ttlMs: number): Promise<{ id: string; token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlMs);
  const { id } = await db.session.create({ data: { tokenHash: hashToken(token), agentId, expiresAt }, select: { id: true } });
  return { id, token, expiresAt };
}

/** Ends the sessions that match (ended ones and their desk sockets are the caller's to tell); their ids. */
/** Ends sessions: one by its token, an agent's (but perhaps one), or everyone's but one (`agentId: null`). */
export async function endSessions(db: Pick<Db, 'session'>, where: { agentId: string | null; exceptId?: string } | { tokenHash: string }): Promise<string[]> {
  const filter =
    'tokenHash' in where
      ? { tokenHash: where.tokenHash }
      : { ...(where.agentId ? { agentId: where.agentId } : {}), ...(where.exceptId ? { id: { not: where.exceptId } } : {}) };
  const ended = await db.session.findMany({ where: filter, select: { id: true } });
  if (ended.length) await db.session.deleteMany({ where: { id: { in: ended.map((s) => s.id) } } });
  return ended.map((s) => s.id);
}

export const endSession = (db: Db, token: string | undefined) => (token ? endSessions(db, { tokenHash: hashToken(token) }) : Promise.resolve([]));

export interface CurrentSession {
  id: string;
  agent: SignedInAgent;
  /** What the agent may see (their teams, their service), read with the session. */
  viewer: Viewer;
}

/**
 * The session a token opens, if it has not ended: past its lifetime, idle too long, or its agent disabled.
 * `touch`: this is the agent at work (a request), so the session's last-seen time moves on.
 */
export async function sessionForToken(db: Db, token: string | undefined, policy: SessionPolicy, touch: boolean): Promise<CurrentSession | null> {
  if (!token) return null;
  const session = await db.session.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { agent: { include: { teams: { select: { teamId: true } } } } },
  });
  if (!session) return null;
  const now = Date.now();
  const lastSeen = session.lastSeenAt.getTime();
  if (session.expiresAt.getTime() <= now || lastSeen + policy.idleMs <= now || session.agent.disabledAt) return null;
  // Conditional on the value read, so several processes serving one desk write it once.
  if (touch && now - lastSeen >= Math.min(TOUCH_EVERY_MS, policy.idleMs / 4))
    await db.session.updateMany({ where: { id: session.id, lastSeenAt: session.lastSeenAt }, data: { lastSeenAt: new Date(now) } });
  const { agent } = session;
  return {
    id: session.id,
    agent: { id: agent.id, email: agent.email, displayName: agent.displayName, role: agent.role },
    viewer: { id: agent.id, role: agent.role, teamIds: agent.teams.map((t) => t.teamId), serviceId: agent.serviceId },
  };
}

/** Reads the session cookie out of a raw Cookie header (socket.io handshakes have no cookie-parser). */
export function sessionTokenFromCookieHeader(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

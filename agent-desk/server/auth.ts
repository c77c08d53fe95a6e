// Agents' accounts and sessions: argon2id password hashes; a random session token in an httpOnly
// cookie, of which only a SHA-256 hash is stored (a database leak yields no usable sessions).
import { createHash, randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Db } from '../../hub/db/client.ts';
import type { AgentRole } from '../../hub/generated/prisma/client.ts';

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

export async function checkPassword(db: Db, email: string, password: string): Promise<SignedInAgent | null> {
  const agent = await db.agent.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!agent) {
    dummyHash ??= hashPassword(randomBytes(16).toString('hex'));
    await verify(await dummyHash, password).catch(() => false);
    return null;
  }
  const ok = await verify(agent.passwordHash, password).catch(() => false);
  return ok ? { id: agent.id, email: agent.email, displayName: agent.displayName, role: agent.role } : null;
}

export async function startSession(db: Db, agentId: string, ttlMs: number): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlMs);
  await db.session.create({ data: { tokenHash: hashToken(token), agentId, expiresAt } });
  return { token, expiresAt };
}

export async function endSession(db: Db, token: string): Promise<void> {
  await db.session.deleteMany({ where: { tokenHash: hashToken(token) } });
}

export async function agentForToken(db: Db, token: string | undefined): Promise<SignedInAgent | null> {
  if (!token) return null;
  const session = await db.session.findUnique({ where: { tokenHash: hashToken(token) }, include: { agent: true } });
  if (!session || session.expiresAt.getTime() <= Date.now()) return null;
  const { agent } = session;
  return { id: agent.id, email: agent.email, displayName: agent.displayName, role: agent.role };
}

/** Reads the session cookie out of a raw Cookie header (socket.io handshakes have no cookie-parser). */
export function sessionTokenFromCookieHeader(header: string | undefined): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

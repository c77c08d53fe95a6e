// Links to a customer's own plan. The token is 32 random bytes (base64url, 43 characters): unguessable, and
// worth nothing once it expires or is stopped. Only its SHA-256 is stored, so reading the database (or a
// backup of it) opens nobody's plan; a link is found by that hash through a unique index. Comparing hashes
// that way leaks nothing useful in its timing: an attacker can choose the hash's input but not learn a
// stored hash from how fast a near-miss fails.
import { createHash, randomBytes } from 'node:crypto';
import type { Tx } from '../db/client.ts';

/** What a token looks like: anything else is refused before the database is asked. */
export const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function newPlanToken(): { token: string; hash: string } {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashPlanToken(token) };
}

export function hashPlanToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The public address of the plan a token opens. */
export function planLinkUrl(publicBaseUrl: string, token: string): string {
  return `${publicBaseUrl}/plan/${token}`;
}

/**
 * Once the message carrying a link has gone, the stored copy keeps the words but not the token, so the
 * message table holds no working link either (the desk shows "…/plan/(link hidden)").
 */
const TOKEN_IN_TEXT = /\/plan\/[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])/g;

export function withoutPlanTokens(text: string): string {
  return text.replace(TOKEN_IN_TEXT, '/plan/(link hidden)');
}

export function hasPlanToken(text: string): boolean {
  return new RegExp(TOKEN_IN_TEXT.source).test(text);
}

/** The plan a token opens now: known, not expired, not stopped, and its plan's customer not erased; else null. */
export async function planForToken(db: Tx, token: string, now = new Date()): Promise<{ linkId: string; planId: string } | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const link = await db.planLink.findUnique({
    where: { tokenHash: hashPlanToken(token) },
    select: { id: true, planId: true, expiresAt: true, revokedAt: true, plan: { select: { customer: { select: { erasedAt: true } } } } },
  });
  if (!link || link.revokedAt || link.expiresAt <= now || link.plan.customer.erasedAt) return null;
  return { linkId: link.id, planId: link.planId };
}

// Weak signals become suggestions, never merges: the same name (and, more tellingly, the same name at
// the same postcode) on two records is shown to an agent, who confirms by merging or dismisses.
import type { Db } from '../db/client.ts';

const pair = (a: string, b: string) => (a < b ? { customerId: a, otherCustomerId: b } : { customerId: b, otherCustomerId: a });

/** Looks for other live records with the same name; records a suggestion for each one not already decided. */
export async function suggestMatches(db: Db, customerId: string): Promise<number> {
  const customer = await db.customer.findUnique({
    where: { id: customerId },
    select: { displayName: true, postcode: true, mergedIntoId: true, erasedAt: true },
  });
  const name = customer?.displayName?.trim();
  if (!customer || !name || customer.mergedIntoId || customer.erasedAt) return 0;
  const others = await db.customer.findMany({
    where: { id: { not: customerId }, displayName: { equals: name, mode: 'insensitive' }, mergedIntoId: null, erasedAt: null },
    select: { id: true, postcode: true },
    take: 20,
  });
  for (const other of others) {
    const signals = customer.postcode && other.postcode === customer.postcode ? ['name', 'postcode'] : ['name'];
    // A dismissed or confirmed pair stays decided; an open one gets the latest signals.
    await db.matchSuggestion.upsert({
      where: { customerId_otherCustomerId: pair(customerId, other.id) },
      create: { ...pair(customerId, other.id), signals },
      update: {},
    });
    await db.matchSuggestion.updateMany({ where: { ...pair(customerId, other.id), status: 'open' }, data: { signals } });
  }
  return others.length;
}

export async function openSuggestionsFor(db: Db, customerId: string) {
  const rows = await db.matchSuggestion.findMany({
    where: { status: 'open', OR: [{ customerId }, { otherCustomerId: customerId }] },
    orderBy: { createdAt: 'asc' },
  });
  const otherIds = rows.map((r) => (r.customerId === customerId ? r.otherCustomerId : r.customerId));
  const others = await db.customer.findMany({
    where: { id: { in: otherIds }, mergedIntoId: null, erasedAt: null },
    select: { id: true, displayName: true, postcode: true, contactPoints: { select: { kind: true, address: true } } },
  });
  const byId = new Map(others.map((o) => [o.id, o]));
  return rows.flatMap((r) => {
    const other = byId.get(r.customerId === customerId ? r.otherCustomerId : r.customerId);
    return other ? [{ id: r.id, signals: r.signals, createdAt: r.createdAt.toISOString(), customer: other }] : [];
  });
}

export async function decideSuggestionsBetween(
  db: Pick<Db, 'matchSuggestion'>,
  a: string,
  b: string,
  status: 'confirmed' | 'dismissed',
  agentId: string | null,
) {
  await db.matchSuggestion.updateMany({ where: { ...pair(a, b), status: 'open' }, data: { status, decidedAt: new Date(), decidedById: agentId } });
}

/**
 * A contact from one record answered a conversation of another (an email reply, or its subject's
 * reference): it may be the same person writing from a new address, or someone they forwarded to.
 * Shown to an agent like any weak signal; never merged or threaded across records by itself.
 */
export async function suggestFromReply(db: Db, customerId: string, otherCustomerId: string, signal: 'email-reply' | 'email-reference'): Promise<void> {
  if (customerId === otherCustomerId) return;
  const other = await db.customer.findUnique({ where: { id: otherCustomerId }, select: { mergedIntoId: true, erasedAt: true } });
  if (!other || other.mergedIntoId || other.erasedAt) return;
  const key = pair(customerId, otherCustomerId);
  const row = await db.matchSuggestion.upsert({ where: { customerId_otherCustomerId: key }, create: { ...key, signals: [signal] }, update: {} });
  if (row.status === 'open' && !row.signals.includes(signal)) await db.matchSuggestion.update({ where: { id: row.id }, data: { signals: { push: signal } } });
}

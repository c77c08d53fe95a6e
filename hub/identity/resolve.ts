// Identity: attach a contact to one customer record by a strong key only (the exact normalised
// address on its channel). Never merges on weak signals; concurrent first contacts make one customer.
import { randomUUID } from 'node:crypto';
import type { ChannelKind, ContactPointKind } from '../../channels/contract.ts';
import { isUniqueViolation, type Db } from '../db/client.ts';

export interface ResolvedCustomer {
  customerId: string;
}

export async function resolveCustomer(db: Db, from: { kind: ContactPointKind; address: string }, verifiedBy: string): Promise<ResolvedCustomer> {
  // Two tries: if another worker creates the same address between our read and our write,
  // the unique index refuses ours and the second read finds theirs.
  for (let attempt = 0; attempt < 2; attempt++) {
    // A read, not a write: the caller records lastUsedAt in the transaction that stores the message.
    const existing = await db.contactPoint.findUnique({ where: { kind_address: { kind: from.kind, address: from.address } }, select: { customerId: true } });
    if (existing) return { customerId: existing.customerId };
    try {
      const customer = await db.customer.create({
        data: { contactPoints: { create: { kind: from.kind, address: from.address, verifiedBy } } },
        select: { id: true },
      });
      return { customerId: customer.id };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  throw new Error('contact point was created and removed concurrently; retry');
}

/**
 * A sender the hub has never seen: their record, their address and their open conversation, made in one
 * statement. The address goes in first and only if nobody has it (ON CONFLICT DO NOTHING), and the record
 * and conversation only with it, so two workers meeting the same new address still make one customer: the
 * one that finds it taken gets null and resolves the address the usual way. (The address's reference to its
 * new record is checked at the end of the statement, once the record is in.)
 */
export async function createFirstContact(
  db: Db,
  from: { kind: ContactPointKind; address: string },
  verifiedBy: string,
  channel: ChannelKind,
): Promise<{ customerId: string; conversationId: string } | null> {
  const customerId = randomUUID();
  const conversationId = randomUUID();
  const [made] = await db.$queryRaw<{ made: boolean }[]>`
    WITH point AS (
      INSERT INTO "ContactPoint" ("id", "customerId", "kind", "address", "verifiedBy")
      VALUES (${randomUUID()}::uuid, ${customerId}::uuid, ${from.kind}, ${from.address}, ${verifiedBy})
      ON CONFLICT ("kind", "address") DO NOTHING
      RETURNING "customerId"
    ), customer AS (
      INSERT INTO "Customer" ("id", "updatedAt") SELECT "customerId", now() FROM point
    ), conversation AS (
      INSERT INTO "Conversation" ("id", "customerId", "openForCustomer", "channel", "updatedAt")
      SELECT ${conversationId}::uuid, "customerId", "customerId", ${channel}, now() FROM point
    )
    SELECT EXISTS (SELECT 1 FROM point) AS made`;
  return made?.made ? { customerId, conversationId } : null;
}

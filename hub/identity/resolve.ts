// Identity: attach a contact to one customer record by a strong key only (the exact normalised
// address on its channel). Never merges on weak signals; concurrent first contacts make one customer.
import type { ContactPointKind } from '../../channels/contract.ts';
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

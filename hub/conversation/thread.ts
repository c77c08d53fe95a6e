// Threading: a customer has at most one open conversation, whatever the channel; every contact joins it.
import type { ChannelKind } from '../../channels/contract.ts';
import { isUniqueViolation, type Db } from '../db/client.ts';

/** The customer was merged into another while this contact was being processed: resolve again. */
export class CustomerMovedError extends Error {
  constructor() {
    super('customer was merged while the contact was processed; resolve again');
  }
}

export async function openConversationFor(db: Db, customerId: string, channel: ChannelKind): Promise<{ conversationId: string }> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const open = await db.conversation.findUnique({ where: { openForCustomer: customerId }, select: { id: true } });
    if (open) return { conversationId: open.id };
    try {
      const created = await db.$transaction(async (tx) => {
        // A share lock on the customer waits for a merge in progress (which holds it for update),
        // so no conversation is started under a record that has just been merged away.
        const [row] = await tx.$queryRaw<{ mergedIntoId: string | null }[]>`SELECT "mergedIntoId" FROM "Customer" WHERE id = ${customerId}::uuid FOR SHARE`;
        if (!row || row.mergedIntoId) throw new CustomerMovedError();
        // openForCustomer is unique: a concurrent worker's conversation wins and we join it.
        return tx.conversation.create({ data: { customerId, openForCustomer: customerId, channel }, select: { id: true } });
      });
      return { conversationId: created.id };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  throw new Error('open conversation changed concurrently; retry');
}

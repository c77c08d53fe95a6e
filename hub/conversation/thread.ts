// Threading: a customer has at most one open conversation, whatever the channel; every contact joins it.
import type { ChannelKind } from '../../channels/contract.ts';
import { isUniqueViolation, type Db } from '../db/client.ts';

export async function openConversationFor(db: Db, customerId: string, channel: ChannelKind): Promise<{ conversationId: string; created: boolean }> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const open = await db.conversation.findUnique({ where: { openForCustomer: customerId }, select: { id: true } });
    if (open) return { conversationId: open.id, created: false };
    try {
      // openForCustomer is unique: a concurrent worker's conversation wins and we join it.
      const created = await db.conversation.create({ data: { customerId, openForCustomer: customerId, channel }, select: { id: true } });
      return { conversationId: created.id, created: true };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
  throw new Error('open conversation changed concurrently; retry');
}

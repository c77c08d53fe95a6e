// The durable inbox: a contact is written here before the provider gets its 2xx, unique on
// (channel, provider message id), so a provider's retry or a duplicate delivery records nothing new.
import type { InboundContact } from '../../channels/contract.ts';
import { isUniqueViolation, type Db } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';

export interface InboxReceipt {
  inboxItemId: string;
  duplicate: boolean;
  processed: boolean;
}

// The contact was validated by zod at the edge, so it is plain JSON.
export async function recordInbound(db: Db, contact: InboundContact): Promise<InboxReceipt> {
  const key = { channel: contact.channel, providerMessageId: contact.providerMessageId };
  try {
    const item = await db.inboxItem.create({ data: { ...key, contact: contact as unknown as Prisma.InputJsonObject }, select: { id: true } });
    return { inboxItemId: item.id, duplicate: false, processed: false };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const item = await db.inboxItem.findUniqueOrThrow({ where: { channel_providerMessageId: key }, select: { id: true, processedAt: true } });
    return { inboxItemId: item.id, duplicate: true, processed: item.processedAt !== null };
  }
}

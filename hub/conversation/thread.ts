// Threading: a customer has at most one open conversation, whatever the channel; every contact joins it,
// except an email reply that references another open conversation of the same customer (see ingest/process.ts).
import { randomBytes } from 'node:crypto';
import type { ChannelKind } from '../../channels/contract.ts';
import { isUniqueViolation, type Db, type Tx } from '../db/client.ts';

/** The customer was merged into another while this contact was being processed: resolve again. */
export class CustomerMovedError extends Error {
  constructor() {
    super('customer was merged while the contact was processed; resolve again');
  }
}

/**
 * The customer's row under a share lock, which waits for a merge in progress (it holds the row for update), so
 * nothing is started under a record that has just been merged away; undefined when there is no such customer.
 */
export async function lockCustomer(tx: Tx, customerId: string): Promise<{ mergedIntoId: string | null; erasedAt: Date | null } | undefined> {
  const [row] = await tx.$queryRaw<{ mergedIntoId: string | null; erasedAt: Date | null }[]>`
    SELECT "mergedIntoId", "erasedAt" FROM "Customer" WHERE id = ${customerId}::uuid FOR SHARE`;
  return row;
}

export async function openConversationFor(db: Db, customerId: string, channel: ChannelKind): Promise<{ conversationId: string }> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const open = await db.conversation.findUnique({ where: { openForCustomer: customerId }, select: { id: true } });
    if (open) return { conversationId: open.id };
    try {
      const created = await db.$transaction(async (tx) => {
        const row = await lockCustomer(tx, customerId);
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

/**
 * Where an email whose sender could not be verified goes: never into the customer's own open conversation
 * (its From address may be forged), but into one of its own, marked with the address it claims. Further
 * unverified email from that address joins it, so a customer whose mail provider signs nothing still has one
 * thread, and everything in it carries the desk's warning. It is open without being the customer's open
 * conversation (openForCustomer stays null), so their texts and verified email go on where they were.
 */
export async function unverifiedConversationFor(db: Db, customerId: string, channel: ChannelKind, address: string): Promise<{ conversationId: string }> {
  const open = await db.conversation.findFirst({
    where: { customerId, status: 'open', unverifiedEmailFrom: address },
    orderBy: { lastMessageAt: 'desc' },
    select: { id: true },
  });
  if (open) return { conversationId: open.id };
  const created = await db.$transaction(async (tx) => {
    const row = await lockCustomer(tx, customerId);
    if (!row || row.mergedIntoId) throw new CustomerMovedError();
    return tx.conversation.create({ data: { customerId, channel, unverifiedEmailFrom: address }, select: { id: true } });
  });
  return { conversationId: created.id };
}

/** The conversation an inbound contact says it answers: by the message ids it quotes (nearest first), else by reference. */
export async function conversationReferencedBy(
  db: Db,
  channel: ChannelKind,
  replyTo: { messageIds: string[]; reference?: string },
): Promise<{ id: string; customerId: string; status: 'open' | 'closed'; by: 'message-id' | 'reference' } | null> {
  if (replyTo.messageIds.length) {
    const found = await db.message.findMany({
      where: { channel, providerMessageId: { in: replyTo.messageIds } },
      select: { providerMessageId: true, conversation: { select: { id: true, customerId: true, status: true } } },
    });
    for (const id of replyTo.messageIds) {
      const hit = found.find((m) => m.providerMessageId === id);
      if (hit) return { ...hit.conversation, by: 'message-id' };
    }
  }
  if (replyTo.reference) {
    const conversation = await db.conversation.findUnique({ where: { reference: replyTo.reference }, select: { id: true, customerId: true, status: true } });
    if (conversation) return { ...conversation, by: 'reference' };
  }
  return null;
}

// No 0/O or 1/I: the reference is read, and sometimes typed, by people.
const REFERENCE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** The conversation's short reference for email subjects: made once, then the same for every email. */
export async function referenceFor(db: Db, conversationId: string): Promise<string> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await db.conversation.findUniqueOrThrow({ where: { id: conversationId }, select: { reference: true } });
    if (current.reference) return current.reference;
    const bytes = randomBytes(8);
    const reference = Array.from(bytes, (b) => REFERENCE_ALPHABET[b % 32]).join('');
    try {
      // Only if still unset: two senders racing end up with the one that was written first.
      await db.conversation.updateMany({ where: { id: conversationId, reference: null }, data: { reference } });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error; // another conversation has it: draw again
    }
  }
  throw new Error('could not give the conversation a unique reference');
}

// The inbound worker's job: inbox row → customer → conversation → message, each step idempotent,
// so a job that runs twice (lost lock, crashed worker, sweeper) still leaves exactly one message.
import { randomUUID } from 'node:crypto';
import { InboundContact, type ChannelKind } from '../../channels/contract.ts';
import { isNotFound, type Db } from '../db/client.ts';
import { createFirstContact, resolveCustomer } from '../identity/resolve.ts';
import { CustomerMovedError, conversationReferencedBy, openConversationFor, unverifiedConversationFor } from '../conversation/thread.ts';
import { suggestFromReply } from '../identity/suggestions.ts';
import { hasPendingMedia } from './media.ts';

export interface ProcessedInbound {
  messageId: string;
  conversationId: string;
  customerId: string;
  channel: ChannelKind;
  /** The message names files its provider keeps, still to be fetched (the media job's work). */
  pendingMedia: boolean;
}

export async function processInbound(db: Db, inboxItemId: string): Promise<ProcessedInbound | null> {
  // Not the payload (an email's whole source): the contact says everything the message needs. Read with it, in
  // the same statement, what a known sender usually needs next: whose address it is and their open conversation.
  // Only a guess: the write below checks both under lock, and a miss is resolved the long way.
  const [item] = await db.$queryRaw<{ contact: unknown; messageId: string | null; hasFiles: boolean; customerId: string | null; openId: string | null }[]>`
    SELECT i.contact, i."messageId", EXISTS (SELECT 1 FROM "Attachment" a WHERE a."inboxItemId" = i.id) AS "hasFiles",
           p."customerId", c.id AS "openId"
    FROM "InboxItem" i
    LEFT JOIN "ContactPoint" p ON p.kind = i.contact->'from'->>'kind' AND p.address = i.contact->'from'->>'address'
    LEFT JOIN "Conversation" c ON c."openForCustomer" = p."customerId"
    WHERE i.id = ${inboxItemId}::uuid`;
  if (!item) return null;
  if (item.messageId) {
    const done = await db.message.findUniqueOrThrow({
      where: { id: item.messageId },
      select: { conversationId: true, channel: true, attachments: true, conversation: { select: { customerId: true } } },
    });
    const { conversationId, channel, attachments } = done;
    return { messageId: item.messageId, conversationId, customerId: done.conversation.customerId, channel, pendingMedia: hasPendingMedia(attachments) };
  }
  const contact = InboundContact.parse(item.contact);
  // A merge can move the address or conversation between our reads and our write; the write then
  // refuses (guarded by customerId) and we resolve again against the merged record.
  for (let attempt = 0; ; attempt++) {
    try {
      const known = attempt === 0 && item.customerId ? { customerId: item.customerId, openId: item.openId } : null;
      return await storeMessage(db, inboxItemId, contact, item.hasFiles, known, attempt === 0 && !item.customerId);
    } catch (error) {
      if (attempt >= 3 || !(error instanceof CustomerMovedError || isNotFound(error))) throw error;
    }
  }
}

async function storeMessage(
  db: Db,
  inboxItemId: string,
  contact: InboundContact,
  hasFiles: boolean,
  known: { customerId: string; openId: string | null } | null,
  /** Nobody had the sender's address when the inbox row was read. */
  newSender: boolean,
): Promise<ProcessedInbound> {
  // A plain message from a known sender joins their open conversation; anything else (an email that quotes
  // another, or whose sender is unverified, or no conversation open) is threaded the long way.
  const plain = !contact.replyTo && (!contact.senderAuth || contact.senderAuth.verdict === 'pass');
  // A plain first contact: the record, the address and the conversation in one statement (null: taken meanwhile).
  const first = newSender && plain ? await createFirstContact(db, contact.from, `inbound-${contact.channel}`, contact.channel) : null;
  const { customerId } = first ?? known ?? (await resolveCustomer(db, contact.from, `inbound-${contact.channel}`));
  const conversationId = first?.conversationId ?? (plain && known?.openId ? known.openId : await conversationFor(db, customerId, contact));
  // Files were stored with the inbox row; the message takes them over in the statement below.
  const files = hasFiles
    ? await db.attachment.findMany({
        where: { inboxItemId },
        orderBy: { position: 'asc' },
        select: { id: true, filename: true, contentType: true, size: true },
      })
    : [];
  const attachments = [...contact.attachments, ...files.map((f) => ({ fileId: f.id, filename: f.filename, contentType: f.contentType, size: f.size }))];

  // One statement, so one round trip and one commit: the message, the conversation's latest channel (replies go
  // back on the channel the customer last used), the inbox row marked done, its files handed to the message, and
  // when the customer's address was last used. The rows it writes through are locked and checked first: a
  // merge that moved the conversation or the address to another record since they were read writes nothing, and
  // the contact is resolved again. A message already stored for this provider id (an earlier run that died
  // before marking the inbox row) writes nothing either, and its work is finished below.
  const messageId = randomUUID();
  const now = new Date();
  const [written] = await db.$queryRaw<{ owned: boolean; stored: boolean }[]>`
    WITH owner AS (
      SELECT 1 FROM "Conversation" c, "ContactPoint" p, "InboxItem" i
      WHERE c.id = ${conversationId}::uuid AND c."customerId" = ${customerId}::uuid
        AND p.kind = ${contact.from.kind} AND p.address = ${contact.from.address} AND p."customerId" = ${customerId}::uuid
        AND i.id = ${inboxItemId}::uuid
      FOR NO KEY UPDATE OF c, p, i
    ), m AS (
      INSERT INTO "Message" (id, "conversationId", direction, channel, "providerMessageId", status, "fromAddress", "toAddress", body, "bodyHtml",
                             attachments, notices, "senderAuth", "createdAt", "updatedAt")
      SELECT ${messageId}::uuid, ${conversationId}::uuid, 'inbound'::"MessageDirection", ${contact.channel}, ${contact.providerMessageId}, 'received'::"MessageStatus",
             ${contact.from.address}, ${contact.to}, ${contact.text}, ${contact.html ?? null}, ${JSON.stringify(attachments)}::jsonb,
             ${contact.notices ?? []}::text[], ${contact.senderAuth ? JSON.stringify(contact.senderAuth) : null}::jsonb,
             ${new Date(contact.receivedAt)}::timestamptz, ${now}::timestamptz
      WHERE EXISTS (SELECT 1 FROM owner)
      ON CONFLICT (channel, "providerMessageId") DO NOTHING
      RETURNING id
    ), conversation AS (
      UPDATE "Conversation" SET channel = ${contact.channel}, "lastMessageAt" = ${now}::timestamptz, "updatedAt" = ${now}::timestamptz
      WHERE id = ${conversationId}::uuid AND EXISTS (SELECT 1 FROM m)
    ), inbox AS (
      UPDATE "InboxItem" SET "processedAt" = ${now}::timestamptz, "messageId" = ${messageId}::uuid WHERE id = ${inboxItemId}::uuid AND EXISTS (SELECT 1 FROM m)
    ), files AS (
      UPDATE "Attachment" SET "messageId" = ${messageId}::uuid WHERE "inboxItemId" = ${inboxItemId}::uuid AND EXISTS (SELECT 1 FROM m)
    ), address AS (
      UPDATE "ContactPoint" SET "lastUsedAt" = ${now}::timestamptz
      WHERE kind = ${contact.from.kind} AND address = ${contact.from.address} AND EXISTS (SELECT 1 FROM m)
    )
    SELECT EXISTS (SELECT 1 FROM owner) AS owned, EXISTS (SELECT 1 FROM m) AS stored`;
  if (!written?.owned) throw new CustomerMovedError();
  if (written.stored) return { messageId, conversationId, customerId, channel: contact.channel, pendingMedia: hasPendingMedia(attachments) };
  // An earlier run stored the message and died before marking the inbox row: finish its work.
  const existing = await db.message.findUniqueOrThrow({
    where: { channel_providerMessageId: { channel: contact.channel, providerMessageId: contact.providerMessageId } },
    select: { id: true, conversationId: true, attachments: true },
  });
  await db.inboxItem.update({ where: { id: inboxItemId }, data: { processedAt: new Date(), messageId: existing.id } });
  await db.attachment.updateMany({ where: { inboxItemId, messageId: null }, data: { messageId: existing.id } });
  const { conversationId: existingIn, attachments: existingFiles } = existing;
  return { messageId: existing.id, conversationId: existingIn, customerId, channel: contact.channel, pendingMedia: hasPendingMedia(existingFiles) };
}

/**
 * Which conversation the contact joins. A reply that references an earlier message (email In-Reply-To /
 * References) or a conversation's subject reference joins that conversation only when it belongs to the
 * customer the sender's own address resolved to. It never files a message under someone else's record:
 * Message-IDs and subject references travel with forwarded and quoted mail, so whoever holds one could
 * otherwise write into a stranger's conversation, and the agent's next reply (to the last address that
 * wrote) would go to them. A reference from another record becomes a match suggestion for an agent to
 * check and merge, like any weak signal; the contact stays with its sender's own record.
 *
 * All of that rests on the sender's address being theirs. An email whose sender could not be verified (its
 * channel's SenderAuth verdict is not pass: forged, unsigned, or DNS could not say) joins no existing
 * conversation, by reference, by Message-ID or as the customer's open one: it is kept, in a conversation of
 * its own (unverifiedConversationFor), and the desk says the sender could not be confirmed.
 */
async function conversationFor(db: Db, customerId: string, contact: InboundContact): Promise<string> {
  if (contact.senderAuth && contact.senderAuth.verdict !== 'pass') {
    return (await unverifiedConversationFor(db, customerId, contact.channel, contact.from.address)).conversationId;
  }
  const referenced = contact.replyTo ? await conversationReferencedBy(db, contact.channel, contact.replyTo) : null;
  if (referenced && referenced.customerId === customerId && referenced.status === 'open') return referenced.id;
  if (referenced && referenced.customerId !== customerId) {
    await suggestFromReply(db, customerId, referenced.customerId, referenced.by === 'message-id' ? 'email-reply' : 'email-reference');
  }
  return (await openConversationFor(db, customerId, contact.channel)).conversationId;
}

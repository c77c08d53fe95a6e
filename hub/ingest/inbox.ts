// The durable inbox: a contact is written here before the provider gets its 2xx, unique on
// (channel, provider message id), so a provider's retry or a duplicate delivery records nothing new.
// Its files and raw payload go in the same transaction: a duplicate rolls them back with the row, so
// each file is stored exactly once, and never travels through Redis or the contact's JSON.
import { createHash, randomUUID } from 'node:crypto';
import { InboundFile, type InboundContact } from '../../channels/contract.ts';
import { isUniqueViolation, type Db } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';

export interface InboxReceipt {
  inboxItemId: string;
  duplicate: boolean;
  processed: boolean;
}

/** NUL, which PostgreSQL refuses in text and JSON, and lone surrogates, which it refuses in JSON. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding NUL is the point
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Every string in a contact with what PostgreSQL cannot store replaced by U+FFFD: a reason to mend, never to refuse. */
export function storable<T>(value: T): T {
  if (typeof value === 'string') return value.replace(UNSTORABLE, '\uFFFD') as T;
  if (Array.isArray(value)) return value.map(storable) as T;
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storable(k), storable(v)])) as T;
  }
  return value;
}

// The contact was validated by zod at the edge, so it is plain JSON.
export async function recordInbound(db: Db, received: InboundContact, extras: { files?: InboundFile[]; payload?: Uint8Array } = {}): Promise<InboxReceipt> {
  const contact = storable(received);
  const key = { channel: contact.channel, providerMessageId: contact.providerMessageId };
  const files = (extras.files ?? []).map((f) => InboundFile.parse(f));
  const id = randomUUID();
  try {
    const row = { data: { id, ...key, contact: contact as unknown as Prisma.InputJsonObject }, select: { id: true } };
    // Most contacts (a text, a chat message) are the row alone: one statement, atomic on its own, where a
    // transaction would cost two more round trips on every message.
    if (!extras.payload && !files.length) await db.inboxItem.create(row);
    // Bytes go in by raw statements, one at a time: Prisma encodes a Bytes value of its own queries, or of a
    // batch, as text on the event loop (a 25 MB email held it for seconds); a lone raw parameter goes to the
    // driver as it is.
    else
      await db.$transaction(async (tx) => {
        await tx.inboxItem.create(row);
        if (extras.payload) await tx.$executeRaw`UPDATE "InboxItem" SET payload = ${Buffer.from(extras.payload)} WHERE id = ${id}::uuid`;
        for (const [position, f] of files.entries()) {
          await tx.$executeRaw`
          INSERT INTO "Attachment" (id, "inboxItemId", position, filename, "contentType", size, sha256, content)
          VALUES (${randomUUID()}::uuid, ${id}::uuid, ${position}, ${storable(f.filename)}, ${storable(f.contentType)}, ${f.content.byteLength},
                  ${createHash('sha256').update(f.content).digest('hex')}, ${Buffer.from(f.content)})`;
        }
      });
    return { inboxItemId: id, duplicate: false, processed: false };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const item = await db.inboxItem.findUniqueOrThrow({ where: { channel_providerMessageId: key }, select: { id: true, processedAt: true } });
    return { inboxItemId: item.id, duplicate: true, processed: item.processedAt !== null };
  }
}

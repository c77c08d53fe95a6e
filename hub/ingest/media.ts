// The media step of an inbound message: files the provider keeps (MMS, WhatsApp) are fetched by the worker,
// after the message is stored and shown, and kept as the message's attachments like an email's files. The
// webhook only stored the links (a 2xx means stored, and it must answer fast). A fetch that fails leaves the
// message as it is, with a notice for the agent, and the job retries; one that never can (not the provider's
// own media URL, a type or size not accepted) is refused at once with a log line and never fetched.
import { createHash } from 'node:crypto';
import { type Attachment as ProviderMedia, MediaError } from '../../channels/contract.ts';
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import type { Adapters } from '../outbound/process.ts';

/** A provider's media as stored on a message: waiting to be fetched (with the last attempt's problem), or given up on. */
type MediaEntry = ProviderMedia & { problem?: string };
type GivenUp = { contentType: string; notFetched: string };
type StoredFile = { fileId: string; filename: string; contentType: string; size: number };
type Entry = MediaEntry | GivenUp | StoredFile;

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/heic': 'heic',
  'application/pdf': 'pdf',
  'audio/mpeg': 'mp3',
  'audio/ogg': 'ogg',
  'audio/amr': 'amr',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
};
const KIND: Record<string, string> = { image: 'A picture', audio: 'A voice note', video: 'A video' };

const isPending = (e: Entry): e is MediaEntry => 'url' in e;

/** Whether a stored message still has provider media to fetch (the inbound worker queues the media step then). */
export const hasPendingMedia = (attachments: unknown): boolean => Array.isArray(attachments) && (attachments as Entry[]).some(isPending);

/** What the agent is told about media not (yet) fetched: shown with the message (views.ts). */
export function mediaNotices(attachments: unknown): string[] {
  if (!Array.isArray(attachments)) return [];
  return (attachments as Entry[]).flatMap((e) => {
    const what = KIND[e.contentType.split('/')[0]!] ?? 'A file';
    if ('notFetched' in e) return [`${what} sent with this message could not be fetched: ${e.notFetched}.`];
    if (isPending(e) && e.problem) return [`${what} sent with this message could not be fetched yet (${e.problem}); the hub is trying again.`];
    return [];
  });
}

export type MediaOutcome = { conversationId: string; changed: boolean; retry: boolean } | null;

/**
 * Fetches what is still pending. Throws nothing for the media's sake: `retry` says a later attempt may get
 * what is left. On the last attempt whatever is left is given up on, with a notice.
 */
export async function fetchMessageMedia(
  deps: { db: Db; adapters: Adapters; logger: Logger },
  messageId: string,
  isLastAttempt: boolean,
): Promise<MediaOutcome> {
  const message = await deps.db.message.findUnique({ where: { id: messageId }, select: { attachments: true, channel: true, conversationId: true } });
  if (!message || !hasPendingMedia(message.attachments)) return message ? { conversationId: message.conversationId, changed: false, retry: false } : null;
  const adapter = deps.adapters[message.channel];
  // Links on channels whose provider media the hub does not fetch (a voicemail's recording) stay links.
  if (!adapter?.fetchMedia) return { conversationId: message.conversationId, changed: false, retry: false };
  const item = await deps.db.inboxItem.findFirst({ where: { messageId }, select: { id: true } });
  const entries = message.attachments as Entry[];
  let retry = false;
  const next: Entry[] = [];
  for (const [position, entry] of entries.entries()) {
    if (!isPending(entry)) {
      next.push(entry);
      continue;
    }
    try {
      if (!item) throw new MediaError('its inbound record is missing', false);
      const media = await adapter.fetchMedia({ url: entry.url, contentType: entry.contentType });
      // Named by the hub, never by the sender: the message's id and the media's place in it, and its real type.
      const filename = `${message.channel}-${messageId.slice(0, 8)}-${position + 1}.${EXTENSIONS[media.contentType] ?? 'bin'}`;
      // Keyed by the inbox row and position: a job that runs twice finds the row it wrote.
      const file = await deps.db.attachment.upsert({
        where: { inboxItemId_position: { inboxItemId: item.id, position } },
        create: {
          inboxItemId: item.id,
          messageId,
          position,
          filename,
          contentType: media.contentType,
          size: media.content.byteLength,
          sha256: createHash('sha256').update(media.content).digest('hex'),
          content: new Uint8Array(media.content),
        },
        update: {},
        select: { id: true, filename: true, contentType: true, size: true },
      });
      next.push({ fileId: file.id, filename: file.filename, contentType: file.contentType, size: file.size });
    } catch (error) {
      const problem = error instanceof MediaError ? error : new MediaError('the connection to the provider failed', true);
      if (!problem.retryable || isLastAttempt) {
        // Never the URL or the customer's details in the log.
        deps.logger.warn({ messageId, position, channel: message.channel, reason: problem.message }, 'inbound media not fetched');
        next.push({ contentType: entry.contentType, notFetched: problem.message });
      } else {
        retry = true;
        next.push({ ...entry, problem: problem.message });
      }
    }
  }
  const changed = JSON.stringify(next) !== JSON.stringify(entries);
  if (changed) await deps.db.message.update({ where: { id: messageId }, data: { attachments: next } });
  return { conversationId: message.conversationId, changed, retry };
}

// A service answers a hand-off by replying to the hand-off email. The reply arrives like any email (SMTP or
// IMAP → inbox row → inbound worker); before it is treated as a customer's email, this step asks whether it
// is the service answering one of its hand-offs, and if so sends the reply to the customer instead.
//
// Three things must all hold: it answers a hand-off sent by email (In-Reply-To/References name the hand-off
// email's Message-ID, or, when a mail program lost the headers, the subject names "Hand-off <reference>");
// it comes from that hand-off's service address; and that address was shown to be the sender's (the email
// channel's sender check passed: DMARC, or a DKIM signature aligned with the From domain), with no DMARC fail
// recorded by a receiving server either. Anything else is a customer's email, as before; one that claims
// the service's address without being verified is also recorded on the hand-off, for a supervisor to see.
import { simpleParser } from 'mailparser';
import { InboundContact } from '../../channels/contract.ts';
import { capabilitiesOf } from '../../channels/registry.ts';
import { isUniqueViolation } from '../db/client.ts';
import { HandoffError } from './create.ts';
import type { HandoffDeps } from './dispatch.ts';
import { replyFromService } from './status.ts';

/** The hand-off reference in the subjects deliver.ts sends ("Re: URGENT Hand-off HX7K2M9Q: …"). */
const HANDOFF_IN_SUBJECT = /\bHand-off\s+([A-Z0-9]{6,12})\b/i;

interface Candidate {
  id: string;
  service: { handoffEmail: string | null };
}

/**
 * True when the inbox row was the service's reply to a hand-off (now sent to the customer, or recorded as
 * not sendable); false when it is for processInbound, as a customer's email.
 */
export async function takeServiceReply(deps: HandoffDeps, inboxItemId: string): Promise<boolean> {
  const item = await deps.db.inboxItem.findUnique({
    where: { id: inboxItemId },
    select: { channel: true, contact: true, processedAt: true, messageId: true },
  });
  // Only a channel services reply on (email) can carry one; the checks below read its mail headers.
  if (!item || !capabilitiesOf(item.channel).carriesServiceReplies) return false;
  // Processed with no customer message: taken here on an earlier run. Processed with one: processInbound's.
  if (item.processedAt) return item.messageId === null;
  const contact = InboundContact.parse(item.contact);

  const handoff = await handoffAnswered(deps, contact);
  if (!handoff) return false;
  // Only the service's own address may answer. Message-IDs and hand-off references travel in forwarded
  // and quoted mail, so whoever holds one (a colleague cc'd, a customer sent a copy, anyone it was
  // forwarded to) would otherwise write to the customer in the council's name. Mail from any other
  // address is that sender's own email, threaded by processInbound (whose conversationFor applies the
  // same rule to customers' conversations), and never reaches the customer.
  if (!handoff.service.handoffEmail || handoff.service.handoffEmail.toLowerCase() !== contact.from.address.toLowerCase()) return false;
  const head = await mailHead(deps.db, inboxItemId);
  const headers = head ? await headersOf(head) : null;
  // The From address is easy to forge: only a verified sender speaks as the service. A receiving server's
  // recorded DMARC fail stops it too (a forged fail only stops the forger's own mail).
  if (contact.senderAuth?.verdict !== 'pass' || (headers && dmarcFailed(headers.authenticationResults))) {
    await recordUnverified(deps, handoff.id, contact);
    return false;
  }

  const actor = { name: `${headers?.fromName || contact.from.address} (email)`, providerKey: `email:${contact.providerMessageId}` };
  try {
    // A retried job finds the 'replied' event by its providerKey and sends nothing more.
    await deps.effects.run((await replyFromService(deps, handoff.id, replyText(contact), actor)).effects);
  } catch (error) {
    if (!(error instanceof HandoffError)) throw error; // temporary (the database): the job retries
    // Redirected to another service (409), or the customer cannot be reached or the reply was empty
    // (422): trying again will not change that, so the row is done. No message content or addresses here.
    deps.logger.warn({ inboxItemId, handoffId: handoff.id, status: error.status }, 'a service’s email reply to a hand-off was not sent to the customer');
  }
  // No customer message is made: the reply is the outbound message replyFromService wrote.
  await deps.db.inboxItem.updateMany({ where: { id: inboxItemId, processedAt: null }, data: { processedAt: new Date() } });
  return true;
}

/**
 * A mail that claims to be the service's reply but whose sender could not be verified: never sent to the
 * customer. It goes on as that address's own email (kept, in a conversation of its own, with the desk's
 * warning), and the hand-off's history says so, for a supervisor to check with the service. Once per email.
 */
async function recordUnverified(deps: HandoffDeps, handoffId: string, contact: InboundContact): Promise<void> {
  const verdict = contact.senderAuth?.verdict ?? 'none';
  try {
    await deps.db.handoffEvent.create({
      data: {
        handoffId,
        kind: 'reply_unverified',
        actor: `${contact.from.address} (email, not verified)`,
        providerKey: `email-unverified:${contact.providerMessageId}`,
        detail: { verdict },
      },
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error; // a retried job: recorded the first time
    return;
  }
  // No message content or addresses in the log.
  deps.logger.warn({ handoffId, verdict }, 'an email claiming to be a service’s reply to a hand-off could not be verified; not sent to the customer');
}

/** The hand-off the email answers: by its headers, nearest first, else by the reference in its subject. */
async function handoffAnswered(deps: HandoffDeps, contact: InboundContact): Promise<Candidate | null> {
  const select = { id: true, emailMessageId: true, service: { select: { handoffEmail: true } } } as const;
  const ids = contact.replyTo?.messageIds ?? [];
  if (ids.length) {
    const found = await deps.db.handoff.findMany({ where: { emailMessageId: { in: ids } }, select });
    for (const id of ids) {
      const hit = found.find((h) => h.emailMessageId === id);
      if (hit) return hit;
    }
  }
  // Headers lost (some mail programs and forwarding drop them), or a reply to a reminder, whose Message-ID
  // is not the hand-off email's: the subject keeps "Hand-off <reference>" from what deliver.ts sent.
  const subject = typeof contact.raw.subject === 'string' ? contact.raw.subject : '';
  const reference = HANDOFF_IN_SUBJECT.exec(subject)?.[1]?.toUpperCase();
  if (!reference) return null;
  // Only a hand-off that was sent by email: others were never in a mailbox to be answered.
  return deps.db.handoff.findFirst({ where: { reference, deliveries: { some: { target: 'email', status: 'sent' } } }, select });
}

/**
 * The service's new words. The channel already removed quoted history and signatures; when nothing was
 * left it put the subject in their place, which is not a reply to send ("Re: Hand-off …"): empty instead,
 * which replyFromService refuses.
 */
function replyText(contact: InboundContact): string {
  const subject = typeof contact.raw.subject === 'string' ? contact.raw.subject : '';
  return contact.text === '(no text)' || (subject !== '' && contact.text === subject) ? '' : contact.text;
}

/** The sender's display name and the Authentication-Results, read from the stored message's header block. */
/** Header blocks are far shorter than this; a mail's body (25 MB, say) is never read to find them. */
const HEAD_BYTES = 256 * 1024;

/**
 * The start of the stored mail, where its headers are. Read by a raw query: Prisma's own read of a Bytes value
 * decodes it on the event loop, and a 25 MB mail held the hub for seconds.
 */
async function mailHead(db: HandoffDeps['db'], inboxItemId: string): Promise<Uint8Array | null> {
  const rows = await db.$queryRaw<
    { head: Uint8Array | null }[]
  >`SELECT substring(payload from 1 for ${HEAD_BYTES}) AS head FROM "InboxItem" WHERE id = ${inboxItemId}::uuid`;
  return rows[0]?.head ?? null;
}

async function headersOf(payload: Uint8Array): Promise<{ fromName: string; authenticationResults: string[] }> {
  const raw = Buffer.from(payload);
  // Only the header block (up to the first empty line): the body and attachments are not needed here.
  const end = Math.min(...[raw.indexOf('\r\n\r\n'), raw.indexOf('\n\n')].map((i) => (i < 0 ? raw.length : i)));
  const mail = await simpleParser(raw.subarray(0, end), { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  const fromName = (mail.from?.value[0]?.name ?? '')
    .replace(/[\p{Cc}\p{Cf}]/gu, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 100);
  const results = mail.headers.get('authentication-results');
  const authenticationResults = (Array.isArray(results) ? results : results === undefined ? [] : [results]).map(String);
  return { fromName, authenticationResults };
}

/**
 * Whether a receiving mail server recorded a DMARC fail (RFC 8601 Authentication-Results, e.g. the council's
 * gateway or Microsoft 365 in front of the mailbox). The hub does not evaluate DMARC itself, so this is the
 * record it has. Any fail counts, even in a header the sender could have added: a forged fail only stops
 * the forger's own mail, and a pass is never needed, so a forged pass gains nothing.
 */
export function dmarcFailed(authenticationResults: readonly string[]): boolean {
  return authenticationResults.some((header) => /(?:^|[;\s])dmarc\s*=\s*fail\b/i.test(header));
}

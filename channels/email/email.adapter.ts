// Email: mail for the hub's own addresses arrives over SMTP (smtp-server: no AUTH, never a relay,
// a size limit) or from an IMAP mailbox (imapflow), is parsed (mailparser), stripped of quoted history,
// its HTML sanitised and its attachments screened, and stored once per Message-ID with the raw message.
// Replies go out through the council's SMTP relay (nodemailer) with Message-ID, In-Reply-To, References
// and the conversation's [Ref: …] in the subject, so the customer's mail program threads them.
import { promises as dns } from 'node:dns';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import {
  ChannelSendError,
  type ChannelAdapter,
  type ChannelContext,
  type ChannelModule,
  type InboundSink,
  type OutboundMessage,
  type SendResult,
} from '../contract.ts';
import { withReference } from './normalise.ts';
import { createMailParser } from './parse.ts';
import { DEFAULT_ATTACHMENT_TYPES } from './attachments.ts';
import { ImapUrl, startImapIntake, type ImapIntake, type IntakeOutcome } from './imap.ts';
import type { Connection } from './sender-auth.ts';

const addressList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((a) => a.trim().toLowerCase())
      .filter(Boolean),
  )
  .pipe(z.array(z.email('must be email addresses, comma-separated')).min(1));

const MB = 1024 * 1024;

export const emailConfigSchema = z
  .object({
    /** The hub's own mailboxes, e.g. contact@anytown.gov.uk: mail for anyone else is refused. */
    EMAIL_INBOUND_ADDRESSES: addressList,
    /** The SMTP listener: on when set, and by default (2525) unless mail comes from IMAP instead. */
    SMTP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
    SMTP_HOST: z.string().min(1).default('0.0.0.0'),
    /** A mailbox to take mail from instead of (or as well as) SMTP: imaps://user:password@host:993/INBOX. */
    EMAIL_IMAP_URL: ImapUrl.optional(),
    /** How often the mailbox is checked besides IDLE's announcements. */
    EMAIL_IMAP_POLL_MS: z.coerce.number().int().min(1000).default(60_000),
    /** Largest message accepted, in bytes (smtp-server has no limit of its own); room for the files below, base64-encoded. */
    EMAIL_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1024)
      .default(25 * MB),
    /** How long parsing one message may take (in a worker thread) before its text is kept as it came, then it is refused for now. */
    EMAIL_PARSE_BUDGET_MS: z.coerce.number().int().min(100).default(10_000),
    /** Messages parsed at once; more wait their turn, so a burst of large mail cannot exhaust memory. */
    EMAIL_PARSE_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
    /** Heap for each parsing worker, in MB: a message that needs more is refused for now rather than taking the hub down. */
    EMAIL_PARSE_MEMORY_MB: z.coerce.number().int().min(64).default(1024),
    /** File types kept from attachments (MIME types, comma-separated); others are refused with a note to the agent. */
    EMAIL_ATTACHMENT_TYPES: z
      .string()
      .default(DEFAULT_ATTACHMENT_TYPES.join(','))
      .transform((v) =>
        v
          .split(',')
          .map((t) => t.trim().toLowerCase())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().regex(/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/, 'must be MIME types, comma-separated'))),
    /** Largest attachment kept, and most kept from one message, in bytes. */
    EMAIL_ATTACHMENT_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1)
      .default(10 * MB),
    EMAIL_ATTACHMENTS_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1)
      .default(15 * MB),
    /**
     * How long checking who sent a message (SPF, DKIM, DMARC, ARC) may take in all, in ms: by default 5 s, or
     * half of EMAIL_PARSE_BUDGET_MS if that is less, and never more than that half (see the refinement below).
     * Past it (DNS slow or down) the message is still taken in, marked as not verified.
     */
    EMAIL_AUTH_TIMEOUT_MS: z.coerce.number().int().min(100).optional(),
    /** Longest wait for one DNS answer during that check, in ms. */
    EMAIL_DNS_TIMEOUT_MS: z.coerce.number().int().min(50).default(2_000),
    /**
     * The authserv-id of the council's own mail gateway (e.g. mx.anytown.gov.uk), whose Authentication-Results
     * the hub believes as well as its own check: useful for IMAP, where the hub never sees the sending server.
     * Only the topmost such header counts, and the gateway must remove any with its id from incoming mail.
     * Unset: no one else's results are believed.
     */
    EMAIL_TRUSTED_AUTHSERV_ID: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[^\s;()"]+$/, 'must be one authserv-id (usually a host name)')
      .optional(),
    /** The council's relay for replies, e.g. smtps://user:pass@smtp.anytown.gov.uk:465. */
    EMAIL_SMTP_URL: z
      .string()
      .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
      .optional(),
    /** The From of replies; defaults to the first inbound address. */
    EMAIL_FROM: z.email().optional(),
  })
  .superRefine((config, ctx) => {
    // The check runs within the parsing budget, so a slow DNS never gets the mail refused for now. A longer
    // setting would be cut short without a word, and whoever set it would believe it.
    const most = Math.floor(config.EMAIL_PARSE_BUDGET_MS / 2);
    if (config.EMAIL_AUTH_TIMEOUT_MS !== undefined && config.EMAIL_AUTH_TIMEOUT_MS > most) {
      ctx.addIssue({
        code: 'custom',
        path: ['EMAIL_AUTH_TIMEOUT_MS'],
        message: `must be at most half of EMAIL_PARSE_BUDGET_MS (${most} ms); raise that too for a longer sender check`,
      });
    }
  });
export type EmailConfig = z.infer<typeof emailConfigSchema>;

const smtpError = (message: string, responseCode: number) => Object.assign(new Error(message), { responseCode });

/** The system's resolver, asked once per question with a short timeout: a DNS outage must not hold mail up. */
function systemResolver(timeoutMs: number) {
  const resolver = new dns.Resolver({ timeout: timeoutMs, tries: 1 });
  return (name: string, rrtype: string): Promise<unknown> => resolver.resolve(name, rrtype);
}

export function createEmailAdapter(config: EmailConfig, context: Pick<ChannelContext, 'warn' | 'resolveDns'> = {}): ChannelAdapter {
  const from = (config.EMAIL_FROM ?? config.EMAIL_INBOUND_ADDRESSES[0]!).toLowerCase();
  const domain = from.split('@')[1]!;
  const transport = config.EMAIL_SMTP_URL ? nodemailer.createTransport(config.EMAIL_SMTP_URL) : null;
  const smtpPort = config.SMTP_PORT ?? (config.EMAIL_IMAP_URL ? undefined : 2525);
  const limits = { types: config.EMAIL_ATTACHMENT_TYPES, maxFileBytes: config.EMAIL_ATTACHMENT_MAX_BYTES, maxMessageBytes: config.EMAIL_ATTACHMENTS_MAX_BYTES };
  let server: SMTPServer | undefined;
  let imap: ImapIntake | undefined;

  /** One intake for SMTP and IMAP. Resolves once the message is durable; throws when it could not be stored. */
  const senders = {
    resolver: context.resolveDns ?? systemResolver(config.EMAIL_DNS_TIMEOUT_MS),
    dnsTimeoutMs: config.EMAIL_DNS_TIMEOUT_MS,
    timeoutMs: config.EMAIL_AUTH_TIMEOUT_MS ?? Math.min(5_000, Math.floor(config.EMAIL_PARSE_BUDGET_MS / 2)),
    mta: domain,
    trustedAuthservId: config.EMAIL_TRUSTED_AUTHSERV_ID,
  };
  const parser = createMailParser({
    ours: config.EMAIL_INBOUND_ADDRESSES,
    limits,
    budgetMs: config.EMAIL_PARSE_BUDGET_MS,
    concurrency: config.EMAIL_PARSE_CONCURRENCY,
    memoryMb: config.EMAIL_PARSE_MEMORY_MB,
    senders,
  });

  async function receive(
    sink: InboundSink,
    raw: Buffer,
    deliveredTo: string | undefined,
    mailFrom?: string | null,
    connection?: Connection,
  ): Promise<IntakeOutcome> {
    const parsed = await parser.parse(raw, { deliveredTo, mailFrom, connection });
    // Bounces, reports and auto-replies are accepted and dropped: answering them is how mail loops start.
    if (parsed.kind === 'dropped') return { kind: 'dropped' };
    if (parsed.kind === 'refused') return { kind: 'refused', reason: parsed.reason };
    await sink.accept(parsed.email.contact, { files: parsed.email.files, payload: raw });
    return { kind: 'stored' };
  }

  async function mount(_target: unknown, sink: InboundSink) {
    if (config.EMAIL_IMAP_URL) {
      imap = startImapIntake(config.EMAIL_IMAP_URL, {
        pollMs: config.EMAIL_IMAP_POLL_MS,
        maxBytes: config.EMAIL_MAX_BYTES,
        handle: (raw) => receive(sink, raw, undefined),
        warn: context.warn ?? (() => undefined),
      });
    }
    if (smtpPort === undefined) return;
    server = new SMTPServer({
      name: domain,
      banner: 'contact-hub',
      disabledCommands: ['AUTH'],
      authOptional: true,
      size: config.EMAIL_MAX_BYTES,
      logger: false,
      onRcptTo(address, _session, callback) {
        // Only our own mailboxes: the hub is never an open relay.
        if (config.EMAIL_INBOUND_ADDRESSES.includes(address.address.toLowerCase())) return callback();
        callback(smtpError(`No mailbox ${address.address} here`, 550));
      },
      onData(stream: SMTPServerDataStream, session, callback) {
        const chunks: Buffer[] = [];
        let size = 0;
        // Past the limit the rest is read and thrown away, never held in memory.
        stream.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= config.EMAIL_MAX_BYTES) chunks.push(chunk);
        });
        stream.on('end', async () => {
          if (stream.sizeExceeded) return callback(smtpError(`Message is larger than ${config.EMAIL_MAX_BYTES} bytes`, 552));
          try {
            // Only our own mailboxes got past RCPT TO: the first is the one it was sent to.
            // MAIL FROM:<> (a bounce or report) comes through as no address at all.
            const mailFrom = session.envelope.mailFrom === false ? '' : (session.envelope.mailFrom?.address ?? null);
            // SPF is checked against the server that connected: the sending server, or the council's gateway
            // when mail is relayed through one (then DKIM, which survives relaying, is what can pass).
            const connection = session.remoteAddress ? { ip: session.remoteAddress, helo: session.hostNameAppearsAs || undefined, mailFrom } : undefined;
            const outcome = await receive(sink, Buffer.concat(chunks), session.envelope.rcptTo[0]?.address.toLowerCase(), mailFrom, connection);
            if (outcome.kind === 'refused') return callback(smtpError(`Message refused: ${outcome.reason}`, 550));
            callback();
          } catch {
            // Not stored: a temporary failure makes the sending server try again later.
            callback(smtpError('Temporary problem storing the message; try again later', 451));
          }
        });
      },
    });
    await new Promise<void>((resolve, reject) => {
      server!.once('error', reject);
      server!.listen(smtpPort, config.SMTP_HOST, () => resolve());
    });
    server.on('error', () => undefined); // per-connection errors (a client hanging up) are not fatal
  }

  async function send(message: OutboundMessage): Promise<SendResult> {
    if (!transport) throw new ChannelSendError('no EMAIL_SMTP_URL is set, so email replies cannot be sent', 'email:not-configured', false);
    const messageId = `<${message.messageId}@${domain}>`;
    // An automatic reply never repeats the sender's subject: a forged sender would make the council's address
    // carry an attacker's words to a stranger. It still threads, by In-Reply-To and References.
    const theirs = message.automatic ? undefined : message.thread?.subject;
    const base = theirs ? (/^re:/i.test(theirs) ? theirs : `Re: ${theirs}`) : (message.subject ?? 'Your message to the council');
    const subject = withReference(base, message.thread?.reference);
    const references = [...(message.thread?.references ?? []), ...(message.thread?.inReplyTo ? [message.thread.inReplyTo] : [])];
    try {
      await transport.sendMail({
        from,
        to: message.to,
        subject,
        text: message.text,
        messageId,
        inReplyTo: message.thread?.inReplyTo,
        references: references.length ? [...new Set(references)] : undefined,
        // RFC 3834: other systems must not auto-reply to ours (and Exchange is asked not to, in its own words).
        headers: message.automatic ? { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' } : undefined,
      });
    } catch (error) {
      const code = (error as { responseCode?: number }).responseCode;
      // 5xx from the relay will not get better (bad address, refused); anything else is worth a retry.
      throw new ChannelSendError((error as Error).message, `smtp:${code ?? 'network'}`, code !== undefined && code >= 500);
    }
    return { providerMessageId: messageId, status: 'sent', from };
  }

  return {
    kind: 'email',
    address: from,
    mount,
    send,
    close: async () => {
      await imap?.stop();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await parser.close();
      transport?.close();
    },
  };
}

export const emailChannel: ChannelModule<EmailConfig> = {
  kind: 'email',
  names: { label: 'Email', by: 'email' },
  icon: 'email',
  capabilities: {
    address: 'email',
    reachesLater: true,
    speaks: false,
    canText: true,
    textsAddress: true,
    typing: false,
    verifies: false,
    showsTranscript: false,
    turnByTurn: false,
    carrierKeywords: false,
    carriesServiceReplies: true,
    agentCapacity: 5,
    threadsReplies: true,
    repliesNeedContext: false,
    recordedAtDesk: false,
    callsOut: false,
    automaticAnswersPerDay: 1,
  },
  // On with any of its settings, so a half-configured channel stops the hub with a clear message.
  isOn: (env) => !!(env.EMAIL_INBOUND_ADDRESSES || env.EMAIL_IMAP_URL || env.SMTP_PORT),
  configSchema: emailConfigSchema,
  create: (config, context) => createEmailAdapter(config, context),
};

// Email: mail for the hub's own addresses arrives over SMTP (smtp-server: no AUTH, never a relay,
// a size limit), is parsed (mailparser), stripped of quoted history and stored once per Message-ID.
// Replies go out through the council's SMTP relay (nodemailer) with Message-ID, In-Reply-To and
// References, so the customer's mail program threads them.
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { ChannelSendError, type ChannelAdapter, type ChannelModule, type InboundSink, type OutboundMessage, type SendResult } from '../contract.ts';
import { isAutomatic, normaliseInboundEmail } from './normalise.ts';

const addressList = z
  .string()
  .transform((v) => v.split(',').map((a) => a.trim().toLowerCase()).filter(Boolean))
  .pipe(z.array(z.email('must be email addresses, comma-separated')).min(1));

export const emailConfigSchema = z.object({
  /** The hub's own mailboxes, e.g. contact@anytown.gov.uk: mail for anyone else is refused. */
  EMAIL_INBOUND_ADDRESSES: addressList,
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(2525),
  SMTP_HOST: z.string().min(1).default('0.0.0.0'),
  /** Largest message accepted, in bytes (smtp-server has no limit of its own). */
  EMAIL_MAX_BYTES: z.coerce.number().int().min(1024).default(10 * 1024 * 1024),
  /** The council's relay for replies, e.g. smtps://user:pass@smtp.anytown.gov.uk:465. */
  EMAIL_SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  /** The From of replies; defaults to the first inbound address. */
  EMAIL_FROM: z.email().optional(),
});
export type EmailConfig = z.infer<typeof emailConfigSchema>;

const smtpError = (message: string, responseCode: number) => Object.assign(new Error(message), { responseCode });

export function createEmailAdapter(config: EmailConfig): ChannelAdapter {
  const from = (config.EMAIL_FROM ?? config.EMAIL_INBOUND_ADDRESSES[0]!).toLowerCase();
  const domain = from.split('@')[1]!;
  const transport = config.EMAIL_SMTP_URL ? nodemailer.createTransport(config.EMAIL_SMTP_URL) : null;
  let server: SMTPServer | undefined;

  async function mount(_target: unknown, sink: InboundSink) {
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
      onData(stream: SMTPServerDataStream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', async () => {
          if (stream.sizeExceeded) return callback(smtpError(`Message is larger than ${config.EMAIL_MAX_BYTES} bytes`, 552));
          try {
            const raw = Buffer.concat(chunks);
            const mail = await simpleParser(raw);
            // Bounces and auto-replies are accepted and dropped: answering them is how mail loops start.
            if (isAutomatic(mail)) return callback();
            const contact = normaliseInboundEmail(mail, raw, new Date());
            if (!contact.ok) return callback(smtpError(`Message refused: ${contact.reason}`, 550));
            await sink.accept(contact.value);
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
      server!.listen(config.SMTP_PORT, config.SMTP_HOST, () => resolve());
    });
    server.on('error', () => undefined); // per-connection errors (a client hanging up) are not fatal
  }

  async function send(message: OutboundMessage): Promise<SendResult> {
    if (!transport) throw new ChannelSendError('no EMAIL_SMTP_URL is set, so email replies cannot be sent', 'email:not-configured', false);
    const messageId = `<${message.messageId}@${domain}>`;
    const subject = message.thread?.subject
      ? /^re:/i.test(message.thread.subject) ? message.thread.subject : `Re: ${message.thread.subject}`
      : (message.subject ?? 'Your message to the council');
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
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      transport?.close();
    },
  };
}

export const emailChannel: ChannelModule<EmailConfig> = {
  kind: 'email',
  isOn: (env) => !!env.EMAIL_INBOUND_ADDRESSES,
  configSchema: emailConfigSchema,
  create: (config) => createEmailAdapter(config),
};

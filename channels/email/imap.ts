// Email from an IMAP mailbox (imapflow), for councils whose mail stays on their own server. Unread mail
// is fetched, handed to the same intake as SMTP, and marked \Seen only after the hub has stored it: a crash
// or restart before then reads it again, and the inbox's Message-ID key makes that harmless.
// IDLE (or imapflow's polling where the server has none) says when mail arrives; a slow poll backs it up.
import { ImapFlow } from 'imapflow';
import { z } from 'zod';

export interface ImapSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
  mailbox: string;
}

/** imaps://user:password@host:993/INBOX (user and password URL-encoded; the mailbox defaults to INBOX). */
export const ImapUrl = z
  .string()
  .regex(/^imaps?:\/\/[^@/]+:[^@/]*@[^/]+/, 'must be imaps://user:password@host[:port][/mailbox]')
  .transform((value): ImapSettings => {
    const url = new URL(value);
    const secure = url.protocol === 'imaps:';
    return {
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port ? Number(url.port) : secure ? 993 : 143,
      secure,
      user: decodeURIComponent(url.username),
      pass: decodeURIComponent(url.password),
      mailbox: decodeURIComponent(url.pathname.replace(/^\//, '')) || 'INBOX',
    };
  });

/** What became of one message: stored (or a known duplicate), dropped (auto-reply), refused (not a customer's). */
export type IntakeOutcome = { kind: 'stored' } | { kind: 'dropped' } | { kind: 'refused'; reason: string };

const RETRY_MS = 5_000;

export interface ImapIntake {
  stop(): Promise<void>;
}

export function startImapIntake(
  settings: ImapSettings,
  options: {
    pollMs: number;
    maxBytes: number;
    handle: (raw: Buffer) => Promise<IntakeOutcome>;
    warn: (message: string, detail?: Record<string, string | number>) => void;
  },
): ImapIntake {
  let stopped = false;
  let client: ImapFlow | null = null;
  let wake: () => void = () => undefined;
  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = () => undefined;
        resolve();
      }
      wake = done;
    });

  /** Every unread message, oldest first. False when the hub could not store one: it stays unread, for a retry. */
  async function drain(imap: ImapFlow): Promise<boolean> {
    const uids = ((await imap.search({ seen: false }, { uid: true })) || []).sort((a, b) => a - b);
    for (const uid of uids) {
      if (stopped) return true;
      const meta = await imap.fetchOne(String(uid), { size: true }, { uid: true });
      if (!meta) continue;
      let outcome: IntakeOutcome;
      if ((meta.size ?? 0) > options.maxBytes) {
        outcome = { kind: 'refused', reason: `larger than ${options.maxBytes} bytes` };
      } else {
        const message = await imap.fetchOne(String(uid), { source: true }, { uid: true });
        if (!message || !message.source) continue;
        try {
          outcome = await options.handle(message.source);
        } catch (error) {
          options.warn('could not store email from the IMAP mailbox; it stays unread and is tried again', { uid, err: (error as Error).message.slice(0, 200) });
          return false;
        }
      }
      // Refused mail is flagged for a person at the council to look at, and not fetched again.
      const flags = outcome.kind === 'refused' ? ['\\Seen', '\\Flagged'] : ['\\Seen'];
      await imap.messageFlagsAdd(String(uid), flags, { uid: true });
      if (outcome.kind === 'refused') options.warn('email in the IMAP mailbox was not taken in; it is flagged there', { uid, reason: outcome.reason });
    }
    return true;
  }

  async function session() {
    const imap = new ImapFlow({
      host: settings.host,
      port: settings.port,
      secure: settings.secure,
      auth: { user: settings.user, pass: settings.pass },
      logger: false,
      // Start IDLE soon after a pass, so new mail is announced rather than found by the next poll.
      autoIdleDelay: 1000,
    });
    client = imap;
    imap.on('error', () => undefined); // surfaced as a closed connection below
    imap.on('exists', () => wake());
    imap.on('close', () => wake());
    await imap.connect();
    await imap.mailboxOpen(settings.mailbox);
    while (!stopped && imap.usable) {
      const complete = await drain(imap);
      if (!stopped && imap.usable) await nap(complete ? options.pollMs : Math.min(options.pollMs, RETRY_MS));
    }
    if (imap.usable) await imap.logout().catch(() => undefined);
    if (!stopped) throw new Error('the IMAP connection closed');
  }

  const running = (async () => {
    let failures = 0;
    while (!stopped) {
      try {
        await session();
        failures = 0;
      } catch (error) {
        if (stopped) break;
        failures++;
        // Say which server and why, never the password or what the mail said.
        options.warn('cannot read the IMAP mailbox; retrying', { host: settings.host, mailbox: settings.mailbox, err: (error as Error).message.slice(0, 200) });
        (client as ImapFlow | null)?.close();
        await nap(Math.min(options.pollMs, 1000 * 2 ** Math.min(failures, 6)));
      }
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake();
      const current = client as ImapFlow | null;
      if (current?.usable) await current.logout().catch(() => current.close());
      else current?.close();
      await running;
    },
  };
}

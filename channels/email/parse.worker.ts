// In a worker thread: one raw email → what the intake does with it. Parsing MIME, stripping quoted history,
// sanitising HTML and checking DKIM signatures are CPU-bound and can be slow on hostile or huge mail; here
// they never stall the event loop that answers SMS webhooks and calls.
import { parentPort } from 'node:worker_threads';
import { simpleParser } from 'mailparser';
import type { AttachmentLimits } from './attachments.ts';
import { automaticBecause, forwardedIn, hubAddressOf, normaliseInboundEmail, type InboundEmail } from './normalise.ts';
import { checkSender, senderVerdict, type Connection } from './sender-auth.ts';

export interface ParseJob {
  raw: Uint8Array;
  deliveredTo: string | undefined;
  mailFrom: string | null | undefined;
  ours: string[];
  limits: AttachmentLimits;
  quotes: 'strip' | 'keep';
  receivedAt: string;
  /** What the SMTP listener saw of the sending server (none for IMAP). */
  connection?: Connection;
  /** How to check the sender; null: not checked (a retry after the first try ran out of time), so not trusted. */
  auth: { timeoutMs: number; mta: string; trustedAuthservId?: string } | null;
}

/** A DNS question for the main thread, and its answer (the resolver lives there; see parse.ts). */
export type DnsQuestion = { kind: 'dns'; id: number; name: string; rrtype: string };
export type DnsAnswer = { kind: 'dns'; id: number; ok: true; value: unknown } | { kind: 'dns'; id: number; ok: false; code: string; message: string };

export type ParseResult = { kind: 'dropped'; because: string } | { kind: 'refused'; reason: string } | { kind: 'ok'; email: InboundEmail };

const asked = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
let lastQuestion = 0;
const resolver = (name: string, rrtype: string) =>
  new Promise<unknown>((resolve, reject) => {
    const id = ++lastQuestion;
    asked.set(id, { resolve, reject });
    parentPort!.postMessage({ kind: 'dns', id, name, rrtype } satisfies DnsQuestion);
  });

async function parse(job: ParseJob): Promise<ParseResult> {
  const raw = Buffer.from(job.raw.buffer, job.raw.byteOffset, job.raw.byteLength);
  // Started first: its DNS questions are answered while the parser works.
  const checked = job.auth ? checkSender(raw, { resolver, timeoutMs: job.auth.timeoutMs, connection: job.connection, mta: job.auth.mta }) : Promise.resolve('temperror' as const);
  const mail = await simpleParser(raw, { keepCidLinks: true });
  const because = automaticBecause(mail, { mailFrom: job.mailFrom, ours: job.ours });
  if (because) return { kind: 'dropped', because };
  const to = job.deliveredTo ?? hubAddressOf(mail, job.ours, job.ours[0]!);
  const forwarded = await forwardedIn(mail, (inner) => simpleParser(inner, { keepCidLinks: true }));
  const sender = mail.from?.value[0]?.address ?? '';
  const results = mail.headers.get('authentication-results');
  const senderAuth = senderVerdict(await checked, {
    senderDomain: sender.slice(sender.lastIndexOf('@') + 1),
    connection: !!job.connection,
    authenticationResults: (Array.isArray(results) ? results : results === undefined ? [] : [results]).map(String),
    trustedAuthservId: job.auth?.trustedAuthservId,
  });
  const email = normaliseInboundEmail(mail, raw, new Date(job.receivedAt), { deliveredTo: to, limits: job.limits, quotes: job.quotes, forwarded, senderAuth });
  return email.ok ? { kind: 'ok', email: email.value } : { kind: 'refused', reason: email.reason };
}

// One job at a time; the main thread terminates this worker if a job outruns its budget.
parentPort!.on('message', (message: ParseJob | DnsAnswer) => {
  if ('kind' in message) {
    // An answer to a question of this job or of an earlier one that ran out of time (then nobody waits).
    const waiting = asked.get(message.id);
    asked.delete(message.id);
    if (message.ok) waiting?.resolve(message.value);
    else waiting?.reject(Object.assign(new Error(message.message), { code: message.code }));
    return;
  }
  const job = message;
  parse(job).then(
    (result) => parentPort!.postMessage({ ok: true, result }),
    (error: Error) => parentPort!.postMessage({ ok: false, error: error.message }),
  );
});

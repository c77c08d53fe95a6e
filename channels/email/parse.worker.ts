// In a worker thread: one raw email → what the intake does with it (a parse job), or who sent it (a check
// job, sender-auth.ts). Parsing MIME, stripping quoted history, sanitising HTML and reading the whole message
// for DKIM are CPU-bound and can be slow on hostile or huge mail; here they never stall the event loop that
// answers SMS webhooks and calls.
import { parentPort } from 'node:worker_threads';
import { simpleParser } from 'mailparser';
import type { AttachmentLimits } from './attachments.ts';
import { automaticBecause, forwardedIn, hubAddressOf, normaliseInboundEmail, type InboundEmail } from './normalise.ts';
import type { SenderAuth } from '../contract.ts';
import { checkSender, senderVerdict, type Connection } from './sender-auth.ts';

export interface ParseJob {
  job: 'parse';
  raw: Uint8Array;
  deliveredTo: string | undefined;
  mailFrom: string | null | undefined;
  ours: string[];
  limits: AttachmentLimits;
  quotes: 'strip' | 'keep';
  receivedAt: string;
}

export interface CheckJob {
  job: 'check';
  raw: Uint8Array;
  /** What the SMTP listener saw of the sending server (none for IMAP). */
  connection?: Connection;
  timeoutMs: number;
  mta: string;
  trustedAuthservId?: string;
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

/** Who sent it: mailauth's findings, read for the From domain and the gateway's results in the header block. */
async function check(job: CheckJob): Promise<SenderAuth> {
  const raw = Buffer.from(job.raw.buffer, job.raw.byteOffset, job.raw.byteLength);
  const checked = checkSender(raw, { resolver, timeoutMs: job.timeoutMs, connection: job.connection, mta: job.mta });
  const end = Math.min(...[raw.indexOf('\r\n\r\n'), raw.indexOf('\n\n')].map((i) => (i < 0 ? raw.length : i)));
  const head = await simpleParser(raw.subarray(0, end), { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  const sender = head.from?.value[0]?.address ?? '';
  const results = head.headers.get('authentication-results');
  return senderVerdict(await checked, {
    senderDomain: sender.slice(sender.lastIndexOf('@') + 1),
    connection: !!job.connection,
    authenticationResults: (Array.isArray(results) ? results : results === undefined ? [] : [results]).map(String),
    trustedAuthservId: job.trustedAuthservId,
  });
}

async function parse(job: ParseJob): Promise<ParseResult> {
  const raw = Buffer.from(job.raw.buffer, job.raw.byteOffset, job.raw.byteLength);
  const mail = await simpleParser(raw, { keepCidLinks: true });
  const because = automaticBecause(mail, { mailFrom: job.mailFrom, ours: job.ours });
  if (because) return { kind: 'dropped', because };
  const to = job.deliveredTo ?? hubAddressOf(mail, job.ours, job.ours[0]!);
  const forwarded = await forwardedIn(mail, (inner) => simpleParser(inner, { keepCidLinks: true }));
  const email = normaliseInboundEmail(mail, raw, new Date(job.receivedAt), { deliveredTo: to, limits: job.limits, quotes: job.quotes, forwarded });
  return email.ok ? { kind: 'ok', email: email.value } : { kind: 'refused', reason: email.reason };
}

// One job at a time; the main thread terminates this worker if a job outruns its budget.
parentPort!.on('message', (message: ParseJob | CheckJob | DnsAnswer) => {
  if ('kind' in message) {
    // An answer to a question of this job or of an earlier one that ran out of time (then nobody waits).
    const waiting = asked.get(message.id);
    asked.delete(message.id);
    if (message.ok) waiting?.resolve(message.value);
    else waiting?.reject(Object.assign(new Error(message.message), { code: message.code }));
    return;
  }
  (message.job === 'check' ? check(message) : parse(message)).then(
    (result) => parentPort!.postMessage({ ok: true, result }),
    (error: Error) => parentPort!.postMessage({ ok: false, error: error.message }),
  );
});

// In a worker thread: one raw email → what the intake does with it. Parsing MIME, stripping quoted history
// and sanitising HTML are CPU-bound and can be slow on hostile or huge mail; here they never stall the
// event loop that answers SMS webhooks and calls.
import { parentPort } from 'node:worker_threads';
import { simpleParser } from 'mailparser';
import type { AttachmentLimits } from './attachments.ts';
import { automaticBecause, forwardedIn, hubAddressOf, normaliseInboundEmail, type InboundEmail } from './normalise.ts';

export interface ParseJob {
  raw: Uint8Array;
  deliveredTo: string | undefined;
  mailFrom: string | null | undefined;
  ours: string[];
  limits: AttachmentLimits;
  quotes: 'strip' | 'keep';
  receivedAt: string;
}

export type ParseResult = { kind: 'dropped'; because: string } | { kind: 'refused'; reason: string } | { kind: 'ok'; email: InboundEmail };

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
parentPort!.on('message', (job: ParseJob) => {
  parse(job).then(
    (result) => parentPort!.postMessage({ ok: true, result }),
    (error: Error) => parentPort!.postMessage({ ok: false, error: error.message }),
  );
});

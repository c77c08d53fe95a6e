// Parses inbound mail off the main thread, in a few long-lived worker threads, each message within a time
// budget. A message whose quoted history the parser cannot get through in time is parsed again with its text
// kept as it came; one that cannot be parsed at all in time fails, so the sending server (or the IMAP poll)
// tries again later. At most `concurrency` messages are parsed at once; the rest wait their turn.
//
// The sender check (sender-auth.ts) runs at the same time in a worker of its own, with the same budget: on a
// 25 MB message mailauth reads for seconds, which beside the parser in one thread would push both past it. Its
// DNS questions come back here to the resolver the adapter was given, each limited to `dnsTimeoutMs`, so a
// worker never waits on a lookup that does not answer, and tests can give their own DNS. A check that fails or
// runs out of time leaves the mail kept, marked temperror: not verified, so not trusted.
import { Worker } from 'node:worker_threads';
import type { DnsResolver, SenderAuth } from '../contract.ts';
import type { AttachmentLimits } from './attachments.ts';
import type { CheckJob, DnsAnswer, DnsQuestion, ParseJob, ParseResult } from './parse.worker.ts';
import { senderVerdict, type Connection } from './sender-auth.ts';

const BOOT = new URL('./worker-boot.mjs', import.meta.url);
const WORKER = new URL('./parse.worker.ts', import.meta.url).href;

export interface MailParser {
  parse(raw: Buffer, envelope: { deliveredTo: string | undefined; mailFrom?: string | null; connection?: Connection }): Promise<ParseResult>;
  close(): Promise<void>;
}

type Reply = { ok: true; result: ParseResult | SenderAuth } | { ok: false; error: string };

export interface SenderChecks {
  resolver: DnsResolver;
  /** Longest wait for one DNS answer. */
  dnsTimeoutMs: number;
  /** Longest the whole check may take; past it the sender is not verified (temperror). */
  timeoutMs: number;
  /** The hub's name in the results it records (RFC 8601 authserv-id). */
  mta: string;
  trustedAuthservId?: string;
}

export function createMailParser(options: {
  ours: string[];
  limits: AttachmentLimits;
  budgetMs: number;
  concurrency: number;
  memoryMb: number;
  senders: SenderChecks;
}): MailParser {
  const idle: Worker[] = [];
  const all = new Set<Worker>();
  let running = 0;
  const waiting: (() => void)[] = [];

  const spawn = () => {
    const worker = new Worker(BOOT, { workerData: { module: WORKER }, resourceLimits: { maxOldGenerationSizeMb: options.memoryMb } });
    // A worker waiting for work must not keep the process alive.
    worker.unref();
    // DNS questions from the sender check; answered whichever job asked (a late answer is dropped there).
    worker.on('message', (message: DnsQuestion | { ok: boolean }) => {
      if (!('kind' in message)) return;
      void lookUp(message.name, message.rrtype)
        .then(
          (value): DnsAnswer => ({ kind: 'dns', id: message.id, ok: true, value }),
          (error: Error & { code?: string }): DnsAnswer => ({
            kind: 'dns',
            id: message.id,
            ok: false,
            code: String(error.code ?? 'ESERVFAIL'),
            message: String(error.message).slice(0, 200),
          }),
        )
        .then((answer) => {
          try {
            worker.postMessage(answer);
          } catch {
            // the worker was ended meanwhile (its job ran out of time): nobody is waiting
          }
        });
    });
    all.add(worker);
    worker.once('exit', () => all.delete(worker));
    return worker;
  };

  /** One DNS lookup, given up on after dnsTimeoutMs (ETIMEOUT: a temporary error, never "no record"). */
  const lookUp = (name: string, rrtype: string) =>
    new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(Object.assign(new Error(`no DNS answer in ${options.senders.dnsTimeoutMs} ms`), { code: 'ETIMEOUT' })),
        options.senders.dnsTimeoutMs,
      );
      Promise.resolve()
        .then(() => options.senders.resolver(name, rrtype))
        .then(resolve, reject)
        .finally(() => clearTimeout(timer));
    });

  function run(job: ParseJob): Promise<ParseResult>;
  function run(job: CheckJob): Promise<SenderAuth>;
  function run(job: ParseJob | CheckJob) {
    return new Promise<ParseResult | SenderAuth>((resolve, reject) => {
      const worker = idle.pop() ?? spawn();
      const done = (error?: Error) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (error) reject(error);
      };
      const onMessage = (reply: Reply | DnsQuestion) => {
        if ('kind' in reply) return; // answered by the worker's own listener
        done();
        idle.push(worker);
        if (reply.ok) resolve(reply.result);
        else reject(new Error(reply.error));
      };
      const onError = (error: Error) => done(error);
      const onExit = (code: number) => done(new Error(`the mail parser stopped (exit ${code})`));
      // Out of time: this worker is stuck in the parser; it is ended and the next job gets a fresh one.
      const timer = setTimeout(() => {
        done(new Error(`parsing took longer than ${options.budgetMs} ms`));
        void worker.terminate();
      }, options.budgetMs);
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage(job);
    });
  }

  return {
    async parse(raw, envelope) {
      if (running >= options.concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
      running++;
      try {
        const bytes = new Uint8Array(raw);
        const { timeoutMs, mta, trustedAuthservId } = options.senders;
        const checked = run({ job: 'check', raw: bytes, connection: envelope.connection, timeoutMs, mta, trustedAuthservId }).catch(() => null);
        const job = {
          job: 'parse' as const,
          raw: bytes,
          deliveredTo: envelope.deliveredTo,
          mailFrom: envelope.mailFrom,
          ours: options.ours,
          limits: options.limits,
          receivedAt: new Date().toISOString(),
        };
        let parsed: ParseResult;
        try {
          parsed = await run({ ...job, quotes: 'strip' });
        } catch {
          // Most likely the quote parser on a pathological text: once more, showing the text as it came.
          parsed = await run({ ...job, quotes: 'keep' });
        }
        if (parsed.kind !== 'ok') return parsed;
        const contact = parsed.email.contact;
        const domain = contact.from.address.slice(contact.from.address.lastIndexOf('@') + 1);
        const found = (await checked) ?? senderVerdict('temperror', { senderDomain: domain, connection: !!envelope.connection });
        // The check read the From header itself: its pass counts only for the address the mail is filed under.
        const senderAuth: SenderAuth = found.domain === domain ? found : { ...found, domain, verdict: found.verdict === 'pass' ? 'fail' : found.verdict };
        return { kind: 'ok', email: { ...parsed.email, contact: { ...contact, senderAuth } } };
      } finally {
        running--;
        waiting.shift()?.();
      }
    },
    async close() {
      await Promise.all([...all].map((w) => w.terminate()));
    },
  };
}

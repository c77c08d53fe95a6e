// Parses inbound mail off the main thread, in a few long-lived worker threads, each message within a time
// budget. A message whose quoted history the parser cannot get through in time is parsed again with its text
// kept as it came; one that cannot be parsed at all in time fails, so the sending server (or the IMAP poll)
// tries again later. At most `concurrency` messages are parsed at once; the rest wait their turn.
import { Worker } from 'node:worker_threads';
import type { AttachmentLimits } from './attachments.ts';
import type { ParseJob, ParseResult } from './parse.worker.ts';

const BOOT = new URL('./worker-boot.mjs', import.meta.url);
const WORKER = new URL('./parse.worker.ts', import.meta.url).href;

export interface MailParser {
  parse(raw: Buffer, envelope: { deliveredTo: string | undefined; mailFrom?: string | null }): Promise<ParseResult>;
  close(): Promise<void>;
}

type Reply = { ok: true; result: ParseResult } | { ok: false; error: string };

export function createMailParser(options: { ours: string[]; limits: AttachmentLimits; budgetMs: number; concurrency: number; memoryMb: number }): MailParser {
  const idle: Worker[] = [];
  const all = new Set<Worker>();
  let running = 0;
  const waiting: (() => void)[] = [];

  const spawn = () => {
    const worker = new Worker(BOOT, { workerData: { module: WORKER }, resourceLimits: { maxOldGenerationSizeMb: options.memoryMb } });
    // A worker waiting for work must not keep the process alive.
    worker.unref();
    all.add(worker);
    worker.once('exit', () => all.delete(worker));
    return worker;
  };

  const run = (job: ParseJob) =>
    new Promise<ParseResult>((resolve, reject) => {
      const worker = idle.pop() ?? spawn();
      const done = (error?: Error) => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        if (error) reject(error);
      };
      const onMessage = (reply: Reply) => {
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

  return {
    async parse(raw, envelope) {
      if (running >= options.concurrency) await new Promise<void>((resolve) => waiting.push(resolve));
      running++;
      try {
        const job = { raw: new Uint8Array(raw), deliveredTo: envelope.deliveredTo, mailFrom: envelope.mailFrom, ours: options.ours, limits: options.limits, receivedAt: new Date().toISOString() };
        try {
          return await run({ ...job, quotes: 'strip' });
        } catch {
          // Most likely the quote parser on a pathological text: once more, showing the text as it came.
          return await run({ ...job, quotes: 'keep' });
        }
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

// The hub's two queues and the typed jobs they carry. Jobs hold ids only: the data lives in the database.
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';

export interface InboundJob {
  inboxItemId: string;
}
export interface OutboundJob {
  messageId: string;
}

export const QUEUE_NAMES = { inbound: 'inbound', outbound: 'outbound' } as const;

export interface Queues {
  inbound: Queue<InboundJob>;
  outbound: Queue<OutboundJob>;
  close(): Promise<void>;
}

export interface QueueSettings {
  prefix: string;
  /** Connection errors while Redis is away (BullMQ reconnects by itself). */
  onError: (error: Error) => void;
  outbound: { attempts: number; backoffMs: number };
}

export function createQueues(connection: Redis, settings: QueueSettings): Queues {
  const common = { connection, prefix: settings.prefix };
  const inbound = new Queue<InboundJob>(QUEUE_NAMES.inbound, {
    ...common,
    defaultJobOptions: {
      attempts: 10,
      backoff: { type: 'exponential', delay: 500 },
      removeOnComplete: true,
      removeOnFail: { count: 10_000 },
    },
  });
  const outbound = new Queue<OutboundJob>(QUEUE_NAMES.outbound, {
    ...common,
    defaultJobOptions: {
      attempts: settings.outbound.attempts,
      backoff: { type: 'exponential', delay: settings.outbound.backoffMs },
      removeOnComplete: true,
      removeOnFail: { count: 10_000 },
    },
  });
  inbound.on('error', settings.onError);
  outbound.on('error', settings.onError);
  return {
    inbound,
    outbound,
    close: async () => {
      await Promise.all([inbound.close(), outbound.close()]);
    },
  };
}

/** Adds a job keyed by the row it is about, so concurrent adds for one row collapse into one job. */
export async function enqueueFor<T>(queue: Queue<T>, rowId: string, data: T, opts: JobsOptions = {}): Promise<void> {
  await (queue as Queue<unknown>).add('job', data, { ...opts, jobId: rowId });
}

// The hub's queues (inbound, outbound, hand-off deliveries, hand-off timers, provider media) and the typed
// jobs they carry. Jobs hold ids and what picks the step (a channel, a timer's stage): the data lives in
// the database.
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { ChannelKind } from '../channels/contract.ts';

export interface InboundJob {
  inboxItemId: string;
  /** The contact's channel, so steps for one channel skip the others without a read (absent on jobs queued before it was added). */
  channel?: ChannelKind;
}
export interface OutboundJob {
  messageId: string;
}
/** Send one hand-off delivery (the outbox row) to its service. */
export interface HandoffJob {
  deliveryId: string;
}
/** Fetch the media the provider keeps for an inbound message (MMS, WhatsApp). */
export interface MediaJob {
  messageId: string;
}
/** A hand-off's accept-by time has come: remind the service, or (as long again later) tell supervisors. */
export interface HandoffTimerJob {
  handoffId: string;
  stage: 'remind' | 'escalate';
}

export const QUEUE_NAMES = { inbound: 'inbound', outbound: 'outbound', handoff: 'handoff', handoffTimer: 'handoff-timer', media: 'media' } as const;

export interface Queues {
  inbound: Queue<InboundJob>;
  outbound: Queue<OutboundJob>;
  handoff: Queue<HandoffJob>;
  handoffTimer: Queue<HandoffTimerJob>;
  media: Queue<MediaJob>;
  close(): Promise<void>;
}

export interface QueueSettings {
  prefix: string;
  /** Connection errors while Redis is away (BullMQ reconnects by itself). */
  onError: (error: Error) => void;
  outbound: { attempts: number; backoffMs: number };
  /** Hand-off deliveries: a receiving system that is down gets it later, so more attempts over longer. */
  handoff: { attempts: number; backoffMs: number };
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
  const handoff = new Queue<HandoffJob>(QUEUE_NAMES.handoff, {
    ...common,
    defaultJobOptions: {
      attempts: settings.handoff.attempts,
      backoff: { type: 'exponential', delay: settings.handoff.backoffMs },
      removeOnComplete: true,
      removeOnFail: { count: 10_000 },
    },
  });
  const handoffTimer = new Queue<HandoffTimerJob>(QUEUE_NAMES.handoffTimer, {
    ...common,
    defaultJobOptions: { attempts: 5, backoff: { type: 'exponential', delay: 1_000 }, removeOnComplete: true, removeOnFail: { count: 10_000 } },
  });
  // Provider media: retried like a provider send (the same backoff), a few more times since nothing waits on it.
  const media = new Queue<MediaJob>(QUEUE_NAMES.media, {
    ...common,
    defaultJobOptions: {
      attempts: 8,
      backoff: { type: 'exponential', delay: settings.outbound.backoffMs },
      removeOnComplete: true,
      removeOnFail: { count: 10_000 },
    },
  });
  for (const queue of [inbound, outbound, handoff, handoffTimer, media]) queue.on('error', settings.onError);
  return {
    inbound,
    outbound,
    handoff,
    handoffTimer,
    media,
    close: async () => {
      await Promise.all([inbound.close(), outbound.close(), handoff.close(), handoffTimer.close(), media.close()]);
    },
  };
}

/** Adds a job keyed by the row it is about, so concurrent adds for one row collapse into one job. */
export async function enqueueFor<T>(queue: Queue<T>, rowId: string, data: T, opts: JobsOptions = {}): Promise<void> {
  await (queue as Queue<unknown>).add('job', data, { ...opts, jobId: rowId });
}

// The queue workers, one per queue: inbound (a service's email reply to a hand-off goes to the customer;
// anything else is stored, published, queued for its media and routed), outbound (send and publish),
// hand-off deliveries to services, hand-off timers (remind the service, then tell supervisors) and
// provider media (fetch the files an MMS or WhatsApp message names).
import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Db } from './db/client.ts';
import type { Logger } from './logger.ts';
import { QUEUE_NAMES, enqueueFor, type HandoffJob, type HandoffTimerJob, type InboundJob, type MediaJob, type OutboundJob } from './queues.ts';
import { fetchMessageMedia } from './ingest/media.ts';
import { deliverHandoff, type DeliveryTargets } from './handoff/deliver.ts';
import { takeServiceReply } from './handoff/email-reply.ts';
import { runTimer } from './handoff/timers.ts';
import { handoffEffects, noEffects } from './handoff/dispatch.ts';
import type { HandoffWording } from './handoff/create.ts';
import { processInbound } from './ingest/process.ts';
import { processOutbound, type Adapters } from './outbound/process.ts';
import { routeMessage } from './usecases/route-message.ts';
import type { PlanLinkSettings } from './usecases/plan.ts';
import { fx, type EffectsRunner } from './effects.ts';
import type { Queues } from './queues.ts';
import type { NeedsBot } from './bot/bot.ts';
import type { ChannelKind } from '../channels/contract.ts';
import { capabilitiesOf } from '../channels/registry.ts';

export interface WorkerDeps {
  db: Db;
  redis: Redis;
  logger: Logger;
  adapters: Adapters;
  queues: Queues;
  bot: NeedsBot | null;
  botChannels: readonly ChannelKind[];
  /** Applies what the use cases return, once they have committed. */
  effects: EffectsRunner;
  enabledChannels: readonly ChannelKind[];
  prefix: string;
  lockMs: number;
  concurrency: number;
  /** Where hand-offs go, how the customer is told about them, and whether a message shows danger. */
  handoff: { targets: DeliveryTargets; wording: HandoffWording; isUrgent: (text: string) => boolean };
  /** Links to the customer's own plan (a customer who texts PLAN gets a new one). */
  planLinks?: PlanLinkSettings;
}

export interface Workers {
  inbound: Worker<InboundJob>;
  outbound: Worker<OutboundJob>;
  handoff: Worker<HandoffJob>;
  handoffTimer: Worker<HandoffTimerJob>;
  media: Worker<MediaJob>;
  close(): Promise<void>;
}

export function startWorkers(deps: WorkerDeps): Workers {
  const common = {
    connection: deps.redis,
    prefix: deps.prefix,
    lockDuration: deps.lockMs,
    stalledInterval: Math.max(500, Math.floor(deps.lockMs / 2)),
    concurrency: deps.concurrency,
  };
  const inbound = new Worker<InboundJob>(
    QUEUE_NAMES.inbound,
    async (job) => {
      // A service answering a hand-off email: its reply goes to the customer, not into a conversation as theirs.
      // Only a channel that carries services' replies can (a job without its channel was queued before the field existed: check it).
      const mayBeServiceReply = !job.data.channel || capabilitiesOf(job.data.channel).carriesServiceReplies;
      if (mayBeServiceReply && (await takeServiceReply({ ...deps, wording: deps.handoff.wording }, job.data.inboxItemId))) return;
      const result = await processInbound(deps.db, job.data.inboxItemId);
      if (!result) return;
      // Published even when an earlier run stored it: that run may have died before publishing.
      await deps.effects.run([fx.publish({ type: 'message.created', conversationId: result.conversationId, messageId: result.messageId })]);
      // Files the provider keeps are fetched by their own job: the message is shown (and routed) without waiting.
      if (result.pendingMedia && deps.adapters[result.channel]?.fetchMedia)
        await enqueueFor(deps.queues.media, result.messageId, { messageId: result.messageId });
      await deps.effects.run((await routeMessage(deps, result)).effects);
    },
    common,
  );
  const outbound = new Worker<OutboundJob>(
    QUEUE_NAMES.outbound,
    async (job) => {
      const isLastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      try {
        const outcome = await processOutbound(deps.db, deps.adapters, job.data.messageId, isLastAttempt);
        if (outcome.kind !== 'skipped')
          await deps.effects.run([fx.publish({ type: 'message.updated', conversationId: outcome.conversationId, messageId: job.data.messageId })]);
        if (outcome.kind === 'failed') deps.logger.warn({ messageId: job.data.messageId, code: outcome.error.code }, 'outbound message failed');
      } catch (error) {
        // The agent sees the attempt's error while the job waits to retry.
        const row = await deps.db.message.findUnique({ where: { id: job.data.messageId }, select: { conversationId: true } });
        if (row) await deps.effects.run([fx.publish({ type: 'message.updated', conversationId: row.conversationId, messageId: job.data.messageId })]);
        throw error;
      }
    },
    common,
  );
  const handoff = new Worker<HandoffJob>(
    QUEUE_NAMES.handoff,
    async (job) => {
      const isLastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const outcome = await deliverHandoff(deps.db, deps.handoff.targets, job.data.deliveryId, isLastAttempt);
      if (outcome.kind === 'skipped') return;
      if (outcome.kind === 'failed') deps.logger.warn({ handoffId: outcome.handoff.id, err: outcome.error }, 'hand-off delivery failed');
      await deps.effects.run(await handoffEffects(deps.db, { ...noEffects(), located: [outcome.handoff] }));
    },
    common,
  );
  const handoffTimer = new Worker<HandoffTimerJob>(
    QUEUE_NAMES.handoffTimer,
    async (job) => deps.effects.run(await runTimer(deps.db, job.data.handoffId, job.data.stage)),
    common,
  );
  const media = new Worker<MediaJob>(
    QUEUE_NAMES.media,
    async (job) => {
      const isLastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const outcome = await fetchMessageMedia(deps, job.data.messageId, isLastAttempt);
      if (!outcome) return;
      if (outcome.changed)
        await deps.effects.run([fx.publish({ type: 'message.updated', conversationId: outcome.conversationId, messageId: job.data.messageId })]);
      // Thrown so BullMQ tries again later; what was fetched is kept.
      if (outcome.retry) throw new Error('some media could not be fetched yet');
    },
    common,
  );
  for (const worker of [inbound, outbound, handoff, handoffTimer, media]) {
    worker.on('failed', (job, error) =>
      deps.logger.warn({ queue: worker.name, jobId: job?.id, attempts: job?.attemptsMade, err: error.message }, 'job failed'),
    );
    worker.on('error', (error) => deps.logger.error({ queue: worker.name, err: error.message }, 'worker error'));
  }
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

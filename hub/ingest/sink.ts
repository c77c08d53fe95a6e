// What channel adapters hand inbound traffic to: record durably, then queue. The provider gets its 2xx
// only after the inbox row exists, so a Redis outage loses nothing (the sweeper re-queues).
import type { InboundSink } from '../../channels/contract.ts';
import type { Db } from '../db/client.ts';
import type { EventBus } from '../events.ts';
import { enqueueFor, type Queues } from '../queues.ts';
import type { Logger } from '../logger.ts';
import { recordDeliveryReport } from '../outbound/status.ts';
import { recordInbound } from './inbox.ts';

export function createInboundSink(deps: { db: Db; queues: Queues; bus: EventBus; logger: Logger }): InboundSink {
  return {
    async accept(contact) {
      const receipt = await recordInbound(deps.db, contact);
      if (!receipt.processed) {
        // Not awaited: the contact is durable now, so the provider gets its answer at once even if Redis
        // is slow or down (the add waits for Redis to come back, and the sweeper re-queues what is lost).
        void enqueueFor(deps.queues.inbound, receipt.inboxItemId, { inboxItemId: receipt.inboxItemId }).catch((error: Error) =>
          deps.logger.warn({ err: error.message, inboxItemId: receipt.inboxItemId }, 'could not queue inbound contact; the sweeper will'),
        );
      }
      return { duplicate: receipt.duplicate };
    },
    async report(report) {
      const moved = await recordDeliveryReport(deps.db, report);
      if (moved) void deps.bus.publish({ type: 'message.updated', ...moved }).catch(() => undefined);
    },
  };
}

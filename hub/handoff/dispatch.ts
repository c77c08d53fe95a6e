// After a hand-off change commits: queue what it wrote (deliveries to services, messages to the customer),
// set its accept-by timer, and tell the desks. Nothing here is the record: a lost queue add is found again
// by the sweeper from the rows, so these are not awaited for durability.
import type { Db } from '../db/client.ts';
import type { EventBus } from '../events.ts';
import type { Logger } from '../logger.ts';
import { enqueueFor, type Queues } from '../queues.ts';
import type { HandoffResult, HandoffWording } from './create.ts';

export interface HandoffDeps {
  db: Db;
  queues: Queues;
  bus: EventBus;
  logger: Logger;
  wording: HandoffWording;
}

export interface Effects {
  /** Hand-offs made or changed. */
  handoffIds: string[];
  deliveryIds: string[];
  /** Messages to the customer, written as outbox rows. */
  messageIds: string[];
  /** New hand-offs whose accept-by timer starts now. */
  timers: { handoffId: string; dueAt: Date }[];
}

export const noEffects = (): Effects => ({ handoffIds: [], deliveryIds: [], messageIds: [], timers: [] });

/** What new hand-offs need once committed: delivering, and their timers. */
export function effectsOf(result: HandoffResult): Effects {
  const effects = noEffects();
  for (const h of result.created) {
    effects.handoffIds.push(h.id);
    effects.deliveryIds.push(h.deliveryId);
    effects.timers.push({ handoffId: h.id, dueAt: h.dueAt });
  }
  return effects;
}

export async function dispatch(deps: Omit<HandoffDeps, 'wording'>, effects: Effects): Promise<void> {
  const warn = (what: string) => (error: Error) => deps.logger.warn({ err: error.message }, `could not queue ${what}; the sweeper will`);
  for (const deliveryId of effects.deliveryIds) void enqueueFor(deps.queues.handoff, deliveryId, { deliveryId }).catch(warn('a hand-off delivery'));
  for (const timer of effects.timers) void scheduleTimer(deps.queues, timer.handoffId, 'remind', timer.dueAt).catch(warn('a hand-off timer'));
  const rows = await deps.db.handoff.findMany({ where: { id: { in: effects.handoffIds } }, select: { id: true, conversationId: true, serviceId: true } });
  for (const row of rows) await deps.bus.publish({ type: 'handoff.updated', handoffId: row.id, conversationId: row.conversationId, serviceId: row.serviceId });
  if (!effects.messageIds.length) return;
  const messages = await deps.db.message.findMany({ where: { id: { in: effects.messageIds } }, select: { id: true, conversationId: true } });
  for (const message of messages) {
    void enqueueFor(deps.queues.outbound, message.id, { messageId: message.id }).catch(warn('a message'));
    await deps.bus.publish({ type: 'message.created', conversationId: message.conversationId, messageId: message.id });
  }
  if (messages.length) await deps.bus.publish({ type: 'conversation.updated', conversationId: messages[0]!.conversationId });
}

/** A delayed job at the accept-by time; one per hand-off and stage, however often it is scheduled. */
export async function scheduleTimer(queues: Queues, handoffId: string, stage: 'remind' | 'escalate', at: Date): Promise<void> {
  await queues.handoffTimer.add('timer', { handoffId, stage }, { jobId: `${handoffId}-${stage}`, delay: Math.max(0, at.getTime() - Date.now()) });
}

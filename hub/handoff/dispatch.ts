// What a hand-off change leads to once it commits: its deliveries to services and messages to the customer
// queued, its accept-by timer set, and the desks told (as effects, applied by hub/effects.ts).
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import { fx, type Effect, type EffectsRunner } from '../effects.ts';
import type { HandoffResult, HandoffWording } from './create.ts';

/** What a hand-off change needs: the database and the wording it writes to the customer. */
export interface HandoffContext {
  db: Db;
  wording: HandoffWording;
}

/** What the routes and workers that change hand-offs need besides: the runner for the changes' effects. */
export interface HandoffDeps extends HandoffContext {
  effects: EffectsRunner;
  logger: Logger;
}

/** A hand-off with where it belongs: the desks that hear about it follow its conversation and service. */
export interface LocatedHandoff {
  id: string;
  conversationId: string;
  serviceId: string;
}

/** What a hand-off change wrote, by id: turned into effects (hub/effects.ts) by handoffEffects once committed. */
export interface HandoffChanges {
  /** Hand-offs made or changed (their conversation and service are read for the desks). */
  handoffIds: string[];
  /** Hand-offs made or changed whose conversation and service the caller knows: nothing to read. */
  located: LocatedHandoff[];
  deliveryIds: string[];
  /** Messages to the customer, written as outbox rows. */
  messageIds: string[];
  /** Such messages whose conversation the caller knows. */
  told: { id: string; conversationId: string }[];
  /** New hand-offs whose accept-by timer starts now. */
  timers: { handoffId: string; dueAt: Date }[];
}

export const noEffects = (): HandoffChanges => ({ handoffIds: [], located: [], deliveryIds: [], messageIds: [], told: [], timers: [] });

/** What new hand-offs need once committed: delivering, and their timers. */
export function effectsOf(result: HandoffResult): HandoffChanges {
  const effects = noEffects();
  for (const h of result.created) {
    effects.located.push({ id: h.id, conversationId: result.conversationId, serviceId: h.serviceId });
    effects.deliveryIds.push(h.deliveryId);
    effects.timers.push({ handoffId: h.id, dueAt: h.dueAt });
  }
  return effects;
}

/** The effects of hand-off changes: deliveries and timers queued, messages sent, the desks told. */
export async function handoffEffects(db: Db, changes: HandoffChanges): Promise<Effect[]> {
  const effects: Effect[] = [...changes.deliveryIds.map(fx.deliver), ...changes.timers.map((t) => fx.schedule(t.handoffId, 'remind', t.dueAt))];
  const located = [...changes.located];
  if (changes.handoffIds.length)
    located.push(...(await db.handoff.findMany({ where: { id: { in: changes.handoffIds } }, select: { id: true, conversationId: true, serviceId: true } })));
  for (const row of located)
    effects.push(fx.publish({ type: 'handoff.updated', handoffId: row.id, conversationId: row.conversationId, serviceId: row.serviceId }));
  const messages = [...changes.told];
  if (changes.messageIds.length)
    messages.push(...(await db.message.findMany({ where: { id: { in: changes.messageIds } }, select: { id: true, conversationId: true } })));
  for (const message of messages) effects.push(...fx.message(message.conversationId, message.id));
  if (messages.length) effects.push(fx.conversationChanged(messages[0]!.conversationId));
  return effects;
}

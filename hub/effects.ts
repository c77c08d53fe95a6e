// What a use case asks to happen once its transaction has committed, and the one runner that does it.
// A use case writes the record (outbox rows, timers' due dates, the conversation's state) and returns
// effects; nothing here is the record. A lost queue add is found again by the sweeper from the rows, and a
// lost event is made good by the desks' reload on reconnect, so the runner logs failures instead of throwing:
// the caller's change has happened, and its answer must say so.
import type { EventBus, HubEvent } from './events.ts';
import type { Logger } from './logger.ts';
import { enqueueFor, type Queues } from './queues.ts';

export type Effect =
  /** Queue an outbox message (its row exists) for its channel's adapter. */
  | { kind: 'send'; messageId: string }
  /** Queue a hand-off delivery (its row exists) for the service's target. */
  | { kind: 'deliver'; deliveryId: string }
  /** A hand-off's accept-by timer: one job per hand-off and stage, however often it is scheduled. */
  | { kind: 'schedule'; handoffId: string; stage: 'remind' | 'escalate'; at: Date }
  /** Tell the desks (every process) what changed. */
  | { kind: 'publish'; event: HubEvent }
  /** Something routing watches changed (a conversation waits, an agent has room): offer conversations soon. */
  | { kind: 'route' }
  /** Call the customer a follow-up is for (its row exists; it is claimed before the call, so it is placed once). */
  | { kind: 'call'; followUpId: string };

/** Effects are built with these, so a use case reads as a list of what follows from it. */
export const fx = {
  send: (messageId: string): Effect => ({ kind: 'send', messageId }),
  deliver: (deliveryId: string): Effect => ({ kind: 'deliver', deliveryId }),
  schedule: (handoffId: string, stage: 'remind' | 'escalate', at: Date): Effect => ({ kind: 'schedule', handoffId, stage, at }),
  publish: (event: HubEvent): Effect => ({ kind: 'publish', event }),
  route: (): Effect => ({ kind: 'route' }),
  followUpCall: (followUpId: string): Effect => ({ kind: 'call', followUpId }),
  /** A new message the customer will get: queued to send, and shown on the desks. */
  message: (conversationId: string, messageId: string): Effect[] => [fx.send(messageId), fx.publish({ type: 'message.created', conversationId, messageId })],
  conversationChanged: (conversationId: string): Effect => fx.publish({ type: 'conversation.updated', conversationId }),
  queueChanged: (): Effect => fx.publish({ type: 'queue.changed' }),
};

export interface EffectsRunner {
  /** Applies effects in order (each distinct one once); routing, if asked for, is requested last. Never throws. */
  run(effects: readonly Effect[]): Promise<void>;
}

export interface EffectsDeps {
  queues: Queues;
  bus: EventBus;
  logger: Logger;
  /** Routing's "run soon" (hub/routing/engine.ts); absent where no router runs, e.g. a process without workers. */
  requestRouting?: () => void;
  /** Places a follow-up's call (hub/usecases/follow-up.ts placeFollowUpCall); absent: no call is placed. */
  placeFollowUpCall?: (followUpId: string) => Promise<unknown>;
}

export function createEffectsRunner(deps: EffectsDeps): EffectsRunner {
  const warn = (what: string, id?: string) => (error: Error) =>
    deps.logger.warn({ err: error.message, id }, `could not ${what}; it is recovered from the database`);
  return {
    async run(effects) {
      const seen = new Set<string>();
      let route = false;
      for (const effect of effects) {
        const key = JSON.stringify(effect);
        if (seen.has(key)) continue;
        seen.add(key);
        switch (effect.kind) {
          case 'send':
            // Not awaited: the outbox row is the record, and the sweeper queues a row whose add was lost.
            void enqueueFor(deps.queues.outbound, effect.messageId, { messageId: effect.messageId }).catch(warn('queue a message', effect.messageId));
            break;
          case 'deliver':
            void enqueueFor(deps.queues.handoff, effect.deliveryId, { deliveryId: effect.deliveryId }).catch(
              warn('queue a hand-off delivery', effect.deliveryId),
            );
            break;
          case 'schedule':
            void scheduleTimer(deps.queues, effect.handoffId, effect.stage, effect.at).catch(warn('schedule a hand-off timer', effect.handoffId));
            break;
          case 'publish':
            await deps.bus.publish(effect.event).catch(warn(`publish ${effect.event.type}`));
            break;
          case 'route':
            route = true;
            break;
          case 'call':
            // Not retried: a call that could not be placed leaves the follow-up waiting for an answer by text.
            await deps
              .placeFollowUpCall?.(effect.followUpId)
              .catch((error: Error) =>
                deps.logger.warn({ err: error.message, id: effect.followUpId }, 'could not place a follow-up call; it is not tried again'),
              );
            break;
        }
      }
      if (route) deps.requestRouting?.();
    },
  };
}

/** A delayed job at the accept-by time; one per hand-off and stage, however often it is scheduled. */
export async function scheduleTimer(queues: Queues, handoffId: string, stage: 'remind' | 'escalate', at: Date): Promise<void> {
  await queues.handoffTimer.add('timer', { handoffId, stage }, { jobId: `${handoffId}-${stage}`, delay: Math.max(0, at.getTime() - Date.now()) });
}

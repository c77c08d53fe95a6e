// The route step, after a message is stored: the bot answers it, or it waits for a person on the desk
// (the desk sees every message; routing offers the waiting conversation to an agent). Bot replies go out
// through the outbound queue.
import type { ChannelKind } from '../../channels/contract.ts';
import type { Db } from '../db/client.ts';
import type { EventBus } from '../events.ts';
import type { Logger } from '../logger.ts';
import { enqueueFor, type Queues } from '../queues.ts';
import type { NeedsBot } from '../bot/bot.ts';
import { runBotTurn } from '../bot/run.ts';
import { decideRoute } from './decide.ts';
import type { Router } from './engine.ts';
import { markWaiting } from './waiting.ts';
import type { HandoffWording } from '../handoff/create.ts';
import { dispatch, effectsOf, noEffects } from '../handoff/dispatch.ts';
import { answerProgress } from '../handoff/progress.ts';
import { relayToService } from '../handoff/relay.ts';

export interface RouteDeps {
  db: Db;
  queues: Queues;
  bus: EventBus;
  logger: Logger;
  bot: NeedsBot | null;
  botChannels: readonly ChannelKind[];
  /** Offers waiting conversations to agents. */
  router: Router;
  /** Channels the hub can send on (for a "team closed" notice). */
  enabledChannels: readonly ChannelKind[];
  handoff: {
    wording: HandoffWording;
    /** Whether words show immediate danger (the needs detector's urgency rules). */
    isUrgent: (text: string) => boolean;
  };
}

export async function routeInbound(deps: RouteDeps, stored: { messageId: string; conversationId: string }): Promise<void> {
  const message = await deps.db.message.findUnique({
    where: { id: stored.messageId },
    select: { id: true, channel: true, body: true, direction: true, botTurnAt: true, createdAt: true, handoffId: true, conversationId: true, conversation: { select: { handler: true, customerId: true } } },
  });
  if (!message) return;
  // A customer quoting one of their references is told how their plan is going, whoever has the conversation.
  const progressId = message.channel === 'voice' ? null : await answerProgress(deps.db, message, deps.enabledChannels);
  if (progressId) {
    queueOut(deps, progressId);
    return deps.bus.publish({ type: 'message.created', conversationId: stored.conversationId, messageId: progressId });
  }
  // The customer answering a service: it goes to that service. The contact centre is brought in only when
  // the words show danger (the service may not read them in time).
  const relayed = message.channel === 'voice' ? null : await relayToService(deps.db, message);
  if (relayed) {
    await dispatch(deps, { ...noEffects(), handoffIds: [relayed.handoffId], deliveryIds: relayed.deliveryId ? [relayed.deliveryId] : [] });
    if (!deps.handoff.isUrgent(message.body)) return;
    await deps.db.conversation.updateMany({ where: { id: stored.conversationId, urgentAt: null }, data: { urgentAt: new Date() } });
    return waitForPerson(deps, stored.conversationId);
  }
  if (!deps.bot || decideRoute({ handler: message.conversation.handler, channel: message.channel, botChannels: deps.botChannels }) !== 'bot')
    return message.channel === 'voice' ? undefined : waitForPerson(deps, stored.conversationId);

  let outcome;
  try {
    outcome = await runBotTurn(deps.db, deps.bot, stored.messageId, deps.handoff.wording);
  } catch (error) {
    // A bot that cannot answer must not leave the customer waiting on it: a person takes over.
    deps.logger.error({ err: (error as Error).message, conversationId: stored.conversationId }, 'bot turn failed; handing the conversation to a person');
    await deps.db.conversation.update({ where: { id: stored.conversationId }, data: { handler: 'person' } });
    await deps.bus.publish({ type: 'conversation.updated', conversationId: stored.conversationId });
    return message.channel === 'voice' ? undefined : waitForPerson(deps, stored.conversationId);
  }
  if (!outcome) return;
  for (const id of outcome.replyIds) {
    // Not awaited for durability: the outbox row exists, and the sweeper queues it if this add is lost.
    if (!outcome.spoken) queueOut(deps, id);
    await deps.bus.publish({ type: 'message.created', conversationId: outcome.conversationId, messageId: id });
  }
  const handed = outcome.handoffs;
  if (handed?.created.length) {
    const effects = effectsOf(handed);
    // On a call the references come by text as well (the call's own replies are spoken).
    if (outcome.textedConfirmation) effects.messageIds.push(outcome.textedConfirmation);
    await dispatch(deps, effects);
  }
  // Needs found, facts or who answers may have changed.
  await deps.bus.publish({ type: 'conversation.updated', conversationId: outcome.conversationId });
  const now = await deps.db.conversation.findUnique({ where: { id: outcome.conversationId }, select: { handler: true } });
  // Every need went straight to the service that owns it: nobody at the contact centre needs to pick it up
  // (a message from the customer later waits for a person as usual).
  const allWithServices = !!handed?.created.length && !handed.unowned.length;
  // The bot has handed over (the customer asked for a person, danger, or the needs are gathered). A caller
  // waits in the phone queue instead (hub/calls), where agents take calls.
  if (now?.handler === 'person' && message.channel !== 'voice' && !allWithServices) await waitForPerson(deps, outcome.conversationId);
}

/** The conversation waits for a person, unless one has it already; routing offers it to an agent. */
async function waitForPerson(deps: RouteDeps, conversationId: string): Promise<void> {
  const waiting = await markWaiting(deps.db, conversationId, { enabledChannels: deps.enabledChannels });
  if (!waiting.started) return;
  if (waiting.noticeId) {
    queueOut(deps, waiting.noticeId);
    await deps.bus.publish({ type: 'message.created', conversationId, messageId: waiting.noticeId });
  }
  await deps.bus.publish({ type: 'queue.changed' });
  deps.router.request();
}

function queueOut(deps: RouteDeps, messageId: string): void {
  void enqueueFor(deps.queues.outbound, messageId, { messageId }).catch((error: Error) => deps.logger.warn({ err: error.message, messageId }, 'could not queue message; the sweeper will'));
}

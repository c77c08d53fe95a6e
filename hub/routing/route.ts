// The route step, after a message is stored: the bot answers it, or it waits for a person on the desk
// (it is already there: the desk sees every message). Bot replies go out through the outbound queue.
import type { ChannelKind } from '../../channels/contract.ts';
import type { Db } from '../db/client.ts';
import type { EventBus } from '../events.ts';
import type { Logger } from '../logger.ts';
import { enqueueFor, type Queues } from '../queues.ts';
import type { NeedsBot } from '../bot/bot.ts';
import { runBotTurn } from '../bot/run.ts';
import { decideRoute } from './decide.ts';

export interface RouteDeps {
  db: Db;
  queues: Queues;
  bus: EventBus;
  logger: Logger;
  bot: NeedsBot | null;
  botChannels: readonly ChannelKind[];
}

export async function routeInbound(deps: RouteDeps, stored: { messageId: string; conversationId: string }): Promise<void> {
  if (!deps.bot) return;
  const message = await deps.db.message.findUnique({ where: { id: stored.messageId }, select: { channel: true, conversation: { select: { handler: true } } } });
  if (!message || decideRoute({ handler: message.conversation.handler, channel: message.channel, botChannels: deps.botChannels }) !== 'bot') return;

  let outcome;
  try {
    outcome = await runBotTurn(deps.db, deps.bot, stored.messageId);
  } catch (error) {
    // A bot that cannot answer must not leave the customer waiting on it: a person takes over.
    deps.logger.error({ err: (error as Error).message, conversationId: stored.conversationId }, 'bot turn failed; handing the conversation to a person');
    await deps.db.conversation.update({ where: { id: stored.conversationId }, data: { handler: 'person' } });
    await deps.bus.publish({ type: 'conversation.updated', conversationId: stored.conversationId });
    return;
  }
  if (!outcome) return;
  for (const id of outcome.replyIds) {
    // Not awaited for durability: the outbox row exists, and the sweeper queues it if this add is lost.
    if (!outcome.spoken)
      void enqueueFor(deps.queues.outbound, id, { messageId: id }).catch((error: Error) => deps.logger.warn({ err: error.message, messageId: id }, 'could not queue bot reply; the sweeper will'));
    await deps.bus.publish({ type: 'message.created', conversationId: outcome.conversationId, messageId: id });
  }
  // Needs found, facts or who answers may have changed.
  await deps.bus.publish({ type: 'conversation.updated', conversationId: outcome.conversationId });
}

// An agent answers the customer. The reply is an outbox row written with the conversation's change (a person
// answering takes it over from the bot, and takes it off the waiting list), in one transaction.
import type { ChannelKind } from '../../channels/contract.ts';
import type { Db } from '../db/client.ts';
import { fx, type Effect } from '../effects.ts';
import { createReply, type QueuedReply } from '../outbound/compose.ts';

export async function replyToCustomer(
  db: Db,
  input: { conversationId: string; agentId: string; text: string; enabledChannels: readonly ChannelKind[]; channel?: ChannelKind },
): Promise<{ reply: QueuedReply; effects: Effect[] }> {
  const reply = await db.$transaction((tx) => createReply(tx, input));
  // Replying to a waiting conversation takes it: routing withdraws any offer of it to someone else.
  return { reply, effects: [...fx.message(reply.conversationId, reply.id), fx.route()] };
}

// An agent's reply becomes an outbox row (status 'queued') first; the outbound worker sends it.
// Writing the row before queueing means a lost Redis job is found again by the sweeper.
import type { ChannelKind } from '../../channels/contract.ts';
import type { Db } from '../db/client.ts';
import type { Message } from '../generated/prisma/client.ts';

export class ReplyError extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409 | 422,
  ) {
    super(message);
  }
}

export type QueuedReply = Message;

export async function createReply(
  db: Db,
  input: { conversationId: string; agentId: string; text: string; enabledChannels: readonly ChannelKind[] },
): Promise<QueuedReply> {
  const message = await outboxRow(db, input.conversationId, input.enabledChannels, { body: input.text, agentId: input.agentId });
  // A person answering takes the conversation over from the bot, and an agent who answers a waiting
  // conversation has taken it: it stops waiting (routing withdraws any offer of it).
  const now = new Date();
  await db.conversation.update({ where: { id: input.conversationId }, data: { lastMessageAt: now, handler: 'person' } });
  await db.conversation.updateMany({ where: { id: input.conversationId, assignedAgentId: null, status: 'open' }, data: { assignedAgentId: input.agentId, assignedAt: now, waitingSince: null } });
  return message;
}

/** A message the hub sends by itself (e.g. "the team is closed"): shown as automatic, never takes the conversation. */
export async function createNotice(db: Db, input: { conversationId: string; text: string; enabledChannels: readonly ChannelKind[] }): Promise<QueuedReply> {
  return outboxRow(db, input.conversationId, input.enabledChannels, { body: input.text, fromBot: true });
}

async function outboxRow(db: Db, conversationId: string, enabledChannels: readonly ChannelKind[], content: { body: string; agentId?: string; fromBot?: boolean }): Promise<QueuedReply> {
  const conversation = await db.conversation.findUnique({ where: { id: conversationId }, select: { id: true, channel: true } });
  if (!conversation) throw new ReplyError('conversation not found', 404);
  // A call cannot be answered in writing: the reply goes by SMS to the number that called.
  const channel: ChannelKind = conversation.channel === 'voice' ? 'sms' : conversation.channel;
  if (!enabledChannels.includes(channel)) throw new ReplyError(`the ${channel} channel is not switched on in this hub`, 409);
  // Reply to the address the customer last wrote (or called) from on this channel.
  const lastInbound = await db.message.findFirst({
    where: { conversationId: conversation.id, direction: 'inbound', channel: channel === 'sms' ? { in: ['sms', 'voice'] } : channel },
    orderBy: { createdAt: 'desc' },
    select: { fromAddress: true, toAddress: true },
  });
  if (!lastInbound) throw new ReplyError(`the customer has not contacted us by ${channel} in this conversation`, 422);
  return db.message.create({
    data: {
      conversationId: conversation.id,
      direction: 'outbound',
      channel,
      status: 'queued',
      fromAddress: lastInbound.toAddress,
      toAddress: lastInbound.fromAddress,
      ...content,
    },
  });
}

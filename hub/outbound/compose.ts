// An agent's reply becomes an outbox row (status 'queued') first; the outbound worker sends it.
// Writing the row before queueing means a lost Redis job is found again by the sweeper.
import type { ChannelKind } from '../../channels/contract.ts';
import { withoutBidiOverrides } from '../../channels/bidi.ts';
import { textChannelFor, writtenReplyChannel } from '../../channels/registry.ts';
import type { Message, Prisma } from '../generated/prisma/client.ts';

/** The client or a transaction: a reply can be written in the same transaction as the change it reports. */
type Db = Prisma.TransactionClient;

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
  input: { conversationId: string; agentId: string; text: string; enabledChannels: readonly ChannelKind[]; channel?: ChannelKind },
): Promise<QueuedReply> {
  const message = await outboxRow(db, input.conversationId, input.enabledChannels, { body: input.text, agentId: input.agentId }, input.channel);
  // A person answering takes the conversation over from the bot, and an agent who answers a waiting
  // conversation has taken it: it stops waiting (routing withdraws any offer of it).
  const now = new Date();
  await db.conversation.update({ where: { id: input.conversationId }, data: { lastMessageAt: now, handler: 'person' } });
  await db.conversation.updateMany({
    where: { id: input.conversationId, assignedAgentId: null, status: 'open' },
    data: { assignedAgentId: input.agentId, assignedAt: now, waitingSince: null },
  });
  return message;
}

/** A message the hub sends by itself (e.g. "the team is closed"): shown as automatic, never takes the conversation. */
export async function createNotice(
  db: Db,
  input: { conversationId: string; text: string; enabledChannels: readonly ChannelKind[]; suggestions?: string[]; followUpId?: string },
): Promise<QueuedReply> {
  return outboxRow(db, input.conversationId, input.enabledChannels, {
    body: input.text,
    fromBot: true,
    suggestions: input.suggestions ?? [],
    ...(input.followUpId ? { followUpId: input.followUpId } : {}),
  });
}

/**
 * Where the customer can be answered, the conversation's own channel first (a call is answered by text):
 * the address they last wrote from on each channel in this conversation, or their record's address on it
 * (a number they texted from, an email they wrote from or an agent checked). A Bot Framework user only where
 * they wrote in this conversation: replying needs their conversation reference.
 */
export async function replyChannels(
  db: Db,
  conversationId: string,
  enabledChannels: readonly ChannelKind[],
): Promise<{ channel: ChannelKind; to: string; from: string }[]> {
  const found = await reachable(db, conversationId);
  if (!found) return [];
  const order = [found.own, ...[...found.targets.keys()].filter((c) => c !== found.own)];
  return order.filter((c) => found.targets.has(c) && enabledChannels.includes(c)).map((channel) => ({ channel, ...found.targets.get(channel)! }));
}

/** The conversation's own reply channel and every address the customer can be answered at; null: no such conversation. */
async function reachable(db: Db, conversationId: string): Promise<{ own: ChannelKind; targets: Map<ChannelKind, { to: string; from: string }> } | null> {
  const conversation = await db.conversation.findUnique({
    where: { id: conversationId },
    select: { channel: true, customer: { select: { contactPoints: { orderBy: { lastUsedAt: 'desc' }, select: { kind: true, address: true } } } } },
  });
  if (!conversation) return null;
  // The latest inbound message per channel (one row each, however long the conversation), newest first.
  const latest = await db.$queryRaw<{ channel: ChannelKind; fromAddress: string; toAddress: string; createdAt: Date }[]>`
    SELECT DISTINCT ON (channel) channel::text AS channel, "fromAddress", "toAddress", "createdAt"
    FROM "Message" WHERE "conversationId" = ${conversationId}::uuid AND direction = 'inbound'
    ORDER BY channel, "createdAt" DESC`;
  latest.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const targets = new Map<ChannelKind, { to: string; from: string }>();
  for (const m of latest) {
    // A call is answered in writing on the channel that texts its number (SMS).
    const channel = writtenReplyChannel(m.channel);
    if (channel && !targets.has(channel)) targets.set(channel, { to: m.fromAddress, from: m.toAddress });
  }
  // The hub's own address on a channel the customer has not used here is filled in when it is sent.
  for (const point of conversation.customer.contactPoints) {
    const channel = textChannelFor(point.kind);
    if (channel && !targets.has(channel)) targets.set(channel, { to: point.address, from: '' });
  }
  // A channel nothing is sent on (a contact in person, a channel since removed): the address used most recently.
  return { own: writtenReplyChannel(conversation.channel) ?? targets.keys().next().value ?? conversation.channel, targets };
}

async function outboxRow(
  db: Db,
  conversationId: string,
  enabledChannels: readonly ChannelKind[],
  content: { body: string; agentId?: string; fromBot?: boolean; handoffId?: string; authorName?: string; suggestions?: string[]; followUpId?: string },
  chosen?: ChannelKind,
): Promise<QueuedReply> {
  const found = await reachable(db, conversationId);
  if (!found) throw new ReplyError('conversation not found', 404);
  // A call cannot be answered in writing: its own channel is SMS to the number that called.
  const channel: ChannelKind = chosen ?? found.own;
  if (!enabledChannels.includes(channel)) throw new ReplyError(`the ${channel} channel is not switched on in this hub`, 409);
  const target = found.targets.get(channel);
  if (!target)
    throw new ReplyError(
      chosen ? `the customer has no ${channel} address we can reply to` : `the customer has not contacted us by ${channel} in this conversation`,
      422,
    );
  return db.message.create({
    data: {
      conversationId,
      direction: 'outbound',
      channel,
      status: 'queued',
      fromAddress: target.from,
      toAddress: target.to,
      ...content,
    },
  });
}

/** A service's answer about a hand-off, on the customer's channel: shown with who wrote it; never takes the conversation. */
export async function createServiceReply(
  db: Db,
  input: { conversationId: string; handoffId: string; authorName: string; text: string; enabledChannels: readonly ChannelKind[] },
): Promise<QueuedReply> {
  // The author's name comes from outside (a Slack profile, an email's From, a service's system): never with direction overrides.
  const message = await outboxRow(db, input.conversationId, input.enabledChannels, {
    body: input.text,
    handoffId: input.handoffId,
    authorName: withoutBidiOverrides(input.authorName),
  });
  await db.conversation.update({ where: { id: input.conversationId }, data: { lastMessageAt: new Date() } });
  return message;
}

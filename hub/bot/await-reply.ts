// A phone call cannot wait for a text message: the caller's webhook waits here for the bot's answer to
// what they just said, which the inbound worker stores in the same pipeline as every other channel.
import type { BotReplyForCall, ChannelKind } from '../../channels/contract.ts';
import type { Db } from '../db/client.ts';

const POLL_MS = 100;

export async function awaitBotReply(
  db: Db,
  botChannels: readonly ChannelKind[],
  contact: { channel: ChannelKind; providerMessageId: string },
  timeoutMs: number,
): Promise<BotReplyForCall | null> {
  if (!botChannels.includes(contact.channel)) return null;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const message = await db.message.findUnique({
      where: { channel_providerMessageId: { channel: contact.channel, providerMessageId: contact.providerMessageId } },
      select: { id: true, botTurnAt: true, conversation: { select: { handler: true, botOutcome: true } } },
    });
    if (message?.botTurnAt) {
      const replies = await db.message.findMany({ where: { replyToId: message.id, fromBot: true }, orderBy: { createdAt: 'asc' }, select: { body: true } });
      const outcome = message.conversation.botOutcome;
      const next = message.conversation.handler === 'bot' ? 'continue' : outcome === 'complete' ? 'end' : 'person';
      return { texts: replies.map((r) => r.body), next };
    }
    // Stored, but people have it: the bot will not answer. The message and its conversation are two reads,
    // though, and the bot's last turn (which hands over) may have committed between them: look once more.
    if (message && message.conversation.handler === 'person') {
      const again = await db.message.findUnique({ where: { id: message.id }, select: { botTurnAt: true } });
      if (!again?.botTurnAt) return null;
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  return null;
}

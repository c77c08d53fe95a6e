// The outbound worker's job: send one outbox row through its channel's adapter.
// Temporary failures throw (BullMQ retries with backoff); permanent ones and the last attempt mark it failed.
import { UnrecoverableError } from 'bullmq';
import { ChannelSendError, type ChannelAdapter, type ChannelKind, type OutboundMessage } from '../../channels/contract.ts';
import type { Db } from '../db/client.ts';
import { applyDeliveryReports } from './status.ts';
import { referenceFor } from '../conversation/thread.ts';
import { capabilitiesOf } from '../../channels/registry.ts';
import { hasPlanToken, withoutPlanTokens } from '../plan/links.ts';

/** The adapters of the channels switched on, by name. */
export type Adapters = Readonly<Record<ChannelKind, ChannelAdapter>>;

export type OutboundOutcome =
  | { kind: 'sent'; conversationId: string }
  | { kind: 'failed'; conversationId: string; error: ChannelSendError }
  | { kind: 'skipped' };

export async function processOutbound(db: Db, adapters: Adapters, messageId: string, isLastAttempt: boolean): Promise<OutboundOutcome> {
  const message = await db.message.findUnique({ where: { id: messageId } });
  // Anything past 'sending' was already handed to the provider: sending again would text the customer twice.
  if (!message || message.direction !== 'outbound' || !(message.status === 'queued' || message.status === 'sending')) return { kind: 'skipped' };
  const adapter = adapters[message.channel];
  const fail = async (error: ChannelSendError) => {
    await db.message.update({ where: { id: message.id }, data: { status: 'failed', errorCode: error.code, errorMessage: error.message } });
    return { kind: 'failed' as const, conversationId: message.conversationId, error };
  };
  if (!adapter) return fail(new ChannelSendError(`the ${message.channel} channel is not switched on`, 'channel-off', false));

  // A channel that allows free replies only for a while after the customer last wrote (WhatsApp: 24 hours):
  // past it, say so to the agent rather than let the provider refuse it.
  const can = capabilitiesOf(message.channel);
  const windowHours = can.replyWindowHours;
  if (windowHours) {
    const last = await db.message.findFirst({
      where: { conversationId: message.conversationId, channel: message.channel, direction: 'inbound' },
      orderBy: { createdAt: 'desc' },
      select: { createdAt: true },
    });
    if (!last || Date.now() - last.createdAt.getTime() > windowHours * 3_600_000) {
      return fail(
        new ChannelSendError(
          `The customer last wrote on this channel more than ${windowHours} hours ago, and it only allows a reply within ${windowHours} hours: send an approved template, or reach them another way.`,
          `${message.channel}:outside-window`,
          false,
        ),
      );
    }
  }
  await db.message.update({ where: { id: message.id }, data: { status: 'sending', attempts: { increment: 1 } } });
  try {
    const thread = can.threadsReplies ? await threadOf(db, message.conversationId, message.channel) : undefined;
    const context = can.repliesNeedContext ? await lastInboundContext(db, message.conversationId, message.channel) : undefined;
    const outbound = {
      messageId: message.id,
      channel: message.channel,
      to: message.toAddress,
      text: message.body,
      thread,
      context,
      suggestions: message.suggestions.length ? message.suggestions : undefined,
      automatic: message.fromBot,
    };
    // An earlier attempt that ended with no answer (the worker died mid-send, or the request timed out) may have
    // reached the provider: where the provider can say, look before sending again, so it goes out once.
    const unsure = message.status === 'sending' && (message.errorCode === null || message.errorCode === 'network');
    const result = (unsure && (await adapter.findSent?.(outbound, message.createdAt))) || (await adapter.send(outbound));
    await db.message.update({
      where: { id: message.id },
      data: {
        providerMessageId: result.providerMessageId,
        status: result.status === 'sending' ? 'sent' : result.status,
        sentAt: new Date(),
        fromAddress: result.from,
        errorCode: null,
        errorMessage: null,
        // A link to the customer's plan is theirs once it has gone: the stored copy keeps no working link.
        ...(hasPlanToken(message.body) ? { body: withoutPlanTokens(message.body) } : {}),
      },
    });
    await applyDeliveryReports(db, message.channel, result.providerMessageId);
    return { kind: 'sent', conversationId: message.conversationId };
  } catch (error) {
    const sendError = error instanceof ChannelSendError ? error : new ChannelSendError(String(error), 'internal', true);
    if (!sendError.retryable || isLastAttempt) {
      const outcome = await fail(sendError);
      if (!sendError.retryable) throw new UnrecoverableError(`${sendError.code}: ${sendError.message}`);
      return outcome;
    }
    await db.message.update({ where: { id: message.id }, data: { errorCode: sendError.code, errorMessage: sendError.message } });
    throw sendError;
  }
}

/** The provider's routing data kept with the customer's latest message on this channel (the inbox row's raw). */
async function lastInboundContext(db: Db, conversationId: string, channel: ChannelKind): Promise<Record<string, unknown> | undefined> {
  const last = await db.message.findFirst({ where: { conversationId, channel, direction: 'inbound' }, orderBy: { createdAt: 'desc' }, select: { id: true } });
  if (!last) return undefined;
  const item = await db.inboxItem.findFirst({ where: { messageId: last.id }, select: { contact: true } });
  const raw = (item?.contact as { raw?: unknown } | null)?.raw;
  return raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : undefined;
}

/**
 * The customer's latest message on this channel in the conversation (an email): the reply answers it and keeps
 * its subject. The conversation's reference goes in the subject too, for replies whose mail program drops the headers.
 */
async function threadOf(db: Db, conversationId: string, channel: ChannelKind): Promise<OutboundMessage['thread']> {
  const reference = await referenceFor(db, conversationId);
  const last = await db.message.findFirst({
    where: { conversationId, channel, direction: 'inbound' },
    orderBy: { createdAt: 'desc' },
    select: { id: true, providerMessageId: true },
  });
  if (!last?.providerMessageId) return { references: [], reference };
  const inbox = await db.inboxItem.findFirst({ where: { messageId: last.id }, select: { contact: true } });
  const raw = (inbox?.contact as { raw?: { subject?: unknown; references?: unknown } } | null)?.raw;
  const references = Array.isArray(raw?.references) ? raw.references.filter((r): r is string => typeof r === 'string') : [];
  return { inReplyTo: last.providerMessageId, references, subject: typeof raw?.subject === 'string' && raw.subject ? raw.subject : undefined, reference };
}

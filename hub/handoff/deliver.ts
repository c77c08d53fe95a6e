// The hand-off worker's step: send one delivery (outbox row) to its service's target. A temporary failure
// is thrown so BullMQ retries it with backoff; a permanent one, or the last attempt, marks it failed and the
// hand-off with it, for a supervisor to act on. Sending happens before the row is marked, so a worker that
// dies in between sends again (at least once): receivers dedupe on the delivery id.
import type { WebClient } from '@slack/web-api';
import type { Db } from '../db/client.ts';
import type { ChannelAdapter } from '../../channels/contract.ts';
import { ChannelSendError } from '../../channels/contract.ts';
import { DeliveryError } from './targets/errors.ts';
import { postWebhook, webhookBody } from './targets/webhook.ts';
import { fallbackText, handoffBlocks } from './slack/blocks.ts';
import { inTheirWords, loadHandoffView, summaryLines, type HandoffView, type HandoffWords } from './view.ts';

export interface DeliveryTargets {
  slack: WebClient | null;
  /** The email channel's adapter, which sends through the council's relay. */
  email: ChannelAdapter | undefined;
  webhookTimeoutMs: number;
  publicBaseUrl: string;
  words: HandoffWords;
}

export type DeliveryOutcome =
  | { kind: 'skipped' }
  | { kind: 'sent'; handoffId: string; delivered: boolean }
  | { kind: 'failed'; handoffId: string; error: string };

export async function deliverHandoff(db: Db, targets: DeliveryTargets, deliveryId: string, isLastAttempt: boolean): Promise<DeliveryOutcome> {
  const delivery = await db.handoffDelivery.findUnique({ where: { id: deliveryId } });
  if (!delivery || delivery.status !== 'queued') return { kind: 'skipped' };
  await db.handoffDelivery.update({ where: { id: deliveryId }, data: { attempts: { increment: 1 } } });
  const view = await loadHandoffView(db, delivery.handoffId, targets.words);
  if (!view) return { kind: 'skipped' };
  try {
    await send(db, targets, view, delivery);
  } catch (error) {
    const permanent = error instanceof DeliveryError ? error.permanent : error instanceof ChannelSendError ? !error.retryable : false;
    const message = (error as Error).message.slice(0, 500);
    if (!permanent && !isLastAttempt) {
      await db.handoffDelivery.update({ where: { id: deliveryId }, data: { lastError: message } });
      throw error;
    }
    await db.$transaction([
      db.handoffDelivery.update({ where: { id: deliveryId }, data: { status: 'failed', lastError: message } }),
      // Only the hand-off itself failing leaves the service without it; a failed update or reminder is logged.
      ...(delivery.kind === 'handoff'
        ? [
            db.handoff.updateMany({ where: { id: view.id, status: 'sent' }, data: { status: 'failed', statusAt: new Date() } }),
            db.handoffEvent.create({ data: { handoffId: view.id, kind: 'delivery_failed', detail: { target: delivery.target, error: message } } }),
          ]
        : []),
    ]);
    return { kind: 'failed', handoffId: view.id, error: message };
  }
  const delivered = delivery.kind === 'handoff';
  await db.$transaction([
    db.handoffDelivery.update({ where: { id: deliveryId }, data: { status: 'sent', sentAt: new Date(), lastError: null } }),
    ...(delivered
      ? [
          db.handoff.updateMany({ where: { id: view.id, status: { in: ['sent', 'failed'] } }, data: { status: 'delivered', statusAt: new Date() } }),
          db.handoffEvent.create({ data: { handoffId: view.id, kind: 'delivered', detail: { target: delivery.target } } }),
        ]
      : []),
  ]);
  return { kind: 'sent', handoffId: view.id, delivered };
}

async function send(db: Db, targets: DeliveryTargets, view: HandoffView, delivery: { id: string; kind: 'handoff' | 'update' | 'reminder'; target: string }): Promise<void> {
  const deskLink = `${targets.publicBaseUrl}/desk/#/handoffs/${view.id}`;
  switch (delivery.target) {
    case 'desk':
      return; // the desk's service view reads the hand-off itself
    case 'webhook': {
      const service = await db.service.findUniqueOrThrow({ where: { id: view.service.id }, select: { webhookUrl: true, webhookSecret: true } });
      if (!service.webhookUrl || !service.webhookSecret) throw new DeliveryError(`${view.service.name} has no webhook URL and secret`, true);
      return postWebhook({ url: service.webhookUrl, secret: service.webhookSecret, deliveryId: delivery.id, kind: delivery.kind, body: webhookBody(view, { desk: deskLink }), timeoutMs: targets.webhookTimeoutMs });
    }
    case 'slack':
      return sendToSlack(db, targets, view, delivery.kind);
    case 'email':
      return sendEmail(db, targets, view, delivery);
    default:
      throw new DeliveryError(`unknown target ${delivery.target}`, true);
  }
}

async function sendToSlack(db: Db, targets: DeliveryTargets, view: HandoffView, kind: 'handoff' | 'update' | 'reminder'): Promise<void> {
  if (!targets.slack) throw new DeliveryError('Slack is not configured in this hub (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET)', true);
  const channel = view.slack?.channel ?? view.service.slackChannel;
  if (!channel) throw new DeliveryError(`${view.service.name} has no Slack channel`, true);
  const others = await db.service.findMany({ where: { active: true, id: { not: view.service.id } }, orderBy: { name: 'asc' }, select: { id: true, name: true } });
  // The post is the delivery: the team reads it as received, waiting for someone to accept it.
  const shown = kind === 'handoff' && view.status === 'sent' ? { ...view, status: 'delivered' as const } : view;
  const message = { text: fallbackText(view), blocks: handoffBlocks(shown, others) };
  try {
    if (kind === 'handoff') {
      if (view.slack) return; // posted already (a retry after the row was saved)
      const posted = await targets.slack.chat.postMessage({ channel, ...message, unfurl_links: false });
      await db.handoff.update({ where: { id: view.id }, data: { slackChannel: posted.channel ?? channel, slackTs: posted.ts ?? null } });
      return;
    }
    // Not posted yet: the post, when it goes, shows the state as it is then.
    if (!view.slack) return;
    if (kind === 'update') await targets.slack.chat.update({ channel: view.slack.channel, ts: view.slack.ts, ...message });
    else await targets.slack.chat.postMessage({ channel: view.slack.channel, thread_ts: view.slack.ts, reply_broadcast: true, text: `Reminder: hand-off ${view.reference} has not been accepted yet. Please accept it, redirect it, or reply to the customer.` });
  } catch (error) {
    throw slackError(error);
  }
}

/** Slack's own refusals (a channel that does not exist, a bot not in it, a revoked token) will not fix themselves. */
function slackError(error: unknown): Error {
  const e = error as Error & { code?: string; data?: { error?: string } };
  if (e.code === 'slack_webapi_platform_error') {
    const temporary = ['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout'].includes(e.data?.error ?? '');
    return new DeliveryError(`Slack refused it: ${e.data?.error}`, !temporary);
  }
  return new DeliveryError(`could not reach Slack: ${e.message}`, false);
}

async function sendEmail(db: Db, targets: DeliveryTargets, view: HandoffView, delivery: { id: string; kind: 'handoff' | 'update' | 'reminder' }): Promise<void> {
  if (!targets.email) throw new DeliveryError('email is not switched on in this hub', true);
  if (delivery.kind === 'update') return; // the service's own status changes need no email back to it
  const service = await db.service.findUniqueOrThrow({ where: { id: view.service.id }, select: { handoffEmail: true } });
  if (!service.handoffEmail) throw new DeliveryError(`${view.service.name} has no hand-off email address`, true);
  const reminder = delivery.kind === 'reminder' ? 'Reminder: not yet accepted. ' : '';
  const lines = [
    ...summaryLines(view),
    '',
    'In their words:',
    ...inTheirWords(view).map((text) => `> ${text}`),
    '',
    'Reply to this email to answer the customer; your reply is sent to them and kept with the hand-off.',
  ];
  const sent = await targets.email.send({
    messageId: delivery.id,
    channel: 'email',
    to: service.handoffEmail,
    subject: `${reminder}${view.urgent ? 'URGENT ' : ''}Hand-off ${view.reference}: ${view.needs.map((n) => n.label).join('; ')}`.slice(0, 200),
    text: lines.join('\n'),
  });
  if (delivery.kind === 'handoff') await db.handoff.update({ where: { id: view.id }, data: { emailMessageId: sent.providerMessageId } });
}

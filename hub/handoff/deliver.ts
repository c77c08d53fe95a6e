// The hand-off worker's step: send one delivery (outbox row) to its service's target. A temporary failure
// is thrown so BullMQ retries it with backoff; a permanent one, or the last attempt, marks it failed and the
// hand-off with it, for a supervisor to act on. Sending happens before the row is marked, so a worker that
// dies in between sends again (at least once): receivers dedupe on the delivery id.
import type { WebClient } from '@slack/web-api';
import type { Db } from '../db/client.ts';
import type { ChannelAdapter } from '../../channels/contract.ts';
import { ChannelSendError } from '../../channels/contract.ts';
import { DeliveryError, type Delivery } from './targets/errors.ts';
import { sendToWebhook } from './targets/webhook.ts';
import { sendToSlack } from './targets/slack/send.ts';
import { sendEmail } from './targets/email.ts';
import { loadHandoffView, type HandoffView, type HandoffWords } from './view.ts';

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

async function send(db: Db, targets: DeliveryTargets, view: HandoffView, delivery: Delivery & { target: string }): Promise<void> {
  const deskLink = `${targets.publicBaseUrl}/desk/`;
  switch (delivery.target) {
    case 'desk':
      return; // the desk's service view reads the hand-off itself
    case 'webhook':
      return sendToWebhook(db, view, delivery, { timeoutMs: targets.webhookTimeoutMs, deskLink });
    case 'slack':
      return sendToSlack(db, targets.slack, view, delivery);
    case 'email':
      return sendEmail(db, targets.email, view, delivery);
    default:
      throw new DeliveryError(`unknown target ${delivery.target}`, true);
  }
}

// The hand-off worker's step: send one delivery (outbox row) to its service's target. A temporary failure
// is thrown so BullMQ retries it with backoff; a permanent one, or the last attempt, marks it failed and the
// hand-off with it, for a supervisor to act on. Sending happens before the row is marked, so a worker that
// dies in between sends again (at least once): receivers dedupe on the delivery id.
import { randomUUID } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import type { Db } from '../db/client.ts';
import type { ChannelAdapter } from '../../channels/contract.ts';
import { ChannelSendError } from '../../channels/contract.ts';
import { DeliveryError, type Delivery } from './targets/errors.ts';
import { sendToWebhook } from './targets/webhook.ts';
import { sendToSlack } from './targets/slack/send.ts';
import { sendEmail } from './targets/email.ts';
import type { LocatedHandoff } from './dispatch.ts';
import { loadHandoffView, type HandoffView, type HandoffWords } from './view.ts';

export interface DeliveryTargets {
  slack: WebClient | null;
  /** The email channel's adapter, which sends through the council's relay. */
  email: ChannelAdapter | undefined;
  webhookTimeoutMs: number;
  publicBaseUrl: string;
  words: HandoffWords;
}

/** The hand-off with where it belongs, so the desks can be told without reading it again. */
export type DeliveryOutcome =
  | { kind: 'skipped' }
  | { kind: 'sent'; handoff: LocatedHandoff; delivered: boolean }
  | { kind: 'failed'; handoff: LocatedHandoff; error: string };

export async function deliverHandoff(db: Db, targets: DeliveryTargets, deliveryId: string, isLastAttempt: boolean): Promise<DeliveryOutcome> {
  // Counted as an attempt in the same statement that finds it still queued (sent or failed: nothing to do).
  const [delivery] = await db.handoffDelivery.updateManyAndReturn({ where: { id: deliveryId, status: 'queued' }, data: { attempts: { increment: 1 } } });
  if (!delivery) return { kind: 'skipped' };
  const view = await loadHandoffView(db, delivery.handoffId, targets.words);
  if (!view) return { kind: 'skipped' };
  const handoff: LocatedHandoff = { id: view.id, conversationId: view.conversationId, serviceId: view.service.id };
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
    return { kind: 'failed', handoff, error: message };
  }
  const delivered = delivery.kind === 'handoff';
  // One statement: the delivery marked sent and, for the hand-off itself, the hand-off delivered with its event.
  await db.$executeRaw`
    WITH sent AS (
      UPDATE "HandoffDelivery" SET "status" = 'sent', "sentAt" = now(), "lastError" = NULL WHERE "id" = ${deliveryId}::uuid
    ), handoff AS (
      UPDATE "Handoff" SET "status" = 'delivered', "statusAt" = now(), "updatedAt" = now()
      WHERE ${delivered} AND "id" = ${view.id}::uuid AND "status" IN ('sent', 'failed')
    )
    INSERT INTO "HandoffEvent" ("id", "handoffId", "kind", "detail")
    SELECT ${randomUUID()}::uuid, ${view.id}::uuid, 'delivered'::"HandoffEventKind", ${JSON.stringify({ target: delivery.target })}::jsonb
    WHERE ${delivered}`;
  return { kind: 'sent', handoff, delivered };
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

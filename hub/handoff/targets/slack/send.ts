// Slack target: the hand-off as a message in the team's channel (posted once), brought up to date as its
// status changes, and a reminder in its thread when it is overdue.
import type { WebClient } from '@slack/web-api';
import type { Db } from '../../../db/client.ts';
import { DeliveryError, type Delivery } from '../errors.ts';
import type { HandoffView } from '../../view.ts';
import { escapeMrkdwn, fallbackText, handoffBlocks } from './blocks.ts';
import { namesOf } from '../../../../channels/registry.ts';
import { feedbackLines, relayedMessage } from '../../view.ts';

/** The customer's answer, in the hand-off's thread, where the team's replies go back to them. */
function customerAnswer(view: HandoffView, delivery: Delivery): string {
  const message = relayedMessage(view, delivery.messageId);
  return `The customer answered (by ${namesOf(message.channel).by}):\n>${escapeMrkdwn(message.text).replace(/\n/g, '\n>')}`;
}

export async function sendToSlack(db: Db, slack: WebClient | null, view: HandoffView, delivery: Delivery): Promise<void> {
  const kind = delivery.kind;
  if (!slack) throw new DeliveryError('Slack is not configured in this hub (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET)', true);
  const channel = view.slack?.channel ?? view.service.slackChannel;
  if (!channel) throw new DeliveryError(`${view.service.name} has no Slack channel`, true);
  /** The hand-off message itself, as it stands (with the services it may be redirected to). */
  const message = async () => {
    const others = await db.service.findMany({
      where: { active: true, id: { not: view.service.id } },
      orderBy: { name: 'asc' },
      select: { id: true, name: true },
    });
    // The post is the delivery: the team reads it as received, waiting for someone to accept it.
    const shown = kind === 'handoff' && view.status === 'sent' ? { ...view, status: 'delivered' as const } : view;
    return { text: fallbackText(view), blocks: handoffBlocks(shown, others) };
  };
  try {
    if (kind === 'handoff') {
      if (view.slack) return; // posted already (a retry after the row was saved)
      const posted = await slack.chat.postMessage({ channel, ...(await message()), unfurl_links: false });
      await db.handoff.update({ where: { id: view.id }, data: { slackChannel: posted.channel ?? channel, slackTs: posted.ts ?? null } });
      return;
    }
    // Not posted yet: the post, when it goes, shows the state as it is then.
    if (!view.slack) return;
    if (kind === 'update') await slack.chat.update({ channel: view.slack.channel, ts: view.slack.ts, ...(await message()) });
    else if (kind === 'customer_message')
      await slack.chat.postMessage({ channel: view.slack.channel, thread_ts: view.slack.ts, text: customerAnswer(view, delivery) });
    else if (kind === 'feedback')
      // Plain words, not markup: a service named "Housing & Homes" reads as written.
      await slack.chat.postMessage({
        channel: view.slack.channel,
        thread_ts: view.slack.ts,
        text: escapeMrkdwn(feedbackLines(view, delivery.followUpId).join('\n')),
      });
    else
      await slack.chat.postMessage({
        channel: view.slack.channel,
        thread_ts: view.slack.ts,
        reply_broadcast: true,
        text: `Reminder: hand-off ${view.reference} has not been accepted yet. Please accept it, redirect it, or reply to the customer.`,
      });
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

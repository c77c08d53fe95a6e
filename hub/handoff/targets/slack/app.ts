// Slack hand-offs, both ways, with the real Bolt app: Slack's requests (button presses, the reply and close
// forms, replies in a hand-off's thread) arrive at /slack/events, where Bolt checks Slack's signature over
// the raw body and refuses anything forged or stale; each is turned into a change of the hand-off
// (status.ts), keyed by Slack's own ids so a retried request is applied once. Messages go out through the
// hand-off worker (deliver.ts), with the same Web API client.
import type { Router } from 'express';
import { App, ExpressReceiver, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import express from 'express';
import { WebClient } from '@slack/web-api';
import type { Logger } from '../../../logger.ts';
import { HandoffError } from '../../create.ts';
import type { HandoffDeps } from '../../dispatch.ts';
import { acceptHandoff, closeHandoff, redirectHandoff, replyFromService, type Actor, type ChangeResult } from '../../status.ts';
import { loadHandoffView, type HandoffWords } from '../../view.ts';
import { ACTIONS, VIEWS, textModal } from './blocks.ts';

export interface SlackSettings {
  botToken: string;
  signingSecret: string;
  apiUrl: string;
}

export const SLACK_EVENTS_PATH = '/slack/events';

/** The Web API client the hand-off worker posts with; retries are the hand-off queue's, not the SDK's. */
export function slackClient(settings: SlackSettings): WebClient {
  return new WebClient(settings.botToken, { slackApiUrl: settings.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
}

export interface SlackApp {
  /** Mount before any body parser: Bolt needs the raw body to check the signature. */
  router: Router;
}

export function createSlackApp(settings: SlackSettings, deps: HandoffDeps & { words: HandoffWords }): SlackApp {
  const receiver = new ExpressReceiver({
    signingSecret: settings.signingSecret,
    endpoints: SLACK_EVENTS_PATH,
    logger: boltLogger(deps.logger),
    processBeforeResponse: true,
  });
  const app = new App({
    // An authorize function instead of a token: Bolt would otherwise call auth.test when built, and a Slack
    // outage at that moment would leave it refusing every request until restart.
    authorize: async () => ({ botToken: settings.botToken }),
    receiver,
    logger: boltLogger(deps.logger),
    logLevel: LogLevel.WARN,
    clientOptions: { slackApiUrl: settings.apiUrl, retryConfig: { retries: 1 } },
  });
  const names = new Map<string, { name: string; at: number }>();

  /** "Sam Patel (Slack)": who acted, as the hub and the customer's lead agent see it. */
  async function actor(client: WebClient, userId: string, providerKey: string): Promise<Actor> {
    const cached = names.get(userId);
    if (cached && Date.now() - cached.at < 10 * 60_000) return { name: cached.name, providerKey };
    const info = await client.users.info({ user: userId }).catch(() => null);
    const name = `${info?.user?.profile?.real_name || info?.user?.real_name || info?.user?.name || userId} (Slack)`;
    names.set(userId, { name, at: Date.now() });
    return { name, providerKey };
  }

  /** A refusal (already closed, cannot reach the customer) is told to the person who pressed, only to them. */
  async function tell(client: WebClient, channel: string | undefined, user: string, error: unknown): Promise<void> {
    if (!(error instanceof HandoffError)) throw error;
    if (channel) await client.chat.postEphemeral({ channel, user, text: `That did not work: ${error.message}.` }).catch(() => undefined);
  }

  /** Applies what a committed change leads to (its deliveries, messages, timers, the desks told). */
  const apply = async (change: Promise<ChangeResult>) => deps.effects.run((await change).effects);

  // One key per press: the message, the button and Slack's timestamp of the press.
  const actionKey = (body: { container?: { message_ts?: string } }, action: { action_id: string; action_ts: string }) =>
    `slack:action:${body.container?.message_ts}:${action.action_id}:${action.action_ts}`;

  app.action<import('@slack/bolt').BlockAction<import('@slack/bolt').ButtonAction>>(ACTIONS.accept, async ({ ack, body, action, client }) => {
    await ack();
    await apply(acceptHandoff(deps, action.value ?? '', await actor(client, body.user.id, actionKey(body, action)))).catch((e) =>
      tell(client, body.channel?.id, body.user.id, e),
    );
  });

  app.action<import('@slack/bolt').BlockAction<import('@slack/bolt').StaticSelectAction>>(ACTIONS.redirect, async ({ ack, body, action, client }) => {
    await ack();
    const [handoffId = '', serviceId = ''] = action.selected_option.value.split(':');
    await apply(redirectHandoff(deps, handoffId, serviceId, await actor(client, body.user.id, actionKey(body, action)))).catch((e) =>
      tell(client, body.channel?.id, body.user.id, e),
    );
  });

  for (const kind of ['reply', 'close'] as const) {
    app.action<import('@slack/bolt').BlockAction<import('@slack/bolt').ButtonAction>>(ACTIONS[kind], async ({ ack, body, action, client }) => {
      await ack();
      const view = await loadHandoffView(deps.db, action.value ?? '', deps.words);
      if (view) await client.views.open({ trigger_id: body.trigger_id, view: textModal(kind, view) as never });
    });
  }

  // A submitted form: the work is done before answering, so a refusal shows in the form itself.
  for (const kind of ['reply', 'close'] as const) {
    app.view(VIEWS[kind], async ({ ack, body, view, client }) => {
      const text = view.state.values.text?.value?.value?.trim() ?? '';
      const who = await actor(client, body.user.id, `slack:view:${view.id}:${view.hash}`);
      try {
        await apply(kind === 'reply' ? replyFromService(deps, view.private_metadata, text, who) : closeHandoff(deps, view.private_metadata, text, who));
      } catch (error) {
        if (!(error instanceof HandoffError)) throw error;
        return void (await ack({ response_action: 'errors', errors: { text: error.message } }));
      }
      await ack();
    });
  }

  // A reply in a hand-off's thread goes to the customer. Bots (ourselves included) and edits are not replies.
  app.event('message', async ({ event, body, client }) => {
    const m = event as { subtype?: string; bot_id?: string; user?: string; text?: string; channel: string; thread_ts?: string; ts: string };
    if (m.subtype || m.bot_id || !m.user || !m.thread_ts || m.thread_ts === m.ts || !m.text?.trim()) return;
    const handoff = await deps.db.handoff.findUnique({
      where: { slackChannel_slackTs: { slackChannel: m.channel, slackTs: m.thread_ts } },
      select: { id: true },
    });
    if (!handoff) return;
    const eventId = (body as { event_id?: string }).event_id ?? `${m.channel}:${m.ts}`;
    await apply(replyFromService(deps, handoff.id, m.text, await actor(client, m.user, `slack:event:${eventId}`))).catch((e) =>
      tell(client, m.channel, m.user!, e),
    );
  });

  // Rethrown: Bolt then answers 500, and Slack retries an event (the event id keeps it from counting twice).
  app.error(async (error) => {
    deps.logger.warn({ err: error.message }, 'Slack request failed');
    throw error;
  });
  // Bolt refuses a request signed more than five minutes ago, but not one "signed" in the future: a captured
  // request with a future timestamp would stay replayable for as long as that. Both directions are refused here.
  const router = express.Router();
  router.post(SLACK_EVENTS_PATH, (req, res, next) => {
    const signedAt = Number(req.headers['x-slack-request-timestamp']);
    if (Number.isFinite(signedAt) && Math.abs(Date.now() / 1000 - signedAt) > SLACK_CLOCK_SKEW_SECONDS)
      return void res.status(401).json({ error: 'the request is not signed now' });
    next();
  });
  router.use(receiver.router);
  return { router: router as Router };
}

/** How far a Slack request's signing time may be from ours, either way (Slack's own advice: five minutes). */
const SLACK_CLOCK_SKEW_SECONDS = 300;

function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.WARN;
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (...msg: unknown[]) => logger.warn({ from: 'slack' }, msg.map(String).join(' ')),
    error: (...msg: unknown[]) => logger.error({ from: 'slack' }, msg.map(String).join(' ')),
    setLevel: (l: LogLevel) => void (level = l),
    getLevel: () => level,
    setName: () => undefined,
  };
}

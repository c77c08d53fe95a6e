// Posts requests to the hub the way Slack does: signed with the app's signing secret
// (X-Slack-Signature: v0=HMAC-SHA256(secret, "v0:<timestamp>:<raw body>"), X-Slack-Request-Timestamp: unix seconds),
// interactivity as `application/x-www-form-urlencoded` with one `payload=<JSON>` field, events as JSON,
// retries with X-Slack-Retry-Num / X-Slack-Retry-Reason. Payload builders follow Slack's documented shapes
// (and @slack/bolt 5's types in dist/types/{actions/block-action,view,events}.d.ts).
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { FAKE_SLACK_APP_ID, FAKE_SLACK_BOT_ID, FAKE_SLACK_BOT_USER_ID, FAKE_SLACK_TEAM_DOMAIN, FAKE_SLACK_TEAM_ID } from './fake-slack.ts';

/** The test app's signing secret (32 hex characters, as Slack issues them). */
export const SLACK_SIGNING_SECRET = '8f742231b10e8888abcd99ed2d8e85a5';
const WRONG_SECRET = '0123456789abcdef0123456789abcdef';
export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackSignatureHeaders {
  'x-slack-request-timestamp': string;
  'x-slack-signature': string;
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

export function signSlackBody(secret: string, rawBody: string, timestamp: number = nowSeconds()): SlackSignatureHeaders {
  const signature = createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex');
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': `v0=${signature}` };
}

export interface SlackPostOptions {
  secret?: string;
  /** Unix seconds to sign with (default now); e.g. `nowSeconds() - 301` for a stale request. */
  timestamp?: number;
  /** Sign with a wrong secret. */
  forge?: boolean;
  path?: string;
}

async function postSigned(hubUrl: string, rawBody: string, contentType: string, opts: SlackPostOptions, extra: Record<string, string> = {}) {
  const secret = opts.forge ? WRONG_SECRET : (opts.secret ?? SLACK_SIGNING_SECRET);
  const headers: Record<string, string> = {
    // Exactly this value: Bolt 5 compares content-type with === 'application/x-www-form-urlencoded' (no charset).
    'content-type': contentType,
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    accept: 'application/json,*/*',
    ...signSlackBody(secret, rawBody, opts.timestamp ?? nowSeconds()),
    ...extra,
  };
  return fetch(hubUrl + (opts.path ?? SLACK_EVENTS_PATH), { method: 'POST', headers, body: rawBody });
}

/** The raw body Slack sends for interactivity: one form field `payload` holding the JSON. */
export function interactionBody(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export function postSlackInteraction(hubUrl: string, payload: object, opts: SlackPostOptions = {}): Promise<Response> {
  return postSigned(hubUrl, interactionBody(payload), 'application/x-www-form-urlencoded', opts);
}

export function postSlackEvent(hubUrl: string, envelope: object, opts: SlackPostOptions & { retryNum?: number; retryReason?: string } = {}): Promise<Response> {
  const extra: Record<string, string> = {};
  if (opts.retryNum !== undefined) {
    extra['x-slack-retry-num'] = String(opts.retryNum);
    extra['x-slack-retry-reason'] = opts.retryReason ?? 'http_timeout';
  }
  return postSigned(hubUrl, JSON.stringify(envelope), 'application/json', opts, extra);
}

// ---------------------------------------------------------------------------------------------------------------------
// Payload builders

const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');
const upperId = (prefix: string, n = 10) => prefix + randomBytes(n).toString('hex').toUpperCase().slice(0, n);
/** A Slack-style "seconds.micros" timestamp string. */
export const slackTs = (date = new Date()) => `${Math.floor(date.getTime() / 1000)}.${digits(6)}`;
export const newTriggerId = () => `${digits(13)}.${digits(13)}.${randomBytes(16).toString('hex')}`;
export const newEventId = () => upperId('Ev');
const responseUrl = (kind: 'actions' | 'commands') =>
  `https://hooks.slack.com/${kind}/${FAKE_SLACK_TEAM_ID}/${digits(13)}/${randomBytes(12).toString('base64url')}`;

export interface BlockActionsInput {
  userId: string;
  userName?: string;
  channelId: string;
  channelName?: string;
  messageTs: string;
  actionId: string;
  blockId?: string;
  /** Button value (type 'button'). */
  value?: string;
  /** Makes the action a static_select with this selected option. */
  selectedOption?: { value: string; text: string };
  actionTs?: string;
  triggerId?: string;
  /** The message the action was on, as the app posted it (text/blocks); defaults to a bot message with no blocks. */
  message?: { text?: string; blocks?: unknown[]; thread_ts?: string };
}

export function blockActionsPayload(input: BlockActionsInput) {
  const username = input.userName ?? input.userId.toLowerCase();
  const blockId = input.blockId ?? randomBytes(3).toString('base64url');
  const actionTs = input.actionTs ?? slackTs();
  const action = input.selectedOption
    ? {
        type: 'static_select' as const,
        action_id: input.actionId,
        block_id: blockId,
        selected_option: { text: { type: 'plain_text', text: input.selectedOption.text, emoji: true }, value: input.selectedOption.value },
        placeholder: { type: 'plain_text', text: 'Choose', emoji: true },
        action_ts: actionTs,
      }
    : {
        type: 'button' as const,
        action_id: input.actionId,
        block_id: blockId,
        text: { type: 'plain_text', text: input.actionId, emoji: true },
        ...(input.value !== undefined ? { value: input.value } : {}),
        action_ts: actionTs,
      };
  return {
    type: 'block_actions' as const,
    user: { id: input.userId, username, name: username, team_id: FAKE_SLACK_TEAM_ID },
    api_app_id: FAKE_SLACK_APP_ID,
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: input.messageTs, channel_id: input.channelId, is_ephemeral: false },
    trigger_id: input.triggerId ?? newTriggerId(),
    team: { id: FAKE_SLACK_TEAM_ID, domain: FAKE_SLACK_TEAM_DOMAIN },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: input.channelId, name: input.channelName ?? 'contact-hub' },
    message: {
      type: 'message' as const,
      subtype: undefined,
      user: FAKE_SLACK_BOT_USER_ID,
      bot_id: FAKE_SLACK_BOT_ID,
      app_id: FAKE_SLACK_APP_ID,
      text: input.message?.text ?? '',
      ts: input.messageTs,
      team: FAKE_SLACK_TEAM_ID,
      ...(input.message?.blocks ? { blocks: input.message.blocks } : {}),
      ...(input.message?.thread_ts ? { thread_ts: input.message.thread_ts } : {}),
    },
    state: { values: {} },
    response_url: responseUrl('actions'),
    actions: [action],
  };
}

export interface ViewSubmissionInput {
  userId: string;
  userName?: string;
  callbackId: string;
  privateMetadata: string;
  values: Record<string, Record<string, { type: 'plain_text_input'; value: string | null }>>;
  viewId?: string;
  title?: string;
  triggerId?: string;
}

export function viewSubmissionPayload(input: ViewSubmissionInput) {
  const viewId = input.viewId ?? upperId('V');
  const username = input.userName ?? input.userId.toLowerCase();
  return {
    type: 'view_submission' as const,
    team: { id: FAKE_SLACK_TEAM_ID, domain: FAKE_SLACK_TEAM_DOMAIN },
    user: { id: input.userId, username, name: username, team_id: FAKE_SLACK_TEAM_ID },
    api_app_id: FAKE_SLACK_APP_ID,
    token: 'legacy-verification-token',
    trigger_id: input.triggerId ?? newTriggerId(),
    view: {
      id: viewId,
      team_id: FAKE_SLACK_TEAM_ID,
      type: 'modal',
      blocks: Object.entries(input.values).map(([blockId, actions]) => ({
        type: 'input',
        block_id: blockId,
        label: { type: 'plain_text', text: blockId, emoji: true },
        optional: false,
        dispatch_action: false,
        element: {
          type: 'plain_text_input',
          action_id: Object.keys(actions)[0] ?? blockId,
          dispatch_action_config: { trigger_actions_on: ['on_enter_pressed'] },
        },
      })),
      private_metadata: input.privateMetadata,
      callback_id: input.callbackId,
      state: { values: input.values },
      hash: `${nowSeconds()}.${randomBytes(4).toString('hex')}`,
      title: { type: 'plain_text', text: input.title ?? 'Contact hub', emoji: true },
      clear_on_close: false,
      notify_on_close: false,
      close: { type: 'plain_text', text: 'Cancel', emoji: true },
      submit: { type: 'plain_text', text: 'Submit', emoji: true },
      previous_view_id: null,
      root_view_id: viewId,
      app_id: FAKE_SLACK_APP_ID,
      external_id: '',
      app_installed_team_id: FAKE_SLACK_TEAM_ID,
      bot_id: FAKE_SLACK_BOT_ID,
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

export interface MessageEventInput {
  eventId?: string;
  channelId: string;
  userId: string;
  text: string;
  ts?: string;
  threadTs?: string;
  /** Set for messages posted by a bot (the hub's own posts carry FAKE_SLACK_BOT_ID). */
  botId?: string;
  subtype?: string;
  channelType?: 'channel' | 'group' | 'im' | 'mpim';
}

export function messageEventEnvelope(input: MessageEventInput) {
  const ts = input.ts ?? slackTs();
  return {
    token: 'legacy-verification-token',
    team_id: FAKE_SLACK_TEAM_ID,
    context_team_id: FAKE_SLACK_TEAM_ID,
    context_enterprise_id: null,
    api_app_id: FAKE_SLACK_APP_ID,
    event: {
      type: 'message' as const,
      ...(input.subtype ? { subtype: input.subtype } : {}),
      ...(input.subtype || input.botId ? {} : { client_msg_id: randomUUID() }),
      channel: input.channelId,
      user: input.userId,
      text: input.text,
      ts,
      ...(input.threadTs ? { thread_ts: input.threadTs, parent_user_id: FAKE_SLACK_BOT_USER_ID } : {}),
      ...(input.botId ? { bot_id: input.botId, app_id: FAKE_SLACK_APP_ID } : {}),
      team: FAKE_SLACK_TEAM_ID,
      blocks: [
        {
          type: 'rich_text',
          block_id: randomBytes(3).toString('base64url'),
          elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: input.text }] }],
        },
      ],
      channel_type: input.channelType ?? 'channel',
      event_ts: ts,
    },
    type: 'event_callback' as const,
    event_id: input.eventId ?? newEventId(),
    event_time: Math.floor(Number(ts)),
    authorizations: [{ enterprise_id: null, team_id: FAKE_SLACK_TEAM_ID, user_id: FAKE_SLACK_BOT_USER_ID, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-${randomBytes(24).toString('base64url')}`,
  };
}

export function urlVerification(challenge: string) {
  return { token: 'legacy-verification-token', challenge, type: 'url_verification' as const };
}

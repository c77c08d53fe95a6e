// The Slack test fakes, checked against the real SDKs: @slack/web-api's WebClient drives the fake Web API, Bolt's own
// verifier checks the request signatures, and a real Bolt App + ExpressReceiver mounted in an express app receives the
// signed requests.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseQuery } from 'node:querystring';
import express from 'express';
import {
  App,
  ExpressReceiver,
  isValidSlackRequest,
  verifySlackRequest,
  webApi,
  LogLevel,
  type BlockAction,
  type ButtonAction,
  type StaticSelectAction,
  type Logger,
} from '@slack/bolt';
import { startFakeSlack, type FakeSlack, FAKE_SLACK_TOKEN, FAKE_SLACK_BOT_ID, FAKE_SLACK_BOT_USER_ID, FAKE_SLACK_TEAM_ID } from '../../testkit/fake-slack.ts';
import {
  SLACK_SIGNING_SECRET,
  signSlackBody,
  interactionBody,
  nowSeconds,
  postSlackInteraction,
  postSlackEvent,
  blockActionsPayload,
  viewSubmissionPayload,
  messageEventEnvelope,
  urlVerification,
} from '../../testkit/slack-request.ts';

const { WebClient, ErrorCode, WebClientEvent } = webApi;
type WebClientT = InstanceType<typeof WebClient>;

function quietLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  let level = LogLevel.DEBUG;
  const rec =
    (lvl: string) =>
    (...msg: unknown[]) => {
      lines.push(`${lvl} ${msg.map(String).join(' ')}`);
    };
  return {
    lines,
    debug: () => {},
    info: rec('info'),
    warn: rec('warn'),
    error: rec('error'),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

async function listen(app: express.Express): Promise<{ url: string; server: Server }> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

async function stop(server: Server) {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** The platform error code of a rejected WebClient call. */
async function platformError(p: Promise<unknown>): Promise<{ code: string; error: string }> {
  const e = (await p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (err: unknown) => err,
  )) as { code: string; data?: { error: string } };
  return { code: e.code, error: e.data?.error ?? '' };
}

describe('fake Slack Web API, driven by @slack/web-api WebClient', () => {
  let fake: FakeSlack;
  let client: WebClientT;
  beforeAll(async () => {
    fake = await startFakeSlack();
    client = new WebClient(FAKE_SLACK_TOKEN, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: quietLogger() });
  });
  afterAll(() => fake.close());

  it('answers auth.test with the fixed bot identity and records the bearer token', async () => {
    const res = await client.auth.test();
    expect(res).toMatchObject({ ok: true, team_id: FAKE_SLACK_TEAM_ID, user_id: FAKE_SLACK_BOT_USER_ID, bot_id: FAKE_SLACK_BOT_ID });
    expect(res.url).toMatch(/^https:\/\/.+\.slack\.com\/$/);
    const call = await fake.waitFor('auth.test');
    expect(call.token).toBe(FAKE_SLACK_TOKEN);
    expect(call.contentType).toBe('application/x-www-form-urlencoded'); // what web-api 8 sends
  });

  it('records chat.postMessage with blocks decoded, gives increasing Slack-style ts, and echoes thread_ts', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*New hand-off*: housing repair' } }];
    const first = await client.chat.postMessage({ channel: 'C0HOUSING1', text: 'New hand-off', blocks, unfurl_links: false });
    const reply = await client.chat.postMessage({ channel: 'C0HOUSING1', text: 'Customer replied', thread_ts: first.ts! });

    expect(first).toMatchObject({
      ok: true,
      channel: 'C0HOUSING1',
      message: { type: 'message', text: 'New hand-off', blocks, user: FAKE_SLACK_BOT_USER_ID, bot_id: FAKE_SLACK_BOT_ID },
    });
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(first.message?.ts).toBe(first.ts);
    expect(Number(reply.ts)).toBeGreaterThan(Number(first.ts));
    expect(reply.message).toMatchObject({ thread_ts: first.ts });

    const posted = fake.posted('C0HOUSING1');
    expect(posted).toHaveLength(2);
    expect(posted[0]).toMatchObject({ channel: 'C0HOUSING1', text: 'New hand-off', blocks, unfurl_links: 'false' });
    expect(posted[1]).toMatchObject({ thread_ts: first.ts });
    expect(fake.posted('C0OTHER001')).toEqual([]);
  });

  it('updates a posted message, and answers message_not_found for a ts never posted in that channel', async () => {
    const { ts } = await client.chat.postMessage({ channel: 'C0UPDATE01', text: 'Waiting for an agent' });
    const updated = await client.chat.update({ channel: 'C0UPDATE01', ts: ts!, text: 'Claimed by Sam', blocks: [] });
    expect(updated).toMatchObject({ ok: true, channel: 'C0UPDATE01', ts, text: 'Claimed by Sam', message: { text: 'Claimed by Sam' } });
    expect(fake.message('C0UPDATE01', ts!)).toMatchObject({ text: 'Claimed by Sam', blocks: [] });

    expect(await platformError(client.chat.update({ channel: 'C0UPDATE01', ts: '1600000000.000100', text: 'x' }))).toEqual({
      code: ErrorCode.PlatformError,
      error: 'message_not_found',
    });
    expect(await platformError(client.chat.update({ channel: 'C0ELSEWHERE', ts: ts!, text: 'x' }))).toEqual({
      code: ErrorCode.PlatformError,
      error: 'message_not_found',
    });
  });

  it('answers chat.postEphemeral and views.open like Slack', async () => {
    const eph = await client.chat.postEphemeral({ channel: 'C0HOUSING1', user: 'U0AGENT001', text: 'Only you can see this' });
    expect(eph.ok).toBe(true);
    expect(eph.message_ts).toMatch(/^\d{10}\.\d{6}$/);

    const view = {
      type: 'modal' as const,
      callback_id: 'handoff_note',
      private_metadata: '{"handoffId":"h1"}',
      title: { type: 'plain_text' as const, text: 'Add a note' },
      blocks: [
        {
          type: 'input' as const,
          block_id: 'note',
          label: { type: 'plain_text' as const, text: 'Note' },
          element: { type: 'plain_text_input' as const, action_id: 'text' },
        },
      ],
    };
    const opened = await client.views.open({ trigger_id: '123.456.abc', view });
    expect(opened.view).toMatchObject({ callback_id: 'handoff_note', private_metadata: '{"handoffId":"h1"}', type: 'modal' });
    expect(opened.view?.id).toMatch(/^V/);
    expect(opened.view?.hash).toEqual(expect.any(String));
    const call = await fake.waitFor('views.open');
    expect(call.body.view).toEqual(view);
  });

  it('answers users.info from the table the test fills, user_not_found otherwise', async () => {
    fake.users.set('U0SAM00001', { real_name: 'Sam Patel' });
    const res = await client.users.info({ user: 'U0SAM00001' });
    expect(res.user).toMatchObject({ id: 'U0SAM00001', real_name: 'Sam Patel', profile: { real_name: 'Sam Patel', display_name: '' } });
    expect(res.user?.name).toBe('sam.patel');
    expect(await platformError(client.users.info({ user: 'U0NOBODY01' }))).toEqual({ code: ErrorCode.PlatformError, error: 'user_not_found' });
  });

  it('answers unknown_method, not_authed and invalid_auth as platform errors', async () => {
    expect(await platformError(client.apiCall('chat.doesNotExist', { channel: 'C1' }))).toMatchObject({ error: 'unknown_method' });
    const wrong = new WebClient('xoxb-wrong', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: quietLogger() });
    expect(await platformError(wrong.chat.postMessage({ channel: 'C1', text: 'hi' }))).toMatchObject({ error: 'invalid_auth' });
    const none = new WebClient(undefined, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: quietLogger() });
    expect(await platformError(none.chat.postMessage({ channel: 'C1', text: 'hi' }))).toMatchObject({ error: 'not_authed' });
    expect(fake.posted('C1')).toEqual([]);
  });

  it('also parses JSON bodies', async () => {
    const res = await fetch(`${fake.apiUrl}chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${FAKE_SLACK_TOKEN}` },
      body: JSON.stringify({ channel: 'C0JSON0001', text: 'json', blocks: [{ type: 'divider' }] }),
    });
    expect(await res.json()).toMatchObject({ ok: true, channel: 'C0JSON0001' });
    expect(fake.posted('C0JSON0001')[0]).toEqual({ channel: 'C0JSON0001', text: 'json', blocks: [{ type: 'divider' }] });
  });

  it('waitFor resolves on a future matching call', async () => {
    const waiting = fake.waitFor('chat.postMessage', (b) => b.channel === 'C0LATER001' && b.text === 'second');
    await client.chat.postMessage({ channel: 'C0LATER001', text: 'first' });
    await client.chat.postMessage({ channel: 'C0LATER001', text: 'second' });
    const call = await waiting;
    expect(call.body.text).toBe('second');
    expect(call.response).toEqual({ status: 200, ok: true });
  });

  it('injected error surfaces as the SDK platform error, once', async () => {
    fake.fail('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
    const err = await client.chat.postMessage({ channel: 'C0GONE0001', text: 'hi' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCode.PlatformError, data: { ok: false, error: 'channel_not_found' } });
    await expect(client.chat.postMessage({ channel: 'C0GONE0001', text: 'hi' })).resolves.toMatchObject({ ok: true });
    expect(fake.posted('C0GONE0001')).toHaveLength(1);
  });

  it('injected HTTP 500 surfaces as WebAPIHTTPError, and the SDK retries it when allowed', async () => {
    fake.fail('chat.postMessage', { kind: 'http', status: 500 });
    const err = await client.chat.postMessage({ channel: 'C0FLAKY001', text: 'hi' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCode.HTTPError, statusCode: 500 });

    const retrying = new WebClient(FAKE_SLACK_TOKEN, {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 },
      logger: quietLogger(),
    });
    fake.fail('chat.postMessage', { kind: 'http', status: 503 });
    await expect(retrying.chat.postMessage({ channel: 'C0FLAKY002', text: 'hi' })).resolves.toMatchObject({ ok: true });
    const calls = fake.calls.filter((c) => c.body.channel === 'C0FLAKY002');
    expect(calls.map((c) => c.response.status)).toEqual([503, 200]);
  });

  it('injected rate limit answers 429 with Retry-After, which the SDK honours', async () => {
    fake.fail('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 1 });
    const rejecting = new WebClient(FAKE_SLACK_TOKEN, {
      slackApiUrl: fake.apiUrl,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      logger: quietLogger(),
    });
    const err = await rejecting.chat.postMessage({ channel: 'C0BUSY0001', text: 'hi' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: ErrorCode.RateLimitedError, retryAfter: 1 });

    fake.fail('chat.postMessage', { kind: 'ratelimited', retryAfterSeconds: 1 });
    const waiting = new WebClient(FAKE_SLACK_TOKEN, {
      slackApiUrl: fake.apiUrl,
      retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 0 },
      logger: quietLogger(),
    });
    const limited: number[] = [];
    waiting.on(WebClientEvent.RATE_LIMITED, (sec: number) => limited.push(sec));
    await expect(waiting.chat.postMessage({ channel: 'C0BUSY0002', text: 'hi' })).resolves.toMatchObject({ ok: true });
    expect(limited).toEqual([1]);
    expect(fake.calls.filter((c) => c.body.channel === 'C0BUSY0002').map((c) => c.response.status)).toEqual([429, 200]);
  });
});

describe('Slack request signing, checked with Bolt’s own verifier', () => {
  const verify = (secret: string, body: string, h: { 'x-slack-signature': string; 'x-slack-request-timestamp': string }) =>
    isValidSlackRequest({
      signingSecret: secret,
      body,
      headers: { 'x-slack-signature': h['x-slack-signature'], 'x-slack-request-timestamp': Number(h['x-slack-request-timestamp']) },
    });

  it('uses a 32-hex-character signing secret', () => {
    expect(SLACK_SIGNING_SECRET).toMatch(/^[0-9a-f]{32}$/);
  });

  it('a signed body verifies; a forged, altered or stale one does not', () => {
    const body = interactionBody(
      blockActionsPayload({ userId: 'U0AGENT001', channelId: 'C0HOUSING1', messageTs: '1700000000.000100', actionId: 'claim', value: 'h1' }),
    );
    const headers = signSlackBody(SLACK_SIGNING_SECRET, body);
    expect(headers['x-slack-signature']).toMatch(/^v0=[0-9a-f]{64}$/);
    expect(verify(SLACK_SIGNING_SECRET, body, headers)).toBe(true);
    expect(() =>
      verifySlackRequest({
        signingSecret: SLACK_SIGNING_SECRET,
        body,
        headers: { 'x-slack-signature': headers['x-slack-signature'], 'x-slack-request-timestamp': Number(headers['x-slack-request-timestamp']) },
      }),
    ).not.toThrow();

    expect(verify(SLACK_SIGNING_SECRET, body, signSlackBody('ffffffffffffffffffffffffffffffff', body))).toBe(false);
    expect(verify(SLACK_SIGNING_SECRET, `${body}x`, headers)).toBe(false);
    const stale = signSlackBody(SLACK_SIGNING_SECRET, body, nowSeconds() - 5 * 60 - 1);
    expect(verify(SLACK_SIGNING_SECRET, body, stale)).toBe(false);
    expect(() =>
      verifySlackRequest({
        signingSecret: SLACK_SIGNING_SECRET,
        body,
        headers: { 'x-slack-signature': stale['x-slack-signature'], 'x-slack-request-timestamp': Number(stale['x-slack-request-timestamp']) },
      }),
    ).toThrow(/stale/);
  });

  it('interaction bodies are one form field `payload` holding the JSON, as Bolt parses them', () => {
    const payload = blockActionsPayload({ userId: 'U0AGENT001', channelId: 'C1', messageTs: '1.000001', actionId: 'claim', value: 'a b&c=d+é' });
    const parsed = parseQuery(interactionBody(payload));
    expect(Object.keys(parsed)).toEqual(['payload']);
    expect(JSON.parse(parsed.payload as string)).toEqual(JSON.parse(JSON.stringify(payload)));
  });
});

describe('a real Bolt App with ExpressReceiver mounted in an express app', () => {
  let fake: FakeSlack;
  let hubUrl: string;
  let server: Server;
  let client: WebClientT;
  const logger = quietLogger();
  const seen = {
    actions: [] as { actionId: string; value?: string; selected?: string; userId: string; ts?: string }[],
    views: [] as { callbackId: string; meta: string; values: unknown; userId: string }[],
    messages: [] as { text?: string; user?: string; eventId: string; retryNum?: number; retryReason?: string }[],
  };

  beforeAll(async () => {
    fake = await startFakeSlack();
    client = new WebClient(FAKE_SLACK_TOKEN, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: quietLogger() });

    const receiver = new ExpressReceiver({ signingSecret: SLACK_SIGNING_SECRET, processBeforeResponse: true, logger });
    const app = new App({
      token: FAKE_SLACK_TOKEN,
      receiver,
      logger,
      deferInitialization: true,
      clientOptions: { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } },
    });
    app.action<BlockAction<ButtonAction>>('claim', async ({ ack, body, action, client: bolted }) => {
      await ack();
      seen.actions.push({ actionId: action.action_id, value: action.value, userId: body.user.id, ts: body.message?.ts });
      await bolted.chat.update({ channel: body.channel!.id, ts: body.message!.ts, text: `Claimed by <@${body.user.id}>`, blocks: [] });
    });
    app.action<BlockAction<StaticSelectAction>>('route', async ({ ack, body, action }) => {
      await ack();
      seen.actions.push({ actionId: action.action_id, selected: action.selected_option.value, userId: body.user.id });
    });
    app.view('handoff_note', async ({ ack, view, body }) => {
      await ack();
      seen.views.push({ callbackId: view.callback_id, meta: view.private_metadata, values: view.state.values, userId: body.user.id });
    });
    app.event('message', async ({ event, body, context }) => {
      const e = event as { text?: string; user?: string };
      seen.messages.push({ text: e.text, user: e.user, eventId: body.event_id, retryNum: context.retryNum, retryReason: context.retryReason });
      if (e.text === 'fail please') throw new Error('inbox write failed');
    });
    await app.init(); // with deferInitialization, auth.test runs here and a failure rejects here

    const hub = express();
    hub.get('/healthz', (_req, res) => {
      res.send('ok');
    });
    hub.use(receiver.router);
    ({ url: hubUrl, server } = await listen(hub));
  });
  afterAll(async () => {
    await stop(server);
    await fake.close();
  });

  it('called auth.test once, with the bot token', () => {
    const auth = fake.calls.filter((c) => c.method === 'auth.test');
    expect(auth).toHaveLength(1);
    expect(auth[0]!.token).toBe(FAKE_SLACK_TOKEN);
  });

  it('runs the action handler for a signed block action, whose client updates the message on the fake', async () => {
    const { ts } = await client.chat.postMessage({ channel: 'C0HANDOFF1', text: 'New hand-off', blocks: [{ type: 'divider' }] });
    const res = await postSlackInteraction(
      hubUrl,
      blockActionsPayload({
        userId: 'U0AGENT001',
        userName: 'sam',
        channelId: 'C0HANDOFF1',
        messageTs: ts!,
        actionId: 'claim',
        value: 'handoff-1',
      }),
    );
    expect(res.status).toBe(200);
    expect(seen.actions).toContainEqual({ actionId: 'claim', value: 'handoff-1', userId: 'U0AGENT001', ts });
    const update = await fake.waitFor('chat.update', (b) => b.ts === ts);
    expect(update.token).toBe(FAKE_SLACK_TOKEN);
    // Bolt's per-team client adds team_id to every call it makes.
    expect(update.body).toMatchObject({ channel: 'C0HANDOFF1', ts, text: 'Claimed by <@U0AGENT001>', blocks: [], team_id: FAKE_SLACK_TEAM_ID });
    expect(fake.message('C0HANDOFF1', ts!)?.text).toBe('Claimed by <@U0AGENT001>');
  });

  it('passes a static_select choice through', async () => {
    const res = await postSlackInteraction(
      hubUrl,
      blockActionsPayload({
        userId: 'U0AGENT002',
        channelId: 'C0HANDOFF1',
        messageTs: '1700000000.000100',
        actionId: 'route',
        selectedOption: { value: 'housing.repair', text: 'Housing repair' },
      }),
    );
    expect(res.status).toBe(200);
    expect(seen.actions).toContainEqual({ actionId: 'route', selected: 'housing.repair', userId: 'U0AGENT002' });
  });

  it('refuses forged, stale and unsigned requests with 401 and runs no handler', async () => {
    const before = seen.actions.length;
    const payload = blockActionsPayload({ userId: 'U0AGENT001', channelId: 'C0HANDOFF1', messageTs: '1700000000.000100', actionId: 'claim', value: 'x' });
    expect((await postSlackInteraction(hubUrl, payload, { forge: true })).status).toBe(401);
    expect((await postSlackInteraction(hubUrl, payload, { timestamp: nowSeconds() - 301 })).status).toBe(401);
    const unsigned = await fetch(`${hubUrl}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: interactionBody(payload),
    });
    expect(unsigned.status).toBe(401);
    expect((await postSlackEvent(hubUrl, messageEventEnvelope({ channelId: 'C1', userId: 'U1', text: 'forged' }), { forge: true })).status).toBe(401);
    expect(seen.actions.length).toBe(before);
    expect(seen.messages.some((m) => m.text === 'forged')).toBe(false);
  });

  it('runs the view handler for a view submission', async () => {
    const values = { note: { text: { type: 'plain_text_input' as const, value: 'Called back, fixed' } } };
    const res = await postSlackInteraction(
      hubUrl,
      viewSubmissionPayload({ userId: 'U0AGENT001', callbackId: 'handoff_note', privateMetadata: '{"handoffId":"h1"}', values }),
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(seen.views).toContainEqual({ callbackId: 'handoff_note', meta: '{"handoffId":"h1"}', values, userId: 'U0AGENT001' });
  });

  it('answers url_verification with the challenge', async () => {
    const res = await postSlackEvent(hubUrl, urlVerification('3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('delivers message events, and delivers Slack retries again with retryNum in the context (no dedupe)', async () => {
    const envelope = messageEventEnvelope({
      eventId: 'Ev0RETRY0001',
      channelId: 'C0HANDOFF1',
      userId: 'U0AGENT001',
      text: 'on my way',
      threadTs: '1700000000.000100',
    });
    expect((await postSlackEvent(hubUrl, envelope)).status).toBe(200);
    expect((await postSlackEvent(hubUrl, envelope, { retryNum: 1, retryReason: 'http_timeout' })).status).toBe(200);
    expect(seen.messages.filter((m) => m.eventId === 'Ev0RETRY0001')).toEqual([
      { text: 'on my way', user: 'U0AGENT001', eventId: 'Ev0RETRY0001', retryNum: undefined, retryReason: undefined },
      { text: 'on my way', user: 'U0AGENT001', eventId: 'Ev0RETRY0001', retryNum: 1, retryReason: 'http_timeout' },
    ]);
  });

  it('ignores the bot’s own messages (ignoreSelf, using the ids from auth.test)', async () => {
    const res = await postSlackEvent(
      hubUrl,
      messageEventEnvelope({ channelId: 'C0HANDOFF1', userId: FAKE_SLACK_BOT_USER_ID, botId: FAKE_SLACK_BOT_ID, text: 'posted by the hub' }),
    );
    expect(res.status).toBe(200); // processBeforeResponse: the response comes after the middleware chain has finished
    expect(seen.messages.some((m) => m.text === 'posted by the hub')).toBe(false);
  });

  it('with processBeforeResponse, a listener that throws makes the response 500 (so Slack retries)', async () => {
    const res = await postSlackEvent(hubUrl, messageEventEnvelope({ channelId: 'C0HANDOFF1', userId: 'U0AGENT001', text: 'fail please' }));
    expect(res.status).toBe(500);
  });
});

describe('Bolt 5 receiver quirks the hub wiring must respect', () => {
  const servers: Server[] = [];
  let fake: FakeSlack;
  beforeAll(async () => {
    fake = await startFakeSlack();
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) await stop(s);
  });
  afterAll(() => fake.close());

  function boltApp(opts: { processBeforeResponse: boolean }) {
    const logger = quietLogger();
    const receiver = new ExpressReceiver({ signingSecret: SLACK_SIGNING_SECRET, processBeforeResponse: opts.processBeforeResponse, logger });
    const app = new App({
      token: FAKE_SLACK_TOKEN,
      botId: FAKE_SLACK_BOT_ID,
      botUserId: FAKE_SLACK_BOT_USER_ID,
      receiver,
      logger,
      clientOptions: { slackApiUrl: fake.apiUrl },
    });
    return { receiver, app, logger };
  }

  it('express.json() mounted before receiver.router consumes the body: signed JSON events get 400', async () => {
    const { receiver, app } = boltApp({ processBeforeResponse: true });
    const texts: string[] = [];
    app.message(async ({ message }) => {
      texts.push((message as { text?: string }).text ?? '');
    });
    const hub = express();
    hub.use(express.json());
    hub.use(receiver.router);
    const { url, server } = await listen(hub);
    servers.push(server);
    expect((await postSlackEvent(url, messageEventEnvelope({ channelId: 'C1', userId: 'U1', text: 'hello' }))).status).toBe(400);
    expect(texts).toEqual([]);
  });

  it('interaction content-type must be exactly application/x-www-form-urlencoded (a charset suffix gets 400)', async () => {
    const { receiver, app } = boltApp({ processBeforeResponse: true });
    app.action('claim', async ({ ack }) => {
      await ack();
    });
    const hub = express();
    hub.use(receiver.router);
    const { url, server } = await listen(hub);
    servers.push(server);
    const body = interactionBody(blockActionsPayload({ userId: 'U1', channelId: 'C1', messageTs: '1700000000.000100', actionId: 'claim' }));
    const res = await fetch(`${url}/slack/events`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', ...signSlackBody(SLACK_SIGNING_SECRET, body) },
    });
    expect(res.status).toBe(400);
  });

  it('without processBeforeResponse, events are acknowledged 200 before the listener runs, even if it then fails', async () => {
    const { receiver, app } = boltApp({ processBeforeResponse: false });
    let failed!: (e: unknown) => void;
    const failure = new Promise<unknown>((resolve) => {
      failed = resolve;
    });
    app.message(async () => {
      throw new Error('inbox write failed');
    });
    app.error(async (e) => {
      failed(e);
    });
    const hub = express();
    hub.use(receiver.router);
    const { url, server } = await listen(hub);
    servers.push(server);
    expect((await postSlackEvent(url, messageEventEnvelope({ channelId: 'C1', userId: 'U1', text: 'hello' }))).status).toBe(200);
    expect(String(await failure)).toMatch(/inbox write failed/);
    expect(fake.calls.filter((c) => c.method === 'auth.test')).toEqual([]); // botId + botUserId given: no auth.test
  });
});

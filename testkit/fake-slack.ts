// A fake Slack Web API on 127.0.0.1: speaks the methods the hub calls (auth.test, chat.postMessage, chat.update,
// chat.postEphemeral, views.open, users.info) the way @slack/web-api 8 sends them, records every call, and can be told
// to fail the way Slack does (ok:false with HTTP 200, HTTP 5xx, or 429 with Retry-After).
//
// What @slack/web-api 8.2 sends (read from its WebClient.serializeBody/makeRequest): always `POST <slackApiUrl><method>`,
// `Content-Type: application/x-www-form-urlencoded`, token in `Authorization: Bearer …`; every argument that is not a
// string/number/boolean (blocks, attachments, view, metadata…) is JSON.stringify'd into its form field, and numbers and
// booleans arrive as strings. A per-call `token` option is sent both as the header and as a `token` form field.
// The fake also accepts `application/json` bodies (what Slack accepts from other clients) and `token` in the body.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export const FAKE_SLACK_TOKEN = 'xoxb-test-token';
export const FAKE_SLACK_TEAM_ID = 'T0TEAM0001';
export const FAKE_SLACK_TEAM_NAME = 'Contact Hub Test';
export const FAKE_SLACK_TEAM_DOMAIN = 'contact-hub-test';
export const FAKE_SLACK_BOT_USER_ID = 'U0BOT00001';
export const FAKE_SLACK_BOT_USER_NAME = 'contact-hub';
export const FAKE_SLACK_BOT_ID = 'B0BOT00001';
export const FAKE_SLACK_APP_ID = 'A0APP00001';

/** Form fields whose values web-api JSON-encodes; the fake decodes them so tests can assert on structure. */
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata', 'unfurls', 'user_auth_blocks']);

export type SlackBody = Record<string, unknown>;

export interface SlackCall {
  method: string;
  /** Decoded arguments: form fields (JSON-valued ones parsed) or the JSON body, plus any query-string arguments. */
  body: SlackBody;
  /** The token the call carried (Bearer header, else `token` argument), or undefined. */
  token: string | undefined;
  at: Date;
  contentType: string | undefined;
  /** What the fake answered. */
  response: { status: number; ok: boolean; error?: string };
}

export type SlackFailure = { kind: 'error'; error: string } | { kind: 'http'; status: number } | { kind: 'ratelimited'; retryAfterSeconds: number };

export interface FakeSlackUser {
  real_name?: string;
  name?: string;
  display_name?: string;
  email?: string;
  is_bot?: boolean;
}

export interface FakeSlackMessage {
  type: 'message';
  channel: string;
  ts: string;
  text: string | undefined;
  blocks: unknown;
  attachments: unknown;
  thread_ts: string | undefined;
  user: string;
  bot_id: string;
  app_id: string;
  team: string;
  edited?: { user: string; ts: string };
}

export interface FakeSlack {
  url: string;
  /** Pass this as WebClient `slackApiUrl` / Bolt `clientOptions.slackApiUrl`. */
  apiUrl: string;
  token: string;
  calls: SlackCall[];
  users: Map<string, FakeSlackUser>;
  /** Resolves with the first recorded (or future) call of `method` whose body satisfies `match`. */
  waitFor(method: string, match?: (body: SlackBody) => boolean, opts?: { timeoutMs?: number }): Promise<SlackCall>;
  /** Bodies of the chat.postMessage calls to `channel` that the fake answered with ok:true, oldest first. */
  posted(channel: string): SlackBody[];
  /** The message as it now stands (after any chat.update), or undefined if never posted. */
  message(channel: string, ts: string): FakeSlackMessage | undefined;
  /** Queue a failure for the next call of `method`; failures are consumed one per call, in order. */
  fail(method: string, behaviour: SlackFailure): void;
  close(): Promise<void>;
}

function decodeForm(raw: string): SlackBody {
  const body: SlackBody = {};
  for (const [key, value] of new URLSearchParams(raw)) body[key] = decodeField(key, value);
  return body;
}

function decodeField(key: string, value: string): unknown {
  if (!JSON_FIELDS.has(key)) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value; // Slack would answer invalid_blocks/invalid_arguments; keep what was sent for the test to see.
  }
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function bearer(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return m?.[1];
}

export async function startFakeSlack(opts: { token?: string } = {}): Promise<FakeSlack> {
  const expectedToken = opts.token ?? FAKE_SLACK_TOKEN;
  const calls: SlackCall[] = [];
  const users = new Map<string, FakeSlackUser>();
  const failures = new Map<string, SlackFailure[]>();
  const channels = new Map<string, Map<string, FakeSlackMessage>>();
  interface Waiter {
    method: string;
    match: (b: SlackBody) => boolean;
    resolve: (c: SlackCall) => void;
    reject: (e: Error) => void;
  }
  const waiters: Waiter[] = [];
  let lastMicros = 0;
  let viewCount = 0;

  // Slack timestamps are "<unix seconds>.<6 digits>", unique per channel and increasing.
  const nextTs = () => {
    lastMicros = Math.max(Date.now() * 1000, lastMicros + 1);
    return `${Math.floor(lastMicros / 1e6)}.${String(lastMicros % 1e6).padStart(6, '0')}`;
  };

  const methods: Record<string, (body: SlackBody) => Record<string, unknown>> = {
    'auth.test': () => ({
      ok: true,
      url: `https://${FAKE_SLACK_TEAM_DOMAIN}.slack.com/`,
      team: FAKE_SLACK_TEAM_NAME,
      user: FAKE_SLACK_BOT_USER_NAME,
      team_id: FAKE_SLACK_TEAM_ID,
      user_id: FAKE_SLACK_BOT_USER_ID,
      bot_id: FAKE_SLACK_BOT_ID,
      is_enterprise_install: false,
    }),

    'chat.postMessage': (body) => {
      const channel = str(body.channel);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      if (!str(body.text) && body.blocks === undefined && body.attachments === undefined) return { ok: false, error: 'no_text' };
      const ts = nextTs();
      const message: FakeSlackMessage = {
        type: 'message',
        channel,
        ts,
        text: str(body.text) ?? '',
        blocks: body.blocks,
        attachments: body.attachments,
        thread_ts: str(body.thread_ts),
        user: FAKE_SLACK_BOT_USER_ID,
        bot_id: FAKE_SLACK_BOT_ID,
        app_id: FAKE_SLACK_APP_ID,
        team: FAKE_SLACK_TEAM_ID,
      };
      if (!channels.has(channel)) channels.set(channel, new Map());
      channels.get(channel)!.set(ts, message);
      return { ok: true, channel, ts, message: messageJson(message) };
    },

    'chat.update': (body) => {
      const channel = str(body.channel);
      const ts = str(body.ts);
      if (!channel) return { ok: false, error: 'channel_not_found' };
      const existing = ts ? channels.get(channel)?.get(ts) : undefined;
      if (!existing || !ts) return { ok: false, error: 'message_not_found' };
      if (body.text !== undefined) existing.text = String(body.text);
      if (body.blocks !== undefined) existing.blocks = body.blocks;
      if (body.attachments !== undefined) existing.attachments = body.attachments;
      existing.edited = { user: FAKE_SLACK_BOT_USER_ID, ts: nextTs() };
      return { ok: true, channel, ts, text: existing.text, message: messageJson(existing) };
    },

    'chat.postEphemeral': (body) => {
      if (!str(body.channel)) return { ok: false, error: 'channel_not_found' };
      if (!str(body.user)) return { ok: false, error: 'user_not_in_channel' };
      if (!str(body.text) && body.blocks === undefined && body.attachments === undefined) return { ok: false, error: 'no_text' };
      return { ok: true, message_ts: nextTs() };
    },

    'views.open': (body) => {
      if (!str(body.trigger_id) && !str(body.interactivity_pointer)) return { ok: false, error: 'invalid_arguments' };
      const view = body.view;
      if (typeof view !== 'object' || view === null) return { ok: false, error: 'invalid_arguments' };
      viewCount += 1;
      const id = `V${String(viewCount).padStart(10, '0')}`;
      const given = view as Record<string, unknown>;
      return {
        ok: true,
        view: {
          id,
          team_id: FAKE_SLACK_TEAM_ID,
          app_id: FAKE_SLACK_APP_ID,
          bot_id: FAKE_SLACK_BOT_ID,
          app_installed_team_id: FAKE_SLACK_TEAM_ID,
          private_metadata: '',
          callback_id: '',
          external_id: '',
          clear_on_close: false,
          notify_on_close: false,
          close: null,
          submit: null,
          previous_view_id: null,
          root_view_id: id,
          ...given,
          state: { values: {} },
          hash: `${Math.floor(Date.now() / 1000)}.${randomBytes(6).toString('hex')}`,
        },
      };
    },

    'users.info': (body) => {
      const id = str(body.user);
      const u = id ? users.get(id) : undefined;
      if (!id || !u) return { ok: false, error: 'user_not_found' };
      const realName = u.real_name ?? '';
      const name =
        u.name ??
        (realName
          .toLowerCase()
          .replace(/[^a-z0-9]+/g, '.')
          .replace(/^\.|\.$/g, '') ||
          id.toLowerCase());
      return {
        ok: true,
        user: {
          id,
          team_id: FAKE_SLACK_TEAM_ID,
          name,
          deleted: false,
          real_name: realName,
          is_bot: u.is_bot ?? false,
          profile: {
            real_name: realName,
            display_name: u.display_name ?? '',
            real_name_normalized: realName,
            display_name_normalized: u.display_name ?? '',
            ...(u.email ? { email: u.email } : {}),
            team: FAKE_SLACK_TEAM_ID,
          },
        },
      };
    },
  };

  function messageJson(m: FakeSlackMessage): Record<string, unknown> {
    return {
      type: 'message',
      text: m.text,
      user: m.user,
      bot_id: m.bot_id,
      app_id: m.app_id,
      team: m.team,
      ts: m.ts,
      ...(m.blocks !== undefined ? { blocks: m.blocks } : {}),
      ...(m.attachments !== undefined ? { attachments: m.attachments } : {}),
      ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
      ...(m.edited ? { edited: m.edited } : {}),
    };
  }

  function send(res: ServerResponse, status: number, payload: Record<string, unknown>, headers: Record<string, string> = {}) {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(payload));
  }

  function handle(req: IncomingMessage, raw: string, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const methodMatch = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    const method = methodMatch?.[1] ?? url.pathname;
    const contentType = req.headers['content-type'];
    let body: SlackBody = {};
    for (const [k, v] of url.searchParams) body[k] = decodeField(k, v);
    try {
      if (/^application\/json/i.test(contentType ?? '')) body = { ...body, ...(raw ? (JSON.parse(raw) as SlackBody) : {}) };
      else if (raw) body = { ...body, ...decodeForm(raw) };
    } catch {
      body = { ...body, _unparsed: raw };
    }
    const token = bearer(req.headers.authorization) ?? str(body.token);
    const call: SlackCall = { method, body, token, at: new Date(), contentType, response: { status: 200, ok: false } };

    const reply = (status: number, payload: Record<string, unknown>, headers?: Record<string, string>) => {
      call.response = { status, ok: payload.ok === true, ...(typeof payload.error === 'string' ? { error: payload.error } : {}) };
      calls.push(call);
      for (const w of [...waiters]) {
        if (w.method === method && w.match(body)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(call);
        }
      }
      send(res, status, payload, headers);
    };

    if (!methodMatch) return reply(404, { ok: false, error: 'unknown_method' });
    const failure = failures.get(method)?.shift();
    if (failure?.kind === 'error') return reply(200, { ok: false, error: failure.error });
    if (failure?.kind === 'http') return reply(failure.status, { ok: false, error: 'fatal_error' });
    if (failure?.kind === 'ratelimited') {
      return reply(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfterSeconds) });
    }
    const handler = methods[method];
    if (!handler) return reply(200, { ok: false, error: 'unknown_method' });
    if (token === undefined) return reply(200, { ok: false, error: 'not_authed' });
    if (token !== expectedToken) return reply(200, { ok: false, error: 'invalid_auth' });
    return reply(200, handler(body));
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    apiUrl: `${url}/api/`,
    token: expectedToken,
    calls,
    users,
    waitFor(method, match = () => true, { timeoutMs = 15_000 } = {}) {
      const found = calls.find((c) => c.method === method && match(c.body));
      if (found) return Promise.resolve(found);
      return new Promise<SlackCall>((resolve, reject) => {
        const waiter: Waiter = {
          method,
          match,
          resolve: (c) => {
            clearTimeout(timer);
            resolve(c);
          },
          reject: (e) => {
            clearTimeout(timer);
            reject(e);
          },
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.reject(
            new Error(`fake Slack: no matching ${method} call within ${timeoutMs} ms; calls so far: ${calls.map((c) => c.method).join(', ') || 'none'}`),
          );
        }, timeoutMs);
        waiters.push(waiter);
      });
    },
    posted: (channel) => calls.filter((c) => c.method === 'chat.postMessage' && c.response.ok && c.body.channel === channel).map((c) => c.body),
    message: (channel, ts) => channels.get(channel)?.get(ts),
    fail(method, behaviour) {
      if (!failures.has(method)) failures.set(method, []);
      failures.get(method)!.push(behaviour);
    },
    close: async () => {
      for (const w of waiters.splice(0)) w.reject(new Error(`fake Slack closed while waiting for ${w.method}`));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

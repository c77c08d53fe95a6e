// The Bot Framework Activity endpoint: a Direct Line / Teams conversation reaches the same pipeline,
// the bot and agents answer through the real Agents SDK connector client to a fake connector service on
// 127.0.0.1, and requests without a valid token are refused when the bot has an app registration.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { apiJson, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import type { RunningHub } from '../../app/compose.ts';

interface Posted {
  path: string;
  body: { type: string; text?: string; suggestedActions?: { actions: { title: string }[] }; conversation: { id: string }; recipient: { id: string } };
}

let database: TestDatabase;
let connector: Server;
let connectorUrl: string;
const posted: Posted[] = [];
let hub: RunningHub & { url: string };
let cookie: string;

beforeAll(async () => {
  database = await createTestDatabase('botframework');
  // The connector service the channel gives as serviceUrl: it receives the bot's activities.
  connector = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      posted.push({ path: req.url ?? '', body: JSON.parse(body) });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `reply-${posted.length}` }));
    });
  });
  await new Promise<void>((resolve) => connector.listen(0, '127.0.0.1', resolve));
  connectorUrl = `http://127.0.0.1:${(connector.address() as AddressInfo).port}/`;
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, BOT_ENDPOINT_ANONYMOUS: 'true', BOT_CHANNELS: 'botframework' }));
  cookie = await signIn(hub.url);
});
afterAll(async () => {
  await hub?.stop();
  connector?.close();
  await database?.drop();
});

const activity = (id: string, text: string, conversation = 'conv-1', extra: object = {}) => ({
  type: 'message',
  id,
  text,
  channelId: 'directline',
  serviceUrl: connectorUrl,
  conversation: { id: conversation },
  from: { id: 'dl-user-7', name: 'Ann' },
  recipient: { id: 'council-bot', name: 'Council' },
  ...extra,
});
const post = (body: unknown, headers: Record<string, string> = {}, url = hub.url) =>
  fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const sentTo = (conversation: string) => posted.filter((p) => p.body.conversation.id === conversation && p.body.type === 'message');

describe('the Bot Framework channel', () => {
  it('a message is stored once, the bot answers in the same conversation with Yes/No buttons, and an agent can reply too', async () => {
    const first = activity('a-1', 'my bin was not collected this week');
    expect((await post(first)).status).toBe(202);
    expect((await post(first)).status).toBe(202); // the channel retried
    await expect.poll(() => sentTo('conv-1').length, { timeout: 20_000 }).toBe(1);
    const [answer] = sentTo('conv-1');
    expect(answer!.path).toMatch(/^\/v3\/conversations\/conv-1\/activities/);
    expect(answer!.body.text).toMatch(/It sounds like you need help with bins and waste\. Is that right\?/);
    expect(answer!.body.suggestedActions?.actions.map((a) => a.title)).toEqual(['Yes', 'No']);
    expect(answer!.body.recipient.id).toBe('dl-user-7');

    const db = hub.database.prisma;
    const inbound = await db.message.findMany({ where: { channel: 'botframework', direction: 'inbound' } });
    expect(inbound).toHaveLength(1);
    expect(inbound[0]).toMatchObject({ fromAddress: 'directline:dl-user-7', body: 'my bin was not collected this week' });

    const reply = await apiJson(hub.url, cookie, `/api/conversations/${inbound[0]!.conversationId}/messages`, {
      method: 'POST',
      body: JSON.stringify({ text: 'Hello Ann, this is Sam. We will collect it tomorrow.' }),
    });
    expect(reply.status).toBe(202);
    await expect.poll(() => sentTo('conv-1').map((p) => p.body.text)).toContain('Hello Ann, this is Sam. We will collect it tomorrow.');
  });

  it('activities that are not messages are accepted and ignored; malformed ones are refused with a reason', async () => {
    const before = await hub.database.prisma.inboxItem.count();
    expect((await post({ ...activity('a-2', ''), type: 'conversationUpdate', text: undefined })).status).toBe(200);
    const bad = await post({ ...activity('a-3', 'hello'), serviceUrl: 'not a url' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/serviceUrl/);
    expect(await hub.database.prisma.inboxItem.count()).toBe(before);
  });

  it("the bot's own activities are not a customer writing: stored never, answered never", async () => {
    const before = await hub.database.prisma.inboxItem.count();
    const echoed = {
      ...activity('a-6', 'It sounds like you need help with bins and waste.', 'conv-3'),
      from: { id: 'council-bot', name: 'Council', role: 'bot' },
      recipient: { id: 'dl-user-7' },
    };
    expect((await post(echoed)).status).toBe(200);
    expect(await hub.database.prisma.inboxItem.count()).toBe(before);
  });

  it("a Teams mention of the bot is left out of the customer's words, and a card's submitted value is kept", async () => {
    const mention = activity('a-7', '<at>Council</at> my bin was not collected', 'conv-4', {
      channelId: 'msteams',
      entities: [{ type: 'mention', text: '<at>Council</at>', mentioned: { id: 'council-bot', name: 'Council' } }],
    });
    expect((await post(mention)).status).toBe(202);
    const card = activity('a-8', '', 'conv-5', { value: { need: 'housing', postcode: 'TF1 1AA' } });
    expect((await post(card)).status).toBe(202);
    const db = hub.database.prisma;
    await expect
      .poll(() => db.message.findFirst({ where: { providerMessageId: 'conv-4:a-7' }, select: { body: true } }))
      .toEqual({ body: 'my bin was not collected' });
    await expect
      .poll(() => db.message.findFirst({ where: { providerMessageId: 'conv-5:a-8' }, select: { body: true } }))
      .toEqual({ body: 'need: housing; postcode: TF1 1AA' });
  });

  it('with an app registration, requests without a valid Bot Framework token are refused', async () => {
    const secured = await startTestHub(
      testEnv({ DATABASE_URL: database.url, HUB_ROLES: 'web', BOT_APP_ID: '00000000-0000-4000-8000-00000000b0f0', BOT_APP_PASSWORD: 'not-a-real-secret' }),
    );
    try {
      const before = await hub.database.prisma.inboxItem.count();
      const missing = await post(activity('a-4', 'hello', 'conv-2'), {}, secured.url);
      expect(missing.status).toBe(401);
      // Only that the token was not accepted: never the SDK's own error text.
      expect(await missing.json()).toEqual({ error: 'the Bot Framework token is missing or not valid' });
      const forged =
        'eyJhbGciOiJSUzI1NiIsImtpZCI6ImZvcmdlZCJ9.eyJpc3MiOiJodHRwczovL2FwaS5ib3RmcmFtZXdvcmsuY29tIiwiYXVkIjoiMDAwMDAwMDAtMDAwMC00MDAwLTgwMDAtMDAwMDAwMDBiMGYwIn0.c2lnbmF0dXJl';
      const bad = await post(activity('a-5', 'hello', 'conv-2'), { authorization: `Bearer ${forged}` }, secured.url);
      expect(bad.status).toBe(401);
      expect(await bad.json()).toEqual({ error: 'the Bot Framework token is missing or not valid' });
      expect(await hub.database.prisma.inboxItem.count()).toBe(before);
    } finally {
      await secured.stop();
    }
  });
});

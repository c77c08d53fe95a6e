// The needs conversation over real SMS: a customer texts, the bot (the real detector and dialog, state in
// PostgreSQL) answers through the twilio SDK to the fake Twilio API, the needs it finds are recorded on the
// conversation, and a person takes over when it is done, when there is danger, or when asked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { PUBLIC_BASE_URL, apiJson, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { randomUUID } from 'node:crypto';
import { io as connect } from 'socket.io-client';
import type { TranscriptEntry } from '../../channels/contract.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';
import { loadNeedsData } from '../../hub/needs/data.ts';
import { buildDetector } from '../../hub/needs/detector.ts';
import { fileModelStore } from '../../hub/needs/model-store.ts';
import { buildKnowledge } from '../../hub/bot/knowledge.ts';
import { createNeedsBot } from '../../hub/bot/bot.ts';
import { runBotTurn } from '../../hub/bot/run.ts';
import { botStateKey } from '../../hub/bot/storage.ts';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: RunningHub & { url: string };
let cookie: string;

beforeAll(async () => {
  database = await createTestDatabase('needs_bot');
  twilioApi = await startFakeTwilio();
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, TWILIO_API_BASE_URL: twilioApi.url, BOT_CHANNELS: 'sms,webchat' }));
  cookie = await signIn(hub.url);
});
afterAll(async () => {
  await hub?.stop();
  await twilioApi?.close();
  await database?.drop();
});

const db = () => hub.database.prisma;
const textsTo = (to: string) => twilioApi.requests.filter((r) => r.form.To === to).map((r) => r.form.Body!);

/** The customer texts; resolves with the bot's answer (the next SMS the hub sends them, or the next few). */
async function text(from: string, body: string, replies = 1): Promise<string> {
  const before = textsTo(from).length;
  const res = await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, body));
  expect(res.status).toBe(200);
  await expect.poll(() => textsTo(from).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(before + replies);
  return textsTo(from).slice(before).join('\n');
}

const conversationOf = async (from: string) => {
  const point = await db().contactPoint.findUniqueOrThrow({ where: { kind_address: { kind: 'phone', address: from } } });
  return db().conversation.findUniqueOrThrow({ where: { openForCustomer: point.customerId }, include: { needs: { orderBy: { code: 'asc' } } } });
};

describe('the needs bot on SMS', () => {
  it('finds linked needs, asks what services need, asks consent, and hands a complete picture to a person', async () => {
    const from = '+447911200981';
    const understood = await text(from, 'We have been evicted and have nowhere to stay, and my son needs a new school near wherever we end up');
    expect(understood).toMatch(/^It sounds like you need help with .*\. Is that right\? Reply Y or N\./);
    expect(understood).toMatch(/somewhere to live/);
    expect(understood).toMatch(/a school place/);
    expect(await text(from, 'yes')).toMatch(/People in your situation often also need help with/);
    // The bot asks the facts the services will need, in the order it chooses; the customer answers each.
    const answers: [RegExp, string][] = [
      [/leave by|deadline/, 'we have to be out by Friday'],
      [/Who lives with you/, 'me and my 2 kids'],
      [/How old are the children/, 'he is 9, no exams'],
    ];
    let question = await text(from, 'we owe 3 months rent too');
    for (let asked = 0; !/Can we share what you have told us/.test(question); asked++) {
      expect(asked, `unexpected question: ${question}`).toBeLessThan(2);
      const answer = answers.find(([q]) => q.test(question));
      expect(answer, `unexpected question: ${question}`).toBeDefined();
      question = await text(from, answer![1]);
    }
    expect(await text(from, 'yes')).toMatch(/We have noted that you need help with .*A person from our team will pick this up/);

    const conversation = await conversationOf(from);
    expect(conversation.handler).toBe('person');
    expect(conversation.needs.map((n) => n.code)).toEqual(expect.arrayContaining(['education.school', 'housing.homeless', 'money.debt']));
    expect(conversation.needs.every((n) => n.source === 'bot' && n.consentToShare === true)).toBe(true);
    // Two facts are asked for, each stored with the customer's own words.
    const facts = conversation.facts as Record<string, string>;
    expect(Object.keys(facts)).toHaveLength(2);
    const expected: Record<string, string> = { deadline: 'we have to be out by Friday', household: 'me and my 2 kids', school: 'he is 9, no exams' };
    for (const [key, value] of Object.entries(facts)) expect(value, key).toBe(expected[key]);

    // The agent sees what the bot found in the customer's record, with where it came from.
    const customer = await apiJson(hub.url, cookie, `/api/customers/${conversation.customerId}`);
    expect(customer.body.customer.needs.map((n: { code: string; source: string }) => `${n.code}:${n.source}`)).toEqual(
      expect.arrayContaining(['housing.homeless:bot', 'education.school:bot']),
    );

    // Subject access: the export carries the bot's notes and the consent; erasure removes them and the dialog state.
    const exported = await apiJson(hub.url, cookie, `/api/customers/${conversation.customerId}/export`);
    expect(exported.body.conversations[0].facts).toEqual(conversation.facts);
    expect(exported.body.needs[0]).toMatchObject({ recordedBy: 'bot', consentToShare: true });
    expect(await db().botState.count({ where: { key: botStateKey(conversation.id) } })).toBe(1);
    const before = textsTo(from).length;
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, 'thanks'));
    await expect.poll(() => db().message.count({ where: { conversationId: conversation.id, body: 'thanks' } })).toBe(1);
    // A person has the conversation, so the bot takes no turn on it: nothing can be answered.
    expect(await db().conversation.findUniqueOrThrow({ where: { id: conversation.id }, select: { handler: true } })).toEqual({ handler: 'person' });
    expect(await db().message.count({ where: { conversationId: conversation.id, body: 'thanks', botTurnAt: { not: null } } })).toBe(0);
    expect(textsTo(from).length).toBe(before);

    expect(
      (
        await apiJson(hub.url, cookie, `/api/customers/${conversation.customerId}/erase`, {
          method: 'POST',
          body: JSON.stringify({ reason: 'erasure request ER-2001' }),
        })
      ).status,
    ).toBe(200);
    expect(await db().botState.count({ where: { key: botStateKey(conversation.id) } })).toBe(0);
    expect((await db().conversation.findUniqueOrThrow({ where: { id: conversation.id } })).facts).toEqual({});
  });

  it('a wrong guess put right in the customer’s own words: the needs recorded from the guess are removed', async () => {
    const from = '+447911200989';
    expect(await text(from, 'my bin was not collected again')).toMatch(/Is that right\?/);
    const guessed = (await conversationOf(from)).needs.map((n) => n.code);
    expect(guessed.length).toBeGreaterThan(0);
    expect(await text(from, 'N')).toMatch(/Sorry I got that wrong/);
    await text(from, 'I cant pay my council tax bill');
    const needs = (await conversationOf(from)).needs.map((n) => n.code);
    expect(needs.length).toBeGreaterThan(0);
    for (const code of guessed) expect(needs).not.toContain(code);
  });

  it('danger in the first text: 999 and the helpline at once, and the conversation goes to a person', async () => {
    const from = '+447911200982';
    const answer = await text(from, 'my partner hits me and hes outside the door now');
    expect(answer).toMatch(/^Call 999 and ask for the police\..*0808 2000 247/);
    const conversation = await conversationOf(from);
    expect(conversation.handler).toBe('person');
    expect(conversation.needs).toEqual([expect.objectContaining({ code: 'safety.domestic-abuse', urgent: true, source: 'bot' })]);
    expect(conversation.urgentAt).not.toBeNull();
  });

  it('a knife at the door gets the police, and a collapse an ambulance: never the suicide line', async () => {
    const knife = await text('+447911200991', 'hes outside the door now and hes got a knife');
    expect(knife).toMatch(/^Call 999 and ask for the police\./);
    expect(knife).not.toMatch(/Samaritans/);
    const collapse = await text('+447911200988', 'my dad has collapsed and isnt breathing');
    expect(collapse).toMatch(/^Call 999 now and ask for an ambulance\./);
    expect(collapse).not.toMatch(/Samaritans/);
    for (const from of ['+447911200991', '+447911200988']) expect((await conversationOf(from)).urgentAt).not.toBeNull();
  });

  it('a sign of danger in unfamiliar words: asked first whether anyone is in danger, and yes puts them first in the queue', async () => {
    const from = '+447911200989';
    expect(await text(from, 'my ex has found out where me and the kids are staying')).toMatch(
      /^Before anything else: are you, or is anyone with you, in danger right now\? Reply Y or N\.$/,
    );
    expect((await conversationOf(from)).handler).toBe('bot');
    expect(await text(from, 'Y')).toMatch(/^Call 999 and ask for the police\..*first in the queue\.$/);
    const conversation = await conversationOf(from);
    expect(conversation.handler).toBe('person');
    expect(conversation.urgentAt).not.toBeNull();
  });

  it('safe for now: the conversation carries on with what the first text said', async () => {
    const from = '+447911200992';
    expect(
      await text(
        from,
        "I've left my partner because he was hitting me, I'm staying at my sister's with my two kids but she can't keep us for long. I've got no money and I've had to leave my job.",
      ),
    ).toMatch(/in danger right now\?/);
    const next = await text(from, 'N', 2);
    expect(next).toMatch(/Thank you\. If that changes, call 999 straight away\./);
    expect(next).toMatch(/It sounds like you need help with .*somewhere to live.*\. Is that right\?/);
    const conversation = await conversationOf(from);
    expect(conversation.urgentAt).toBeNull();
    expect(conversation.needs.map((n) => n.code)).toEqual(expect.arrayContaining(['housing.homeless', 'safety.domestic-abuse', 'work.employment']));
  });

  it('danger with no need recognised still marks the conversation urgent for the desk', async () => {
    const from = '+447911200986';
    expect(await text(from, 'please help hes outside the door now')).toMatch(/call 999/);
    const conversation = await conversationOf(from);
    expect(conversation.urgentAt).not.toBeNull();
    const list = await apiJson(hub.url, cookie, '/api/conversations');
    expect(list.body.conversations.find((c: { id: string }) => c.id === conversation.id)).toMatchObject({ urgent: true, handler: 'person' });
  });

  it('asking for a person hands over with what the bot found so far', async () => {
    const from = '+447911200983';
    expect(await text(from, 'my boiler has been broken for a week')).toMatch(/repairs/i);
    expect(await text(from, 'can i talk to someone please')).toMatch(/passing you to a person/);
    const conversation = await conversationOf(from);
    expect(conversation.handler).toBe('person');
    expect(conversation.needs.map((n) => n.code)).toEqual(['housing.repairs']);
  });

  it('STOP is left to the carrier: the bot sends nothing and a person sees the conversation', async () => {
    const from = '+447911200987';
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, 'STOP'));
    await expect.poll(async () => (await conversationOf(from).catch(() => null))?.botOutcome ?? null, { timeout: 20_000 }).toBe('opted_out');
    expect((await conversationOf(from)).handler).toBe('person');
    expect(textsTo(from)).toEqual([]);
  });

  it('an agent replying takes the conversation over from the bot', async () => {
    const from = '+447911200984';
    await text(from, 'my bin wasnt collected');
    const conversation = await conversationOf(from);
    const reply = await apiJson(hub.url, cookie, `/api/conversations/${conversation.id}/messages`, {
      method: 'POST',
      body: JSON.stringify({ text: 'Hello, this is Sam from the council. We will collect it tomorrow.' }),
    });
    expect(reply.status).toBe(202);
    expect((await conversationOf(from)).handler).toBe('person');
  });

  it('a redelivered text is answered once', async () => {
    const from = '+447911200985';
    const fields = inboundSmsFields(from, 'the roof is leaking into the kids bedroom');
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', fields);
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', fields);
    await expect.poll(() => textsTo(from).length, { timeout: 20_000 }).toBe(1);
    // Stored once (the provider id is unique), and the bot's one turn wrote its one answer in the same transaction.
    expect(await db().inboxItem.count({ where: { providerMessageId: fields.MessageSid! } })).toBe(1);
    const inbound = await db().message.findFirstOrThrow({ where: { providerMessageId: fields.MessageSid! }, select: { id: true, botTurnAt: true } });
    expect(inbound.botTurnAt).not.toBeNull();
    expect(await db().message.count({ where: { replyToId: inbound.id, direction: 'outbound' } })).toBe(1);
  });

  it('a turn that runs twice for one message (a retried job) answers once, and two workers never answer one conversation at once', async () => {
    const data = loadNeedsData();
    const detector = buildDetector(data, { store: fileModelStore() });
    const knowledge = buildKnowledge({ detect: (t) => detector.detect(t), taxonomy: data.taxonomy.needs });
    const bot = createNeedsBot(knowledge);
    const wording = { say: knowledge.say, enabledChannels: ['sms'] as const, safetyNetAnyTime: knowledge.safety.safetyNetAnyTime };
    const customer = await db().customer.create({ data: { contactPoints: { create: { kind: 'phone', address: '+447911200990', verifiedBy: 'test' } } } });
    const conversation = await db().conversation.create({ data: { customerId: customer.id, openForCustomer: customer.id, channel: 'sms' } });
    const message = await db().message.create({
      data: {
        conversationId: conversation.id,
        direction: 'inbound',
        channel: 'sms',
        status: 'received',
        fromAddress: '+447911200990',
        toAddress: '+442079460001',
        body: 'the stairs are too much for my mum now',
        providerMessageId: 'SMtest-twice',
      },
    });
    const runs = await Promise.all([
      runBotTurn(db(), bot, message.id, wording),
      runBotTurn(db(), bot, message.id, wording),
      runBotTurn(db(), bot, message.id, wording),
    ]);
    expect(runs.filter(Boolean)).toHaveLength(1);
    expect(await db().message.count({ where: { conversationId: conversation.id, fromBot: true } })).toBe(1);
    expect(await runBotTurn(db(), bot, message.id, wording)).toBeNull();
  });

  it('answers a web-chat visitor in the widget’s own conversation', async () => {
    const socket = connect(`${hub.url}/chat`, { auth: { visitorId: randomUUID() }, transports: ['websocket'], reconnection: false, forceNew: true });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('transcript', () => resolve());
        socket.once('connect_error', reject);
      });
      const answer = new Promise<TranscriptEntry>((resolve) => socket.once('message', resolve));
      expect(await socket.timeout(5000).emitWithAck('message', { clientMessageId: randomUUID(), text: 'my bin was not collected on monday' })).toMatchObject({
        ok: true,
      });
      expect((await answer).text).toMatch(/It sounds like you need help with bins and waste\. Is that right\? Reply YES or NO\./);
    } finally {
      socket.close();
    }
  });
});

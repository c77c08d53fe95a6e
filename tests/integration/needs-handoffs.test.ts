// What the needs conversation must get right before anything reaches a service, on a real hub: SMS through
// the twilio SDK to the fake Twilio API, web chat over real socket.io, the real detector and dialog, a
// directory imported from an Open Referral UK file, hand-offs read back as the services see them (a signed
// webhook to a receiving system, and the desk's service view).
//   - consent before sharing anything about the person (council tax arrears are not a place report);
//   - the place, for a missed bin, unless the first text gives it;
//   - a way to reach a web-chat visitor, who has no number on record, carried to every service;
//   - the defining example: one text, four needs, each handed to its own service.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { writeDirectory, type TestService } from '../helpers/directory.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { PUBLIC_BASE_URL, apiJson, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { TranscriptEntry } from '../../channels/contract.ts';
import { verifyWebhook } from '../../hub/handoff/signature.ts';

const WEBHOOK_SECRET = 'the-waste-teams-webhook-secret-0123456789';

/** The waste team's own system: keeps every signed hand-off it is sent. */
async function startReceiver(): Promise<{ url: string; received: { event: string; body: any }[]; close(): Promise<void> }> {
  const received: { event: string; body: any }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const checked = verifyWebhook(
        WEBHOOK_SECRET,
        { signature: req.headers['x-contacthub-signature'] as string, timestamp: req.headers['x-contacthub-timestamp'] as string },
        raw,
      );
      if (!checked.ok) return void res.writeHead(401).end();
      received.push({ event: String(req.headers['x-contacthub-event']), body: JSON.parse(raw.toString('utf8')) });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/open311/requests`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const services = (wasteUrl: string): TestService[] => [
  { id: 'svc-council-tax', name: 'Council Tax', needs: ['money.council-tax'], handoff: { kind: 'desk' } },
  { id: 'svc-waste', name: 'Waste and Recycling', needs: ['environment.waste'], handoff: { kind: 'webhook', url: wasteUrl, secret: WEBHOOK_SECRET } },
  { id: 'svc-housing', name: 'Housing Options', needs: ['housing.homeless'], handoff: { kind: 'desk' } },
  { id: 'svc-schools', name: 'School Admissions', needs: ['education.school'], handoff: { kind: 'desk' } },
  { id: 'svc-refuge', name: 'Domestic Abuse Support', needs: ['safety.domestic-abuse'], handoff: { kind: 'desk' } },
  { id: 'svc-money', name: 'Money Advice', needs: ['money.crisis', 'money.debt', 'money.benefits'], handoff: { kind: 'desk' } },
  { id: 'svc-work', name: 'Employment Support', needs: ['work.employment'], handoff: { kind: 'desk' } },
];

let database: TestDatabase;
let twilioApi: FakeTwilio;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let hub: RunningHub & { url: string };
let admin: string;
const visitors: Socket[] = [];

beforeAll(async () => {
  database = await createTestDatabase('needs_handoffs');
  twilioApi = await startFakeTwilio();
  receiver = await startReceiver();
  const directory = await writeDirectory(services(receiver.url));
  hub = await startTestHub(
    testEnv({
      DATABASE_URL: database.url,
      TWILIO_API_BASE_URL: twilioApi.url,
      BOT_CHANNELS: 'sms,webchat',
      DIRECTORY_PATH: directory,
      HANDOFF_BACKOFF_MS: '100',
    }),
  );
  admin = await signIn(hub.url);
});
afterEach(() => {
  for (const v of visitors.splice(0)) v.close();
});
afterAll(async () => {
  await hub?.stop();
  await Promise.all([twilioApi?.close(), receiver?.close()]);
  await database?.drop();
});

const db = () => hub.database.prisma;
const textsTo = (to: string) => twilioApi.requests.filter((r) => r.form.To === to).map((r) => r.form.Body!);

/** The customer texts; resolves with what the hub sends back (the next SMS, or the next `replies`). */
async function text(from: string, body: string, replies = 1): Promise<string> {
  const before = textsTo(from).length;
  expect((await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, body))).status).toBe(200);
  await expect.poll(() => textsTo(from).length, { timeout: 20_000 }).toBeGreaterThanOrEqual(before + replies);
  return textsTo(from).slice(before).join('\n');
}

const handoffsOf = (address: string) =>
  db().handoff.findMany({ where: { customer: { contactPoints: { some: { address } } } }, include: { service: true }, orderBy: { createdAt: 'asc' } });

/** The hand-off as its service reads it (the desk's service view), facts named as services see them. */
async function asTheServiceSeesIt(id: string): Promise<{ facts: { key: string; label: string; value: string }[] }> {
  const res = await apiJson(hub.url, admin, `/api/handoffs/${id}`);
  expect(res.status).toBe(200);
  return res.body.handoff;
}

/** A web-chat visitor: their browser's socket, and what the hub has said to them. */
async function visitor(): Promise<{ visitorId: string; say(text: string): Promise<string> }> {
  const visitorId = randomUUID();
  const socket = connect(`${hub.url}/chat`, { auth: { visitorId }, transports: ['websocket'], reconnection: false, forceNew: true });
  visitors.push(socket);
  const heard: TranscriptEntry[] = [];
  socket.on('message', (entry: TranscriptEntry) => void (entry.direction === 'outbound' && heard.push(entry)));
  await new Promise<void>((resolve, reject) => {
    socket.once('transcript', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    visitorId,
    async say(text: string) {
      const before = heard.length;
      expect(await socket.timeout(5000).emitWithAck('message', { clientMessageId: randomUUID(), text })).toMatchObject({ ok: true });
      await expect.poll(() => heard.length, { timeout: 20_000 }).toBeGreaterThan(before);
      return heard
        .slice(before)
        .map((e) => e.text)
        .join('\n');
    },
  };
}

describe('consent before sharing anything about the person', () => {
  it('council tax arrears by SMS: the consent question comes before any hand-off, and N hands nothing on', async () => {
    const from = '+447911200701';
    // Arrears of council tax are a debt as well (27 of the 30 labelled messages that say so have both).
    expect(await text(from, "I'm behind on my council tax and got a summons")).toMatch(
      /It sounds like you need help with council tax and debts or arrears\. Is that right\? Reply Y or N\./,
    );
    // Debt brings the related-needs question, and the two facts its service asks, first.
    expect(await text(from, 'Y')).toMatch(/often also need help with/);
    expect(await handoffsOf(from)).toEqual([]);
    expect(await text(from, 'no')).toMatch(/deadline/);
    expect(await handoffsOf(from)).toEqual([]);
    expect(await text(from, 'the court date is the 14th')).toMatch(/Who lives with you/);
    expect(await text(from, 'just me')).toMatch(
      /^Can we share what you have told us with the teams who can help, so they do not ask you again\? Reply Y or N\.$/,
    );
    expect(await handoffsOf(from)).toEqual([]);

    expect(await text(from, 'N')).toMatch(/We will not share it without asking you\./);
    const point = await db().contactPoint.findUniqueOrThrow({ where: { kind_address: { kind: 'phone', address: from } } });
    const conversation = await db().conversation.findUniqueOrThrow({ where: { openForCustomer: point.customerId }, include: { needs: true } });
    expect(conversation).toMatchObject({ handler: 'person', botOutcome: 'complete' });
    expect(conversation.needs.map((n) => [n.code, n.consentToShare]).sort()).toEqual([
      ['money.council-tax', false],
      ['money.debt', false],
    ]);
    expect(await handoffsOf(from)).toEqual([]);
    expect(await db().handoffDelivery.count({ where: { handoff: { conversationId: conversation.id } } })).toBe(0);
    expect(textsTo(from).join('\n')).not.toMatch(/passed your details on/);
  });
});

describe('the place, for a missed bin', () => {
  it('not in the text: the bot asks for it, and the waste service is sent it', async () => {
    const from = '+447911200702';
    expect(await text(from, 'my bin wasnt collected again')).toMatch(/bins and waste\. Is that right\?/);
    expect(await text(from, 'Y')).toMatch(/^What is the address or street\? If there is no house number, tell us something nearby/);
    expect(await handoffsOf(from)).toEqual([]);

    const told = await text(from, '14 Orchard Close, the green bin');
    const [handoff] = await handoffsOf(from);
    expect(handoff).toMatchObject({ service: expect.objectContaining({ name: 'Waste and Recycling' }), facts: { address: '14 Orchard Close, the green bin' } });
    expect(told).toContain(`- Waste and Recycling, about bins and waste. Reference ${handoff!.reference}`);
    // What the waste team's own system receives, signed: the place under its name.
    await expect
      .poll(() => receiver.received.find((r) => r.body.service_request_id === handoff!.reference && r.event === 'handoff.created')?.body ?? null, {
        timeout: 20_000,
      })
      .toMatchObject({
        description: expect.stringContaining('Address or place: 14 Orchard Close, the green bin'),
        attributes: { facts: [{ key: 'address', label: 'Address or place', value: '14 Orchard Close, the green bin' }] },
      });
  });

  it('in the first text: not asked again, and the service gets the customer’s own words', async () => {
    const from = '+447911200703';
    const said = 'my bin at 12 Elm Road wasnt collected';
    expect(await text(from, said)).toMatch(/bins and waste\. Is that right\?/);
    const told = await text(from, 'Y');
    expect(told).toMatch(/^We have passed your details on/);
    expect(textsTo(from).join('\n')).not.toMatch(/address or street/);
    const [handoff] = await handoffsOf(from);
    expect(handoff!.facts).toEqual({ address: said });
    expect((await asTheServiceSeesIt(handoff!.id)).facts).toEqual([{ key: 'address', label: 'Address or place', value: said }]);
  });
});

describe('a way to reach a web-chat visitor', () => {
  it('with no phone on record: asked before any hand-off, and their words reach every service', async () => {
    const chat = await visitor();
    expect(await chat.say('We have been evicted and have nowhere to stay, and my son needs a new school')).toMatch(
      /somewhere to live.*a school place.*Is that right\? Reply YES or NO\./,
    );
    let said = await chat.say('yes');
    expect(said).toMatch(/often also need help with/);
    said = await chat.say('no');
    const answers: [RegExp, string][] = [
      [/leave by|deadline/, 'we have to be out by Friday'],
      [/Who lives with you/, 'me and my son'],
      [/How old are the children/, 'he is 9, no exams'],
    ];
    for (let asked = 0; !/How can the team contact you later/.test(said); asked++) {
      expect(asked, `unexpected question: ${said}`).toBeLessThan(2);
      const answer = answers.find(([q]) => q.test(said));
      expect(answer, `unexpected question: ${said}`).toBeDefined();
      said = await chat.say(answer![1]);
    }
    expect(said).toBe('How can the team contact you later? Give a phone number or email, and anything they should know, for example: text only.');
    expect(await handoffsOf(chat.visitorId)).toEqual([]);
    expect(await chat.say('text only, 07911 200411')).toMatch(/^Can we share what you have told us/);
    expect(await chat.say('yes')).toMatch(/^We have passed your details on/);

    const handoffs = await handoffsOf(chat.visitorId);
    expect(handoffs.map((h) => h.service.name).sort()).toEqual(['Housing Options', 'School Admissions']);
    for (const h of handoffs) {
      expect((h.facts as Record<string, string>).contact, h.service.name).toBe('text only, 07911 200411');
      expect((await asTheServiceSeesIt(h.id)).facts, h.service.name).toContainEqual({
        key: 'contact',
        label: 'How to reach them',
        value: 'text only, 07911 200411',
      });
    }
  });
});

describe('the defining example, on SMS', () => {
  it('one text, four needs: safe for now, the conversation to the end, each need to its own service with how to contact her', async () => {
    const from = '+447911200704';
    const first =
      "I've left my partner because he was hitting me, I'm staying at my sister's with my two kids but she can't keep us for long. I've got no money and I've had to leave my job.";
    expect(await text(from, first)).toMatch(/^Before anything else: are you, or is anyone with you, in danger right now\? Reply Y or N\.$/);
    const understood = await text(from, 'N', 2);
    expect(understood).toMatch(/Thank you\. If that changes, call 999 straight away\./);
    expect(understood).toMatch(/It sounds like you need help with .*\. Is that right\? Reply Y or N\./);
    // What the detector found in that text (needs the services below own).
    for (const say of ['somewhere to live', 'being safe from abuse at home', 'work or a job', 'money for essentials right now'])
      expect(understood).toContain(say);

    let said = await text(from, 'Y');
    expect(said).toMatch(/often also need help with/);
    said = await text(from, 'no');
    // "with my two kids" already said who lives with her: the household question is not asked.
    const answers: [RegExp, string][] = [
      [/leave by|deadline/, 'my sister says end of the month'],
      [/contact you safely/, 'text only please, he checks my emails'],
      // Since session 24 the detector also finds school for the two children (from the labelled messages most like
      // it); how to contact her safely and the deadline are still the two facts asked.
      [/How old are the children/, '6 and 9, they will need a school near wherever we end up'],
    ];
    for (let asked = 0; !/Can we share what you have told us/.test(said); asked++) {
      expect(asked, `unexpected question: ${said}`).toBeLessThan(3);
      expect(said).not.toMatch(/Who lives with you|How can the team contact you later/);
      const answer = answers.find(([q]) => q.test(said));
      expect(answer, `unexpected question: ${said}`).toBeDefined();
      said = await text(from, answer![1]);
    }
    expect(await handoffsOf(from)).toEqual([]);
    const told = await text(from, 'Y');
    expect(told).toMatch(/^We have passed your details on/);

    const handoffs = await handoffsOf(from);
    const byService = Object.fromEntries(handoffs.map((h) => [h.service.name, h.needs]));
    expect(byService).toEqual({
      'Domestic Abuse Support': ['safety.domestic-abuse'],
      'Housing Options': ['housing.homeless'],
      'Money Advice': ['money.crisis'],
      'Employment Support': ['work.employment'],
      'School Admissions': ['education.school'],
    });
    for (const h of handoffs) {
      expect(told).toContain(h.reference);
      expect(h.urgent).toBe(false);
      expect(h.facts, h.service.name).toMatchObject({
        safeContact: 'text only please, he checks my emails',
        deadline: 'my sister says end of the month',
        household: expect.stringContaining('with my two kids'),
      });
    }
  });
});

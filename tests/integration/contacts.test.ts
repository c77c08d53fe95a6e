// Contact that does not start on a channel, on a real hub: an agent writes down a walk-in's story (a new person,
// or someone on record), confirms the needs found in it and hands them on with the person's consent; and an agent
// writes first to a customer by SMS through the twilio SDK to the fake Twilio API. Both enter the customer's one
// record and open conversation, and replies reach them at an address on their record.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../../app/compose.ts';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import { contactOptions, recordContact } from '../../hub/usecases/contacts.ts';
import { writeDirectory } from '../helpers/directory.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { PUBLIC_BASE_URL, apiJson, signIn, startTestHub, testEnv } from '../helpers/hub.ts';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: RunningHub & { url: string };
let admin: string;
let other: string;

beforeAll(async () => {
  database = await createTestDatabase('contacts');
  twilioApi = await startFakeTwilio();
  const directory = await writeDirectory([
    { id: 'svc-housing', name: 'Housing Options', needs: ['housing.homeless'], handoff: { kind: 'desk' } },
    { id: 'svc-money', name: 'Money Advice', needs: ['money.crisis', 'money.debt', 'money.benefits'], handoff: { kind: 'desk' } },
  ]);
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, TWILIO_API_BASE_URL: twilioApi.url, DIRECTORY_PATH: directory }));
  admin = await signIn(hub.url);
  const created = await apiJson(hub.url, admin, '/api/agents', {
    method: 'POST',
    body: JSON.stringify({ email: 'robin@council.example', displayName: 'Robin Reception', password: 'a long enough passphrase for robin', role: 'agent' }),
  });
  expect(created.status).toBe(201);
  other = await signIn(hub.url, { email: 'robin@council.example', password: 'a long enough passphrase for robin' });
});
afterAll(async () => {
  await hub?.stop();
  await twilioApi?.close();
  await database?.drop();
});

const db = () => hub.database.prisma;
const post = (cookie: string, path: string, body: unknown) => apiJson(hub.url, cookie, path, { method: 'POST', body: JSON.stringify(body) });
const walkIn = (cookie: string, body: Record<string, unknown>) => post(cookie, '/api/contacts/in-person', { requestId: randomUUID(), ...body });

describe('a contact in person', () => {
  it('puts a new person on record with their story, needs found in it, and a hand-off made with their consent', async () => {
    const story = 'I have been evicted and I have nowhere to sleep tonight. I have no money left for food.';
    const requestId = randomUUID();
    const recorded = await post(admin, '/api/contacts/in-person', {
      requestId,
      story,
      newCustomer: { displayName: 'Dana Walker', phone: '07911 200123', postcode: 'ab1 2cd' },
    });
    expect(recorded.status).toBe(201);
    const { customerId, conversationId, detection } = recorded.body;
    expect(detection.needs.map((n: { code: string }) => n.code)).toContain('housing.homeless');

    // A second press of the button records nothing more.
    const again = await post(admin, '/api/contacts/in-person', { requestId, story, newCustomer: { displayName: 'Dana Walker', phone: '07911 200123' } });
    expect(again.status).toBe(201);
    expect(again.body.conversationId).toBe(conversationId);
    expect(await db().message.count({ where: { conversationId } })).toBe(1);

    const customer = await db().customer.findUniqueOrThrow({ where: { id: customerId }, include: { contactPoints: true } });
    expect(customer).toMatchObject({ displayName: 'Dana Walker', postcode: 'AB1 2CD' });
    expect(customer.contactPoints.map((p) => [p.kind, p.address])).toEqual([['phone', '+447911200123']]);
    const conversation = await apiJson(hub.url, admin, `/api/conversations/${conversationId}`);
    expect(conversation.status).toBe(200);
    expect(conversation.body.conversation).toMatchObject({ channel: 'in_person', status: 'open', assignedAgent: { displayName: expect.any(String) } });
    const messages = conversation.body.conversation.messages as { direction: string; body: string; notices: string[] }[];
    expect(messages).toEqual([expect.objectContaining({ direction: 'inbound', body: story, notices: [expect.stringMatching(/^Told in person to /)] })]);

    // The agent confirms the needs with the person and, with their agreement, hands them on.
    for (const code of ['housing.homeless', 'money.crisis'])
      expect((await post(admin, `/api/conversations/${conversationId}/needs`, { code })).status).toBe(201);
    const handed = await post(admin, `/api/conversations/${conversationId}/handoffs`, { consent: true });
    expect(handed.status).toBe(201);
    expect(handed.body.handoffs.map((h: { service: { name: string } }) => h.service.name).sort()).toEqual(['Housing Options', 'Money Advice']);

    // A written reply reaches them by text, at the number on their record (nothing can be sent "in person").
    const before = twilioApi.requests.length;
    const reply = await post(admin, `/api/conversations/${conversationId}/messages`, { text: 'Housing Options will call you today.' });
    expect(reply.status).toBe(202);
    const [sent] = (await twilioApi.waitForRequests(before + 1)).slice(before);
    expect(sent?.form.To).toBe('+447911200123');
  });

  it('joins the open conversation of someone on record, and refuses a second record for a known number', async () => {
    const fields = inboundSmsFields('+447911200456', 'my heating has broken');
    expect((await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', fields)).status).toBe(200);
    await expect.poll(() => db().message.count({ where: { providerMessageId: fields.MessageSid! } }), { timeout: 15_000 }).toBe(1);
    const texted = await db().message.findFirstOrThrow({
      where: { providerMessageId: fields.MessageSid! },
      select: { conversationId: true, conversation: { select: { customerId: true } } },
    });

    const duplicate = await walkIn(admin, { story: 'Came in about the heating', newCustomer: { displayName: 'Sam', phone: '+44 7911 200456' } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error).toMatch(/already on a customer’s record/);

    const recorded = await walkIn(admin, {
      story: 'Came in about the heating: still broken, two small children at home',
      customerId: texted.conversation.customerId,
    });
    expect(recorded.status).toBe(201);
    expect(recorded.body.conversationId).toBe(texted.conversationId);
    const conversation = await db().conversation.findUniqueOrThrow({ where: { id: texted.conversationId } });
    expect(conversation.channel).toBe('in_person');
    expect(await db().message.count({ where: { conversationId: texted.conversationId, direction: 'inbound' } })).toBe(2);
  });

  it('is refused where contact in person is switched off (IN_PERSON_ENABLED=false)', async () => {
    const adminId = (await db().agent.findUniqueOrThrow({ where: { email: 'admin@council.example' } })).id;
    const input = { agentId: adminId, agentName: 'Administrator', customer: { new: { displayName: 'Off', addresses: [] } }, story: 'help', urgent: false };
    await expect(recordContact(db(), { ...input, requestId: randomUUID(), enabledChannels: ['sms', 'webchat'] })).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/switched off/),
    });
    expect(await db().customer.count({ where: { displayName: 'Off' } })).toBe(0);
  });

  it('tells the desk what it offers: in person, and writing first only to addresses a switched-on channel reaches', async () => {
    const options = await apiJson(hub.url, admin, '/api/contacts/options');
    expect(options.status).toBe(200);
    expect(options.body.inPerson).toBe(true);
    expect(options.body.writeTo).toContain('phone');
    // SMS off, in person off: no text message offered, nothing in person.
    expect(contactOptions(['webchat', 'email'])).toEqual({ inPerson: false, writeTo: ['email'] });
    expect(contactOptions(['in_person', 'sms'])).toEqual({ inPerson: true, writeTo: ['phone'] });
    expect(contactOptions(['webchat'])).toEqual({ inPerson: false, writeTo: [] });
  });

  it('says what is wrong with a form that is not complete', async () => {
    const missing = await walkIn(admin, { story: '  ' });
    expect(missing.status).toBe(400);
    expect(missing.body.issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['story', 'customerId']));
    const badPhone = await walkIn(admin, { story: 'help with rent', newCustomer: { displayName: 'Lee', phone: '12' } });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body.issues).toEqual([{ path: 'newCustomer.phone', message: expect.stringMatching(/phone number/) }]);
    expect((await walkIn(admin, { story: 'help', customerId: randomUUID() })).status).toBe(404);
  });
});

describe('a first message to a customer on record', () => {
  it('goes by SMS to their number, on a conversation the agent keeps', async () => {
    const recorded = await walkIn(admin, { story: 'Asked us to text about the food bank', newCustomer: { displayName: 'Ola', phone: '07911 200789' } });
    const customerId = recorded.body.customerId as string;
    // Closed, so the message starts a new conversation.
    expect((await post(admin, `/api/conversations/${recorded.body.conversationId}/close`, { outcome: 'signposted' })).status).toBe(200);

    const before = twilioApi.requests.length;
    const started = await post(admin, '/api/contacts/outbound', { customerId, to: 'phone', text: 'Hello Ola, the food bank is open today until 4pm.' });
    expect(started.status).toBe(201);
    expect(started.body.conversationId).not.toBe(recorded.body.conversationId);
    const [sent] = (await twilioApi.waitForRequests(before + 1)).slice(before);
    expect(sent?.form).toMatchObject({ To: '+447911200789', Body: 'Hello Ola, the food bank is open today until 4pm.' });
    const conversation = await db().conversation.findUniqueOrThrow({ where: { id: started.body.conversationId }, include: { assignedAgent: true } });
    expect(conversation).toMatchObject({ channel: 'sms', status: 'open', customerId });
    expect(conversation.assignedAgent?.email).toBe('admin@council.example');

    // Another agent may not write into a conversation someone else is handling.
    const taken = await post(other, '/api/contacts/outbound', { customerId, to: 'phone', text: 'Hi again' });
    expect(taken.status).toBe(409);
    expect(taken.body.error).toMatch(/is handling an open conversation/);
  });

  it('is refused on a channel that reaches no address of theirs', async () => {
    const recorded = await walkIn(admin, { story: 'No phone, no email', newCustomer: { displayName: 'Kit' } });
    const refused = await post(admin, '/api/contacts/outbound', { customerId: recorded.body.customerId, to: 'email', text: 'Hello' });
    expect(refused.status).toBe(409);
    const noSms = await post(admin, '/api/contacts/outbound', { customerId: recorded.body.customerId, to: 'phone', text: 'Hello' });
    expect(noSms.status).toBe(400);
    expect(noSms.body.error).toMatch(/no sms address/);
  });
});

// Subject access export and erasure over the real PostgreSQL: what the customer gets, what is left.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { startFakeTwilio, type FakeTwilio } from '../helpers/fake-twilio.ts';
import { PUBLIC_BASE_URL, apiJson, connectDesk, nextEvent, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import { hashPassword } from '../../agent-desk/server/auth.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';
import type { CustomerExport } from '../../hub/identity/subject-rights.ts';

const NUMBER = '+447911200501';
const AGENT = { email: 'agent@council.example', password: 'quiet harbour agent 1' };

let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: RunningHub & { url: string };
let admin: string;
let agent: string;
let desk: Socket;
let customerId: string;
let firstSms: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase('subject_rights');
  twilioApi = await startFakeTwilio();
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, TWILIO_API_BASE_URL: twilioApi.url }));
  admin = await signIn(hub.url);
  await hub.database.prisma.agent.create({
    data: { email: AGENT.email, displayName: 'Agent', role: 'agent', passwordHash: await hashPassword(AGENT.password) },
  });
  agent = await signIn(hub.url, AGENT);
  desk = await connectDesk(hub.url, admin);

  firstSms = inboundSmsFields(NUMBER, 'My ex keeps turning up at my flat, 12 Rose Court');
  const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.providerMessageId === firstSms.MessageSid);
  await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', firstSms);
  const inbound = await arrived;
  const sent = nextEvent<MessageView>(desk, 'message.updated', (m) => m.conversationId === inbound.conversationId && m.status === 'sent');
  await apiJson(hub.url, admin, `/api/conversations/${inbound.conversationId}/messages`, {
    method: 'POST',
    body: JSON.stringify({ text: 'You are not alone. Can we call you safely?' }),
  });
  await sent;
  customerId = (await hub.database.prisma.conversation.findUniqueOrThrow({ where: { id: inbound.conversationId } })).customerId;
  await hub.database.prisma.customer.update({ where: { id: customerId }, data: { displayName: 'Sam Taylor', postcode: 'B33 8TH' } });
  await hub.database.prisma.need.create({ data: { customerId, conversationId: inbound.conversationId, code: 'safety.domestic-abuse', source: 'agent' } });
  await apiJson(hub.url, agent, `/api/customers/${customerId}`); // an agent reads the record
  // A colleague's private note about the person: theirs to see, and to have erased.
  const note = await apiJson(hub.url, agent, `/api/conversations/${inbound.conversationId}/notes`, {
    method: 'POST',
    body: JSON.stringify({ text: 'Lives at Rose Court with two children; call only on the mobile' }),
  });
  if (note.status !== 201) throw new Error(`could not add the note: ${note.status}`);
});

afterAll(async () => {
  desk?.close();
  await hub?.stop();
  await twilioApi?.close();
  await database?.drop();
});

describe('subject access export', () => {
  it('is refused to an ordinary agent account', async () => {
    expect((await apiJson(hub.url, agent, `/api/customers/${customerId}/export`)).status).toBe(403);
  });

  it('gives a supervisor or admin everything held about the person, in one JSON document', async () => {
    const res = await fetch(`${hub.url}/api/customers/${customerId}/export`, { headers: { cookie: admin } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="?customer-[0-9a-f-]+\.json"?$/);
    const doc = (await res.json()) as CustomerExport;
    expect(doc.customer).toMatchObject({ displayName: 'Sam Taylor', postcode: 'B33 8TH', erasedAt: null });
    expect(doc.contactPoints.map((p) => p.address)).toEqual([NUMBER]);
    expect(doc.conversations.flatMap((c) => c.messages.map((m) => [m.direction, m.text]))).toEqual([
      ['inbound', 'My ex keeps turning up at my flat, 12 Rose Court'],
      ['outbound', 'You are not alone. Can we call you safely?'],
    ]);
    expect(doc.needs.map((n) => n.code)).toEqual(['safety.domestic-abuse']);
    // Staff's private notes about them are personal data too, and are in the export.
    expect(doc.conversations.flatMap((c) => c.notes.map((n) => n.text))).toEqual(['Lives at Rose Court with two children; call only on the mobile']);
    expect(doc.accessLog.map((e) => e.action)).toContain('customer_read');
    const audit = await hub.database.prisma.auditEvent.findFirst({ where: { action: 'customer_export', customerId } });
    expect(audit).not.toBeNull();
  });
});

describe('erasure', () => {
  it('needs a reason and a supervisor or admin', async () => {
    const erase = (cookie: string, body: unknown) =>
      apiJson(hub.url, cookie, `/api/customers/${customerId}/erase`, { method: 'POST', body: JSON.stringify(body) });
    expect((await erase(agent, { reason: 'request ref 123' })).status).toBe(403);
    const noReason = await erase(admin, {});
    expect(noReason.status).toBe(400);
    expect(JSON.stringify(noReason.body)).toMatch(/say why/);
    expect(await hub.database.prisma.customer.findUniqueOrThrow({ where: { id: customerId } })).toMatchObject({ erasedAt: null, displayName: 'Sam Taylor' });
  });

  it('removes the personal content, keeps anonymised counts, and records who and why', async () => {
    const res = await apiJson<{ erased: { messages: number; contactPoints: number } }>(hub.url, admin, `/api/customers/${customerId}/erase`, {
      method: 'POST',
      body: JSON.stringify({ reason: 'erasure request ER-2026-041' }),
    });
    expect(res.status).toBe(200);
    expect(res.body.erased).toMatchObject({ messages: 2, contactPoints: 1, notes: 1 });

    const db = hub.database.prisma;
    // Nothing the person wrote or was sent, nor their number, name or postcode, remains anywhere.
    const texts = JSON.stringify([
      await db.message.findMany(),
      await db.inboxItem.findMany(),
      await db.customer.findMany(),
      await db.contactPoint.findMany(),
      await db.note.findMany(),
    ]);
    for (const personal of ['Rose Court', 'not alone', NUMBER, 'Sam Taylor', 'B33 8TH', 'two children']) expect(texts).not.toContain(personal);
    expect(await db.note.count({ where: { conversation: { customerId } } })).toBe(0);
    // What reports count is still there.
    expect(await db.conversation.count({ where: { customerId } })).toBe(1);
    expect(await db.message.count({ where: { conversation: { customerId } } })).toBe(2);
    expect(await db.need.findMany({ where: { customerId }, select: { code: true } })).toEqual([{ code: 'safety.domestic-abuse' }]);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'customer_erase', customerId } });
    expect(audit.reason).toBe('erasure request ER-2026-041');

    expect((await apiJson<{ customers: unknown[] }>(hub.url, admin, `/api/customers?query=${encodeURIComponent(NUMBER)}`)).body.customers).toEqual([]);
  });

  it('a provider retry of an old message stores nothing; a new text from the number starts a new record', async () => {
    const db = hub.database.prisma;
    expect((await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', firstSms)).status).toBe(200);
    const fresh = inboundSmsFields(NUMBER, 'Hello again');
    const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.providerMessageId === fresh.MessageSid);
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', fresh);
    const message = await arrived;
    const conversation = await db.conversation.findUniqueOrThrow({ where: { id: message.conversationId } });
    expect(conversation.customerId).not.toBe(customerId);
    expect(await db.message.count({ where: { providerMessageId: firstSms.MessageSid } })).toBe(1);
    expect(await db.message.count({ where: { conversation: { customerId } } })).toBe(2);
  });
});

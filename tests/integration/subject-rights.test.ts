// Subject access export and erasure over the real PostgreSQL: what the customer gets, what is left.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { writeDirectory } from '../helpers/directory.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { PUBLIC_BASE_URL, apiJson, connectDesk, nextEvent, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import { hashPassword } from '../../agent-desk/server/auth.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';
import { ERASED, type CustomerExport } from '../../hub/identity/subject-rights.ts';
import { until } from '../helpers/until.ts';

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
/** The token of the link to their plan the agent sent them. */
let planToken: string;
let planId: string;

beforeAll(async () => {
  database = await createTestDatabase('subject_rights');
  twilioApi = await startFakeTwilio();
  const directory = await writeDirectory([{ id: 'svc-refuge', name: 'Domestic Abuse Support', needs: ['safety.domestic-abuse'], handoff: { kind: 'desk' } }]);
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, TWILIO_API_BASE_URL: twilioApi.url, DIRECTORY_PATH: directory }));
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

  // Their plan: the need handed to a service (they are told its reference), a link to the plan sent to them,
  // something they will do themself added on the plan page, and a follow-up they answered.
  const handedOff = await apiJson(hub.url, admin, `/api/conversations/${inbound.conversationId}/handoffs`, {
    method: 'POST',
    body: JSON.stringify({ consent: true, needs: ['safety.domestic-abuse'] }),
  });
  if (handedOff.status !== 201) throw new Error(`could not hand off: ${handedOff.status} ${JSON.stringify(handedOff.body)}`);
  planId = handedOff.body.handoffs[0].plan.id;
  const linkSent = await apiJson(hub.url, admin, `/api/plans/${planId}/links`, { method: 'POST' });
  if (linkSent.status !== 201) throw new Error(`could not send the plan link: ${linkSent.status}`);
  const tokenIn = () => twilioApi.requests.map((r) => r.form.Body?.match(/\/plan\/([A-Za-z0-9_-]{43})/)?.[1]).find(Boolean);
  await until('the plan link by SMS', () => tokenIn() !== undefined);
  planToken = tokenIn()!;
  const opened = await fetch(`${hub.url}/plan/${planToken}`);
  if (opened.status !== 200) throw new Error(`the plan link does not open: ${opened.status}`);
  const added = await fetch(`${hub.url}/plan/${planToken}/actions`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: hub.url, 'sec-fetch-site': 'same-origin' },
    body: new URLSearchParams({ requestId: crypto.randomUUID(), text: 'I will ask my sister Jo to stay over' }).toString(),
  });
  if (added.status !== 303) throw new Error(`could not add their own action: ${added.status}`);
  // No use case asks follow-ups yet: the answered one is written as the hub would keep it.
  const handoff = await hub.database.prisma.handoff.findFirstOrThrow({ where: { customerId } });
  await hub.database.prisma.followUp.create({
    data: {
      planId,
      customerId,
      reason: 'interval',
      conversationId: inbound.conversationId,
      channel: 'sms',
      step: 'done',
      expiresAt: new Date(Date.now() + 86_400_000),
      wellbeing: 4,
      comment: 'Feeling safer since the locks at Rose Court were changed',
      answeredAt: new Date(),
      answers: { create: { handoffId: handoff.id, serviceId: handoff.serviceId, needs: handoff.needs, helped: true } },
    },
  });
  // They then asked not to be contacted: a wish about them, so in the export too.
  await hub.database.prisma.customer.update({ where: { id: customerId }, data: { noContactSince: new Date('2026-11-30T09:00:00.000Z') } });
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
    expect(doc.conversations.flatMap((c) => c.messages.map((m) => [m.direction, m.text])).slice(0, 2)).toEqual([
      ['inbound', 'My ex keeps turning up at my flat, 12 Rose Court'],
      ['outbound', 'You are not alone. Can we call you safely?'],
    ]);
    expect(doc.needs.map((n) => n.code)).toEqual(['safety.domestic-abuse']);
    // Staff's private notes about them are personal data too, and are in the export.
    expect(doc.conversations.flatMap((c) => c.notes.map((n) => n.text))).toEqual(['Lives at Rose Court with two children; call only on the mobile']);
    expect(doc.accessLog.map((e) => e.action)).toContain('customer_read');
    expect(doc.customer.noContactSince).toBe('2026-11-30T09:00:00.000Z');
    // Their plan: the link they were sent, what they said they would do, and how they answered the follow-up.
    expect(doc.plans).toHaveLength(1);
    const [plan] = doc.plans;
    expect(plan!.closedAt).toBeNull();
    expect(plan!.links).toEqual([
      { sentBy: 'agent', createdAt: expect.any(String), expiresAt: expect.any(String), revokedAt: null, lastOpenedAt: expect.any(String) },
    ]);
    expect(plan!.actions).toEqual([{ text: 'I will ask my sister Jo to stay over', addedBy: 'customer', doneAt: null, createdAt: expect.any(String) }]);
    const handoff = await hub.database.prisma.handoff.findFirstOrThrow({ where: { customerId } });
    expect(plan!.followUps).toEqual([
      {
        reason: 'interval',
        askedAt: expect.any(String),
        step: 'done',
        wellbeing: 4,
        comment: 'Feeling safer since the locks at Rose Court were changed',
        answeredAt: expect.any(String),
        answers: [{ reference: handoff.reference, service: 'Domestic Abuse Support', needs: ['safety.domestic-abuse'], helped: true }],
      },
    ]);
    // Neither the link's token nor its hash: the export must not open the plan.
    const text = JSON.stringify(doc);
    expect(text).not.toContain(planToken);
    expect(text).not.toContain(createHash('sha256').update(planToken).digest('hex'));
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
    // Their text, the agent's reply, the hand-off's reference and the plan link.
    expect(res.body.erased).toMatchObject({ messages: 4, contactPoints: 1, notes: 1, handoffs: 1 });

    const db = hub.database.prisma;
    // Nothing the person wrote or was sent, nor their number, name or postcode, remains anywhere.
    const texts = JSON.stringify([
      await db.message.findMany(),
      await db.inboxItem.findMany(),
      await db.customer.findMany(),
      await db.contactPoint.findMany(),
      await db.note.findMany(),
      await db.planAction.findMany(),
      await db.followUp.findMany(),
    ]);
    for (const personal of ['Rose Court', 'not alone', NUMBER, 'Sam Taylor', 'B33 8TH', 'two children', 'sister Jo']) expect(texts).not.toContain(personal);
    expect(await db.note.count({ where: { conversation: { customerId } } })).toBe(0);
    // What reports count is still there.
    expect(await db.conversation.count({ where: { customerId } })).toBe(1);
    expect(await db.message.count({ where: { conversation: { customerId } } })).toBe(4);
    expect(await db.need.findMany({ where: { customerId }, select: { code: true } })).toEqual([{ code: 'safety.domestic-abuse' }]);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: 'customer_erase', customerId } });
    expect(audit.reason).toBe('erasure request ER-2026-041');

    // Their plan: the action's words and their comment are gone, and no link opens it again (each one is
    // stopped, not only refused for an erased customer); the score and whether the service helped stay.
    expect(await db.planAction.findMany({ where: { planId }, select: { text: true, addedBy: true } })).toEqual([{ text: ERASED, addedBy: 'customer' }]);
    expect((await fetch(`${hub.url}/plan/${planToken}`)).status).toBe(404);
    expect(await db.planLink.count({ where: { planId, revokedAt: null } })).toBe(0);
    const followUps = await db.followUp.findMany({ where: { planId }, include: { answers: true } });
    expect(followUps.map((f) => ({ wellbeing: f.wellbeing, comment: f.comment, step: f.step, helped: f.answers.map((a) => a.helped) }))).toEqual([
      { wellbeing: 4, comment: null, step: 'done', helped: [true] },
    ]);
    expect(followUps[0]!.answeredAt).not.toBeNull();

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
    expect(await db.message.count({ where: { conversation: { customerId } } })).toBe(4);
  });
});

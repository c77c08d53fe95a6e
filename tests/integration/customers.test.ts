// Customer 360 and search over the real PostgreSQL, with every read audited.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { PUBLIC_BASE_URL, apiJson, connectDesk, nextEvent, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';
import type { Customer360 } from '../../agent-desk/server/customers.ts';
import { loadTaxonomy } from '../../hub/needs/taxonomy.ts';

// A real code from the taxonomy.
const taxonomy = loadTaxonomy();
const WASTE = taxonomy.needs.find((n) => /bin|waste/i.test(n.label))!.code;

let database: TestDatabase;
let hub: RunningHub & { url: string };
let cookie: string;
let desk: Socket;
let maryId: string;
let janeId: string;

beforeAll(async () => {
  database = await createTestDatabase('customers');
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url }));
  cookie = await signIn(hub.url);
  desk = await connectDesk(hub.url, cookie);
  const db = hub.database.prisma;

  // Mary texts in; her profile details are then known (as an agent would record them).
  const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.fromAddress === '+447911123456');
  await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields('+447911123456', 'Is my bin day changing?'));
  const sms = await arrived;
  const conversation = await db.conversation.findUniqueOrThrow({ where: { id: sms.conversationId } });
  maryId = conversation.customerId;
  await db.customer.update({
    where: { id: maryId },
    data: { displayName: 'Mary Jones', postcode: 'SW1A 1AA', language: 'en-GB', accessibilityNeeds: ['prefers text'] },
  });
  // An older, closed conversation by email: the 360 timeline must span both.
  await db.contactPoint.create({ data: { customerId: maryId, kind: 'email', address: 'mary.jones@example.org', verifiedBy: 'inbound-email' } });
  await db.conversation.create({
    data: {
      customerId: maryId,
      status: 'closed',
      channel: 'email',
      createdAt: new Date('2026-01-05T09:00:00Z'),
      closedAt: new Date('2026-01-06T09:00:00Z'),
      messages: {
        create: {
          direction: 'inbound',
          channel: 'email',
          providerMessageId: '<old@example.org>',
          status: 'received',
          fromAddress: 'mary.jones@example.org',
          toAddress: 'contact@council.example',
          body: 'Council tax question',
          createdAt: new Date('2026-01-05T09:00:00Z'),
        },
      },
    },
  });
  await db.need.create({ data: { customerId: maryId, conversationId: sms.conversationId, code: WASTE, source: 'agent' } });
  janeId = (
    await db.customer.create({
      data: {
        displayName: 'Jane Smith',
        postcode: 'M1 1AE',
        contactPoints: { create: { kind: 'email', address: 'jane.smith@example.org', verifiedBy: 'agent' } },
      },
    })
  ).id;
});

afterAll(async () => {
  desk?.close();
  await hub?.stop();
  await database?.drop();
});

const search = (query: string) => apiJson<{ customers: { id: string }[] }>(hub.url, cookie, `/api/customers?query=${encodeURIComponent(query)}`);

describe('GET /api/customers?query=', () => {
  it.each([
    ['a mobile number typed the national way', '07911 123456', 'mary'],
    ['the same number with spaces and +44', '+44 7911 123 456', 'mary'],
    ['an email address in another case', 'Jane.Smith@Example.org', 'jane'],
    ['a postcode without its space', 'sw1a1aa', 'mary'],
    ['part of a name', 'smit', 'jane'],
  ])('finds by %s', async (_label, query, who) => {
    const res = await search(query);
    expect(res.status).toBe(200);
    expect(res.body.customers.map((c) => c.id)).toEqual([who === 'mary' ? maryId : janeId]);
  });

  it('finds nobody for a number nobody has', async () => {
    expect((await search('07911 999999')).body.customers).toEqual([]);
  });

  it('refuses a query too short to mean anything', async () => {
    expect((await search('a')).status).toBe(400);
  });

  it('records who searched and how many matched, but not what they typed', async () => {
    const agent = await hub.database.prisma.agent.findFirstOrThrow();
    const before = await hub.database.prisma.auditEvent.count({ where: { action: 'customer_search' } });
    await search('07911 123456');
    const events = await hub.database.prisma.auditEvent.findMany({ where: { action: 'customer_search' }, orderBy: { at: 'desc' } });
    expect(events).toHaveLength(before + 1);
    expect(events[0]).toMatchObject({ agentId: agent.id, detail: { matchedOn: ['phone'], results: 1 } });
    expect(JSON.stringify(events[0]!.detail)).not.toMatch(/7911/);
  });
});

describe('GET /api/customers/{id}', () => {
  it('returns the whole person: profile, contact points, every conversation and one timeline across channels, needs', async () => {
    const res = await apiJson<{ customer: Customer360 }>(hub.url, cookie, `/api/customers/${maryId}`);
    expect(res.status).toBe(200);
    const mary = res.body.customer;
    expect(mary).toMatchObject({ displayName: 'Mary Jones', postcode: 'SW1A 1AA', language: 'en-GB', accessibilityNeeds: ['prefers text'] });
    expect(mary.contactPoints.map((p) => [p.kind, p.address])).toEqual([
      ['phone', '+447911123456'],
      ['email', 'mary.jones@example.org'],
    ]);
    expect(mary.conversations.map((c) => [c.channel, c.status])).toEqual([
      ['sms', 'open'],
      ['email', 'closed'],
    ]);
    expect(mary.timeline.map((m) => [m.channel, m.body])).toEqual([
      ['email', 'Council tax question'],
      ['sms', 'Is my bin day changing?'],
    ]);
    expect(mary.needs.map((n) => n.code)).toEqual([WASTE]);
  });

  it('records every read of the record against the agent who made it', async () => {
    const agent = await hub.database.prisma.agent.findFirstOrThrow();
    const before = await hub.database.prisma.auditEvent.count({ where: { action: 'customer_read', customerId: janeId } });
    await apiJson(hub.url, cookie, `/api/customers/${janeId}`);
    await apiJson(hub.url, cookie, `/api/customers/${janeId}`);
    const reads = await hub.database.prisma.auditEvent.findMany({ where: { action: 'customer_read', customerId: janeId } });
    expect(reads).toHaveLength(before + 2);
    expect(reads.every((r) => r.agentId === agent.id)).toBe(true);
  });

  it('answers 404 for an unknown customer, 400 for a malformed id, 401 without a session', async () => {
    expect((await apiJson(hub.url, cookie, '/api/customers/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await apiJson(hub.url, cookie, '/api/customers/not-an-id')).status).toBe(400);
    expect((await fetch(`${hub.url}/api/customers/${maryId}`)).status).toBe(401);
    expect((await fetch(`${hub.url}/api/customers?query=mary`)).status).toBe(401);
  });
});

describe('PATCH /api/customers/{id}', () => {
  const patch = (body: unknown) =>
    apiJson<{ customer: Customer360; error: string }>(hub.url, cookie, `/api/customers/${janeId}`, { method: 'PATCH', body: JSON.stringify(body) });

  it('records the profile an agent learns, normalised, and audits which fields changed', async () => {
    const res = await patch({ postcode: 'm11ae', language: 'pl', accessibilityNeeds: ['uses BSL', 'prefers text'], preferredChannel: 'sms' });
    expect(res.status).toBe(200);
    expect(res.body.customer).toMatchObject({
      postcode: 'M1 1AE',
      language: 'pl',
      accessibilityNeeds: ['uses BSL', 'prefers text'],
      preferredChannel: 'sms',
      displayName: 'Jane Smith',
    });
    const audit = await hub.database.prisma.auditEvent.findFirstOrThrow({ where: { action: 'customer_update', customerId: janeId }, orderBy: { at: 'desc' } });
    expect(audit.detail).toEqual({ fields: ['postcode', 'language', 'preferredChannel', 'accessibilityNeeds'] });
  });

  it.each([
    [{ postcode: 'nowhere' }, /not a UK postcode/],
    [{ language: 'not a language!' }, /language tag/],
    [{ preferredChannel: 'pigeon' }, /sms/],
    [{ passwordHash: 'x' }, /passwordHash|Unrecognized/i],
  ])('refuses %j with a reason', async (body, reason) => {
    const res = await patch(body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(reason);
  });
});

describe('POST /api/customers/{id}/contact-points', () => {
  const link = (id: string, body: unknown) =>
    apiJson<{ error?: string; otherCustomerId?: string; contactPoint?: { address: string } }>(hub.url, cookie, `/api/customers/${id}/contact-points`, {
      method: 'POST',
      body: JSON.stringify(body),
    });

  it('links a number in any format after an identity check, with the reason audited', async () => {
    const res = await link(janeId, { kind: 'phone', address: '07911 200777', reason: 'confirmed date of birth and address by phone' });
    expect(res.status).toBe(201);
    expect(res.body.contactPoint).toEqual({ kind: 'phone', address: '+447911200777' });
    expect((await search('+447911200777')).body.customers.map((c) => c.id)).toEqual([janeId]);
    const audit = await hub.database.prisma.auditEvent.findFirstOrThrow({ where: { action: 'contact_point_link', customerId: janeId } });
    expect(audit.reason).toBe('confirmed date of birth and address by phone');
    // Linking it again changes nothing.
    expect((await link(janeId, { kind: 'phone', address: '+447911200777', reason: 'asked again' })).status).toBe(200);
  });

  it('never moves an address that belongs to someone else: it says whose it is', async () => {
    const res = await link(janeId, { kind: 'email', address: 'MARY.JONES@example.org', reason: 'caller said it was hers' });
    expect(res.status).toBe(409);
    expect(res.body.otherCustomerId).toBe(maryId);
    const owner = await hub.database.prisma.contactPoint.findUniqueOrThrow({ where: { kind_address: { kind: 'email', address: 'mary.jones@example.org' } } });
    expect(owner.customerId).toBe(maryId);
  });

  it('refuses a link with no reason, or an address that is not one', async () => {
    expect((await link(janeId, { kind: 'email', address: 'jane2@example.org' })).status).toBe(400);
    const bad = await link(janeId, { kind: 'phone', address: '12345', reason: 'checked on the phone' });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/not a valid phone number/);
  });

  it('a text from a newly linked number joins that customer, not a new one', async () => {
    const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.fromAddress === '+447911200777');
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields('+447911200777', 'It is Jane, texting from my new phone'));
    const message = await arrived;
    const conversation = await hub.database.prisma.conversation.findUniqueOrThrow({ where: { id: message.conversationId } });
    expect(conversation.customerId).toBe(janeId);
  });
});

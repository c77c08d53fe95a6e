// A conversation's life on a real hub, as the desk's testers found it: closing records only an outcome that
// happened, a closed conversation can be reopened, the web-chat customer is told their chat has ended (a texter
// is sent nothing), a transfer keeps the customer's place in the queue, supervisors see urgent conversations
// nobody can be offered, and an agent can take a waiting conversation without waiting for an offer.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { PUBLIC_BASE_URL, apiJson, connectDesk, createDeskAccount, nextEvent, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { MessageView, SupervisorOverview } from '../../agent-desk/server/views.ts';
import type { OfferView } from '../../agent-desk/server/routing.ts';
import type { TranscriptEntry } from '../../channels/contract.ts';
import type { ChatAck } from '../../channels/webchat/webchat.adapter.ts';
import { CUSTOMER_WORDING } from '../../hub/wording.ts';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: RunningHub & { url: string };
let admin: string;
let adminDesk: Socket;
const sockets: Socket[] = [];
let nextNumber = 100;

beforeAll(async () => {
  database = await createTestDatabase('conversation_lifecycle');
  twilioApi = await startFakeTwilio();
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, TWILIO_API_BASE_URL: twilioApi.url, PRESENCE_GRACE_SECONDS: '1' }));
  admin = await signIn(hub.url);
  adminDesk = await connectDesk(hub.url, admin);
});
afterAll(async () => {
  for (const s of [...sockets, adminDesk]) s?.close();
  await hub?.stop();
  await twilioApi?.close();
  await database?.drop();
});
// Each case starts with nobody at the desk and nothing open.
beforeEach(async () => {
  const db = hub.database.prisma;
  await db.agent.updateMany({ data: { presence: 'offline' } });
  await db.offer.updateMany({ where: { status: 'pending' }, data: { status: 'withdrawn' } });
  await db.conversation.updateMany({ where: { status: 'open' }, data: { status: 'closed', openForCustomer: null, waitingSince: null } });
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.close();
});

const db = () => hub.database.prisma;
const post = (cookie: string, path: string, body?: unknown) =>
  apiJson(hub.url, cookie, path, { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body) });

async function smsConversation(body: string): Promise<{ id: string; from: string }> {
  const from = `+4479113${String(nextNumber++).padStart(5, '0')}`;
  const arrived = nextEvent<MessageView>(adminDesk, 'message.created', (m) => m.fromAddress === from && m.direction === 'inbound');
  await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, body));
  return { id: (await arrived).conversationId, from };
}

/** The conversation is waiting for a person (its message has been routed). */
async function waitingFor(id: string): Promise<Date> {
  let since: Date | null = null;
  await expect
    .poll(
      async () => {
        since = (await db().conversation.findUniqueOrThrow({ where: { id }, select: { waitingSince: true } })).waitingSince;
        return since !== null;
      },
      { timeout: 15_000 },
    )
    .toBe(true);
  return since!;
}

async function team(name: string, hours?: string) {
  const made = await apiJson(hub.url, admin, '/api/teams', {
    method: 'POST',
    body: JSON.stringify({ name: `${name} ${nextNumber++}`, needs: [], ...(hours ? { hours, timeZone: 'UTC' } : {}) }),
  });
  expect(made.status).toBe(201);
  return made.body.team as { id: string; name: string };
}

async function deskAgent(name: string, routing?: { teamIds?: string[] }, role: 'agent' | 'supervisor' = 'agent') {
  const { id, cookie } = await createDeskAccount(hub.url, admin, { name, role, routing });
  const socket = await connectDesk(hub.url, cookie);
  sockets.push(socket);
  return { id, cookie, socket };
}

/** A web-chat visitor's browser: connected, with the hub's replay of their transcript. */
async function visit(visitorId: string): Promise<Socket> {
  const socket = connect(`${hub.url}/chat`, { auth: { visitorId }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(socket);
  await new Promise<TranscriptEntry[]>((resolve, reject) => {
    socket.once('transcript', resolve);
    socket.once('connect_error', reject);
  });
  return socket;
}

async function handOff(conversationId: string): Promise<void> {
  const conversation = await db().conversation.findUniqueOrThrow({ where: { id: conversationId } });
  const organization = await db().organization.create({ data: { externalId: `org-${randomBytes(4).toString('hex')}`, name: 'Council' } });
  const service = await db().service.create({
    data: { externalId: `svc-${randomBytes(4).toString('hex')}`, organizationId: organization.id, name: 'Housing Options' },
  });
  const plan = await db().actionPlan.create({ data: { customerId: conversation.customerId } });
  await db().handoff.create({
    data: {
      reference: randomBytes(4).toString('hex').toUpperCase(),
      planId: plan.id,
      customerId: conversation.customerId,
      conversationId,
      serviceId: service.id,
      needs: ['housing'],
      consentAt: new Date(),
      dueAt: new Date(Date.now() + 86_400_000),
    },
  });
}

describe('closing', () => {
  it('refuses "handed on to a service" for a conversation with no hand-off, and records it once there is one', async () => {
    const conversation = await smsConversation('my landlord wants me out');
    const refused = await post(admin, `/api/conversations/${conversation.id}/close`, { outcome: 'handed_off' });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatch(/not handed on to a service/);
    expect((await db().conversation.findUniqueOrThrow({ where: { id: conversation.id } })).status).toBe('open');

    await handOff(conversation.id);
    const closed = await post(admin, `/api/conversations/${conversation.id}/close`, { outcome: 'handed_off' });
    expect(closed.status).toBe(200);
    expect((await db().conversation.findUniqueOrThrow({ where: { id: conversation.id } })).outcome).toBe('handed_off');
  });

  it('tells a web-chat visitor their chat has ended and offers a new one; a texter is sent nothing', async () => {
    const visitorId = randomUUID();
    const visitor = await visit(visitorId);
    const arrived = nextEvent<MessageView>(adminDesk, 'message.created', (m) => m.fromAddress === visitorId);
    expect(
      (await (visitor.timeout(5000).emitWithAck('message', { clientMessageId: randomUUID(), text: 'Is the tip open on Sunday?' }) as Promise<ChatAck>)).ok,
    ).toBe(true);
    const chat = (await arrived).conversationId;

    const told = new Promise<TranscriptEntry>((resolve) =>
      visitor.on('message', (entry: TranscriptEntry) => entry.text === CUSTOMER_WORDING.chatEnded.text && resolve(entry)),
    );
    expect((await post(admin, `/api/conversations/${chat}/close`, { outcome: 'resolved' })).status).toBe(200);
    expect(await told).toMatchObject({ direction: 'outbound', suggestions: [CUSTOMER_WORDING.chatEnded.startAgain] });
    // The desk shows it as sent by the hub, in the closed conversation.
    const shown = await apiJson(hub.url, admin, `/api/conversations/${chat}`);
    expect(shown.body.conversation.messages.at(-1)).toMatchObject({ body: CUSTOMER_WORDING.chatEnded.text, sender: { kind: 'automatic' } });

    // Starting again: the visitor's next message opens a new conversation.
    const again = nextEvent<MessageView>(adminDesk, 'message.created', (m) => m.fromAddress === visitorId && m.direction === 'inbound');
    visitor.emit('message', { clientMessageId: randomUUID(), text: CUSTOMER_WORDING.chatEnded.startAgain }, () => {});
    expect((await again).conversationId).not.toBe(chat);

    // A text conversation closes with nothing sent: the close and any notice are one transaction, so this is final.
    const texter = await smsConversation('thanks, that is all');
    const before = await db().message.count({ where: { conversationId: texter.id, direction: 'outbound' } });
    expect((await post(admin, `/api/conversations/${texter.id}/close`, { outcome: 'resolved' })).status).toBe(200);
    expect(await db().message.count({ where: { conversationId: texter.id, direction: 'outbound' } })).toBe(before);
  });
});

describe('reopening', () => {
  it('opens a closed conversation again for the agent who reopens it, audited; not while the customer has another open', async () => {
    const ana = await deskAgent('Ana');
    const conversation = await smsConversation('my bin was missed');
    expect((await post(admin, `/api/conversations/${conversation.id}/close`, { outcome: 'resolved' })).status).toBe(200);

    const reopened = await post(ana.cookie, `/api/conversations/${conversation.id}/reopen`);
    expect(reopened.status).toBe(200);
    expect(reopened.body.conversation).toMatchObject({ status: 'open', assignedAgent: { id: ana.id } });
    const row = await db().conversation.findUniqueOrThrow({ where: { id: conversation.id } });
    expect(row).toMatchObject({ status: 'open', openForCustomer: row.customerId, closedAt: null, outcome: null });
    expect(await db().auditEvent.count({ where: { action: 'conversation_reopen', agentId: ana.id } })).toBe(1);
    // The customer's next text joins it.
    const next = nextEvent<MessageView>(adminDesk, 'message.created', (m) => m.fromAddress === conversation.from);
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(conversation.from, 'still not collected'));
    expect((await next).conversationId).toBe(conversation.id);
    expect((await post(ana.cookie, `/api/conversations/${conversation.id}/reopen`)).status).toBe(409);

    // Closed again, then the customer writes: their new conversation is where they are, so the old one stays closed.
    expect((await post(ana.cookie, `/api/conversations/${conversation.id}/close`, { outcome: 'resolved' })).status).toBe(200);
    const fresh = nextEvent<MessageView>(adminDesk, 'message.created', (m) => m.fromAddress === conversation.from && m.conversationId !== conversation.id);
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(conversation.from, 'one more thing'));
    await fresh;
    const refused = await post(ana.cookie, `/api/conversations/${conversation.id}/reopen`);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatch(/another open conversation/);
  });
});

describe('transfer', () => {
  it('keeps how long the customer has waited when a waiting conversation moves to another team', async () => {
    const housing = await team('Housing');
    const conversation = await smsConversation('damp in the bedroom');
    await waitingFor(conversation.id);
    const tenMinutesAgo = new Date(Date.now() - 10 * 60_000);
    await db().conversation.update({ where: { id: conversation.id }, data: { waitingSince: tenMinutesAgo } });

    const moved = await post(admin, `/api/conversations/${conversation.id}/transfer`, { teamId: housing.id, note: 'Damp: housing repairs' });
    expect(moved.status).toBe(200);
    expect(moved.body.conversation.team.id).toBe(housing.id);
    expect(moved.body.conversation.waitingSince).toBe(tenMinutesAgo.toISOString());
  });
});

describe('the supervisor’s overview', () => {
  it('warns of an urgent conversation waiting for a team with nobody available, or closed, and shows who is available', async () => {
    const sup = await deskAgent('Sue', undefined, 'supervisor');
    const safety = await team('Safety');
    const conversation = await smsConversation('please help me');
    await waitingFor(conversation.id);
    await db().conversation.update({ where: { id: conversation.id }, data: { urgentAt: new Date() } });
    expect((await post(admin, `/api/conversations/${conversation.id}/transfer`, { teamId: safety.id, note: 'Urgent: safety team' })).status).toBe(200);

    const overview = async () => (await apiJson<SupervisorOverview>(hub.url, sup.cookie, '/api/supervisor/overview')).body;
    const seen = await overview();
    expect(seen.unattended).toEqual([
      expect.objectContaining({ conversationId: conversation.id, team: { id: safety.id, name: safety.name }, reason: 'nobody_available' }),
    ]);
    expect(seen.queues.find((q) => q.teamId === safety.id)).toMatchObject({ open: true, available: [], urgent: 1 });

    // A member signs in and is available: the warning goes, and the queue names them.
    const sam = await deskAgent('Sam', { teamIds: [safety.id] });
    const live = nextEvent<SupervisorOverview>(sup.socket, 'supervisor.overview', (o) => !o.unattended.some((u) => u.conversationId === conversation.id));
    expect((await apiJson(hub.url, sam.cookie, '/api/agents/me/presence', { method: 'PUT', body: JSON.stringify({ presence: 'available' }) })).status).toBe(
      200,
    );
    expect((await live).queues.find((q) => q.teamId === safety.id)!.available).toEqual([{ id: sam.id, displayName: 'Sam' }]);

    // The team is closed by its hours (open only two days from now): while Sam works on, he is offered it, so no
    // warning; once he steps away, warned again, saying the team is closed.
    const day = ['Su', 'Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa'][(new Date().getUTCDay() + 2) % 7];
    expect(
      (
        await apiJson(hub.url, admin, `/api/teams/${safety.id}`, {
          method: 'PUT',
          body: JSON.stringify({ name: safety.name, hours: `${day} 09:00-17:00`, timeZone: 'UTC' }),
        })
      ).status,
    ).toBe(200);
    expect((await overview()).unattended.some((u) => u.conversationId === conversation.id)).toBe(false);
    expect((await apiJson(hub.url, sam.cookie, '/api/agents/me/presence', { method: 'PUT', body: JSON.stringify({ presence: 'away' }) })).status).toBe(200);
    const closed = await overview();
    expect(closed.unattended).toEqual([expect.objectContaining({ conversationId: conversation.id, reason: 'team_closed' })]);
    expect(closed.queues.find((q) => q.teamId === safety.id)).toMatchObject({ open: false, hours: expect.stringMatching(/9am to 5pm/) });
  });
});

describe('assign to me', () => {
  it('lets an agent take a waiting conversation nobody has, withdrawing an offer of it; not another’s, nor twice', async () => {
    const housing = await team('Housing');
    const ivy = await deskAgent('Ivy');
    const jo = await deskAgent('Jo', { teamIds: [housing.id] });
    const outsider = await deskAgent('Oz', { teamIds: [(await team('Parking')).id] });
    const conversation = await smsConversation('my tenancy ends on Friday');
    await waitingFor(conversation.id);
    expect((await post(admin, `/api/conversations/${conversation.id}/transfer`, { teamId: housing.id, note: 'Tenancy' })).status).toBe(200);

    // Jo is offered it; Ivy (in no team: she sees everything) takes it meanwhile.
    const offered = nextEvent<OfferView>(jo.socket, 'offer', (o) => o.conversation.id === conversation.id);
    expect((await apiJson(hub.url, jo.cookie, '/api/agents/me/presence', { method: 'PUT', body: JSON.stringify({ presence: 'available' }) })).status).toBe(200);
    const offer = await offered;
    const withdrawn = nextEvent<{ offerId: string; status: string }>(jo.socket, 'offer.ended', (e) => e.offerId === offer.id);

    expect((await post(outsider.cookie, `/api/conversations/${conversation.id}/take`)).status).toBe(403);
    const taken = await post(ivy.cookie, `/api/conversations/${conversation.id}/take`);
    expect(taken.status).toBe(200);
    expect(taken.body.conversation).toMatchObject({ assignedAgent: { id: ivy.id }, waitingSince: null });
    expect((await withdrawn).status).toBe('withdrawn');
    expect((await post(jo.cookie, `/api/offers/${offer.id}/accept`)).status).toBe(410);
    expect(await db().auditEvent.count({ where: { action: 'conversation_assign', agentId: ivy.id } })).toBe(1);

    // Ivy has it: Jo cannot take it from her, a supervisor is told to transfer it, and Ivy already has it.
    expect((await post(jo.cookie, `/api/conversations/${conversation.id}/take`)).status).toBe(403);
    const sup = await deskAgent('Sid', undefined, 'supervisor');
    const bySupervisor = await post(sup.cookie, `/api/conversations/${conversation.id}/take`);
    expect(bySupervisor.status).toBe(409);
    expect(bySupervisor.body.error).toMatch(/Ivy has this conversation/);
    expect((await post(ivy.cookie, `/api/conversations/${conversation.id}/take`)).status).toBe(409);
  });
});

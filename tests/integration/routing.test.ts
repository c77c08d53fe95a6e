// Routing on a real hub: conversations that wait for a person are offered to the right available agent,
// live on their desk socket; accepting, declining, running out, capacity, skills, teams and their hours,
// transfer and closing all move the queue on.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { ADMIN, PUBLIC_BASE_URL, apiJson, connectDesk, createDeskAccount, nextEvent, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';
import type { OfferView } from '../../agent-desk/server/routing.ts';
import type { SupervisorOverview } from '../../agent-desk/server/agents.ts';
import { runRouting } from '../../hub/routing/engine.ts';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: RunningHub & { url: string };
let admin: string;
let adminDesk: Socket;
const sockets: Socket[] = [];
let nextNumber = 100;

beforeAll(async () => {
  database = await createTestDatabase('routing');
  twilioApi = await startFakeTwilio();
  hub = await startTestHub(
    testEnv({
      DATABASE_URL: database.url,
      TWILIO_API_BASE_URL: twilioApi.url,
      ROUTING_CAPACITY: 'sms:2,webchat:3,email:5,voice:1,botframework:3',
      PRESENCE_GRACE_SECONDS: '1',
    }),
  );
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

interface DeskAgent {
  id: string;
  cookie: string;
  socket: Socket;
  offers: OfferView[];
  api<T = any>(path: string, init?: RequestInit): Promise<{ status: number; body: T }>;
}

async function deskAgent(
  name: string,
  routing?: { skills?: string[]; capacity?: Record<string, number>; teamIds?: string[] },
  role: 'agent' | 'supervisor' | 'service' = 'agent',
): Promise<DeskAgent> {
  const { id, cookie } = await createDeskAccount(hub.url, admin, { name, role, routing });
  const socket = await connectDesk(hub.url, cookie);
  sockets.push(socket);
  const offers: OfferView[] = [];
  socket.on('offer', (offer: OfferView) => offers.push(offer));
  return { id, cookie, socket, offers, api: (path, init) => apiJson(hub.url, cookie, path, init) };
}

const goAvailable = async (agent: DeskAgent) =>
  expect((await agent.api('/api/agents/me/presence', { method: 'PUT', body: JSON.stringify({ presence: 'available' }) })).status).toBe(200);

async function smsConversation(body: string): Promise<{ id: string; from: string }> {
  const from = `+4479112${String(nextNumber++).padStart(5, '0')}`;
  const arrived = nextEvent<MessageView>(adminDesk, 'message.created', (m) => m.fromAddress === from);
  await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, body));
  return { id: (await arrived).conversationId, from };
}

/** The conversation is waiting for a person (its message has been routed). */
async function waitingFor(id: string): Promise<void> {
  for (;;) {
    const row = await hub.database.prisma.conversation.findUnique({ where: { id }, select: { waitingSince: true } });
    if (row?.waitingSince) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A team open only on a day two days from now: closed today, whatever the time. */
async function teamClosedToday(name: string, needs: string[]): Promise<{ id: string }> {
  const day = ['Su', 'Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa'][(new Date().getUTCDay() + 2) % 7];
  const team = await apiJson(hub.url, admin, '/api/teams', {
    method: 'POST',
    body: JSON.stringify({ name, needs, hours: `${day} 09:00-17:00`, timeZone: 'UTC' }),
  });
  expect(team.status).toBe(201);
  return team.body.team;
}

/** As if the bot had found the need and handed over: no longer waiting, with the need recorded, until the next message. */
async function needFoundBeforeTheWait(conversationId: string, code: string): Promise<void> {
  await waitingFor(conversationId);
  const { customerId } = await hub.database.prisma.conversation.update({ where: { id: conversationId }, data: { waitingSince: null } });
  await hub.database.prisma.need.create({ data: { customerId, conversationId, code, source: 'agent' } });
}

const offerOf = (agent: DeskAgent, conversationId: string) => nextEvent<OfferView>(agent.socket, 'offer', (o) => o.conversation.id === conversationId);

describe('routing', () => {
  it('offers a waiting conversation to the available agent, who accepts it and has it', async () => {
    const ana = await deskAgent('Ana');
    const conversation = await smsConversation('my bin was not collected');
    await waitingFor(conversation.id);
    // Nobody is available: it waits.
    expect((await apiJson(hub.url, admin, '/api/conversations?waiting=true')).body.conversations.map((c: { id: string }) => c.id)).toContain(conversation.id);

    const offered = offerOf(ana, conversation.id);
    await goAvailable(ana);
    const offer = await offered;
    expect(offer.conversation.customer.contactPoints[0]!.address).toBe(conversation.from);
    expect(new Date(offer.expiresAt).getTime()).toBeGreaterThan(Date.now());

    const ended = nextEvent<{ status: string }>(ana.socket, 'offer.ended', (e) => e.status === 'accepted');
    const accepted = await ana.api(`/api/offers/${offer.id}/accept`, { method: 'POST' });
    expect(accepted.status).toBe(200);
    await ended;
    const mine = await ana.api<{ conversations: { id: string; assignedAgent: { displayName: string } | null; waitingSince: string | null }[] }>(
      '/api/conversations?assigned=me',
    );
    expect(mine.body.conversations).toEqual([
      expect.objectContaining({ id: conversation.id, assignedAgent: expect.objectContaining({ displayName: 'Ana' }), waitingSince: null }),
    ]);
    // Answering again changes nothing.
    expect((await ana.api(`/api/offers/${offer.id}/accept`, { method: 'POST' })).status).toBe(410);
    const audit = await hub.database.prisma.auditEvent.findMany({ where: { action: 'conversation_assign', agentId: ana.id } });
    expect(audit).toHaveLength(1);
  });

  it('never offers a conversation to an agent without the skill for its needs, however free they are', async () => {
    const housing = await deskAgent('Hal', { skills: ['housing'] });
    const safety = await deskAgent('Sam', { skills: ['safety'] });
    const conversation = await smsConversation('my partner hits me');
    await waitingFor(conversation.id);
    expect(
      (
        await apiJson(hub.url, admin, `/api/conversations/${conversation.id}/needs`, {
          method: 'POST',
          body: JSON.stringify({ code: 'safety.domestic-abuse' }),
        })
      ).status,
    ).toBe(201);

    await goAvailable(housing);
    await hub.router.runNow();
    expect(await hub.database.prisma.offer.count({ where: { agentId: housing.id } })).toBe(0);
    const offered = offerOf(safety, conversation.id);
    await goAvailable(safety);
    await offered;
    await hub.router.runNow();
    expect(await hub.database.prisma.offer.count({ where: { agentId: housing.id } })).toBe(0);
    expect(housing.offers).toEqual([]);
  });

  it('puts urgent conversations first, and spreads the rest over the least-loaded agents', async () => {
    const ben = await deskAgent('Ben', { capacity: { sms: 1 } });
    const plain = await smsConversation('pothole on my road');
    await waitingFor(plain.id);
    const urgent = await smsConversation('please help');
    await waitingFor(urgent.id);
    await hub.database.prisma.conversation.update({ where: { id: urgent.id }, data: { urgentAt: new Date() } });

    const offered = offerOf(ben, urgent.id);
    await goAvailable(ben);
    expect((await offered).conversation.urgent).toBe(true);
    await hub.router.runNow();
    // At capacity (one text conversation, offered): the other waits.
    expect((await hub.database.prisma.offer.findMany({ where: { agentId: ben.id } })).map((o) => o.conversationId)).toEqual([urgent.id]);

    const cat = await deskAgent('Cat', { capacity: { sms: 1 } });
    const toCat = offerOf(cat, plain.id);
    await goAvailable(cat);
    await toCat;
  });

  it('takes turns: of agents equally free, the one offered longest ago gets the next conversation', async () => {
    const fay = await deskAgent('Fay', { capacity: { sms: 1 } });
    const gus = await deskAgent('Gus', { capacity: { sms: 1 } });
    await goAvailable(fay);
    await goAvailable(gus);
    const byId = new Map([fay, gus].map((a) => [a.id, a]));
    const offeredTo: string[] = [];
    for (let round = 0; round < 4; round++) {
      const { id } = await smsConversation(`my bin was not emptied (${round})`);
      await expect.poll(() => hub.database.prisma.offer.count({ where: { conversationId: id, status: 'pending' } }), { timeout: 20_000 }).toBe(1);
      const offer = await hub.database.prisma.offer.findFirstOrThrow({ where: { conversationId: id, status: 'pending' } });
      const agent = byId.get(offer.agentId)!;
      offeredTo.push(agent === fay ? 'Fay' : 'Gus');
      // Taken and closed at once: both are equally free again before the next one.
      expect((await agent.api(`/api/offers/${offer.id}/accept`, { method: 'POST' })).status).toBe(200);
      expect((await agent.api(`/api/conversations/${id}/close`, { method: 'POST', body: JSON.stringify({ outcome: 'resolved' }) })).status).toBe(200);
    }
    expect([offeredTo[1], offeredTo[2], offeredTo[3]]).toEqual(offeredTo[0] === 'Fay' ? ['Gus', 'Fay', 'Gus'] : ['Fay', 'Gus', 'Fay']);
  });

  it('refuses an accepted offer whose conversation someone else took meanwhile, and withdraws it', async () => {
    const ivy = await deskAgent('Ivy');
    const conversation = await smsConversation('the streetlight outside is broken');
    await waitingFor(conversation.id);
    const offered = offerOf(ivy, conversation.id);
    await goAvailable(ivy);
    const offer = await offered;
    // Taken another way while the offer was on Ivy's screen (nothing has told routing yet).
    const adminId = (await hub.database.prisma.agent.findUniqueOrThrow({ where: { email: ADMIN.email } })).id;
    await hub.database.prisma.conversation.update({ where: { id: conversation.id }, data: { assignedAgentId: adminId, waitingSince: null } });

    const accepted = await ivy.api(`/api/offers/${offer.id}/accept`, { method: 'POST' });
    expect(accepted.status).toBe(410);
    expect(accepted.body.error).toMatch(/someone else has this conversation/);
    expect((await hub.database.prisma.offer.findUniqueOrThrow({ where: { id: offer.id } })).status).toBe('withdrawn');
    expect((await hub.database.prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } })).assignedAgentId).toBe(adminId);
  });

  it('moves an offer on when it is declined, and when it runs out (setting that agent away)', async () => {
    const dee = await deskAgent('Dee');
    const eli = await deskAgent('Eli');
    await hub.database.prisma.conversation.updateMany({ where: { status: 'open' }, data: {} });
    const conversation = await smsConversation('council tax question');
    await waitingFor(conversation.id);
    const toDee = offerOf(dee, conversation.id);
    await goAvailable(dee);
    const first = await toDee;

    // Dee says no: Eli, just arrived, is offered it at once.
    const toEli = offerOf(eli, conversation.id);
    await goAvailable(eli);
    expect((await dee.api(`/api/offers/${first.id}/decline`, { method: 'POST' })).status).toBe(200);
    const second = await toEli;
    // Eli lets it run out (a clock an offer's timeout later): back to waiting, not to Dee who said no, and Eli is away.
    const later = new Date(new Date(second.expiresAt).getTime() + 1000);
    const run = await runRouting(
      hub.database.prisma,
      { offerTimeoutMs: 30_000, defaultCapacity: { sms: 2, webchat: 3, email: 5, voice: 1, botframework: 3, whatsapp: 3 }, sweepMs: 5000 },
      later,
    );
    expect(run.expired.map((o) => o.offerId)).toEqual([second.id]);
    expect(run.offers.filter((o) => o.conversationId === conversation.id)).toEqual([]);
    expect((await eli.api('/api/agents/me/routing')).body.agent.presence).toBe('away');
    expect((await hub.database.prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } })).waitingSince).not.toBeNull();
  });

  it('gives an agent’s offers to others as soon as they step away', async () => {
    const fay = await deskAgent('Fay');
    const conversation = await smsConversation('parking permit');
    await waitingFor(conversation.id);
    const toFay = offerOf(fay, conversation.id);
    await goAvailable(fay);
    const offer = await toFay;
    const gus = await deskAgent('Gus');
    await goAvailable(gus);
    const toGus = offerOf(gus, conversation.id);
    const withdrawn = nextEvent<{ status: string }>(fay.socket, 'offer.ended', (e) => e.status === 'withdrawn');
    expect((await fay.api('/api/agents/me/presence', { method: 'PUT', body: JSON.stringify({ presence: 'away' }) })).status).toBe(200);
    await withdrawn;
    await toGus;
    expect((await fay.api(`/api/offers/${offer.id}/accept`, { method: 'POST' })).status).toBe(410);
  });

  it('offers the next waiting conversation the moment an agent closes one, and records the outcome and needs met', async () => {
    const hana = await deskAgent('Hana', { capacity: { sms: 1 } });
    const first = await smsConversation('repairs needed, damp in the bedroom');
    await waitingFor(first.id);
    const second = await smsConversation('and another thing');
    await waitingFor(second.id);
    const offered = nextEvent<OfferView>(hana.socket, 'offer', (o) => o.conversation.id === first.id || o.conversation.id === second.id);
    await goAvailable(hana);
    const offer = await offered;
    expect((await hana.api(`/api/offers/${offer.id}/accept`, { method: 'POST' })).status).toBe(200);
    const mine = offer.conversation.id;
    const other = mine === first.id ? second.id : first.id;
    await hub.router.runNow();
    expect(await hub.database.prisma.offer.count({ where: { conversationId: other } })).toBe(0);

    expect((await hana.api(`/api/conversations/${mine}/needs`, { method: 'POST', body: JSON.stringify({ code: 'housing.repairs' }) })).status).toBe(201);
    expect(
      (await hana.api(`/api/conversations/${mine}/close`, { method: 'POST', body: JSON.stringify({ outcome: 'resolved', needsMet: ['money.debt'] }) })).status,
    ).toBe(400);
    const next = offerOf(hana, other);
    const closed = await hana.api(`/api/conversations/${mine}/close`, {
      method: 'POST',
      body: JSON.stringify({ outcome: 'signposted', needsMet: ['housing.repairs'] }),
    });
    expect(closed.status).toBe(200);
    expect(closed.body.conversation.status).toBe('closed');
    await next;
    const row = await hub.database.prisma.conversation.findUniqueOrThrow({ where: { id: mine }, include: { needs: true } });
    expect(row.outcome).toBe('signposted');
    expect(row.needs.map((n) => [n.code, n.metAt !== null])).toEqual([['housing.repairs', true]]);
    expect((await hana.api(`/api/conversations/${mine}/close`, { method: 'POST', body: JSON.stringify({ outcome: 'resolved' }) })).status).toBe(409);
  });

  it('transfers to a team with a note: only that team’s members are offered it, and they see why', async () => {
    const team = await apiJson(hub.url, admin, '/api/teams', {
      method: 'POST',
      body: JSON.stringify({ name: `Housing options ${nextNumber++}`, needs: ['housing'] }),
    });
    expect(team.status).toBe(201);
    const ivy = await deskAgent('Ivy');
    const jo = await deskAgent('Jo', { teamIds: [team.body.team.id] });
    const conversation = await smsConversation('I need to talk about my tenancy');
    await waitingFor(conversation.id);
    const toIvy = offerOf(ivy, conversation.id);
    await goAvailable(ivy);
    const offer = await toIvy;
    expect((await ivy.api(`/api/offers/${offer.id}/accept`, { method: 'POST' })).status).toBe(200);

    expect(
      (await jo.api(`/api/conversations/${conversation.id}/transfer`, { method: 'POST', body: JSON.stringify({ teamId: team.body.team.id, note: 'x' }) }))
        .status,
    ).toBe(403);
    expect(
      (await ivy.api(`/api/conversations/${conversation.id}/transfer`, { method: 'POST', body: JSON.stringify({ teamId: team.body.team.id }) })).status,
    ).toBe(400);
    const toJo = offerOf(jo, conversation.id);
    const moved = await ivy.api(`/api/conversations/${conversation.id}/transfer`, {
      method: 'POST',
      body: JSON.stringify({ teamId: team.body.team.id, note: 'Tenancy ends Friday; she prefers texts' }),
    });
    expect(moved.status).toBe(200);
    expect(moved.body.conversation.team.name).toMatch(/Housing options/);
    await goAvailable(jo);
    expect((await toJo).conversation.team?.id).toBe(team.body.team.id);
    await hub.router.runNow();
    expect(await hub.database.prisma.offer.count({ where: { agentId: ivy.id, conversationId: conversation.id } })).toBe(1);
    const detail = await jo.api(`/api/conversations/${conversation.id}`);
    expect(detail.body.conversation.notes.map((n: { body: string }) => n.body)).toEqual([expect.stringContaining('Tenancy ends Friday')]);
  });

  it('tells a customer when the team for their need is closed, and when it opens', async () => {
    const team = await teamClosedToday(`Benefits ${nextNumber++}`, ['money']);
    const before = twilioApi.requests.length;
    const conversation = await smsConversation('I have debts I cannot pay');
    await needFoundBeforeTheWait(conversation.id, 'money.debt');
    // The next message starts the wait, for the team that answers the need.
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(conversation.from, 'are you there?'));
    const [notice] = (await twilioApi.waitForRequests(before + 1)).slice(before).filter((r) => r.form.To === conversation.from);
    expect(notice!.form.Body).toMatch(
      /Benefits \d+ team is closed now\. They are open (Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday), 9am to 5pm.*call 999/,
    );
    // And when it next opens, in words: two days from now (UTC, the team's zone) at 9am.
    const opens = new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', weekday: 'long', day: 'numeric', month: 'long' }).format(
      new Date(Date.now() + 2 * 86_400_000),
    );
    expect(notice!.form.Body).toContain(`will reply when they open again on ${opens} at 9am.`);
    const row = await hub.database.prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } });
    expect(row.teamId).toBe(team.id);
  });

  it('does not tell a customer the team is closed while someone in it is working: they are offered it', async () => {
    const team = await teamClosedToday(`Immigration ${nextNumber++}`, ['legal']);
    // Nia works for that team out of its hours (a late shift).
    const nia = await deskAgent('Nia', { teamIds: [team.id] });
    const before = twilioApi.requests.length;
    const conversation = await smsConversation('my visa runs out next week');
    await needFoundBeforeTheWait(conversation.id, 'legal.immigration');
    // Available only now: the offer she gets is the one for the team's wait, not one from before the need was known.
    await goAvailable(nia);
    const offered = offerOf(nia, conversation.id);
    await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(conversation.from, 'are you there?'));
    await offered;
    const row = await hub.database.prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } });
    expect(row.teamId).toBe(team.id);
    expect(row.closedNoticeAt).toBeNull();
    expect(twilioApi.requests.slice(before).filter((r) => r.form.To === conversation.from && /closed now/.test(r.form.Body ?? ''))).toEqual([]);
  });

  it('refuses team hours it cannot read, skills not in the taxonomy, and routing changes by agents', async () => {
    const bad = await apiJson(hub.url, admin, '/api/teams', { method: 'POST', body: JSON.stringify({ name: 'Bad hours', hours: 'weekdays 9 to 5' }) });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/Mo-Fr 09:00-17:00/);
    const kim = await deskAgent('Kim');
    const skills = await apiJson(hub.url, admin, `/api/agents/${kim.id}/routing`, { method: 'PUT', body: JSON.stringify({ skills: ['housing', 'wizardry'] }) });
    expect(skills.status).toBe(400);
    expect(JSON.stringify(skills.body)).toMatch(/needs taxonomy/);
    expect((await kim.api(`/api/agents/${kim.id}/routing`, { method: 'PUT', body: JSON.stringify({ skills: [] }) })).status).toBe(403);
    expect((await kim.api('/api/supervisor/overview')).status).toBe(403);
    const service = await deskAgent('Lee', undefined, 'service');
    expect((await service.api('/api/agents/me/presence', { method: 'PUT', body: JSON.stringify({ presence: 'available' }) })).status).toBe(403);
  });

  it('shows supervisors the queue and agents live', async () => {
    const sup = await deskAgent('Sue', undefined, 'supervisor');
    const overview = nextEvent<SupervisorOverview>(sup.socket, 'supervisor.overview', (o) => o.queues.some((q) => q.teamId === null && q.waiting >= 1));
    const conversation = await smsConversation('a question about libraries');
    await waitingFor(conversation.id);
    const seen = await overview;
    expect(seen.queues.find((q) => q.teamId === null)!.longestWaitSince).not.toBeNull();

    const max = await deskAgent('Max');
    const presence = nextEvent<SupervisorOverview>(sup.socket, 'supervisor.overview', (o) =>
      o.agents.some((a) => a.id === max.id && a.presence === 'available'),
    );
    await goAvailable(max);
    await presence;
  });

  it('sets an agent offline who is shown present but has no desk open anywhere (their hub process stopped)', async () => {
    const gone = await createDeskAccount(hub.url, admin, { name: 'Gone' });
    const here = await deskAgent('Here');
    await goAvailable(here);
    // Here's status is as old as Gone's (set first, so any sweep that sees Gone sees Here too).
    await hub.database.prisma.agent.update({ where: { id: here.id }, data: { presenceAt: new Date(Date.now() - 60_000) } });
    // As if the process that held Gone's desk had stopped before its timer ran.
    await hub.database.prisma.agent.update({ where: { id: gone.id }, data: { presence: 'available', presenceAt: new Date(Date.now() - 60_000) } });
    await expect
      .poll(async () => (await hub.database.prisma.agent.findUniqueOrThrow({ where: { id: gone.id } })).presence, { timeout: 15_000 })
      .toBe('offline');
    expect((await hub.database.prisma.agent.findUniqueOrThrow({ where: { id: here.id } })).presence).toBe('available');
  });
});

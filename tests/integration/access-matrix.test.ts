// The access matrix, walked: every route of the OpenAPI document, for every kind of caller, against records of
// team B and service B. The expected answers are written out here, independently of policy.ts, so removing a
// check there (or a route's rule) fails this test. Then what lists and the customer record show an agent of
// another team.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { ADMIN, apiJson, createDeskAccount, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import type { RunningHub } from '../../app/compose.ts';
import { openApiDocument } from '../../agent-desk/server/openapi.ts';
import { ACCESS_RULES } from '../../agent-desk/server/policy.ts';

/**
 * Who may, on team B's and service B's records:
 * a: an agent in team A · g: an agent in no team (the general contact centre) · s: a supervisor · d: an admin
 * x: service A's account · y: service B's account · r: a strategy account (the evidence view only). Nobody signed in may call anything but sign-in.
 * 'public': anyone, signed in or not. 'provider': only the provider's own signature opens it; no session does.
 */
const EXPECTED: Record<string, string> = {
  'GET /health': 'public',
  'GET /api/openapi.json': 'public',
  'GET /api/site': 'public',
  'GET /': 'public',
  'POST /api/auth/login': 'public',
  'POST /api/auth/logout': 'agsdxyr',
  'GET /api/auth/me': 'agsdxyr',
  'POST /api/auth/password': 'agsdxyr',
  'POST /api/auth/sign-out-everywhere': 'agsdxyr',
  'GET /api/evidence': 'sdr',
  'GET /api/evidence/{table}': 'sdr',
  'POST /api/agents/{id}/disable': 'd',
  'POST /api/agents/{id}/sign-out': 'd',
  'POST /api/admin/sign-out-everyone': 'd',
  'POST /api/agents/{id}/enable': 'd',
  'POST /api/agents/{id}/password': 'd',
  'GET /api/admin/audit': 'd',
  'GET /api/admin/sign-in-locks': 'd',
  'DELETE /api/admin/sign-in-locks/{id}': 'd',
  'GET /api/conversations': 'agsd',
  'GET /api/conversations/counts': 'agsd',
  'GET /api/conversations/{id}': 'gsd',
  'PUT /api/conversations/{id}/read': 'gsd',
  'POST /api/conversations/{id}/messages': 'gsd',
  'POST /api/needs/detect': 'agsd',
  'GET /api/contacts/options': 'agsd',
  'POST /api/contacts/in-person': 'agsd',
  'POST /api/contacts/outbound': 'agsd',
  'GET /api/calls': 'agsd',
  'POST /api/calls/{id}/take': 'gsd',
  'GET /api/conversations/{id}/calls': 'gsd',
  'GET /api/agents/me/voice': 'agsd',
  'PUT /api/agents/me/voice': 'agsd',
  'GET /api/needs/taxonomy': 'agsd',
  'POST /api/conversations/{id}/needs': 'gsd',
  'DELETE /api/conversations/{id}/needs/{code}': 'gsd',
  'GET /api/conversations/{id}/needs/suggestions': 'gsd',
  'GET /api/conversations/{id}/notes': 'gsd',
  'POST /api/conversations/{id}/notes': 'gsd',
  'GET /api/canned-responses': 'agsd',
  'GET /api/canned-responses?scope=all': 'sd',
  'POST /api/canned-responses': 'sd',
  'PUT /api/canned-responses/{id}': 'sd',
  'DELETE /api/canned-responses/{id}': 'sd',
  'GET /api/agents/me/routing': 'agsd',
  'PUT /api/agents/me/presence': 'agsd',
  'GET /api/agents/directory': 'agsd',
  // The offer was made to g.
  'POST /api/offers/{id}/accept': 'g',
  'POST /api/offers/{id}/decline': 'g',
  'POST /api/conversations/{id}/transfer': 'gsd',
  'POST /api/conversations/{id}/close': 'gsd',
  'POST /api/conversations/{id}/reopen': 'gsd',
  'POST /api/conversations/{id}/take': 'gsd',
  'GET /api/agents': 'sd',
  'POST /api/agents': 'd',
  'PUT /api/agents/{id}/routing': 'sd',
  'GET /api/teams': 'agsd',
  'POST /api/teams': 'sd',
  'PUT /api/teams/{id}': 'sd',
  'GET /api/supervisor/overview': 'sd',
  'GET /api/customers': 'agsd',
  // Anyone on the desk may recognise a customer; what a conversation of another team said is left out.
  'GET /api/customers/{id}': 'agsd',
  'PATCH /api/customers/{id}': 'gsd',
  'POST /api/customers/{id}/contact-points': 'gsd',
  'POST /api/customers/{id}/merge': 'gsd',
  'GET /api/customers/{id}/match-suggestions': 'gsd',
  'POST /api/match-suggestions/{id}/dismiss': 'gsd',
  'POST /api/merges/{id}/undo': 'gsd',
  'GET /api/customers/{id}/export': 'sd',
  'POST /api/customers/{id}/erase': 'sd',
  'GET /api/attachments/{id}': 'gsd',
  'GET /api/messages/{id}/html': 'gsd',
  'GET /api/services': 'agsdxy',
  'GET /api/directory': 'agsd',
  'PUT /api/directory': 'd',
  'GET /api/conversations/{id}/handoffs/preview': 'gsd',
  'GET /api/conversations/{id}/handoffs': 'gsd',
  'POST /api/conversations/{id}/handoffs': 'gsd',
  'GET /api/handoffs': 'agsdxy',
  'GET /api/handoffs/{id}': 'gsdy',
  'POST /api/handoffs/{id}/accept': 'sdy',
  'POST /api/handoffs/{id}/resend': 'sd',
  'POST /api/handoffs/{id}/reply': 'sdy',
  'POST /api/handoffs/{id}/redirect': 'sdy',
  'POST /api/handoffs/{id}/close': 'sdy',
  'GET /api/plans/{id}': 'gsd',
  'POST /api/plans/{id}/links': 'gsd',
  'DELETE /api/plans/{id}/links': 'gsd',
  // The customer's own plan: the link's token is the key (an unknown one opens nothing; plan-links.test.ts).
  'GET /plan/{token}': 'public',
  'POST /plan/{token}/actions': 'public',
  'POST /plan/{token}/actions/{actionId}/done': 'public',
  'POST /plan/{token}/messages': 'public',
  'POST /plan/{token}/feedback': 'public',
  'POST /webhooks/handoffs/{reference}': 'provider',
  'POST /webhooks/twilio/sms': 'provider',
  'POST /webhooks/twilio/sms/status': 'provider',
  'POST /webhooks/twilio/voice': 'provider',
  'POST /webhooks/twilio/voice/gather': 'provider',
  'POST /webhooks/twilio/voice/wait': 'provider',
  'POST /webhooks/twilio/voice/status': 'provider',
  'POST /webhooks/twilio/voice/dialled': 'provider',
  'POST /webhooks/twilio/voice/recorded': 'provider',
  'POST /webhooks/twilio/voice/transcription': 'provider',
  'POST /webhooks/twilio/voice/call': 'provider',
  'POST /api/messages': 'provider',
  'POST /webhooks/twilio/whatsapp': 'provider',
  'POST /webhooks/twilio/whatsapp/status': 'provider',
  'POST /slack/events': 'provider',
  'GET /chat/widget.js': 'public',
  'GET /chat/widget.css': 'public',
  'GET /chat/demo': 'public',
};

type Who = 'a' | 'g' | 's' | 'd' | 'x' | 'y' | 'r';
const CALLERS: Who[] = ['a', 'g', 's', 'd', 'x', 'y', 'r'];

let database: TestDatabase;
let hub: RunningHub & { url: string };
const cookies = {} as Record<Who, string>;
const passwords = {} as Record<Who, { email: string; password: string }>;
const ids: Record<string, string> = {};

const documented = () =>
  Object.entries(openApiDocument('test').paths).flatMap(([path, methods]) => Object.keys(methods as object).map((method) => `${method.toUpperCase()} ${path}`));

beforeAll(async () => {
  database = await createTestDatabase('access_matrix');
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url }));
  const db = hub.database.prisma;
  const admin = await signIn(hub.url);
  const [teamA, teamB] = await Promise.all(['A', 'B'].map((n) => db.team.create({ data: { name: `Team ${n} ${randomBytes(3).toString('hex')}` } })));
  const organization = await db.organization.create({ data: { externalId: `org-${randomBytes(4).toString('hex')}`, name: 'Council' } });
  const [serviceA, serviceB] = await Promise.all(
    ['A', 'B'].map((n) =>
      db.service.create({ data: { externalId: `svc-${n}-${randomBytes(4).toString('hex')}`, organizationId: organization.id, name: `Service ${n}` } }),
    ),
  );

  const accounts = {
    a: await createDeskAccount(hub.url, admin, { name: 'Agent A', routing: { teamIds: [teamA!.id] } }),
    g: await createDeskAccount(hub.url, admin, { name: 'Generalist' }),
    s: await createDeskAccount(hub.url, admin, { name: 'Supervisor', role: 'supervisor' }),
    x: await createDeskAccount(hub.url, admin, { name: 'Service A desk', role: 'service', serviceId: serviceA!.id }),
    y: await createDeskAccount(hub.url, admin, { name: 'Service B desk', role: 'service', serviceId: serviceB!.id }),
    r: await createDeskAccount(hub.url, admin, { name: 'Strategy', role: 'strategy' }),
  };
  const agentB = await createDeskAccount(hub.url, admin, { name: 'Agent B', routing: { teamIds: [teamB!.id] } });
  for (const [who, account] of Object.entries(accounts)) {
    cookies[who as Who] = account.cookie;
    passwords[who as Who] = { email: account.email, password: account.password };
  }
  cookies.d = admin;
  passwords.d = ADMIN;

  // Customer B: one conversation, team B's, with a message (and its HTML and a file), a call, a hand-off to
  // service B, a match suggestion and a merge.
  const [customerB, customerC, customerD, customerG] = await Promise.all([0, 1, 2, 3].map(() => db.customer.create({ data: {} })));
  const conversation = await db.conversation.create({ data: { customerId: customerB!.id, channel: 'email', teamId: teamB!.id } });
  const message = await db.message.create({
    data: {
      conversationId: conversation.id,
      direction: 'inbound',
      channel: 'email',
      status: 'received',
      fromAddress: 'b@example.org',
      toAddress: 'help@council.example',
      body: 'Team B only',
      bodyHtml: '<p>Team B only</p>',
    },
  });
  const inbox = await db.inboxItem.create({ data: { channel: 'email', providerMessageId: `<${randomBytes(6).toString('hex')}@example.org>`, contact: {} } });
  const file = await db.attachment.create({
    data: {
      inboxItemId: inbox.id,
      messageId: message.id,
      position: 0,
      filename: 'letter.txt',
      contentType: 'text/plain',
      size: 2,
      sha256: 'x',
      content: Buffer.from('hi'),
    },
  });
  const call = await db.call.create({
    data: { callSid: `CA${randomBytes(16).toString('hex')}`, conversationId: conversation.id, fromAddress: '+447700900999', state: 'ended' },
  });
  // Another call of the same conversation still waits: lists show it only to those who may see it.
  const waiting = await db.call.create({
    data: { callSid: `CA${randomBytes(16).toString('hex')}`, conversationId: conversation.id, fromAddress: '+447700900998', state: 'queued' },
  });
  const plan = await db.actionPlan.create({ data: { customerId: customerB!.id } });
  const handoff = await db.handoff.create({
    data: {
      reference: randomBytes(4).toString('hex').toUpperCase(),
      planId: plan.id,
      customerId: customerB!.id,
      conversationId: conversation.id,
      serviceId: serviceB!.id,
      needs: ['housing'],
      consentAt: new Date(),
      dueAt: new Date(Date.now() + 86_400_000),
    },
  });
  const suggestion = await db.matchSuggestion.create({ data: { customerId: customerB!.id, otherCustomerId: customerC!.id, signals: ['name'] } });
  const merge = await db.customerMerge.create({ data: { survivorId: customerB!.id, absorbedId: customerD!.id, reason: 'same person', moved: {} } });
  // An offer to the generalist, of another customer's conversation.
  const offered = await db.conversation.create({ data: { customerId: customerG!.id, channel: 'sms' } });
  const offer = await db.offer.create({ data: { conversationId: offered.id, agentId: accounts.g.id, expiresAt: new Date(Date.now() + 3_600_000) } });
  const canned = await db.cannedResponse.create({ data: { title: 'Hello', body: 'Hello', teamId: teamB!.id } });
  Object.assign(ids, {
    conversation: conversation.id,
    customer: customerB!.id,
    message: message.id,
    attachment: file.id,
    call: call.id,
    waitingCall: waiting.id,
    handoff: handoff.id,
    plan: plan.id,
    reference: handoff.reference,
    suggestion: suggestion.id,
    merge: merge.id,
    offer: offer.id,
    canned: canned.id,
    agentB: agentB.id,
    teamB: teamB!.id,
  });
});
afterAll(async () => {
  await hub?.stop();
  await database?.drop();
});

/** The route's path with team B's and service B's records in it. */
function pathFor(route: string): string {
  const [, path] = route.split(' ') as [string, string];
  const [base, query] = path.split('?') as [string, string | undefined];
  const id = (() => {
    if (base.startsWith('/api/conversations/')) return ids.conversation;
    if (base.startsWith('/api/customers/')) return ids.customer;
    if (base.startsWith('/api/handoffs/')) return ids.handoff;
    if (base.startsWith('/api/plans/')) return ids.plan;
    if (base.startsWith('/api/messages/')) return ids.message;
    if (base.startsWith('/api/attachments/')) return ids.attachment;
    if (base.startsWith('/api/calls/')) return ids.call;
    if (base.startsWith('/api/offers/')) return ids.offer;
    if (base.startsWith('/api/match-suggestions/')) return ids.suggestion;
    if (base.startsWith('/api/merges/')) return ids.merge;
    if (base.startsWith('/api/canned-responses/')) return ids.canned;
    if (base.startsWith('/api/agents/')) return ids.agentB;
    if (base.startsWith('/api/teams/')) return ids.teamB;
    return 'unused';
  })();
  const filled = base.replace('{id}', id!).replace('{code}', 'housing').replace('{table}', 'services').replace('{reference}', ids.reference!);
  // A search needs words; everything else is asked as it is.
  return filled + (query ? `?${query}` : base === '/api/customers' ? '?query=someone' : '');
}

/**
 * Asks once. Changes are sent with a body their route refuses (400) wherever it has one, so a permitted call
 * changes nothing the next caller depends on; those without a body (accept, take, resend, dismiss) change
 * their record in ways that only make later permitted calls answer 409 or 410.
 */
async function ask(route: string, cookie: string | null): Promise<{ status: number; error?: string }> {
  const method = route.split(' ')[0]!;
  const hasBody = method !== 'GET' && method !== 'DELETE';
  const res = await fetch(hub.url + pathFor(route), {
    method,
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: hasBody ? JSON.stringify({ refused: 'by every route' }) : undefined,
    redirect: 'manual',
  });
  const body = (await res.json().catch(() => null)) as { error?: string } | null;
  return { status: res.status, error: body?.error };
}

describe('the access matrix', () => {
  it('has an answer for every route of the OpenAPI document, and a rule for every /api one', () => {
    const routes = documented();
    const expected = Object.keys(EXPECTED).map((k) => k.split('?')[0]!);
    expect(
      routes.filter((r) => !expected.includes(r)),
      'routes with no expected answer here',
    ).toEqual([]);
    expect(
      expected.filter((r) => !routes.includes(r)),
      'expected answers for routes the document does not have',
    ).toEqual([]);
    const apiRoutes = routes.filter((r) => r.split(' ')[1]!.startsWith('/api/'));
    expect(
      apiRoutes.filter((r) => !(r in ACCESS_RULES)),
      'routes with no rule in policy.ts',
    ).toEqual([]);
    expect(
      Object.keys(ACCESS_RULES).filter((r) => !apiRoutes.includes(r)),
      'rules for routes the document does not have',
    ).toEqual([]);
  });

  it('answers every caller on every route as the matrix says', async () => {
    const wrong: string[] = [];
    for (const [route, allowed] of Object.entries(EXPECTED)) {
      // Nobody signed in.
      const anonymous = await ask(route, null);
      if (
        allowed === 'public'
          ? anonymous.status === 401 || anonymous.status === 403
          : allowed === 'provider'
            ? ![401, 403, 404].includes(anonymous.status)
            : anonymous.status !== 401
      ) {
        wrong.push(`${route} · not signed in → ${anonymous.status}`);
      }
      for (const who of CALLERS) {
        // Signing out ends the session it is asked with: ask with a fresh one.
        const cookie = route === 'POST /api/auth/logout' ? await signIn(hub.url, passwords[who]) : cookies[who];
        const answer = await ask(route, cookie);
        // Signing out everywhere ends every session of the account: sign in again for the routes after it.
        if (route === 'POST /api/auth/sign-out-everywhere') cookies[who] = await signIn(hub.url, passwords[who]);
        const permitted = allowed === 'public' || CALLERS.some((c) => c === who && allowed.includes(c));
        const ok =
          allowed === 'provider'
            ? [401, 403, 404].includes(answer.status)
            : permitted
              ? answer.status !== 401 && answer.status !== 403 && answer.error !== 'not found'
              : answer.status === 403;
        if (!ok) wrong.push(`${route} · ${who} → ${answer.status} ${answer.error ?? ''}`);
        // The admin signed everyone else out: the others go on with new sessions.
        if (route === 'POST /api/admin/sign-out-everyone' && answer.status === 200) {
          for (const other of CALLERS) if (other !== who) cookies[other] = await signIn(hub.url, passwords[other]);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('what an agent of another team is shown', () => {
  const as =
    (who: Who) =>
    <T = any>(path: string) =>
      apiJson<T>(hub.url, cookies[who], path);

  it('lists leave out team B’s conversations, hand-offs and calls; service A sees none of service B’s hand-offs', async () => {
    const listed = async (who: Who, path: string, key: string) => ((await as(who)(path)).body[key] as { id: string }[]).map((r) => r.id);
    expect(await listed('a', '/api/conversations?limit=500', 'conversations')).not.toContain(ids.conversation);
    expect(await listed('g', '/api/conversations?limit=500', 'conversations')).toContain(ids.conversation);
    expect(await listed('a', '/api/handoffs?status=all', 'handoffs')).not.toContain(ids.handoff);
    expect(await listed('s', '/api/handoffs?status=all', 'handoffs')).toContain(ids.handoff);
    expect(await listed('x', '/api/handoffs?status=all', 'handoffs')).toEqual([]);
    expect(await listed('y', '/api/handoffs?status=all', 'handoffs')).toEqual([ids.handoff]);
    expect(await listed('a', '/api/calls', 'calls')).not.toContain(ids.waitingCall);
    expect(await listed('g', '/api/calls', 'calls')).toContain(ids.waitingCall);
  });

  it('the customer record names the other team’s conversation but shows nothing it said', async () => {
    const outsider = (await as('a')(`/api/customers/${ids.customer}`)).body.customer;
    expect(outsider.conversations).toEqual([expect.objectContaining({ id: ids.conversation, restricted: true, team: expect.stringMatching(/^Team B/) })]);
    expect(outsider.timeline).toEqual([]);
    expect(outsider.handoffs).toEqual([]);
    expect(JSON.stringify(outsider)).not.toContain('Team B only');

    const generalist = (await as('g')(`/api/customers/${ids.customer}`)).body.customer;
    expect(generalist.conversations[0].restricted).toBe(false);
    expect(generalist.timeline.map((m: { body: string }) => m.body)).toEqual(['Team B only']);
    expect(generalist.handoffs.map((h: { id: string }) => h.id)).toEqual([ids.handoff]);
  });
});

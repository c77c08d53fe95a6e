// Private notes and canned responses on the desk, over the real PostgreSQL and Redis: a note is kept for
// colleagues with its author, pushed to other desks, and never reaches the customer; canned responses are
// shared by team, written only by supervisors and admins, and refuse placeholders the desk cannot fill.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { PUBLIC_BASE_URL, apiJson, connectDesk, nextEvent, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import { hashPassword } from '../../agent-desk/server/auth.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { MessageView, NoteView } from '../../agent-desk/server/views.ts';
import type { CannedView } from '../../agent-desk/server/canned.ts';

const AGENT = { email: 'agent@council.example', password: 'quiet harbour agent 1' };
const SUPERVISOR = { email: 'supervisor@council.example', password: 'tall lanterns by the sea 1' };
const UNKNOWN_CONVERSATION = '00000000-0000-4000-8000-000000000000';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: RunningHub & { url: string };
let admin: string;
let agent: string;
let supervisor: string;
let agentId: string;
let adminDesk: Socket;
let agentDesk: Socket;

beforeAll(async () => {
  database = await createTestDatabase('notes_canned');
  twilioApi = await startFakeTwilio();
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, TWILIO_API_BASE_URL: twilioApi.url }));
  admin = await signIn(hub.url);
  const db = hub.database.prisma;
  agentId = (
    await db.agent.create({ data: { email: AGENT.email, displayName: 'Alex Agent', role: 'agent', passwordHash: await hashPassword(AGENT.password) } })
  ).id;
  await db.agent.create({
    data: { email: SUPERVISOR.email, displayName: 'Sue Supervisor', role: 'supervisor', passwordHash: await hashPassword(SUPERVISOR.password) },
  });
  agent = await signIn(hub.url, AGENT);
  supervisor = await signIn(hub.url, SUPERVISOR);
  adminDesk = await connectDesk(hub.url, admin);
  agentDesk = await connectDesk(hub.url, agent);
});

afterAll(async () => {
  adminDesk?.close();
  agentDesk?.close();
  await hub?.stop();
  await twilioApi?.close();
  await database?.drop();
});

async function conversationFrom(from: string, body: string): Promise<string> {
  const arrived = nextEvent<MessageView>(adminDesk, 'message.created', (m) => m.fromAddress === from);
  await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, body));
  return (await arrived).conversationId;
}

const addNote = (cookie: string, conversationId: string, body: unknown) =>
  apiJson<{ note: NoteView }>(hub.url, cookie, `/api/conversations/${conversationId}/notes`, { method: 'POST', body: JSON.stringify(body) });

describe('private notes', () => {
  it('are stored with their author, shown in the conversation, pushed to other desks, and never sent to the customer', async () => {
    const from = '+447911200801';
    const id = await conversationFrom(from, 'The damp in the bedroom is back');
    const requestsBefore = twilioApi.requests.length;

    const othersReload = nextEvent<{ conversationId: string }>(agentDesk, 'conversation.updated', (e) => e.conversationId === id);
    const added = await addNote(admin, id, { text: '  Safe to call after 6pm only; a neighbour reads her texts.  ' });
    expect(added.status).toBe(201);
    expect(added.body.note).toMatchObject({
      conversationId: id,
      body: 'Safe to call after 6pm only; a neighbour reads her texts.',
      agent: { displayName: 'Administrator' },
    });
    await othersReload;

    // A colleague adds theirs; both come back oldest first, each with who wrote it.
    expect((await addNote(agent, id, { text: 'Called back, no answer.' })).status).toBe(201);
    const listed = await apiJson<{ notes: NoteView[] }>(hub.url, agent, `/api/conversations/${id}/notes`);
    expect(listed.status).toBe(200);
    expect(listed.body.notes.map((n) => [n.agent?.displayName, n.body])).toEqual([
      ['Administrator', 'Safe to call after 6pm only; a neighbour reads her texts.'],
      ['Alex Agent', 'Called back, no answer.'],
    ]);
    expect(listed.body.notes[1]!.agent!.id).toBe(agentId);

    // The conversation the desk loads carries them, alongside (not among) the messages.
    const detail = await apiJson<{ conversation: { messages: MessageView[]; notes: NoteView[] } }>(hub.url, agent, `/api/conversations/${id}`);
    expect(detail.body.conversation.notes.map((n) => n.body)).toEqual(listed.body.notes.map((n) => n.body));
    expect(detail.body.conversation.messages.map((m) => m.body)).toEqual(['The damp in the bedroom is back']);

    // Adding a note is audited without its text.
    const audit = await hub.database.prisma.auditEvent.findMany({ where: { action: 'customer_update' } });
    expect(audit.map((a) => a.detail)).toEqual(expect.arrayContaining([{ noteAdded: added.body.note.id, conversationId: id }]));
    expect(JSON.stringify(audit)).not.toContain('neighbour');

    // The customer gets only what an agent sends as a reply: the reply goes out, the notes never do.
    const sent = nextEvent<MessageView>(adminDesk, 'message.updated', (m) => m.conversationId === id && m.status === 'sent');
    await apiJson(hub.url, admin, `/api/conversations/${id}/messages`, { method: 'POST', body: JSON.stringify({ text: 'We will send someone on Tuesday.' }) });
    await sent;
    const toCustomer = twilioApi.requests.slice(requestsBefore);
    expect(toCustomer.map((r) => [r.form.To, r.form.Body])).toEqual([[from, 'We will send someone on Tuesday.']]);
    const messages = await hub.database.prisma.message.findMany({ where: { conversationId: id }, orderBy: { createdAt: 'asc' } });
    expect(messages.map((m) => [m.direction, m.body])).toEqual([
      ['inbound', 'The damp in the bedroom is back'],
      ['outbound', 'We will send someone on Tuesday.'],
    ]);
  });

  it('refuse callers who are not signed in, empty or overlong text, and unknown conversations', async () => {
    const id = await conversationFrom('+447911200802', 'Is the tip open on Sunday?');
    const anonymous = await fetch(`${hub.url}/api/conversations/${id}/notes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'hello' }),
    });
    expect(anonymous.status).toBe(401);
    expect((await fetch(`${hub.url}/api/conversations/${id}/notes`)).status).toBe(401);

    const empty = await addNote(agent, id, { text: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ error: 'invalid request', issues: [{ path: 'text', message: 'text is empty' }] });
    const long = await addNote(agent, id, { text: 'x'.repeat(4001) });
    expect(long.status).toBe(400);
    expect(JSON.stringify(long.body)).toMatch(/longer than 4000 characters/);
    expect((await addNote(agent, id, {})).status).toBe(400);
    expect((await addNote(agent, id, { text: 'y'.repeat(4000) })).status).toBe(201);

    expect((await addNote(agent, UNKNOWN_CONVERSATION, { text: 'hello' })).status).toBe(404);
    expect((await apiJson(hub.url, agent, `/api/conversations/${UNKNOWN_CONVERSATION}/notes`)).status).toBe(404);
    const badId = await apiJson(hub.url, agent, '/api/conversations/not-a-uuid/notes');
    expect(badId.status).toBe(400);
    expect(JSON.stringify(badId.body)).toMatch(/conversation id must be a UUID/);
    expect(await hub.database.prisma.note.count({ where: { conversationId: id } })).toBe(1);
  });
});

describe('canned responses', () => {
  let housing: string;
  let waste: string;
  const save = (cookie: string, body: unknown, method = 'POST', path = '/api/canned-responses') =>
    apiJson<{ cannedResponse: CannedView; error?: string; issues?: { path: string; message: string }[] }>(hub.url, cookie, path, {
      method,
      body: JSON.stringify(body),
    });
  const titles = async (cookie: string, query = '') =>
    (await apiJson<{ cannedResponses: CannedView[] }>(hub.url, cookie, `/api/canned-responses${query}`)).body.cannedResponses.map(
      (c) => `${c.team?.name ?? 'everyone'}: ${c.title}`,
    );

  beforeAll(async () => {
    const db = hub.database.prisma;
    housing = (await db.team.create({ data: { name: 'Housing', members: { create: { agentId } } } })).id;
    waste = (await db.team.create({ data: { name: 'Waste' } })).id;
  });

  it('an agent sees everyone’s and their own team’s, not another team’s', async () => {
    expect((await save(admin, { title: 'Opening hours', body: 'Hi {first_name}, we are open 9 to 5, Monday to Friday.' })).status).toBe(201);
    const repairs = await save(admin, { title: 'Repairs booked', body: 'Hello {first_name}, this is {agent_name}. Your repair is booked.', teamId: housing });
    expect(repairs.status).toBe(201);
    expect(repairs.body.cannedResponse).toMatchObject({ title: 'Repairs booked', team: { id: housing, name: 'Housing' } });
    expect((await save(admin, { title: 'Missed bin', body: 'Sorry we missed your bin.', teamId: waste })).status).toBe(201);

    const listed = await apiJson<{ cannedResponses: CannedView[]; placeholders: Record<string, string> }>(hub.url, agent, '/api/canned-responses');
    expect(listed.status).toBe(200);
    expect(listed.body.cannedResponses.map((c) => `${c.team?.name ?? 'everyone'}: ${c.title}`)).toEqual(['everyone: Opening hours', 'Housing: Repairs booked']);
    expect(listed.body.cannedResponses[1]!.body).toBe('Hello {first_name}, this is {agent_name}. Your repair is booked.');
    expect(Object.keys(listed.body.placeholders)).toEqual(['first_name', 'agent_name']);

    // Managing them needs every team's; only supervisors and admins may list those.
    expect((await apiJson(hub.url, agent, '/api/canned-responses?scope=all')).status).toBe(403);
    expect(await titles(supervisor, '?scope=all')).toEqual(['everyone: Opening hours', 'Housing: Repairs booked', 'Waste: Missed bin']);
    expect((await fetch(`${hub.url}/api/canned-responses`)).status).toBe(401);
  });

  it('only supervisors and admins may create, change or delete them', async () => {
    const denied = await save(agent, { title: 'Mine', body: 'Hello' });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatch(/supervisor or admin/);

    const created = await save(supervisor, { title: 'Council tax bands', body: 'Hi {first_name}, your band is on your bill.', teamId: null });
    expect(created.status).toBe(201);
    const path = `/api/canned-responses/${created.body.cannedResponse.id}`;
    expect((await save(agent, { title: 'Changed', body: 'Changed' }, 'PUT', path)).status).toBe(403);
    expect((await apiJson(hub.url, agent, path, { method: 'DELETE' })).status).toBe(403);

    const changed = await save(
      supervisor,
      { title: 'Council tax band', body: 'Hi {first_name}, your band is printed on your bill.', teamId: housing },
      'PUT',
      path,
    );
    expect(changed.status).toBe(200);
    expect(changed.body.cannedResponse).toMatchObject({
      title: 'Council tax band',
      body: 'Hi {first_name}, your band is printed on your bill.',
      team: { name: 'Housing' },
    });
    expect(await titles(agent)).toContain('Housing: Council tax band');

    expect((await apiJson(hub.url, supervisor, path, { method: 'DELETE' })).status).toBe(204);
    expect((await apiJson(hub.url, supervisor, path, { method: 'DELETE' })).status).toBe(404);
    expect((await save(supervisor, { title: 'Gone', body: 'Gone' }, 'PUT', path)).status).toBe(404);
    expect(await titles(agent)).not.toContain('Housing: Council tax band');
  });

  it('a reply still holding a placeholder the desk could not fill is refused, never sent', async () => {
    const id = await conversationFrom('+447700900777', 'Is my repair booked?');
    const requestsBefore = twilioApi.requests.length;
    const res = await apiJson<{ issues: { path: string; message: string }[] }>(hub.url, agent, `/api/conversations/${id}/messages`, {
      method: 'POST',
      body: JSON.stringify({ text: 'Hello {first_name}, this is Sam. Your repair is booked.' }),
    });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([{ path: 'text', message: 'replace {first_name} with what it stands for before sending' }]);
    expect(await hub.database.prisma.message.count({ where: { conversationId: id, direction: 'outbound' } })).toBe(0);
    expect(twilioApi.requests.length).toBe(requestsBefore);
  });

  it('refuses unknown placeholders, an unknown team and bad lengths, saying what is wrong', async () => {
    const typo = await save(admin, { title: 'Greeting', body: 'Dear {firstname}, thank you. {agent_name}' });
    expect(typo.status).toBe(400);
    expect(typo.body.issues).toEqual([{ path: 'body', message: 'unknown placeholder {firstname}: only {first_name} and {agent_name} can be used' }]);

    const noTeam = await save(admin, { title: 'Greeting', body: 'Hello', teamId: UNKNOWN_CONVERSATION });
    expect(noTeam.status).toBe(400);
    expect(noTeam.body.issues).toEqual([{ path: 'teamId', message: 'no team has that id' }]);

    const long = await save(admin, { title: 't'.repeat(81), body: 'b'.repeat(1601) });
    expect(long.status).toBe(400);
    expect(long.body.issues!.map((i) => i.message)).toEqual(['title is longer than 80 characters', 'body is longer than 1600 characters']);
    expect((await save(admin, { title: '', body: 'Hello' })).status).toBe(400);
    expect(await titles(supervisor, '?scope=all')).not.toContain('everyone: Greeting');
  });
});

// Role and team on every desk route and socket event: an agent in a team sees what is theirs, their teams'
// and the general queue's, and nothing of another team's, by REST or live; a generalist and supervisors see
// everything; service-team accounts see no conversations on the desk, and strategy accounts cannot follow it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { PUBLIC_BASE_URL, apiJson, connectDesk, createDeskAccount, nextEvent, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: RunningHub & { url: string };
let admin: string;
let adminDesk: Socket;
const sockets: Socket[] = [];

beforeAll(async () => {
  database = await createTestDatabase('desk_access');
  twilioApi = await startFakeTwilio();
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, TWILIO_API_BASE_URL: twilioApi.url }));
  admin = await signIn(hub.url);
  adminDesk = await connectDesk(hub.url, admin);
});
afterAll(async () => {
  for (const s of [...sockets, adminDesk]) s?.close();
  await hub?.stop();
  await twilioApi?.close();
  await database?.drop();
});

async function account(name: string, role: 'agent' | 'service', teamIds: string[] = []) {
  const { id, cookie } = await createDeskAccount(hub.url, admin, { name, role, routing: teamIds.length ? { teamIds } : undefined });
  const socket = await connectDesk(hub.url, cookie);
  sockets.push(socket);
  const heard: MessageView[] = [];
  socket.on('message.created', (m: MessageView) => heard.push(m));
  return { id, cookie, socket, heard, api: <T = any>(path: string, init?: RequestInit) => apiJson<T>(hub.url, cookie, path, init) };
}

async function text(from: string, body: string): Promise<MessageView> {
  const arrived = nextEvent<MessageView>(adminDesk, 'message.created', (m) => m.fromAddress === from && m.body === body);
  await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, body));
  return arrived;
}

describe('who may see which conversation', () => {
  it('keeps another team’s conversation from an agent, by REST and live, until they join that team', async () => {
    const housing = (await apiJson(hub.url, admin, '/api/teams', { method: 'POST', body: JSON.stringify({ name: 'Housing', needs: ['housing'] }) })).body.team;
    const safeguarding = (await apiJson(hub.url, admin, '/api/teams', { method: 'POST', body: JSON.stringify({ name: 'Safeguarding', needs: ['safety'] }) }))
      .body.team;
    const tia = await account('Tia', 'agent', [housing.id]);
    const gen = await account('Gen', 'agent');
    const svc = await account('Sol', 'service');

    const general = await text('+447911200601', 'question about my bin');
    const sensitive = await text('+447911200602', 'I need to talk to someone about my safety');
    expect(
      (
        await apiJson(hub.url, admin, `/api/conversations/${sensitive.conversationId}/transfer`, {
          method: 'POST',
          body: JSON.stringify({ teamId: safeguarding.id, note: 'Safeguarding concern; call back only on this number' }),
        })
      ).status,
    ).toBe(200);

    // REST: Tia sees the general queue but not Safeguarding's conversation, on any route.
    const listed = (await tia.api<{ conversations: { id: string }[] }>('/api/conversations')).body.conversations.map((c) => c.id);
    expect(listed).toContain(general.conversationId);
    expect(listed).not.toContain(sensitive.conversationId);
    for (const path of ['', '/notes', '/calls', '/needs/suggestions'])
      expect((await tia.api(`/api/conversations/${sensitive.conversationId}${path}`)).status).toBe(403);
    const reply = await tia.api(`/api/conversations/${sensitive.conversationId}/messages`, { method: 'POST', body: JSON.stringify({ text: 'hello' }) });
    expect(reply.status).toBe(403);
    expect(reply.body.error).toMatch(/team you are not in/);
    expect((await tia.api(`/api/conversations/${general.conversationId}`)).status).toBe(200);
    // Gen is in no team (the general contact centre): everything.
    expect((await gen.api(`/api/conversations/${sensitive.conversationId}`)).status).toBe(200);
    // Searching by number, typed as people say it, finds only what the searcher may see.
    const search = (who: typeof tia, q: string) => who.api<{ conversations: { id: string }[] }>(`/api/conversations?q=${encodeURIComponent(q)}`);
    expect((await search(gen, '07911 200602')).body.conversations.map((c) => c.id)).toEqual([sensitive.conversationId]);
    expect((await search(tia, '07911 200602')).body.conversations).toEqual([]);
    expect((await search(tia, '+44 7911 200601')).body.conversations.map((c) => c.id)).toEqual([general.conversationId]);
    // A postcode recorded on the record finds them too (however typed, or by its district), within the same limits;
    // desks showing the conversation hear that it changed.
    const customerId = (await gen.api(`/api/conversations/${sensitive.conversationId}`)).body.conversation.customer.id;
    const changed = nextEvent(gen.socket, 'conversation.updated', (e: { conversationId: string }) => e.conversationId === sensitive.conversationId);
    expect((await apiJson(hub.url, admin, `/api/customers/${customerId}`, { method: 'PATCH', body: JSON.stringify({ postcode: 'ls1 4dy' }) })).status).toBe(
      200,
    );
    await changed;
    for (const typed of ['LS14DY', 'ls1 4dy', 'LS1'])
      expect((await search(gen, typed)).body.conversations.map((c) => c.id)).toEqual([sensitive.conversationId]);
    expect((await search(gen, 'LS2')).body.conversations).toEqual([]);
    expect((await search(tia, 'LS1 4DY')).body.conversations).toEqual([]);
    // A service-team account sees no conversations on the desk.
    expect((await svc.api('/api/conversations')).status).toBe(403);
    expect((await svc.api(`/api/conversations/${general.conversationId}`)).status).toBe(403);

    // Live: the customer writes again in both; Tia hears only the general one, Gen both, the service account neither.
    const genHeard = nextEvent<MessageView>(gen.socket, 'message.created', (m) => m.body === 'still there?');
    await text('+447911200602', 'still there?');
    await genHeard;
    const tiaHeard = nextEvent<MessageView>(tia.socket, 'message.created', (m) => m.body === 'any news on the bin?');
    await text('+447911200601', 'any news on the bin?');
    await tiaHeard;
    // (Before the transfer it waited for anyone, so she heard its first message then.)
    expect(tia.heard.map((m) => m.body)).not.toContain('still there?');
    expect(svc.heard).toEqual([]);
    // A strategy account (the evidence view only) may not follow the desk at all.
    const strategy = await createDeskAccount(hub.url, admin, { name: 'Sam Strategy', role: 'strategy' });
    await expect(connectDesk(hub.url, strategy.cookie)).rejects.toThrow('this account has no desk to follow');

    // Tia joins Safeguarding: from now on she sees it, live too, without reconnecting.
    const updated = nextEvent(tia.socket, 'me.updated');
    expect(
      (await apiJson(hub.url, admin, `/api/agents/${tia.id}/routing`, { method: 'PUT', body: JSON.stringify({ teamIds: [housing.id, safeguarding.id] }) }))
        .status,
    ).toBe(200);
    await updated;
    expect((await tia.api(`/api/conversations/${sensitive.conversationId}`)).status).toBe(200);
    const nowHeard = nextEvent<MessageView>(tia.socket, 'message.created', (m) => m.body === 'hello again');
    await text('+447911200602', 'hello again');
    expect((await nowHeard).conversationId).toBe(sensitive.conversationId);
  });
});

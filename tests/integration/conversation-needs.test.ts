// Agents recording needs by hand: add from the taxonomy, remove a wrong one, suggestions from what the
// customer wrote, every change audited and shown with who recorded it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { startFakeTwilio, type FakeTwilio } from '../../testkit/fake-twilio.ts';
import { PUBLIC_BASE_URL, apiJson, connectDesk, nextEvent, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';
import type { Socket } from 'socket.io-client';

let database: TestDatabase;
let twilioApi: FakeTwilio;
let hub: RunningHub & { url: string };
let cookie: string;
let desk: Socket;

beforeAll(async () => {
  database = await createTestDatabase('conversation_needs');
  twilioApi = await startFakeTwilio();
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url, TWILIO_API_BASE_URL: twilioApi.url }));
  cookie = await signIn(hub.url);
  desk = await connectDesk(hub.url, cookie);
});
afterAll(async () => {
  desk?.close();
  await hub?.stop();
  await twilioApi?.close();
  await database?.drop();
});

type Need = { code: string; label: string; source: string };

async function conversationFrom(from: string, body: string): Promise<string> {
  const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.fromAddress === from);
  await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, body));
  return (await arrived).conversationId;
}

describe('needs recorded by an agent', () => {
  it('suggests what the customer wrote about, adds it as the agent’s, and removes it again, audited each time', async () => {
    const id = await conversationFrom('+447911200970', 'my boiler has been broken for a week and we cant afford to top up the meter');
    const suggestions = await apiJson<{ needs: { code: string }[]; urgent: boolean }>(hub.url, cookie, `/api/conversations/${id}/needs/suggestions`);
    expect(suggestions.status).toBe(200);
    expect(suggestions.body.needs.map((n) => n.code)).toEqual(expect.arrayContaining(['housing.repairs', 'money.crisis']));
    expect(suggestions.body.urgent).toBe(false);

    const updated = nextEvent<{ conversationId: string }>(desk, 'conversation.updated', (e) => e.conversationId === id);
    const added = await apiJson<{ needs: Need[] }>(hub.url, cookie, `/api/conversations/${id}/needs`, {
      method: 'POST',
      body: JSON.stringify({ code: 'housing.repairs' }),
    });
    expect(added.status).toBe(201);
    expect(added.body.needs).toEqual([expect.objectContaining({ code: 'housing.repairs', label: 'Home repairs or disrepair', source: 'agent' })]);
    await updated;

    // Added already: nothing changes, and the suggestion is gone.
    expect(
      (await apiJson(hub.url, cookie, `/api/conversations/${id}/needs`, { method: 'POST', body: JSON.stringify({ code: 'housing.repairs' }) })).status,
    ).toBe(200);
    const after = await apiJson<{ needs: { code: string }[] }>(hub.url, cookie, `/api/conversations/${id}/needs/suggestions`);
    expect(after.body.needs.map((n) => n.code)).not.toContain('housing.repairs');

    const detail = await apiJson<{ conversation: { needs: Need[] } }>(hub.url, cookie, `/api/conversations/${id}`);
    expect(detail.body.conversation.needs.map((n) => `${n.code}:${n.source}`)).toEqual(['housing.repairs:agent']);

    const removed = await apiJson<{ needs: Need[] }>(hub.url, cookie, `/api/conversations/${id}/needs/housing.repairs`, { method: 'DELETE' });
    expect(removed.status).toBe(200);
    expect(removed.body.needs).toEqual([]);

    const audit = await hub.database.prisma.auditEvent.findMany({ where: { action: 'customer_update' }, orderBy: { at: 'asc' } });
    expect(audit.map((a) => a.detail)).toEqual([
      { needAdded: 'housing.repairs', conversationId: id },
      { needRemoved: 'housing.repairs', conversationId: id },
    ]);
  });

  it('refuses codes that are not in the taxonomy, unknown conversations, and callers who are not signed in', async () => {
    const id = await conversationFrom('+447911200971', 'pothole outside number 4');
    const unknown = await apiJson(hub.url, cookie, `/api/conversations/${id}/needs`, { method: 'POST', body: JSON.stringify({ code: 'housing.castle' }) });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(/taxonomy/);
    expect((await apiJson(hub.url, cookie, `/api/conversations/${id}/needs/money.debt`, { method: 'DELETE' })).status).toBe(404);
    expect(
      (
        await apiJson(hub.url, cookie, '/api/conversations/00000000-0000-4000-8000-000000000000/needs', {
          method: 'POST',
          body: JSON.stringify({ code: 'money.debt' }),
        })
      ).status,
    ).toBe(404);
    expect((await fetch(`${hub.url}/api/needs/taxonomy`)).status).toBe(401);
    const taxonomy = await apiJson<{ needs: { code: string; simple: boolean }[] }>(hub.url, cookie, '/api/needs/taxonomy');
    expect(taxonomy.body.needs.find((n) => n.code === 'environment.waste')).toMatchObject({ simple: true });
  });
});

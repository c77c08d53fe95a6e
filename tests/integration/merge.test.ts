// Merging two records of one person and undoing it, on the real PostgreSQL, with inbound texts
// arriving while the merge runs.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CustomerMovedError, openConversationFor } from '../../hub/conversation/thread.ts';
import type { Socket } from 'socket.io-client';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { PUBLIC_BASE_URL, apiJson, connectDesk, nextEvent, signIn, startTestHub, testEnv } from '../helpers/hub.ts';
import { inboundSmsFields, newMessageSid, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import type { RunningHub } from '../../app/compose.ts';
import type { MessageView } from '../../agent-desk/server/views.ts';
import type { Customer360 } from '../../agent-desk/server/customers.ts';

let database: TestDatabase;
let hub: RunningHub & { url: string };
let cookie: string;
let desk: Socket;

beforeAll(async () => {
  database = await createTestDatabase('merge');
  hub = await startTestHub(testEnv({ DATABASE_URL: database.url }));
  cookie = await signIn(hub.url);
  desk = await connectDesk(hub.url, cookie);
});

afterAll(async () => {
  desk?.close();
  await hub?.stop();
  await database?.drop();
});

const db = () => hub.database.prisma;

/** A text from `from`; resolves with the stored message once it reaches the desk. */
async function text(from: string, body: string): Promise<MessageView> {
  const fields = inboundSmsFields(from, body);
  const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.providerMessageId === fields.MessageSid);
  await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', fields);
  return arrived;
}
const customerOf = async (m: MessageView) => (await db().conversation.findUniqueOrThrow({ where: { id: m.conversationId } })).customerId;
const get360 = async (id: string) => (await apiJson<{ customer: Customer360 }>(hub.url, cookie, `/api/customers/${id}`)).body.customer;
const merge = (survivor: string, absorbId: string, reason = 'same person: confirmed date of birth') =>
  apiJson<{ mergeId: string; customer: Customer360; error?: string }>(hub.url, cookie, `/api/customers/${survivor}/merge`, {
    method: 'POST',
    body: JSON.stringify({ absorbId, reason }),
  });
const undo = (mergeId: string, reason = 'merged the wrong person') =>
  apiJson<{ error?: string }>(hub.url, cookie, `/api/merges/${mergeId}/undo`, { method: 'POST', body: JSON.stringify({ reason }) });

describe('merge and undo', () => {
  it('moves contact points, conversations and needs to the survivor, and undo restores exactly them', async () => {
    const a = await text('+447911200601', 'Hi, it is Ann from my mobile');
    const b = await text('+447911200602', 'Ann again, on my work phone');
    const annA = await customerOf(a);
    const annB = await customerOf(b);
    expect(annA).not.toBe(annB);
    await db().need.create({ data: { customerId: annB, conversationId: b.conversationId, code: 'money.council-tax', source: 'agent' } });

    const merged = await merge(annA, annB);
    expect(merged.status).toBe(201);
    const survivor = await get360(annA);
    expect(survivor.contactPoints.map((p) => p.address).sort()).toEqual(['+447911200601', '+447911200602']);
    expect(survivor.conversations.map((c) => c.id).sort()).toEqual([a.conversationId, b.conversationId].sort());
    expect(survivor.timeline.map((m) => m.body)).toEqual(['Hi, it is Ann from my mobile', 'Ann again, on my work phone']);
    expect(survivor.needs.map((n) => n.code)).toEqual(['money.council-tax']);
    expect((await get360(annB)).mergedIntoId).toBe(annA);
    expect((await apiJson<{ customers: { id: string }[] }>(hub.url, cookie, '/api/customers?query=07911200602')).body.customers.map((c) => c.id)).toEqual([
      annA,
    ]);

    // While merged, a text from either number threads into the survivor's open conversation.
    const later = await text('+447911200602', 'Any news?');
    expect(later.conversationId).toBe(a.conversationId);

    const audit = await db().auditEvent.findFirstOrThrow({ where: { action: 'customer_merge', customerId: annA } });
    expect(audit.reason).toBe('same person: confirmed date of birth');

    expect((await undo(merged.body.mergeId)).status).toBe(200);
    const restored = await get360(annB);
    expect(restored.mergedIntoId).toBeNull();
    expect(restored.contactPoints.map((p) => p.address)).toEqual(['+447911200602']);
    expect(restored.conversations.map((c) => c.id)).toEqual([b.conversationId]);
    expect(restored.needs.map((n) => n.code)).toEqual(['money.council-tax']);
    const after = await get360(annA);
    expect(after.contactPoints.map((p) => p.address)).toEqual(['+447911200601']);
    expect(after.needs).toEqual([]);
    // B's thread is B's again.
    const back = await text('+447911200602', 'Work phone here');
    expect(back.conversationId).toBe(b.conversationId);
    expect((await db().auditEvent.findFirstOrThrow({ where: { action: 'customer_unmerge', customerId: annB } })).reason).toBe('merged the wrong person');

    expect((await undo(merged.body.mergeId)).status).toBe(409);
  });

  it('refuses to merge a record with itself, one already merged, or without a reason', async () => {
    const x = await customerOf(await text('+447911200611', 'x'));
    const y = await customerOf(await text('+447911200612', 'y'));
    const z = await customerOf(await text('+447911200613', 'z'));
    expect((await merge(x, x)).status).toBe(409);
    expect((await apiJson(hub.url, cookie, `/api/customers/${x}/merge`, { method: 'POST', body: JSON.stringify({ absorbId: y }) })).status).toBe(400);
    expect((await merge(x, y)).status).toBe(201);
    expect((await merge(z, y)).status).toBe(409);
    expect((await merge(y, z)).status).toBe(409);
  });

  it('loses and misfiles nothing that arrives while the merge runs', async () => {
    const keep = await customerOf(await text('+447911200621', 'first record'));
    const gone = await customerOf(await text('+447911200622', 'second record'));
    const sids = Array.from({ length: 30 }, () => newMessageSid());
    const sending = Promise.all(
      sids.map((sid, i) => postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields('+447911200622', `during merge ${i}`, sid))),
    );
    const merged = await merge(keep, gone);
    expect(merged.status).toBe(201);
    expect((await sending).every((r) => r.status === 200)).toBe(true);

    await expect.poll(() => db().message.count({ where: { providerMessageId: { in: sids } } }), { timeout: 20_000 }).toBe(30);
    // Every message is in a conversation of the surviving record; the absorbed one holds nothing.
    const owners = await db().message.findMany({ where: { providerMessageId: { in: sids } }, select: { conversation: { select: { customerId: true } } } });
    expect(new Set(owners.map((o) => o.conversation.customerId))).toEqual(new Set([keep]));
    expect(await db().conversation.count({ where: { customerId: gone } })).toBe(0);
    expect(await db().contactPoint.count({ where: { customerId: gone } })).toBe(0);
  });

  it('a text caught half-way through processing when the merge commits joins the survivor’s open conversation', async () => {
    const keep = await text('+447911200631', 'survivor');
    const gone = await text('+447911200632', 'absorbed');
    const keepId = await customerOf(keep);
    const goneId = await customerOf(gone);

    // Block inserts into "Message": the worker resolves the absorbed record, then waits to write.
    const blocker = new pg.Client({ connectionString: database.url });
    const observer = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    await observer.connect();
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE "Message" IN EXCLUSIVE MODE');
      const fields = inboundSmsFields('+447911200632', 'sent just as the records were merged');
      const arrived = nextEvent<MessageView>(desk, 'message.created', (m) => m.providerMessageId === fields.MessageSid);
      await postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', fields);
      await expect
        .poll(
          async () =>
            (await observer.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = $1`, [database.name])).rows[0]
              .n,
          { timeout: 20_000 },
        )
        .toBeGreaterThan(0);

      expect((await merge(keepId, goneId)).status).toBe(201);
      await blocker.query('ROLLBACK');
      const message = await arrived;
      expect(message.conversationId).toBe(keep.conversationId);
    } finally {
      await blocker.end();
      await observer.end();
    }
  });

  it('never starts a conversation under a record that has been merged away', async () => {
    const keepId = await customerOf(await text('+447911200641', 'a'));
    const goneId = await customerOf(await text('+447911200642', 'b'));
    expect((await merge(keepId, goneId)).status).toBe(201);
    await expect(openConversationFor(db(), goneId, 'sms')).rejects.toBeInstanceOf(CustomerMovedError);
    expect(await db().conversation.count({ where: { customerId: goneId } })).toBe(0);
  });
});

describe('weak signals are suggestions, never merges', () => {
  const patch = (id: string, body: unknown) => apiJson(hub.url, cookie, `/api/customers/${id}`, { method: 'PATCH', body: JSON.stringify(body) });
  const suggestions = async (id: string) =>
    (await apiJson<{ suggestions: { id: string; signals: string[]; customer: { id: string } }[] }>(hub.url, cookie, `/api/customers/${id}/match-suggestions`))
      .body.suggestions;

  it('the same name at the same postcode is suggested to the agent, and both records stay apart', async () => {
    const one = await customerOf(await text('+447911200651', 'hello'));
    const two = await customerOf(await text('+447911200652', 'hello'));
    await patch(one, { displayName: 'Priya Shah', postcode: 'LS1 4AP' });
    expect(await suggestions(one)).toEqual([]);
    await patch(two, { displayName: 'priya shah', postcode: 'ls14ap' });

    const [suggestion] = await suggestions(one);
    expect(suggestion).toMatchObject({ signals: ['name', 'postcode'], customer: { id: two } });
    expect((await suggestions(two)).map((s) => s.customer.id)).toEqual([one]);
    expect((await get360(one)).contactPoints.map((p) => p.address)).toEqual(['+447911200651']);
    expect((await get360(two)).mergedIntoId).toBeNull();

    // Confirming is merging; the suggestion is then closed.
    expect((await merge(one, two)).status).toBe(201);
    expect(await suggestions(one)).toEqual([]);
    expect((await db().matchSuggestion.findUniqueOrThrow({ where: { id: suggestion!.id } })).status).toBe('confirmed');
  });

  it('a dismissed suggestion does not come back', async () => {
    const one = await customerOf(await text('+447911200661', 'hi'));
    const two = await customerOf(await text('+447911200662', 'hi'));
    await patch(one, { displayName: 'Tom Reed' });
    await patch(two, { displayName: 'Tom Reed' });
    const [suggestion] = await suggestions(one);
    expect(suggestion!.signals).toEqual(['name']);
    expect((await apiJson(hub.url, cookie, `/api/match-suggestions/${suggestion!.id}/dismiss`, { method: 'POST' })).status).toBe(204);
    await patch(two, { displayName: 'Tom Reed', postcode: 'M1 1AE' });
    expect(await suggestions(one)).toEqual([]);
  });
});

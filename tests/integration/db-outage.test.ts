// A database outage under steady traffic. Twilio does not retry a failed SMS webhook, so a 5xx while
// PostgreSQL is down loses the message: every webhook must be answered 2xx and each message stored once,
// whatever the database is doing. PostgreSQL is taken away through a TCP proxy (connections cut, the port
// refusing), as when the server stops.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, ADMIN_URL, type TestDatabase } from '../../testkit/postgres.ts';
import { PUBLIC_BASE_URL, startTestHub, testEnv } from '../helpers/hub.ts';
import { inboundSmsFields, postTwilioWebhook } from '../../testkit/twilio-webhook.ts';
import { tcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';

let database: TestDatabase;
let proxy: TcpProxy;
let hub: Awaited<ReturnType<typeof startTestHub>>;

beforeAll(async () => {
  database = await createTestDatabase('outage');
  const admin = new URL(ADMIN_URL);
  proxy = await tcpProxy({ host: admin.hostname, port: Number(admin.port || 5432) });
  const url = new URL(database.url);
  url.port = String(proxy.port);
  hub = await startTestHub(testEnv({ DATABASE_URL: url.toString(), INBOUND_JOURNAL_REPLAY_MS: '250', DATABASE_POOL_SIZE: '10' }));
});
afterAll(async () => {
  await hub?.stop();
  await proxy?.close();
  await database?.drop();
});

const TOTAL = 2_000;
const PER_SECOND = 40;
const OUTAGE = { from: 400, to: 800 }; // messages 400–799 are sent while PostgreSQL is gone: 10 s at 40/s

/**
 * Waits for a count to reach `target` for as long as it keeps rising: on a loaded machine the backlog after the
 * outage takes minutes to work through, which is slow but not lost. A count that stops short for 30 s is.
 */
async function whileProgressing(count: () => Promise<number>, target: number, stallMs = 30_000): Promise<number> {
  let last = -1;
  let movedAt = Date.now();
  for (;;) {
    const now = await count();
    if (now >= target) return now;
    if (now !== last) [last, movedAt] = [now, Date.now()];
    else if (Date.now() - movedAt > stallMs) return now;
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

describe('PostgreSQL gone for 10 s under 40 SMS a second', () => {
  it('answers every one of 2,000 webhooks 2xx and stores each message once when the database is back, a NUL byte included', async () => {
    const sent: Record<string, string>[] = [];
    const answers: Promise<{ sid: string; status: number }>[] = [];
    const post = (fields: Record<string, string>) =>
      postTwilioWebhook(hub.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', fields).then(
        async (res) => {
          if (res.status !== 200) return { sid: fields.MessageSid!, status: res.status, body: (await res.text()).slice(0, 200) };
          await res.arrayBuffer(); // read to its end, so the connection is free for the next request
          return { sid: fields.MessageSid!, status: res.status };
        },
        (error: Error) => ({ sid: fields.MessageSid!, status: 0, error: error.message }),
      );
    const started = Date.now();
    for (let i = 0; i < TOTAL; i++) {
      if (i === OUTAGE.from) await proxy.down();
      if (i === OUTAGE.to) await proxy.up();
      // 50 customers; one body carries a NUL, which PostgreSQL refuses in text.
      const from = `+4479112${String(100_000 + (i % 50)).slice(1)}`;
      const fields = inboundSmsFields(from, i === OUTAGE.from + 7 ? `rent\u0000arrears, message ${i}` : `message ${i}`);
      sent.push(fields);
      answers.push(post(fields));
      // Twilio retrying is not something it does for SMS, but a duplicate delivery must still be stored once.
      if (i % 100 === 50) answers.push(post(fields));
      const due = started + ((i + 1) * 1000) / PER_SECOND;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    }
    const results = await Promise.all(answers);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);

    // Everything reaches the inbox, and on to a stored message, once each.
    const sids = sent.map((f) => f.MessageSid!);
    const prisma = hub.database.prisma;
    expect(await whileProgressing(() => prisma.inboxItem.count({ where: { channel: 'sms', providerMessageId: { in: sids } } }), TOTAL)).toBe(TOTAL);
    expect(
      await whileProgressing(() => prisma.message.count({ where: { channel: 'sms', direction: 'inbound', providerMessageId: { in: sids } } }), TOTAL),
    ).toBe(TOTAL);
    const nul = await prisma.message.findFirstOrThrow({ where: { providerMessageId: sent[OUTAGE.from + 7]!.MessageSid! }, select: { body: true } });
    expect(nul.body).toBe(`rent\uFFFDarrears, message ${OUTAGE.from + 7}`);
    // Nothing left waiting on disk.
    await expect.poll(async () => (await (await fetch(`${hub.url}/health`)).json()).journaled, { timeout: 30_000 }).toBe(0);
  }, 900_000);
});

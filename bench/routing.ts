// Routing speed with hundreds of agents online: a hub spawned as its own process, N agents signed in on
// /desk sockets and available, then customers' texts arriving. For every conversation it times the moment
// it became ready for a person (its waitingSince, set by the hub) to the offer arriving on the agent's
// socket, and the whole path from the webhook POST. Agents accept each offer and close the conversation
// at once, so capacity keeps coming back. Then the cost of one routing run against a long queue, measured
// directly on the same database.
// Settings: BENCH_ROUTING_AGENTS (default 300), BENCH_ROUTING_CONVERSATIONS (default 600),
// BENCH_CONCURRENCY (default 16), BENCH_ROUTING_QUEUE (waiting conversations for the run cost, default 2000).
import { performance } from 'node:perf_hooks';
import { io as connect, type Socket } from 'socket.io-client';
import { openDatabase } from '../hub/db/client.ts';
import { runRouting } from '../hub/routing/engine.ts';
import { SESSION_COOKIE, startSession } from '../agent-desk/server/auth.ts';
import type { OfferView } from '../agent-desk/server/routing.ts';
import { PUBLIC_BASE_URL } from '../testkit/hub-client.ts';
import { inboundSmsFields, postTwilioWebhook } from '../testkit/twilio-webhook.ts';
import { cpuTimes, drive, percentile, report, startBenchHub } from './harness.ts';

const AGENTS = Number(process.env.BENCH_ROUTING_AGENTS ?? 300);
const CONVERSATIONS = Number(process.env.BENCH_ROUTING_CONVERSATIONS ?? 600);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const QUEUE = Number(process.env.BENCH_ROUTING_QUEUE ?? 2000);
const CAPACITY = { voice: 1, webchat: 3, sms: 3, botframework: 3, email: 5, whatsapp: 3 };

const bench = await startBenchHub('bench_routing');
const opened = await openDatabase({ kind: 'postgres', url: bench.database.url, poolSize: 8 });
const db = opened.prisma;
const sockets: Socket[] = [];
try {
  // Agents and their sessions are written directly; each then connects a desk socket and goes available.
  const cookies: string[] = [];
  for (let i = 0; i < AGENTS; i++) {
    const agent = await db.agent.create({ data: { email: `bench.agent${i}@council.example`, displayName: `Agent ${i}`, passwordHash: 'not used' } });
    cookies.push(`${SESSION_COOKIE}=${(await startSession(db, agent.id, 3_600_000)).token}`);
  }
  const waiters = new Map<string, { resolve: (receivedAt: number) => void }>();
  const early = new Map<string, number>();
  // Keyed by the customer's number: the offer names the customer, so nothing polls the database.
  const offerArrived = (from: string) =>
    new Promise<number>((resolve) => {
      const at = early.get(from);
      if (at !== undefined) return resolve(at);
      waiters.set(from, { resolve });
    });
  const readyAt = new Map<string, number>();
  const t0 = performance.now();
  await drive('connect', AGENTS, 50, async (i) => {
    const socket = connect(`${bench.url}/desk`, { extraHeaders: { cookie: cookies[i]! }, transports: ['websocket'], reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    socket.on('offer', (offer: OfferView) => {
      const receivedAt = Date.now();
      const from = offer.conversation.customer.contactPoints[0]?.address ?? '';
      readyAt.set(from, Date.parse(offer.conversation.waitingSince!));
      // The agent takes it and closes it straight away, handing capacity back to routing.
      void (async () => {
        await fetch(`${bench.url}/api/offers/${offer.id}/accept`, { method: 'POST', headers: { cookie: cookies[i]! } });
        await fetch(`${bench.url}/api/conversations/${offer.conversation.id}/close`, {
          method: 'POST',
          headers: { cookie: cookies[i]!, 'content-type': 'application/json' },
          body: JSON.stringify({ outcome: 'resolved' }),
        });
      })().catch(() => undefined); // offers still arriving when the bench stops the hub
      const waiter = waiters.get(from);
      if (waiter) waiter.resolve(receivedAt);
      else early.set(from, receivedAt);
    });
    sockets.push(socket);
    await fetch(`${bench.url}/api/agents/me/presence`, {
      method: 'PUT',
      headers: { cookie: cookies[i]!, 'content-type': 'application/json' },
      body: JSON.stringify({ presence: 'available' }),
    });
  });
  console.log(`${AGENTS} agents signed in, connected and available in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // Each text's offer is found by its sender's number, which is unique.
  const readyToOffer: number[] = [];
  const numberOf = (i: number) => `+4479112${String(i).padStart(5, '0')}`;
  const [trips, cpu] = [await bench.roundTrips(), cpuTimes(bench.hub.child.pid!)];
  const result = await drive(`text → offer on the agent's socket (${CONCURRENCY} at once)`, CONVERSATIONS, CONCURRENCY, async (i) => {
    const from = numberOf(i);
    const res = await postTwilioWebhook(bench.url, PUBLIC_BASE_URL, '/webhooks/twilio/sms', inboundSmsFields(from, 'my bin was not collected'));
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}`);
    const receivedAt = await offerArrived(from);
    readyToOffer.push(receivedAt - readyAt.get(from)!);
  });
  report(result);
  // What one cycle costs (text, route, offer, accept, close), including the desk events to every agent.
  const [tripsAfter, cpuAfter] = [await bench.roundTrips(), cpuTimes(bench.hub.child.pid!)];
  const each = (after: number, before: number) => ((after - before) / CONVERSATIONS).toFixed(1);
  console.log(
    `per cycle: ${each(tripsAfter.postgres, trips.postgres)} PostgreSQL round trips, ${each(tripsAfter.redis, trips.redis)} Redis requests; ` +
      `CPU ${each(cpuAfter.hub, cpu.hub)} ms in the hub, ${each(cpuAfter.postgres, cpu.postgres)} ms PostgreSQL, ${each(cpuAfter.redis, cpu.redis)} ms Redis`,
  );
  const sorted = readyToOffer.sort((a, b) => a - b);
  console.log(
    `${'ready for a person → offer on the socket'.padEnd(44)}          p50 ${percentile(sorted, 50).toFixed(2).padStart(8)} ms   p95 ${percentile(sorted, 95).toFixed(2).padStart(8)} ms   p99 ${percentile(sorted, 99).toFixed(2).padStart(8)} ms   (clock ms, ${AGENTS} agents online)`,
  );

  // The cost of one run with a long queue and every agent full (nothing can be offered: pure gather + plan).
  await db.agent.updateMany({ data: { capacity: { sms: 0, webchat: 0, email: 0, botframework: 0 } } });
  for (let i = 0; i < QUEUE; i++) {
    const customer = await db.customer.create({ data: {} });
    await db.conversation.create({
      data: {
        customerId: customer.id,
        openForCustomer: customer.id,
        channel: i % 2 ? 'sms' : 'webchat',
        handler: 'person',
        waitingSince: new Date(Date.now() - i * 1000),
      },
    });
  }
  const settings = { offerTimeoutMs: 30_000, defaultCapacity: CAPACITY, sweepMs: 5000 };
  report(await drive(`one routing run: ${QUEUE} waiting, ${AGENTS} agents full`, 20, 1, async () => void (await runRouting(db, settings))));
  await db.agent.updateMany({ data: { capacity: {} } });
  const offered = await drive(`one routing run: ${QUEUE} waiting, ${AGENTS} agents with room`, 1, 1, async () => void (await runRouting(db, settings)));
  report(offered);
  console.log(`   (that run made ${await db.offer.count({ where: { status: 'pending' } })} offers)`);
} finally {
  for (const socket of sockets) socket.close();
  await opened.close();
  await bench.stop();
}

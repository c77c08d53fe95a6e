// Routing with several hub processes at once: each routes whenever it likes, agents accept through
// whichever process their desk talks to, and still no conversation ever has two agents, no agent gets
// more than their capacity, and nobody is left waiting while an agent has room.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../testkit/postgres.ts';
import { apiJson, startTestHub, testEnv, uniquePrefix } from '../helpers/hub.ts';
import type { RunningHub } from '../../app/compose.ts';
import { SESSION_COOKIE, startSession } from '../../agent-desk/server/auth.ts';

let database: TestDatabase;
const hubs: (RunningHub & { url: string })[] = [];
const AGENTS = 12;
const CONVERSATIONS = 60;
const CHAT_CAPACITY = 3;

beforeAll(async () => {
  database = await createTestDatabase('routing_concurrency');
  const env = testEnv({
    DATABASE_URL: database.url,
    QUEUE_PREFIX: uniquePrefix('routing'),
    ROUTING_SWEEP_MS: '100',
    ROUTING_CAPACITY: `webchat:${CHAT_CAPACITY}`,
  });
  // Three processes of one deployment: same database, same Redis prefix.
  for (let i = 0; i < 3; i++) hubs.push(await startTestHub(env));
});
afterAll(async () => {
  for (const hub of hubs) await hub.stop();
  await database?.drop();
});

describe('routing under several hub processes', () => {
  it('assigns each conversation to exactly one agent, within capacity, however the runs and accepts interleave', async () => {
    const db = hubs[0]!.database.prisma;
    const agents = await Promise.all(
      Array.from({ length: AGENTS }, (_, i) =>
        db.agent.create({ data: { email: `agent${i}@council.example`, displayName: `Agent ${i}`, passwordHash: 'x', presence: 'available' } }),
      ),
    );
    const cookies = new Map(
      await Promise.all(agents.map(async (a) => [a.id, `${SESSION_COOKIE}=${(await startSession(db, a.id, 3_600_000)).token}`] as const)),
    );
    const since = Date.now() - 60_000;
    for (let i = 0; i < CONVERSATIONS; i++) {
      const customer = await db.customer.create({ data: {} });
      await db.conversation.create({
        data: { customerId: customer.id, openForCustomer: customer.id, channel: 'webchat', handler: 'person', waitingSince: new Date(since + i * 100) },
      });
    }

    // Every process routes, many times over, all at once.
    await Promise.all(hubs.flatMap((hub) => Array.from({ length: 5 }, () => hub.router.runNow())));

    // Agents accept everything offered to them, each through a random process, and repeatedly (double clicks),
    // until nothing is waiting. The sweeps keep routing in the background the whole time.
    const results: number[] = [];
    for (let round = 0; round < 40; round++) {
      const pending = await db.offer.findMany({ where: { status: 'pending' } });
      await Promise.all(
        pending.flatMap((offer) =>
          [0, 1].map(async () => {
            const hub = hubs[Math.floor(Math.random() * hubs.length)]!;
            results.push((await apiJson(hub.url, cookies.get(offer.agentId)!, `/api/offers/${offer.id}/accept`, { method: 'POST' })).status);
          }),
        ),
      );
      const waiting = await db.conversation.count({ where: { assignedAgentId: null, status: 'open' } });
      if (waiting === CONVERSATIONS - AGENTS * CHAT_CAPACITY) break;
      await Promise.all(hubs.map((hub) => hub.router.runNow()));
    }

    const accepted = await db.offer.groupBy({ by: ['conversationId'], where: { status: 'accepted' }, _count: { _all: true } });
    expect(accepted.every((row) => row._count._all === 1)).toBe(true);
    const assigned = await db.conversation.findMany({ where: { assignedAgentId: { not: null } }, select: { id: true, assignedAgentId: true } });
    // Everyone has a full load; the rest wait.
    expect(assigned).toHaveLength(AGENTS * CHAT_CAPACITY);
    const perAgent = new Map<string, number>();
    for (const c of assigned) perAgent.set(c.assignedAgentId!, (perAgent.get(c.assignedAgentId!) ?? 0) + 1);
    expect([...perAgent.values()]).toEqual(Array(AGENTS).fill(CHAT_CAPACITY));
    // Each conversation's accepted offer names the agent who has it.
    for (const c of assigned)
      expect((await db.offer.findFirstOrThrow({ where: { conversationId: c.id, status: 'accepted' } })).agentId).toBe(c.assignedAgentId);
    // The double clicks got "too late", never a second assignment.
    expect(results.filter((s) => s === 200)).toHaveLength(AGENTS * CHAT_CAPACITY);
    expect(results.every((s) => s === 200 || s === 410)).toBe(true);
    // The longest waiting went first: those still waiting are exactly the most recent.
    const waitingLeft = await db.conversation.findMany({ where: { assignedAgentId: null }, select: { waitingSince: true } });
    const oldestWaiting = Math.min(...waitingLeft.map((c) => c.waitingSince!.getTime()));
    expect(oldestWaiting).toBe(since + AGENTS * CHAT_CAPACITY * 100);
  });
});

// The routing engine: gathers who is waiting and who is free, asks plan.ts who gets what, and writes the
// offers. One run at a time across every hub process (a PostgreSQL advisory lock), and the database
// allows one pending offer per conversation, so a conversation is never offered to two agents at once.
import { randomUUID } from 'node:crypto';
import type { ChannelKind } from '../../channels/contract.ts';
import { kindsThat } from '../../channels/registry.ts';
import type { Db } from '../db/client.ts';
import { Prisma } from '../generated/prisma/client.ts';
import type { EventBus } from '../events.ts';
import type { Logger } from '../logger.ts';
import { planOffers, type AgentState, type WaitingConversation } from './plan.ts';

export interface RoutingSettings {
  /** How long an agent has to accept an offer before it moves on. */
  offerTimeoutMs: number;
  /** Conversations at once per channel for an agent who has not set their own. */
  defaultCapacity: Readonly<Partial<Record<ChannelKind, number>>>;
  /** How often each process runs routing anyway (expired offers, anything a lost trigger missed). */
  sweepMs: number;
}

export interface RoutingRun {
  offers: { offerId: string; conversationId: string; agentId: string; expiresAt: Date }[];
  /** Offers that ran out unanswered; their agents are set away. */
  expired: { offerId: string; conversationId: string; agentId: string }[];
  /** Offers whose conversation was taken another way (an agent replied, it closed, it was transferred). */
  withdrawn: { offerId: string; conversationId: string; agentId: string }[];
}

// Two-key advisory locks do not collide with the one-key locks the bot takes per conversation.
const ROUTING_LOCK = [7215, 1] as const;
// Channels whose conversations are live calls: one is offered while its call waits in the phone queue (accepting
// puts it through), and it holds an agent's place while its call rings them or is connected. '' stands in for
// none, as SQL has no empty list.
const CALL_CHANNELS = Prisma.join(kindsThat('speaks').length ? kindsThat('speaks') : ['']);
// A Call row has no channel of its own: its load counts on the channel that speaks (a conversation's channel
// moves to the one the customer last wrote on, so a caller who also texts would move the call off it). The
// registry's test holds that at most one channel speaks until Call records its channel.
const CALL_LOAD = kindsThat('speaks')[0] ?? '';

// Each step below is one SQL statement: on a busy hub every round trip to PostgreSQL counts, and every
// run holds the routing lock (the routing bench measures it).
const WAITING = Prisma.sql`c.status = 'open' AND c."assignedAgentId" IS NULL AND c."waitingSince" IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM "Offer" p WHERE p."conversationId" = c.id AND p.status = 'pending')
  AND (c.channel::text NOT IN (${CALL_CHANNELS}) OR EXISTS (SELECT 1 FROM "Call" q WHERE q."conversationId" = c.id AND q.state = 'queued'))`;
const GONE = Prisma.sql`(c.status <> 'open' OR c."assignedAgentId" IS NOT NULL OR c."waitingSince" IS NULL)`;

interface WaitingRow {
  id: string;
  channel: ChannelKind;
  waitingSince: Date;
  teamId: string | null;
  urgent: boolean;
  needs: string[];
  declinedBy: string[];
}
interface AgentRow {
  id: string;
  skills: string[];
  capacity: unknown;
  lastOfferedAt: Date | null;
  takesCalls: boolean;
  teamIds: string[];
  load: Partial<Record<ChannelKind, number>> | null;
}
interface EndedRow {
  id: string;
  agentId: string;
  conversationId: string;
  status: 'expired' | 'withdrawn';
}

export async function runRouting(db: Db, settings: RoutingSettings, now = new Date()): Promise<RoutingRun> {
  const result: RoutingRun = { offers: [], expired: [], withdrawn: [] };
  // Nothing to do (nobody waiting who could be offered, no offer to end): no lock, no transaction.
  const [work] = await db.$queryRaw<{ work: boolean }[]>`SELECT
    EXISTS (SELECT 1 FROM "Offer" o JOIN "Conversation" c ON c.id = o."conversationId" WHERE o.status = 'pending' AND (o."expiresAt" <= ${now} OR ${GONE}))
    OR (EXISTS (SELECT 1 FROM "Conversation" c WHERE ${WAITING}) AND EXISTS (SELECT 1 FROM "Agent" a WHERE a.presence = 'available')) AS work`;
  if (!work?.work) return result;

  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ROUTING_LOCK[0]}::int, ${ROUTING_LOCK[1]}::int)`;

      // Offers whose conversation was taken another way are withdrawn; those that ran out, expired.
      const ended = await tx.$queryRaw<EndedRow[]>`UPDATE "Offer" o
        SET status = (CASE WHEN ${GONE} THEN 'withdrawn' ELSE 'expired' END)::"OfferStatus", "answeredAt" = ${now}
        FROM "Conversation" c
        WHERE c.id = o."conversationId" AND o.status = 'pending' AND (o."expiresAt" <= ${now} OR ${GONE})
        RETURNING o.id, o."agentId", o."conversationId", o.status::text AS status`;
      for (const o of ended) result[o.status === 'expired' ? 'expired' : 'withdrawn'].push(offerRef(o));
      if (result.expired.length) {
        // An agent who lets an offer run out is not at the desk: offering them more would only delay customers.
        await tx.agent.updateMany({
          where: { id: { in: result.expired.map((o) => o.agentId) }, presence: 'available' },
          data: { presence: 'away', presenceAt: now },
        });
      }

      const waitingRows = await tx.$queryRaw<WaitingRow[]>`SELECT c.id, c.channel::text AS channel, c."waitingSince", c."teamId",
          (c."urgentAt" IS NOT NULL OR EXISTS (SELECT 1 FROM "Need" n WHERE n."conversationId" = c.id AND n.urgent)) AS urgent,
          COALESCE((SELECT array_agg(n.code) FROM "Need" n WHERE n."conversationId" = c.id), '{}') AS needs,
          -- Only a "no" during this wait counts: a conversation that comes back later may go to them again.
          COALESCE((SELECT array_agg(d."agentId"::text) FROM "Offer" d WHERE d."conversationId" = c.id AND d.status = 'declined' AND d."createdAt" >= c."waitingSince"), '{}') AS "declinedBy"
        FROM "Conversation" c WHERE ${WAITING}`;
      if (!waitingRows.length) return result;

      // Load: open conversations assigned (for the phone, calls in progress), plus offers pending (they hold a
      // place until answered).
      const agentRows = await tx.$queryRaw<AgentRow[]>`SELECT a.id, a.skills, a.capacity, a."lastOfferedAt",
          (a."voicePhone" IS NOT NULL OR a."voiceClient" IS NOT NULL) AS "takesCalls",
          COALESCE((SELECT array_agg(m."teamId"::text) FROM "TeamMember" m WHERE m."agentId" = a.id), '{}') AS "teamIds",
          (SELECT jsonb_object_agg(x.channel, x.n) FROM (
             SELECT channel, count(*)::int AS n FROM (
               SELECT c.channel::text AS channel FROM "Conversation" c WHERE c."assignedAgentId" = a.id AND c.status = 'open' AND c.channel::text NOT IN (${CALL_CHANNELS})
               UNION ALL
               -- A phone conversation holds its place while its call is ringing the agent or connected, not until it is closed.
               SELECT ${CALL_LOAD}::text FROM "Call" k WHERE k."agentId" = a.id AND k.state IN ('connecting', 'connected')
               UNION ALL
               SELECT c.channel::text FROM "Offer" o JOIN "Conversation" c ON c.id = o."conversationId" WHERE o."agentId" = a.id AND o.status = 'pending'
             ) held GROUP BY channel) x) AS load
        FROM "Agent" a WHERE a.presence = 'available' AND a.role NOT IN ('service', 'strategy')`;
      if (!agentRows.length) return result;

      const waiting: WaitingConversation[] = waitingRows.map((c) => ({
        id: c.id,
        channel: c.channel,
        needs: c.needs,
        urgent: c.urgent,
        waitingSince: c.waitingSince,
        teamId: c.teamId,
        declinedBy: c.declinedBy,
      }));
      const agents: AgentState[] = agentRows.map((a) => ({
        id: a.id,
        presence: 'available',
        skills: a.skills,
        teamIds: a.teamIds,
        capacity: { ...settings.defaultCapacity, ...capacityOf(a.capacity) },
        load: a.load ?? {},
        lastOfferedAt: a.lastOfferedAt,
        takesCalls: a.takesCalls,
      }));

      const expiresAt = new Date(now.getTime() + settings.offerTimeoutMs);
      const planned = planOffers({ waiting, agents, now });
      if (planned.length) {
        // The offers and their agents' lastOfferedAt in one statement, its shape the same however many there are.
        const ids = planned.map(() => randomUUID());
        const created = await tx.$queryRaw<{ id: string; conversationId: string; agentId: string }[]>`WITH made AS (
            INSERT INTO "Offer" ("id", "conversationId", "agentId", "expiresAt", "createdAt")
            SELECT o.id, o."conversationId", o."agentId", ${expiresAt}, ${now}
            FROM unnest(${ids}::uuid[], ${planned.map((p) => p.conversationId)}::uuid[], ${planned.map((p) => p.agentId)}::uuid[]) AS o(id, "conversationId", "agentId")
            RETURNING "id", "conversationId", "agentId"
          ), offered AS (
            UPDATE "Agent" SET "lastOfferedAt" = ${now} WHERE "id" IN (SELECT "agentId" FROM made)
          )
          SELECT "id"::text, "conversationId"::text, "agentId"::text FROM made`;
        result.offers.push(...created.map((o) => ({ ...offerRef(o), expiresAt })));
      }
      return result;
    },
    { maxWait: 10_000, timeout: 30_000 },
  );
}

const offerRef = (o: { id: string; conversationId: string; agentId: string }) => ({ offerId: o.id, conversationId: o.conversationId, agentId: o.agentId });

/** An agent's own capacities, as stored: only whole numbers for known channels count. */
export function capacityOf(stored: unknown): Partial<Record<ChannelKind, number>> {
  if (!stored || typeof stored !== 'object') return {};
  const out: Partial<Record<ChannelKind, number>> = {};
  for (const [channel, value] of Object.entries(stored)) if (Number.isInteger(value) && (value as number) >= 0) out[channel as ChannelKind] = value as number;
  return out;
}

export interface Router {
  /** Something changed (a conversation started waiting, an agent became free): route soon. Never throws. */
  request(): void;
  /** Route now and wait for it (tests, and callers that answer with the result). */
  runNow(): Promise<RoutingRun>;
  close(): Promise<void>;
}

/**
 * Runs routing in this process whenever asked, one run at a time: requests that arrive during a run
 * start one more run after it (never lost, never piled up). Results are published as hub events.
 */
export function createRouter(deps: { db: Db; bus: EventBus; logger: Logger; settings: RoutingSettings }): Router {
  let running: Promise<RoutingRun> | null = null;
  let again = false;
  let closed = false;
  let expiryTimer: NodeJS.Timeout | undefined;

  const publish = async (run: RoutingRun) => {
    for (const o of run.offers) await deps.bus.publish({ type: 'offer.created', offerId: o.offerId, conversationId: o.conversationId, agentId: o.agentId });
    for (const o of run.expired)
      await deps.bus.publish({ type: 'offer.ended', offerId: o.offerId, conversationId: o.conversationId, agentId: o.agentId, status: 'expired' });
    for (const o of run.withdrawn)
      await deps.bus.publish({ type: 'offer.ended', offerId: o.offerId, conversationId: o.conversationId, agentId: o.agentId, status: 'withdrawn' });
    for (const agentId of new Set(run.expired.map((o) => o.agentId))) await deps.bus.publish({ type: 'agent.updated', agentId });
    if (run.offers.length || run.expired.length || run.withdrawn.length) await deps.bus.publish({ type: 'queue.changed' });
  };

  const once = async (): Promise<RoutingRun> => {
    const run = await runRouting(deps.db, deps.settings);
    await publish(run).catch((error: Error) => deps.logger.warn({ err: error.message }, 'could not publish routing events'));
    // Come back when the offers just made run out, so the conversation moves on without waiting for the sweep.
    if (run.offers.length && !closed) {
      clearTimeout(expiryTimer);
      expiryTimer = setTimeout(() => router.request(), deps.settings.offerTimeoutMs + 50);
      expiryTimer.unref();
    }
    return run;
  };

  const loop = async (): Promise<RoutingRun> => {
    let last: RoutingRun;
    do {
      again = false;
      last = await once();
    } while (again && !closed);
    return last;
  };

  const start = (): Promise<RoutingRun> => {
    if (running) {
      again = true;
      return running;
    }
    running = loop().finally(() => (running = null));
    return running;
  };

  const router: Router = {
    request() {
      if (closed) return;
      start().catch((error: Error) => deps.logger.warn({ err: error.message }, 'routing run failed; the next sweep retries'));
    },
    async runNow() {
      // A run in progress may have read the state before the caller's change: run once more after it.
      if (running) {
        again = true;
        await running.catch(() => undefined);
      }
      return start();
    },
    async close() {
      closed = true;
      clearInterval(sweep);
      clearTimeout(expiryTimer);
      await running?.catch(() => undefined);
    },
  };
  const sweep = setInterval(() => router.request(), deps.settings.sweepMs);
  sweep.unref();
  return router;
}

// Hand-offs are made here, from the bot's summary (the customer said yes to sharing) or an agent's action
// (the agent records that the customer agreed). One transaction writes, per owning service: the hand-off
// with the needs, facts, an excerpt of the conversation and a reference; its first event; its delivery
// (the outbox row the hand-off worker sends). The caller tells the customer, in the same transaction, with
// the words confirmationText() gives: the bot as its last message, the desk as a message of its own.
import { randomBytes, randomUUID } from 'node:crypto';
import type { ChannelKind } from '../../channels/contract.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { CUSTOMER_WORDING } from '../wording.ts';
import { planHandoffs, type OwningService } from './owners.ts';
import { WITH_SERVICE_STATUSES, type ExcerptLine } from './view.ts';

type Tx = Prisma.TransactionClient;

export class HandoffError extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409 | 422,
  ) {
    super(message);
  }
}

export interface HandoffRequest {
  conversationId: string;
  /** Need codes to hand off; unset: every need of the conversation not already with a service. */
  needs?: string[];
  /** The agent who asks, and who recorded the customer's consent; null: the bot, to whom the customer said yes. */
  agentId: string | null;
  /** A service the agent chose instead of the directory's owner. */
  serviceId?: string;
  note?: string;
}

export interface CreatedHandoff {
  id: string;
  reference: string;
  serviceId: string;
  serviceName: string;
  needs: string[];
  urgent: boolean;
  dueAt: Date;
  deliveryId: string;
}

export interface HandoffResult {
  /** The conversation's customer (the hand-offs are theirs). */
  customerId: string;
  conversationId: string;
  created: CreatedHandoff[];
  /** Needs no active service owns: they stay with the hub's agents. */
  unowned: string[];
  /** Needs already with a service (a hand-off that is not closed, redirected or failed). */
  alreadyHanded: string[];
  /** What to tell the customer: who will contact them about what, and the references (null: nothing was handed). */
  confirmation: string | null;
}

/** How the hub words a need to a customer ("somewhere to live"), and which channels it can send on (for the desk's message). */
export interface HandoffWording {
  say: (code: string) => string;
  enabledChannels: readonly ChannelKind[];
  /** Closes the confirmation the bot sends: where to turn in danger (safetyNetAnyTime in hub/data/safety.json). */
  safetyNetAnyTime: string;
}

const REFERENCE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const EXCERPT_MESSAGES = 20;
const EXCERPT_CHARS = 1000;

export async function createHandoffs(tx: Tx, request: HandoffRequest, wording: HandoffWording): Promise<HandoffResult> {
  const conversation = await tx.conversation.findUnique({
    where: { id: request.conversationId },
    select: { id: true, customerId: true, assignedAgentId: true, facts: true, needs: { select: { code: true, urgent: true } } },
  });
  if (!conversation) throw new HandoffError('conversation not found', 404);
  // One writer at a time per customer: their open plan is found or made once, and a need is handed once.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(7216, hashtext(${conversation.customerId}))`;

  const wanted = request.needs ?? conversation.needs.map((n) => n.code);
  const missing = wanted.filter((code) => !conversation.needs.some((n) => n.code === code));
  if (missing.length) throw new HandoffError(`not a need recorded on this conversation: ${missing.join(', ')}`, 422);
  const handed = await tx.handoff.findMany({
    where: { customerId: conversation.customerId, status: { in: WITH_SERVICE_STATUSES }, needs: { hasSome: wanted } },
    select: { needs: true },
  });
  const alreadyHanded = wanted.filter((code) => handed.some((h) => h.needs.includes(code)));
  const toHand = conversation.needs.filter((n) => wanted.includes(n.code) && !alreadyHanded.includes(n.code));

  const services = await loadServices(tx, request.serviceId);
  const planned = request.serviceId
    ? { handoffs: toHand.length ? [{ serviceId: request.serviceId, needs: toHand.map((n) => n.code), urgent: toHand.some((n) => n.urgent) }] : [], unowned: [] }
    : planHandoffs(toHand, services);
  if (!planned.handoffs.length)
    return { customerId: conversation.customerId, conversationId: conversation.id, created: [], unowned: planned.unowned, alreadyHanded, confirmation: null };

  const now = new Date();
  const planId = await openPlan(tx, conversation.customerId, request.agentId ?? conversation.assignedAgentId);
  const excerpt = await excerptOf(tx, conversation.id);
  const created = await insertHandoffs(
    tx,
    planned.handoffs.map((plannedHandoff) => ({
      service: services.find((s) => s.id === plannedHandoff.serviceId)!,
      data: {
        planId,
        customerId: conversation.customerId,
        conversationId: conversation.id,
        needs: plannedHandoff.needs,
        urgent: plannedHandoff.urgent,
        consentAt: now,
        createdById: request.agentId,
        facts: conversation.facts as Prisma.InputJsonObject,
        excerpt,
        note: request.note?.trim() || null,
      },
    })),
  );
  // Sharing was agreed: the needs say so (an agent's recording of consent counts as the customer's answer).
  await tx.need.updateMany({
    where: { conversationId: conversation.id, code: { in: created.flatMap((c) => c.needs) } },
    data: { consentToShare: true, consentAt: now },
  });
  return {
    customerId: conversation.customerId,
    conversationId: conversation.id,
    created,
    unowned: planned.unowned,
    alreadyHanded,
    confirmation: confirmationText(created, planned.unowned, wording.say),
  };
}

type ServiceTarget = { id: string; name: string; slaMinutes: number; target: 'slack' | 'email' | 'webhook' | 'desk' };

interface HandoffData {
  planId: string;
  customerId: string;
  conversationId: string;
  needs: string[];
  urgent: boolean;
  consentAt: Date;
  createdById: string | null;
  facts: Prisma.InputJsonValue;
  excerpt: ExcerptLine[] | Prisma.JsonValue;
  note: string | null;
}

/** One hand-off to one service, with its first event and its delivery (also used when one is redirected). */
export async function insertHandoff(tx: Tx, service: ServiceTarget, data: HandoffData): Promise<CreatedHandoff> {
  return (await insertHandoffs(tx, [{ service, data }]))[0]!;
}

/**
 * Hand-offs, each with its first event and its delivery, in three statements however many there are (the
 * ids are made here, so nothing has to be read back). `nextReference` is for tests.
 */
export async function insertHandoffs(
  tx: Tx,
  items: readonly { service: ServiceTarget; data: HandoffData }[],
  nextReference: () => string = newReference,
): Promise<CreatedHandoff[]> {
  const now = Date.now();
  const rows = items.map(({ service, data }, index) => ({
    id: randomUUID(),
    deliveryId: randomUUID(),
    service,
    data,
    // A millisecond apart, in the order given: plans list their actions (and the follow-up numbers the
    // services) by when they were made, as they were when each was inserted on its own.
    createdAt: new Date(now + index),
    dueAt: new Date(now + service.slaMinutes * 60_000),
  }));
  const references = new Map<string, string>();
  // A reference already taken skips its row rather than failing (which would abort the transaction); that
  // row is tried again with another. With 32^8 references it almost never happens, and never five times over.
  for (let pending = rows, tries = 0; pending.length; pending = pending.filter((r) => !references.has(r.id)), tries++) {
    if (tries === 5) throw new Error('could not draw a free hand-off reference');
    const inserted = await tx.handoff.createManyAndReturn({
      data: pending.map((r) => ({
        ...r.data,
        id: r.id,
        reference: nextReference(),
        serviceId: r.service.id,
        excerpt: r.data.excerpt as Prisma.InputJsonArray,
        createdAt: r.createdAt,
        dueAt: r.dueAt,
      })),
      skipDuplicates: true,
      select: { id: true, reference: true },
    });
    for (const row of inserted) references.set(row.id, row.reference);
  }
  await tx.handoffEvent.createMany({
    data: rows.map((r) => ({ handoffId: r.id, kind: 'created' as const, agentId: r.data.createdById, detail: { needs: r.data.needs } })),
  });
  await tx.handoffDelivery.createMany({ data: rows.map((r) => ({ id: r.deliveryId, handoffId: r.id, kind: 'handoff' as const, target: r.service.target })) });
  return rows.map((r) => ({
    id: r.id,
    reference: references.get(r.id)!,
    serviceId: r.service.id,
    serviceName: r.service.name,
    needs: r.data.needs,
    urgent: r.data.urgent,
    dueAt: r.dueAt,
    deliveryId: r.deliveryId,
  }));
}

/** What the customer is told: who will contact them about what, and the reference to quote. */
export function confirmationText(
  created: readonly Pick<CreatedHandoff, 'serviceName' | 'needs' | 'reference'>[],
  unowned: readonly string[],
  say: (code: string) => string,
): string {
  const and = ` ${CUSTOMER_WORDING.and} `;
  const lines = [CUSTOMER_WORDING.handoffs.passedOn];
  for (const h of created)
    lines.push(CUSTOMER_WORDING.handoffs.service.fill({ service: h.serviceName, needs: h.needs.map(say).join(and), reference: h.reference }));
  lines.push(CUSTOMER_WORDING.handoffs.willContact);
  if (unowned.length) lines.push(CUSTOMER_WORDING.handoffs.unowned.fill({ needs: unowned.map(say).join(and) }));
  lines.push(CUSTOMER_WORDING.handoffs.askProgress);
  return lines.join('\n');
}

async function loadServices(tx: Tx, chosen?: string): Promise<(OwningService & ServiceTarget)[]> {
  const select = { id: true, name: true, needs: true, priority: true, active: true, slaMinutes: true, target: true } as const;
  if (!chosen) return tx.service.findMany({ where: { active: true }, select });
  const service = await tx.service.findUnique({ where: { id: chosen }, select });
  if (!service?.active) throw new HandoffError('no such active service', 422);
  return [service];
}

/** The customer's open plan, or a new one led by the agent who asked (or the conversation's agent). */
async function openPlan(tx: Tx, customerId: string, leadAgentId: string | null): Promise<string> {
  // One statement: an open plan without a lead gets this one; a new plan is made when none is open.
  const [plan] = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "ActionPlan" ("id", "customerId", "openForCustomer", "leadAgentId")
    VALUES (${randomUUID()}::uuid, ${customerId}::uuid, ${customerId}::uuid, ${leadAgentId}::uuid)
    ON CONFLICT ("openForCustomer") DO UPDATE SET "leadAgentId" = COALESCE("ActionPlan"."leadAgentId", EXCLUDED."leadAgentId")
    RETURNING "id"`;
  return plan!.id;
}

/** The conversation's last messages, as the service reads them (private notes are not shared). */
async function excerptOf(tx: Tx, conversationId: string): Promise<ExcerptLine[]> {
  const messages = await tx.message.findMany({
    where: { conversationId },
    orderBy: { createdAt: 'desc' },
    take: EXCERPT_MESSAGES,
    select: { createdAt: true, direction: true, channel: true, body: true },
  });
  return messages.reverse().map((m) => ({
    at: m.createdAt.toISOString(),
    from: m.direction === 'inbound' ? 'customer' : 'council',
    channel: m.channel,
    text: m.body.length > EXCERPT_CHARS ? `${m.body.slice(0, EXCERPT_CHARS)}…` : m.body,
  }));
}

/** Eight characters with no look-alikes (no I, O, 0, 1): easy to read out and to text back. */
function newReference(): string {
  return Array.from(randomBytes(8), (b) => REFERENCE_ALPHABET[b % 32]).join('');
}

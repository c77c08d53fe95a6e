// What a service does with a hand-off, from Slack, the desk or its own system: accept it, redirect it to
// another service, answer the customer, close it. Each change is one transaction that also records who did
// it and, for Slack, the id of the request, so a retried request (Slack retries) counts once. The service's
// copy (the Slack message, the webhook receiver) gets an update delivery that brings it up to date.
import { isUniqueViolation } from '../db/client.ts';
import type { HandoffEventKind, HandoffStatus, Prisma } from '../generated/prisma/client.ts';
import { createServiceReply } from '../outbound/compose.ts';
import { HandoffError, insertHandoff } from './create.ts';
import type { Effect } from '../effects.ts';
import { handoffEffects, noEffects, type HandoffChanges, type HandoffContext } from './dispatch.ts';
import { OPEN_STATUSES } from './view.ts';

type Tx = Prisma.TransactionClient;

export interface Actor {
  /** As shown to others: "Sam Patel (Slack)", or an agent's name. */
  name: string;
  agentId?: string | null;
  /** The provider's id of the request (a Slack action or event): a retry of it is ignored. */
  providerKey?: string;
}

/** What a change did, and what follows from it once committed (for the caller's effects runner). */
export type ChangeResult = { duplicate: true; effects: Effect[] } | { duplicate: false; status: HandoffStatus; effects: Effect[] };

interface Current {
  id: string;
  status: HandoffStatus;
  reference: string;
  conversationId: string;
  service: { id: string; name: string; target: string };
}

const FINISHED: HandoffStatus[] = ['closed', 'redirected'];

export function acceptHandoff(deps: HandoffContext, handoffId: string, actor: Actor): Promise<ChangeResult> {
  return change(deps, handoffId, actor, 'accepted', async (tx, h, effects) => {
    if (FINISHED.includes(h.status)) throw new HandoffError(`this hand-off is already ${h.status}`, 409);
    if (h.status === 'accepted') return h.status;
    await tx.handoff.update({ where: { id: h.id }, data: { status: 'accepted', statusAt: new Date(), acceptedBy: actor.name, acceptedAt: new Date() } });
    effects.handoffIds.push(h.id);
    return 'accepted';
  });
}

export function closeHandoff(deps: HandoffContext, handoffId: string, outcome: string, actor: Actor): Promise<ChangeResult> {
  const words = outcome.trim().slice(0, 500);
  if (!words) return Promise.reject(new HandoffError('say what was done', 422));
  return change(
    deps,
    handoffId,
    actor,
    'closed',
    async (tx, h, effects) => {
      if (FINISHED.includes(h.status)) throw new HandoffError(`this hand-off is already ${h.status}`, 409);
      const closed = await tx.handoff.update({
        where: { id: h.id },
        data: { status: 'closed', statusAt: new Date(), outcome: words },
        select: { planId: true },
      });
      // The last open action closed: the plan is done, and the customer's next hand-off starts a new one.
      const open = await tx.handoff.count({ where: { planId: closed.planId, status: { in: OPEN_STATUSES } } });
      if (!open) await tx.actionPlan.update({ where: { id: closed.planId }, data: { closedAt: new Date(), openForCustomer: null } });
      effects.handoffIds.push(h.id);
      return 'closed';
    },
    { outcome: words },
  );
}

/** Passes it to another service: a new hand-off (same plan, needs, facts and consent) replaces this one. */
export function redirectHandoff(deps: HandoffContext, handoffId: string, toServiceId: string, actor: Actor, reason?: string): Promise<ChangeResult> {
  return change(
    deps,
    handoffId,
    actor,
    'redirected',
    async (tx, h, effects) => {
      if (FINISHED.includes(h.status)) throw new HandoffError(`this hand-off is already ${h.status}`, 409);
      if (toServiceId === h.service.id) throw new HandoffError('it is already with that service', 409);
      const to = await tx.service.findUnique({ where: { id: toServiceId }, select: { id: true, name: true, slaMinutes: true, target: true, active: true } });
      if (!to?.active) throw new HandoffError('no such active service', 422);
      const old = await tx.handoff.findUniqueOrThrow({ where: { id: h.id } });
      const note = `Redirected by ${actor.name} from ${h.service.name}${reason?.trim() ? `: ${reason.trim()}` : ''}`;
      const created = await insertHandoff(tx, to, {
        planId: old.planId,
        customerId: old.customerId,
        conversationId: old.conversationId,
        needs: old.needs,
        urgent: old.urgent,
        consentAt: old.consentAt,
        createdById: old.createdById,
        facts: old.facts as Prisma.InputJsonValue,
        excerpt: old.excerpt,
        note: [old.note, note].filter(Boolean).join('\n'),
      });
      await tx.handoff.update({ where: { id: h.id }, data: { status: 'redirected', statusAt: new Date(), redirectedToId: created.id } });
      effects.handoffIds.push(h.id, created.id);
      effects.deliveryIds.push(created.deliveryId);
      effects.timers.push({ handoffId: created.id, dueAt: created.dueAt });
      return 'redirected';
    },
    { to: toServiceId },
  );
}

/** The service answers the customer, on the channel they used. Answering a hand-off not yet accepted accepts it. */
export function replyFromService(deps: HandoffContext, handoffId: string, text: string, actor: Actor): Promise<ChangeResult> {
  const body = text.trim();
  if (!body) return Promise.reject(new HandoffError('the reply is empty', 422));
  return change(deps, handoffId, actor, 'replied', async (tx, h, effects) => {
    if (h.status === 'redirected') throw new HandoffError('this hand-off was passed to another service', 409);
    // Closed is done: the customer is not written to from it again (a new need is a new hand-off).
    if (h.status === 'closed') throw new HandoffError('this hand-off is closed', 409);
    const message = await createServiceReply(tx, {
      conversationId: h.conversationId,
      handoffId: h.id,
      authorName: actor.name,
      // The customer sees who is answering and about what, as their reference.
      text: `${h.service.name} (reference ${h.reference}): ${body}`.slice(0, 1600),
      enabledChannels: deps.wording.enabledChannels,
    }).catch((error: Error & { status?: number }) => {
      throw new HandoffError(`the customer cannot be answered: ${error.message}`, 422);
    });
    effects.messageIds.push(message.id);
    effects.handoffIds.push(h.id);
    if (h.status !== 'sent' && h.status !== 'delivered' && h.status !== 'failed') return h.status;
    await tx.handoff.update({ where: { id: h.id }, data: { status: 'accepted', statusAt: new Date(), acceptedBy: actor.name, acceptedAt: new Date() } });
    return 'accepted';
  });
}

/** Sends a hand-off that could not be delivered again, to its service's target as the directory now says. */
export function resendHandoff(deps: HandoffContext, handoffId: string, actor: Actor): Promise<ChangeResult> {
  return change(deps, handoffId, actor, 'resent', async (tx, h, effects) => {
    if (h.status !== 'failed') throw new HandoffError('only a hand-off that could not be delivered is sent again', 409);
    const service = await tx.service.findUniqueOrThrow({ where: { id: h.service.id }, select: { target: true, active: true } });
    if (!service.active) throw new HandoffError(`${h.service.name} no longer takes hand-offs: redirect it instead`, 409);
    await tx.handoff.update({ where: { id: h.id }, data: { status: 'sent', statusAt: new Date() } });
    effects.deliveryIds.push(
      (await tx.handoffDelivery.create({ data: { handoffId: h.id, kind: 'handoff', target: service.target }, select: { id: true } })).id,
    );
    effects.handoffIds.push(h.id);
    return 'sent';
  });
}

async function change(
  deps: HandoffContext,
  handoffId: string,
  actor: Actor,
  kind: HandoffEventKind,
  apply: (tx: Tx, current: Current, effects: HandoffChanges) => Promise<HandoffStatus>,
  detail: Prisma.InputJsonObject = {},
): Promise<ChangeResult> {
  const effects = noEffects();
  let status: HandoffStatus;
  // A retried request (the same providerKey) changes nothing and has nothing to apply.
  try {
    const done = await deps.db.$transaction(async (tx) => {
      if (actor.providerKey && (await tx.handoffEvent.findUnique({ where: { providerKey: actor.providerKey }, select: { id: true } }))) return false;
      // One change at a time per hand-off: two people pressing Accept get one acceptance.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(7217, hashtext(${handoffId}))`;
      const current = await tx.handoff.findUnique({
        where: { id: handoffId },
        select: { id: true, status: true, reference: true, conversationId: true, service: { select: { id: true, name: true, target: true } } },
      });
      if (!current) throw new HandoffError('hand-off not found', 404);
      status = await apply(tx, current, effects);
      await tx.handoffEvent.create({
        data: { handoffId, kind, actor: actor.name, agentId: actor.agentId ?? null, providerKey: actor.providerKey ?? null, detail },
      });
      // The service's own copy shows the new state (Slack re-renders its message; a webhook receiver is told).
      if (status !== current.status && kind !== 'resent' && (current.service.target === 'slack' || current.service.target === 'webhook')) {
        const update = await tx.handoffDelivery.create({ data: { handoffId, kind: 'update', target: current.service.target }, select: { id: true } });
        effects.deliveryIds.push(update.id);
      }
      return true;
    });
    if (!done) return { duplicate: true, effects: [] };
  } catch (error) {
    // The same request, running at the same time in another process, recorded it first.
    if (actor.providerKey && isUniqueViolation(error)) return { duplicate: true, effects: [] };
    throw error;
  }
  return { duplicate: false, status: status!, effects: await handoffEffects(deps.db, effects) };
}

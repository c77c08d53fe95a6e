// Merging two records of one person (an agent's decision, never automatic) and undoing it.
// Both run in one transaction holding both customers' rows, so inbound contacts processed meanwhile
// either land before the merge (and move with it) or after it (and see the survivor): never lost,
// never filed under the absorbed record (see the guards in ingest/process.ts and conversation/thread.ts).
import type { Db } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import { recordAudit } from '../audit.ts';
import { decideSuggestionsBetween } from './suggestions.ts';

type Tx = Prisma.TransactionClient;

/** What a merge moved; an undo moves back exactly these. */
interface Moved {
  contactPointIds: string[];
  conversationIds: string[];
  needIds: string[];
  /** The absorbed customer's open conversation at the time, if any, and whether the survivor took it over as its own. */
  openConversationId: string | null;
  survivorTookOpenConversation: boolean;
  /** Hand-offs and action plans (absent from merges made before hand-offs existed). */
  handoffIds?: string[];
  planIds?: string[];
  /** Like the open conversation: the absorbed customer's open plan, and whether it became the survivor's. */
  openPlanId?: string | null;
  survivorTookOpenPlan?: boolean;
}

export class MergeError extends Error {
  constructor(
    message: string,
    readonly status: 404 | 409,
  ) {
    super(message);
  }
}

/** Row locks on both customers, always in the same order, so two merges cannot deadlock. */
async function lockCustomers(tx: Tx, ids: string[]) {
  const rows = [];
  for (const id of [...ids].sort()) {
    const [row] = await tx.$queryRaw<{ id: string; mergedIntoId: string | null; erasedAt: Date | null }[]>`
      SELECT id, "mergedIntoId", "erasedAt" FROM "Customer" WHERE id = ${id}::uuid FOR UPDATE`;
    if (!row) throw new MergeError('customer not found', 404);
    rows.push(row);
  }
  return new Map(rows.map((r) => [r.id, r]));
}

export async function mergeCustomers(
  db: Db,
  input: { survivorId: string; absorbedId: string; agentId: string | null; reason: string },
): Promise<{ mergeId: string; moved: Moved }> {
  const { survivorId, absorbedId } = input;
  if (survivorId === absorbedId) throw new MergeError('a customer cannot be merged with itself', 409);
  return db.$transaction(async (tx) => {
    const locked = await lockCustomers(tx, [survivorId, absorbedId]);
    for (const row of locked.values()) {
      if (row.mergedIntoId) throw new MergeError('one of these records has already been merged into another', 409);
      if (row.erasedAt) throw new MergeError('one of these records has been erased', 409);
    }
    const [contactPoints, conversations, needs, survivorOpen, handoffs, plans, survivorPlan] = await Promise.all([
      tx.contactPoint.findMany({ where: { customerId: absorbedId }, select: { id: true } }),
      tx.conversation.findMany({ where: { customerId: absorbedId }, select: { id: true, openForCustomer: true } }),
      tx.need.findMany({ where: { customerId: absorbedId }, select: { id: true } }),
      tx.conversation.findUnique({ where: { openForCustomer: survivorId }, select: { id: true } }),
      tx.handoff.findMany({ where: { customerId: absorbedId }, select: { id: true } }),
      tx.actionPlan.findMany({ where: { customerId: absorbedId }, select: { id: true, openForCustomer: true } }),
      tx.actionPlan.findUnique({ where: { openForCustomer: survivorId }, select: { id: true } }),
    ]);
    const open = conversations.find((c) => c.openForCustomer === absorbedId) ?? null;
    const openPlan = plans.find((p) => p.openForCustomer === absorbedId) ?? null;
    const moved: Moved = {
      contactPointIds: contactPoints.map((c) => c.id),
      conversationIds: conversations.map((c) => c.id),
      needIds: needs.map((n) => n.id),
      openConversationId: open?.id ?? null,
      survivorTookOpenConversation: !!open && !survivorOpen,
      handoffIds: handoffs.map((h) => h.id),
      planIds: plans.map((p) => p.id),
      openPlanId: openPlan?.id ?? null,
      survivorTookOpenPlan: !!openPlan && !survivorPlan,
    };
    // The absorbed open conversation stops being a threading target first (one per customer).
    if (open) await tx.conversation.update({ where: { id: open.id }, data: { openForCustomer: null } });
    await tx.contactPoint.updateMany({ where: { id: { in: moved.contactPointIds } }, data: { customerId: survivorId } });
    await tx.conversation.updateMany({ where: { id: { in: moved.conversationIds } }, data: { customerId: survivorId } });
    await tx.need.updateMany({ where: { id: { in: moved.needIds } }, data: { customerId: survivorId } });
    if (open && moved.survivorTookOpenConversation) await tx.conversation.update({ where: { id: open.id }, data: { openForCustomer: survivorId } });
    // Hand-offs and plans move with the person; one plan stays open (the survivor's, if it has one).
    if (openPlan) await tx.actionPlan.update({ where: { id: openPlan.id }, data: { openForCustomer: null } });
    await tx.actionPlan.updateMany({ where: { id: { in: moved.planIds } }, data: { customerId: survivorId } });
    await tx.handoff.updateMany({ where: { id: { in: moved.handoffIds } }, data: { customerId: survivorId } });
    if (openPlan && moved.survivorTookOpenPlan) await tx.actionPlan.update({ where: { id: openPlan.id }, data: { openForCustomer: survivorId } });
    await tx.customer.update({ where: { id: absorbedId }, data: { mergedIntoId: survivorId } });
    const merge = await tx.customerMerge.create({
      data: { survivorId, absorbedId, agentId: input.agentId, reason: input.reason, moved: moved as unknown as Prisma.InputJsonObject },
    });
    await decideSuggestionsBetween(tx, survivorId, absorbedId, 'confirmed', input.agentId);
    await recordAudit(tx, {
      action: 'customer_merge',
      agentId: input.agentId,
      customerId: survivorId,
      reason: input.reason,
      detail: { mergeId: merge.id, absorbedId },
    });
    return { mergeId: merge.id, moved };
  });
}

export async function unmergeCustomers(
  db: Db,
  input: { mergeId: string; agentId: string; reason: string },
): Promise<{ survivorId: string; absorbedId: string }> {
  const merge = await db.customerMerge.findUnique({ where: { id: input.mergeId } });
  if (!merge) throw new MergeError('merge not found', 404);
  const { survivorId, absorbedId } = merge;
  return db.$transaction(async (tx) => {
    const locked = await lockCustomers(tx, [survivorId, absorbedId]);
    const current = await tx.customerMerge.findUniqueOrThrow({ where: { id: merge.id } });
    if (current.undoneAt) throw new MergeError('this merge has already been undone', 409);
    if (locked.get(survivorId)?.mergedIntoId) throw new MergeError('the surviving record was merged again since; undo that merge first', 409);
    const moved = current.moved as unknown as Moved;

    if (moved.openConversationId) {
      const conversation = await tx.conversation.findUnique({ where: { id: moved.openConversationId }, select: { status: true, openForCustomer: true } });
      // Hand the thread back: it is the absorbed person's open conversation again, if still open.
      if (conversation?.openForCustomer === survivorId)
        await tx.conversation.update({ where: { id: moved.openConversationId }, data: { openForCustomer: null } });
      if (conversation?.status === 'open') {
        await tx.conversation.update({ where: { id: moved.openConversationId }, data: { openForCustomer: absorbedId } });
      }
    }
    await tx.contactPoint.updateMany({ where: { id: { in: moved.contactPointIds }, customerId: survivorId }, data: { customerId: absorbedId } });
    await tx.conversation.updateMany({ where: { id: { in: moved.conversationIds }, customerId: survivorId }, data: { customerId: absorbedId } });
    await tx.need.updateMany({ where: { id: { in: moved.needIds }, customerId: survivorId }, data: { customerId: absorbedId } });
    if (moved.openPlanId) {
      const plan = await tx.actionPlan.findUnique({ where: { id: moved.openPlanId }, select: { openForCustomer: true, closedAt: true } });
      if (plan?.openForCustomer === survivorId) await tx.actionPlan.update({ where: { id: moved.openPlanId }, data: { openForCustomer: null } });
      if (plan && !plan.closedAt) await tx.actionPlan.update({ where: { id: moved.openPlanId }, data: { openForCustomer: absorbedId } });
    }
    await tx.actionPlan.updateMany({ where: { id: { in: moved.planIds ?? [] }, customerId: survivorId }, data: { customerId: absorbedId } });
    await tx.handoff.updateMany({ where: { id: { in: moved.handoffIds ?? [] }, customerId: survivorId }, data: { customerId: absorbedId } });
    await tx.customer.update({ where: { id: absorbedId }, data: { mergedIntoId: null } });
    await tx.customerMerge.update({ where: { id: merge.id }, data: { undoneAt: new Date(), undoneById: input.agentId, undoReason: input.reason } });
    await recordAudit(tx, {
      action: 'customer_unmerge',
      agentId: input.agentId,
      customerId: absorbedId,
      reason: input.reason,
      detail: { mergeId: merge.id, survivorId },
    });
    return { survivorId, absorbedId };
  });
}

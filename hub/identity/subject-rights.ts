// Data protection duties on one customer's record: a subject access export (everything we hold about
// them, as one JSON document) and erasure (personal content removed; conversations, channels, times,
// need codes and follow-up scores stay, so counts for reporting survive without identifying anyone).
import type { Db } from '../db/client.ts';
import { profileView } from './profile.ts';
import { OPEN_STATUSES } from '../handoff/view.ts';
import { botStateKey } from '../bot/storage.ts';

export const ERASED = '[erased]';

/** The customer's files (metadata only), by message. */
async function filesByMessage(db: Db, customerId: string) {
  const files = await db.attachment.findMany({
    where: { message: { conversation: { customerId } } },
    orderBy: { position: 'asc' },
    select: { messageId: true, filename: true, contentType: true, size: true, sha256: true },
  });
  const byMessage = new Map<string, { filename: string; contentType: string; size: number; sha256: string }[]>();
  for (const { messageId, ...file } of files) byMessage.set(messageId!, [...(byMessage.get(messageId!) ?? []), file]);
  return byMessage;
}

export async function exportCustomer(db: Db, customerId: string) {
  const customer = await db.customer.findUnique({
    where: { id: customerId },
    include: {
      contactPoints: { orderBy: { createdAt: 'asc' } },
      conversations: {
        orderBy: { createdAt: 'asc' },
        include: {
          messages: { orderBy: { createdAt: 'asc' } },
          calls: { orderBy: { queuedAt: 'asc' }, include: { events: { orderBy: { at: 'asc' } } } },
          notes: { orderBy: { createdAt: 'asc' }, select: { body: true, createdAt: true } },
        },
      },
      needs: { orderBy: { createdAt: 'asc' } },
      handoffs: { orderBy: { createdAt: 'asc' }, include: { service: { select: { name: true } }, events: { orderBy: { at: 'asc' } } } },
      actionPlans: {
        orderBy: { createdAt: 'asc' },
        include: {
          links: { orderBy: { createdAt: 'asc' } },
          actions: { orderBy: { createdAt: 'asc' } },
          followUps: {
            orderBy: { askedAt: 'asc' },
            include: {
              answers: {
                orderBy: { handoff: { createdAt: 'asc' } },
                include: { handoff: { select: { reference: true, service: { select: { name: true } } } } },
              },
            },
          },
        },
      },
    },
  });
  if (!customer) return null;
  const files = await filesByMessage(db, customerId);
  const accessLog = await db.auditEvent.findMany({ where: { customerId }, orderBy: { at: 'asc' }, select: { action: true, at: true } });
  return {
    format: 'contact-hub subject access export, version 1',
    exportedAt: new Date().toISOString(),
    customer: { ...profileView(customer), noContactSince: customer.noContactSince?.toISOString() ?? null },
    contactPoints: customer.contactPoints.map((p) => ({
      kind: p.kind,
      address: p.address,
      verifiedBy: p.verifiedBy,
      createdAt: p.createdAt.toISOString(),
      lastUsedAt: p.lastUsedAt.toISOString(),
    })),
    conversations: customer.conversations.map((c) => ({
      id: c.id,
      status: c.status,
      channel: c.channel,
      createdAt: c.createdAt.toISOString(),
      closedAt: c.closedAt?.toISOString() ?? null,
      /** What the needs-conversation bot noted for the services (deadline, household, how to contact safely). */
      facts: c.facts,
      messages: c.messages.map((m) => ({
        direction: m.direction,
        channel: m.channel,
        from: m.fromAddress,
        to: m.toAddress,
        text: m.body,
        html: m.bodyHtml,
        attachments: m.attachments,
        /** Files that came with it (their content is downloadable by agents, and erased with the record). */
        files: files.get(m.id) ?? [],
        notices: m.notices,
        status: m.status,
        createdAt: m.createdAt.toISOString(),
        sentAt: m.sentAt?.toISOString() ?? null,
      })),
      calls: c.calls.map((call) => ({
        from: call.fromAddress,
        queuedAt: call.queuedAt.toISOString(),
        endedAt: call.endedAt?.toISOString() ?? null,
        events: call.events.map((e) => ({ leg: e.leg, kind: e.kind, at: e.at.toISOString() })),
      })),
      /** Staff's private notes about the conversation: personal data about the customer too. */
      notes: c.notes.map((n) => ({ text: n.body, createdAt: n.createdAt.toISOString() })),
    })),
    needs: customer.needs.map((n) => ({
      code: n.code,
      recordedBy: n.source,
      urgent: n.urgent,
      consentToShare: n.consentToShare,
      consentAt: n.consentAt?.toISOString() ?? null,
      createdAt: n.createdAt.toISOString(),
    })),
    /** What was passed to which service, with what the service was given and what it did. */
    handoffs: customer.handoffs.map((h) => ({
      reference: h.reference,
      service: h.service.name,
      needs: h.needs,
      urgent: h.urgent,
      consentAt: h.consentAt.toISOString(),
      facts: h.facts,
      excerpt: h.excerpt,
      note: h.note,
      status: h.status,
      acceptedBy: h.acceptedBy,
      outcome: h.outcome,
      createdAt: h.createdAt.toISOString(),
      events: h.events.map((e) => ({ kind: e.kind, by: e.actor, at: e.at.toISOString() })),
    })),
    /** Their own plans: the links they were sent (never the token or its hash), what they said they would do, and the follow-up questions they answered. */
    plans: customer.actionPlans.map((p) => ({
      createdAt: p.createdAt.toISOString(),
      closedAt: p.closedAt?.toISOString() ?? null,
      links: p.links.map((l) => ({
        sentBy: l.createdById ? ('agent' as const) : ('customer' as const),
        createdAt: l.createdAt.toISOString(),
        expiresAt: l.expiresAt.toISOString(),
        revokedAt: l.revokedAt?.toISOString() ?? null,
        lastOpenedAt: l.lastOpenedAt?.toISOString() ?? null,
      })),
      actions: p.actions.map((a) => ({
        text: a.text,
        addedBy: a.addedBy,
        doneAt: a.doneAt?.toISOString() ?? null,
        createdAt: a.createdAt.toISOString(),
      })),
      followUps: p.followUps.map((f) => ({
        reason: f.reason,
        askedAt: f.askedAt.toISOString(),
        step: f.step,
        wellbeing: f.wellbeing,
        comment: f.comment,
        answeredAt: f.answeredAt?.toISOString() ?? null,
        answers: f.answers.map((a) => ({ reference: a.handoff.reference, service: a.handoff.service.name, needs: a.needs, helped: a.helped })),
      })),
    })),
    /** Who has looked at this record: the kind of access and when. */
    accessLog: accessLog.map((e) => ({ action: e.action, at: e.at.toISOString() })),
  };
}
export type CustomerExport = NonNullable<Awaited<ReturnType<typeof exportCustomer>>>;

export interface ErasureResult {
  messages: number;
  contactPoints: number;
  cancelledReplies: number;
  /** Staff's private notes on the customer's conversations, deleted (they are about the person). */
  notes: number;
  /** Hand-offs emptied of what the customer said; those still open are closed, and each service's copy is updated. */
  handoffs: number;
  /** Update deliveries to queue after the transaction (Slack messages and webhook receivers lose the details). */
  deliveryIds: string[];
}

/** Erases in one transaction, so a half-erased record is never left behind. */
export async function eraseCustomer(db: Db, customerId: string): Promise<ErasureResult | null> {
  const exists = await db.customer.findUnique({ where: { id: customerId }, select: { id: true } });
  if (!exists) return null;
  return db.$transaction(async (tx) => {
    const inCustomersConversations = { conversation: { customerId } };
    // Replies not yet sent must not go out with their text gone (or at all).
    const cancelled = await tx.message.updateMany({
      where: { ...inCustomersConversations, direction: 'outbound', status: { in: ['queued', 'sending'] } },
      data: { status: 'failed', errorCode: 'erased', errorMessage: 'cancelled: the customer’s data was erased' },
    });
    const messageIds = (await tx.message.findMany({ where: inCustomersConversations, select: { id: true } })).map((m) => m.id);
    const messages = await tx.message.updateMany({
      where: { id: { in: messageIds } },
      data: { body: '', bodyHtml: null, fromAddress: ERASED, toAddress: ERASED, attachments: [], notices: [], errorMessage: null },
    });
    // Files go entirely (names can identify people too), and so does each inbox row's raw payload (the whole email).
    const inboxItemIds = (await tx.inboxItem.findMany({ where: { messageId: { in: messageIds } }, select: { id: true } })).map((i) => i.id);
    await tx.attachment.deleteMany({ where: { OR: [{ messageId: { in: messageIds } }, { inboxItemId: { in: inboxItemIds } }] } });
    await tx.call.updateMany({ where: inCustomersConversations, data: { fromAddress: ERASED } });
    // The inbox keeps each provider id (so a late provider retry is still recognised) but not the payload.
    await tx.inboxItem.updateMany({ where: { messageId: { in: messageIds } }, data: { contact: { erased: true }, payload: null } });
    const contactPoints = await tx.contactPoint.deleteMany({ where: { customerId } });
    // The bot's notes and its dialog state hold the customer's own words.
    const conversationIds = (await tx.conversation.findMany({ where: { customerId }, select: { id: true } })).map((c) => c.id);
    await tx.conversation.updateMany({ where: { customerId }, data: { facts: {} } });
    await tx.botState.deleteMany({ where: { key: { in: conversationIds.map(botStateKey) } } });
    const notes = await tx.note.deleteMany({ where: { conversationId: { in: conversationIds } } });
    await tx.conversation.updateMany({ where: { customerId, status: 'open' }, data: { status: 'closed', openForCustomer: null, closedAt: new Date() } });
    // Hand-offs carry the customer's words and facts. Need codes and statuses stay (counts for reports);
    // open ones are withdrawn, and each service's copy is re-rendered without the details.
    const handoffs = await tx.handoff.findMany({ where: { customerId }, select: { id: true, status: true, service: { select: { target: true } } } });
    await tx.handoff.updateMany({ where: { customerId }, data: { facts: {}, excerpt: [], note: null, outcome: null } });
    await tx.handoff.updateMany({
      where: { customerId, status: { in: OPEN_STATUSES } },
      data: { status: 'closed', statusAt: new Date(), outcome: 'Withdrawn: the customer asked for their data to be erased' },
    });
    await tx.actionPlan.updateMany({ where: { customerId, closedAt: null }, data: { openForCustomer: null, closedAt: new Date() } });
    // The plan page shows their own words: no link opens it again, whatever else the page checks.
    const inCustomersPlans = { plan: { customerId } };
    await tx.planLink.updateMany({ where: { ...inCustomersPlans, revokedAt: null }, data: { revokedAt: new Date() } });
    await tx.planAction.updateMany({ where: inCustomersPlans, data: { text: ERASED } });
    // Their comment goes; wellbeing scores, whether each service helped, need codes and times stay for the evidence figures.
    await tx.followUp.updateMany({ where: { ...inCustomersPlans, comment: { not: null } }, data: { comment: null } });
    // A question still waiting is never answered now: nothing more is asked or taken.
    await tx.followUp.updateMany({ where: { ...inCustomersPlans, step: { in: ['wellbeing', 'services', 'comment'] } }, data: { step: 'set_aside' } });
    const deliveryIds: string[] = [];
    for (const h of handoffs) {
      // Only a service that received it has a copy to scrub.
      if ((h.service.target !== 'slack' && h.service.target !== 'webhook') || h.status === 'sent' || h.status === 'failed') continue;
      deliveryIds.push((await tx.handoffDelivery.create({ data: { handoffId: h.id, kind: 'update', target: h.service.target }, select: { id: true } })).id);
    }
    // Deliveries not yet made would carry the details: only the update goes.
    await tx.handoffDelivery.updateMany({
      where: { handoffId: { in: handoffs.map((h) => h.id) }, status: 'queued', id: { notIn: deliveryIds } },
      data: { status: 'failed', lastError: 'cancelled: the customer’s data was erased' },
    });
    await tx.customer.update({
      where: { id: customerId },
      data: { displayName: null, postcode: null, language: null, preferredChannel: null, accessibilityNeeds: [], erasedAt: new Date() },
    });
    return {
      messages: messages.count,
      contactPoints: contactPoints.count,
      cancelledReplies: cancelled.count,
      notes: notes.count,
      handoffs: handoffs.length,
      deliveryIds,
    };
  });
}

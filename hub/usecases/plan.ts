// The customer's own plan, opened from a link sent on their channel. An agent (or the customer, texting PLAN)
// sends a link; an agent stops every link of a plan; the customer adds their own actions, marks them done, and
// writes to their lead agent. Each does its work in one transaction and returns what follows for the runner.
import type { ChannelKind } from '../../channels/contract.ts';
import { recordAudit } from '../audit.ts';
import { isUniqueViolation, type Db, type Tx } from '../db/client.ts';
import { fx, type Effect } from '../effects.ts';
import type { PlanActionAuthor } from '../generated/prisma/client.ts';
import { newPlanToken, planLinkUrl } from '../plan/links.ts';
import { createNotice, ReplyError } from '../outbound/compose.ts';
import { markWaiting } from '../routing/waiting.ts';
import { CUSTOMER_WORDING } from '../wording.ts';
import { Refused } from './errors.ts';

/** The longest own action and message the customer may write. */
export const MAX_ACTION_CHARS = 300;
export const MAX_MESSAGE_CHARS = 1600;
/** The channel the customer's words from their plan page are stored on (channels/plan-page). */
export const PLAN_PAGE_CHANNEL: ChannelKind = 'plan_page';

export interface PlanLinkSettings {
  publicBaseUrl: string;
  /** How many days a link works (PLAN_LINK_DAYS). */
  days: number;
  /** The council's name as the customer knows it (COUNCIL_NAME), or "the council". */
  council: string;
  enabledChannels: readonly ChannelKind[];
}

/** The day a link stops working, as the customer reads it: "Friday 1 January". */
export function untilInWords(at: Date, timeZone = 'Europe/London'): string {
  return new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone }).format(at);
}

/** The conversation a plan's messages go to: the customer's open one, else the one its latest hand-off came from. */
export async function planConversation(tx: Tx, customerId: string, planId: string): Promise<string | null> {
  const open = await tx.conversation.findUnique({ where: { openForCustomer: customerId }, select: { id: true } });
  if (open) return open.id;
  const latest = await tx.handoff.findFirst({ where: { planId }, orderBy: { createdAt: 'desc' }, select: { conversationId: true } });
  return latest?.conversationId ?? null;
}

/** The desk showing the customer's open conversation reloads its plan (the Services panel listens for it). */
async function planChanged(tx: Tx, customerId: string): Promise<Effect[]> {
  const open = await tx.conversation.findUnique({ where: { openForCustomer: customerId }, select: { id: true } });
  return open ? [fx.conversationChanged(open.id)] : [];
}

async function planOf(tx: Tx, planId: string) {
  const plan = await tx.actionPlan.findUnique({ where: { id: planId }, select: { id: true, customerId: true, customer: { select: { erasedAt: true } } } });
  if (!plan) throw new Refused('not_found', 'plan not found');
  if (plan.customer.erasedAt) throw new Refused('gone', 'this customer’s data was erased');
  return plan;
}

/**
 * A new link to the plan, sent to the customer on a channel that reaches them. Older links keep working until
 * they expire or are stopped. Refused (nothing kept) when nothing reaches the customer.
 */
export async function sendPlanLink(db: Db, settings: PlanLinkSettings, input: { planId: string; agentId: string | null; now?: Date }): Promise<SentLink> {
  try {
    return await db.$transaction((tx) => linkInTx(tx, settings, input.planId, input.agentId, input.now ?? new Date()));
  } catch (error) {
    if (error instanceof ReplyError) throw new Refused('conflict', `the link cannot be sent: ${error.message}`);
    throw error;
  }
}

export interface SentLink {
  linkId: string;
  messageId: string;
  conversationId: string;
  expiresAt: Date;
  effects: Effect[];
}

/** A new working link to the plan, for a message about to be written in the same transaction. */
export async function newPlanLink(
  tx: Tx,
  settings: Pick<PlanLinkSettings, 'publicBaseUrl' | 'days'>,
  planId: string,
  agentId: string | null,
  now: Date,
): Promise<{ linkId: string; url: string; expiresAt: Date }> {
  const expiresAt = new Date(now.getTime() + settings.days * 86_400_000);
  const { token, hash } = newPlanToken();
  const link = await tx.planLink.create({ data: { planId, tokenHash: hash, createdAt: now, expiresAt, createdById: agentId }, select: { id: true } });
  return { linkId: link.id, url: planLinkUrl(settings.publicBaseUrl, token), expiresAt };
}

async function linkInTx(tx: Tx, settings: PlanLinkSettings, planId: string, agentId: string | null, now: Date): Promise<SentLink> {
  const plan = await planOf(tx, planId);
  const conversationId = await planConversation(tx, plan.customerId, plan.id);
  if (!conversationId) throw new Refused('conflict', 'this plan has no conversation to send the link on');
  const link = await newPlanLink(tx, settings, plan.id, agentId, now);
  const { expiresAt } = link;
  const text = CUSTOMER_WORDING.planLink.text.fill({ council: settings.council, link: link.url, until: untilInWords(expiresAt) });
  const message = await createNotice(tx, { conversationId, text, enabledChannels: settings.enabledChannels });
  await recordAudit(tx, { action: 'plan_link_send', agentId, customerId: plan.customerId, detail: { planId: plan.id, linkId: link.linkId } });
  return { linkId: link.linkId, messageId: message.id, conversationId, expiresAt, effects: fx.message(conversationId, message.id) };
}

/** The customer asked for a new link to their plan: a message that is just "PLAN" (any case). */
export function asksForPlanLink(text: string): boolean {
  return /^\s*plan\s*[.!]?\s*$/i.test(text);
}

/**
 * Answers a customer's "PLAN" with a new link to their plan (their open one, else their latest), once: the
 * message is claimed as answered in the same transaction. Null when they have no plan, it was answered already,
 * or nothing reaches them: the message then goes on as any other.
 */
export async function answerPlanRequest(
  db: Db,
  settings: PlanLinkSettings,
  message: { id: string; conversationId: string; conversation: { customerId: string } },
): Promise<Effect[] | null> {
  try {
    return await db.$transaction(async (tx) => {
      const plan = await tx.actionPlan.findFirst({
        where: { customerId: message.conversation.customerId, handoffs: { some: {} } },
        orderBy: [{ closedAt: { sort: 'desc', nulls: 'first' } }, { createdAt: 'desc' }],
        select: { id: true },
      });
      if (!plan) return null;
      const claimed = await tx.message.updateMany({ where: { id: message.id, botTurnAt: null }, data: { botTurnAt: new Date() } });
      if (!claimed.count) return null;
      return (await linkInTx(tx, settings, plan.id, null, new Date())).effects;
    });
  } catch (error) {
    if (error instanceof ReplyError || error instanceof Refused) return null;
    throw error;
  }
}

/** Stops every link of the plan at once (a phone lost, a link shared by mistake). */
export async function revokePlanLinks(db: Db, input: { planId: string; agentId: string; now?: Date }): Promise<{ revoked: number; effects: Effect[] }> {
  const now = input.now ?? new Date();
  return db.$transaction(async (tx) => {
    const plan = await tx.actionPlan.findUnique({ where: { id: input.planId }, select: { id: true, customerId: true } });
    if (!plan) throw new Refused('not_found', 'plan not found');
    const { count } = await tx.planLink.updateMany({ where: { planId: plan.id, revokedAt: null, expiresAt: { gt: now } }, data: { revokedAt: now } });
    await recordAudit(tx, { action: 'plan_link_revoke', agentId: input.agentId, customerId: plan.customerId, detail: { planId: plan.id, revoked: count } });
    return { revoked: count, effects: await planChanged(tx, plan.customerId) };
  });
}

/** Something the customer will do themself; the same form sent twice (its requestId) adds it once. */
export async function addOwnAction(
  db: Db,
  input: { planId: string; text: string; requestId: string; addedBy: PlanActionAuthor },
): Promise<{ actionId: string; effects: Effect[] }> {
  const text = input.text.trim();
  if (!text) throw new Refused('invalid', 'the action is empty');
  if (text.length > MAX_ACTION_CHARS) throw new Refused('invalid', `an action is at most ${MAX_ACTION_CHARS} characters`);
  const key = { planId_requestId: { planId: input.planId, requestId: input.requestId } };
  const earlier = await db.planAction.findUnique({ where: key, select: { id: true } });
  if (earlier) return { actionId: earlier.id, effects: [] };
  try {
    const created = await db.$transaction(async (tx) => {
      const plan = await planOf(tx, input.planId);
      const action = await tx.planAction.create({
        data: { planId: input.planId, text, requestId: input.requestId, addedBy: input.addedBy },
        select: { id: true },
      });
      return { id: action.id, effects: await planChanged(tx, plan.customerId) };
    });
    return { actionId: created.id, effects: created.effects };
  } catch (error) {
    // The same submission twice at once: the other one added it.
    if (!isUniqueViolation(error)) throw error;
    const raced = await db.planAction.findUnique({ where: key, select: { id: true } });
    if (!raced) throw error;
    return { actionId: raced.id, effects: [] };
  }
}

/** Marks one of this plan's own actions done (done already: nothing changes). Another plan's action is not found. */
export async function markActionDone(db: Db, input: { planId: string; actionId: string; now?: Date }): Promise<{ effects: Effect[] }> {
  return db.$transaction(async (tx) => {
    const plan = await planOf(tx, input.planId);
    const done = await tx.planAction.updateMany({
      where: { id: input.actionId, planId: input.planId, doneAt: null },
      data: { doneAt: input.now ?? new Date() },
    });
    if (done.count) return { effects: await planChanged(tx, plan.customerId) };
    const exists = await tx.planAction.count({ where: { id: input.actionId, planId: input.planId } });
    if (!exists) throw new Refused('not_found', 'that action is not on this plan');
    return { effects: [] };
  });
}

/**
 * The customer writes to their lead agent from the plan page. Their words join their open conversation as their
 * message (a new one is opened if none is: the lead agent's, else waiting for a person), so the desk shows it as
 * any other. The same form sent twice (its requestId) is stored once.
 */
export async function writeToLead(
  db: Db,
  input: { planId: string; text: string; requestId: string; enabledChannels: readonly ChannelKind[] },
): Promise<{ messageId: string; conversationId: string; effects: Effect[] }> {
  const text = input.text.trim();
  if (!text) throw new Refused('invalid', 'the message is empty');
  if (text.length > MAX_MESSAGE_CHARS) throw new Refused('invalid', `a message is at most ${MAX_MESSAGE_CHARS} characters`);
  if (!input.enabledChannels.includes(PLAN_PAGE_CHANNEL)) throw new Refused('conflict', 'messages from the plan page are switched off in this hub');
  // Keyed by plan as well: one customer's form ids never collide with another's.
  const providerMessageId = `${input.planId}:${input.requestId}`;
  const earlier = async () => {
    const row = await db.message.findUnique({
      where: { channel_providerMessageId: { channel: PLAN_PAGE_CHANNEL, providerMessageId } },
      select: { id: true, conversationId: true },
    });
    return row && { messageId: row.id, conversationId: row.conversationId, effects: [] as Effect[] };
  };
  const found = await earlier();
  if (found) return found;
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.$transaction(async (tx) => {
        const plan = await tx.actionPlan.findUnique({
          where: { id: input.planId },
          select: { customerId: true, customer: { select: { erasedAt: true } }, leadAgent: { select: { id: true, disabledAt: true } } },
        });
        if (!plan) throw new Refused('not_found', 'plan not found');
        if (plan.customer.erasedAt) throw new Refused('gone', 'this customer’s data was erased');
        const now = new Date();
        const lead = plan.leadAgent && !plan.leadAgent.disabledAt ? plan.leadAgent.id : null;
        let conversationId = (await tx.conversation.findUnique({ where: { openForCustomer: plan.customerId }, select: { id: true } }))?.id;
        if (!conversationId) {
          const created = await tx.conversation.create({
            data: {
              customerId: plan.customerId,
              openForCustomer: plan.customerId,
              channel: PLAN_PAGE_CHANNEL,
              handler: 'person',
              ...(lead ? { assignedAgentId: lead, assignedAt: now } : {}),
            },
            select: { id: true },
          });
          conversationId = created.id;
        }
        const message = await tx.message.create({
          data: {
            conversationId,
            direction: 'inbound',
            channel: PLAN_PAGE_CHANNEL,
            providerMessageId,
            status: 'received',
            fromAddress: '',
            toAddress: '',
            body: text,
            // Answered by a person: the bot never takes a turn on it.
            botTurnAt: now,
          },
          select: { id: true },
        });
        // Written to a person: the bot stops answering, and it waits for one unless someone has it.
        await tx.conversation.update({ where: { id: conversationId }, data: { lastMessageAt: now, handler: 'person' } });
        const waiting = await markWaiting(tx, conversationId, { enabledChannels: input.enabledChannels, now });
        const effects: Effect[] = [fx.publish({ type: 'message.created', conversationId, messageId: message.id }), fx.conversationChanged(conversationId)];
        if (waiting.started) effects.push(...(waiting.noticeId ? fx.message(conversationId, waiting.noticeId) : []), fx.queueChanged(), fx.route());
        return { messageId: message.id, conversationId, effects };
      });
    } catch (error) {
      if (!isUniqueViolation(error) || attempt > 0) throw error;
      // The same form sent twice at once, or a conversation opened meanwhile: look again.
      const raced = await earlier();
      if (raced) return raced;
    }
  }
}

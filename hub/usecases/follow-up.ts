// The quality-of-life follow-up: when a plan's last hand-off has closed (and, for a long plan, each interval), the
// customer is asked on their channel, in at most three short questions, how things are now compared with when
// they first got in touch, whether each service helped, and anything they want to say. Answers by number (or
// button) on channels that go turn by turn; a link to a form on their plan page where each message gets one
// answer (email). Never to someone who said STOP or asked not to be contacted, never while a conversation of
// theirs is urgent or busy, only in the hours set, and at most once per plan per interval.
import { isOptInWord, isOptOutWord } from '../../channels/carrier-keywords.ts';
import type { ChannelAdapter, ChannelKind, FollowUpCallTurn } from '../../channels/contract.ts';
import { capabilitiesOf } from '../../channels/registry.ts';
import type { Db, Tx } from '../db/client.ts';
import { fx, type Effect } from '../effects.ts';
import { readWellbeing, readWhichHelped, readYesNo, skipsComment } from '../followup/answers.ts';
import type { FollowUpReason } from '../generated/prisma/client.ts';
import type { OpeningHours } from '../hours.ts';
import { createNotice, replyChannels } from '../outbound/compose.ts';
import { markWaiting } from '../routing/waiting.ts';
import { CUSTOMER_WORDING } from '../wording.ts';
import { newPlanLink, planConversation, untilInWords } from './plan.ts';

export interface FollowUpSettings {
  council: string;
  publicBaseUrl: string;
  /** How long a link to the plan works (PLAN_LINK_DAYS): the form is on the plan page. */
  planLinkDays: number;
  enabledChannels: readonly ChannelKind[];
  /** Hours after the plan's last hand-off closed before the customer is asked (FOLLOW_UP_AFTER_HOURS). */
  afterHours: number;
  /** A plan still open is asked about every this many days; no plan is asked twice within it (FOLLOW_UP_INTERVAL_DAYS). */
  intervalDays: number;
  /** Answers are taken for this many days after the question (FOLLOW_UP_ANSWER_DAYS). */
  answerDays: number;
  /** When questions may be sent (FOLLOW_UP_HOURS); null: at any time. */
  hours: OpeningHours | null;
  /** A customer talking with us (a message in this many hours in an open conversation) is asked later. */
  busyHours?: number;
  /** Channels whose adapter can place a call (capability callsOut): a customer who called is called back on one. */
  callChannels?: readonly ChannelKind[];
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
/** Open plans and closures looked at in one sweep; the next sweep takes the rest. */
const BATCH = 100;

/** Plans whose customer should be asked now: due, not asked within the interval, and the customer free to ask. */
async function duePlans(db: Db, s: FollowUpSettings, now: Date): Promise<{ id: string; reason: FollowUpReason }[]> {
  const closedBefore = new Date(now.getTime() - s.afterHours * HOUR);
  // Plans that closed long ago are not asked about "now" (e.g. when follow-ups are first switched on).
  const closedAfter = new Date(closedBefore.getTime() - s.intervalDays * DAY);
  const intervalAgo = new Date(now.getTime() - s.intervalDays * DAY);
  const busySince = new Date(now.getTime() - (s.busyHours ?? 24) * HOUR);
  return db.$queryRaw<{ id: string; reason: FollowUpReason }[]>`
    SELECT p.id, CASE WHEN p."closedAt" IS NULL THEN 'interval' ELSE 'plan_closed' END AS reason
    FROM "ActionPlan" p JOIN "Customer" c ON c.id = p."customerId"
    WHERE c."erasedAt" IS NULL AND c."mergedIntoId" IS NULL AND c."noContactSince" IS NULL
      AND EXISTS (SELECT 1 FROM "Handoff" h WHERE h."planId" = p.id AND h.status <> 'redirected')
      AND ((p."closedAt" > ${closedAfter} AND p."closedAt" <= ${closedBefore}
             AND NOT EXISTS (SELECT 1 FROM "FollowUp" f WHERE f."planId" = p.id AND f.reason = 'plan_closed'))
        OR (p."closedAt" IS NULL AND p."createdAt" <= ${intervalAgo}))
      AND NOT EXISTS (SELECT 1 FROM "FollowUp" f WHERE f."planId" = p.id AND f."askedAt" > ${intervalAgo})
      AND NOT EXISTS (SELECT 1 FROM "FollowUp" f WHERE f."customerId" = p."customerId"
                        AND f.step IN ('wellbeing', 'services', 'comment') AND f."expiresAt" > ${now})
      AND NOT EXISTS (SELECT 1 FROM "Conversation" v WHERE v."customerId" = p."customerId" AND v.status = 'open'
                        AND (v."urgentAt" IS NOT NULL OR v."lastMessageAt" > ${busySince}))
    ORDER BY COALESCE(p."closedAt", p."createdAt")
    LIMIT ${BATCH}`;
}

/** Asks every customer whose plan is due (outside the hours set: nobody). Returns what follows, for the runner. */
export async function askDueFollowUps(db: Db, s: FollowUpSettings, now = new Date()): Promise<{ asked: number; effects: Effect[] }> {
  if (s.hours && !s.hours.isOpen(now)) return { asked: 0, effects: [] };
  const effects: Effect[] = [];
  let asked = 0;
  for (const plan of await duePlans(db, s, now)) {
    const started = await db.$transaction((tx) => startFollowUp(tx, s, plan.id, plan.reason, now));
    if (started) {
      asked++;
      effects.push(...started);
    }
  }
  return { asked, effects };
}

/** The services to ask about, once each, in the order they were handed to (redirected hand-offs are replaced). */
async function servicesOf(tx: Tx, planId: string) {
  const handoffs = await tx.handoff.findMany({
    where: { planId, status: { not: 'redirected' } },
    // The customer answers by these numbers: the order must be the same each time it is read.
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true, needs: true, serviceId: true, service: { select: { name: true } } },
  });
  const names = new Map<string, string>();
  for (const h of handoffs) if (!names.has(h.serviceId)) names.set(h.serviceId, h.service.name);
  return { handoffs, services: [...names].map(([id, name]) => ({ id, name })) };
}

async function startFollowUp(tx: Tx, s: FollowUpSettings, planId: string, reason: FollowUpReason, now: Date): Promise<Effect[] | null> {
  // The plan's row locked: two sweepers (two worker processes) cannot both ask.
  const [plan] = await tx.$queryRaw<{ customerId: string }[]>`SELECT "customerId" FROM "ActionPlan" WHERE id = ${planId}::uuid FOR UPDATE`;
  if (!plan) return null;
  const recent = await tx.followUp.count({
    where: { planId, OR: [{ askedAt: { gt: new Date(now.getTime() - s.intervalDays * DAY) } }, ...(reason === 'plan_closed' ? [{ reason }] : [])] },
  });
  if (recent) return null;
  const { handoffs } = await servicesOf(tx, planId);
  if (!handoffs.length) return null;
  const conversationId = await planConversation(tx, plan.customerId, planId);
  // A customer who called is asked by a call, where one can be placed; anyone else (and they, otherwise) in writing.
  const call = conversationId ? await callChannel(tx, s, conversationId) : null;
  const channel = call ?? (conversationId ? (await replyChannels(tx, conversationId, s.enabledChannels))[0]?.channel : undefined);
  const followUp = await tx.followUp.create({
    data: {
      planId,
      customerId: plan.customerId,
      reason,
      conversationId: channel ? conversationId : null,
      channel: channel ?? null,
      askedAt: now,
      expiresAt: new Date(now.getTime() + s.answerDays * DAY),
      // Kept, so the plan is not tried again each sweep: nothing reaches the customer.
      step: channel ? 'wellbeing' : 'not_sent',
      answers: { create: handoffs.map((h) => ({ handoffId: h.id, serviceId: h.serviceId, needs: h.needs })) },
    },
    select: { id: true },
  });
  if (!channel || !conversationId) return [];
  // Placed once the row is committed (placeFollowUpCall), so the call's first webhook finds it.
  if (call) return [fx.followUpCall(followUp.id), fx.conversationChanged(conversationId)];
  let text: string;
  let suggestions: string[] = [];
  if (capabilitiesOf(channel).turnByTurn) {
    text = CUSTOMER_WORDING.followUp.wellbeing.fill({ council: s.council });
    suggestions = CUSTOMER_WORDING.followUp.scale.map((_, i) => CUSTOMER_WORDING.followUp.scale[i]!);
  } else {
    // One message, one answer (email): the three questions are a form on their plan page.
    const link = await newPlanLink(tx, { publicBaseUrl: s.publicBaseUrl, days: s.planLinkDays }, planId, null, now);
    text = CUSTOMER_WORDING.followUp.byLink.fill({ council: s.council, link: link.url, until: untilInWords(link.expiresAt) });
  }
  const message = await createNotice(tx, { conversationId, text, enabledChannels: s.enabledChannels, suggestions, followUpId: followUp.id });
  return [...fx.message(conversationId, message.id), fx.conversationChanged(conversationId)];
}

/** The conversation's own channel when it carries calls the hub can place, and the customer's number is known on it. */
async function callChannel(tx: Tx, s: Pick<FollowUpSettings, 'callChannels'>, conversationId: string): Promise<ChannelKind | null> {
  const conversation = await tx.conversation.findUnique({ where: { id: conversationId }, select: { channel: true } });
  if (!conversation || !s.callChannels?.includes(conversation.channel)) return null;
  const can = capabilitiesOf(conversation.channel);
  if (!can.speaks || !can.callsOut) return null;
  return (await callNumbers(tx, conversationId, conversation.channel)) ? conversation.channel : null;
}

/** The customer's number and the hub's number they called, from their latest call in the conversation. */
async function callNumbers(tx: Tx, conversationId: string, channel: ChannelKind): Promise<{ to: string; from: string } | null> {
  const latest = await tx.message.findFirst({
    where: { conversationId, channel, direction: 'inbound' },
    orderBy: { createdAt: 'desc' },
    select: { fromAddress: true, toAddress: true },
  });
  return latest?.fromAddress && latest.toAddress ? { to: latest.fromAddress, from: latest.toAddress } : null;
}

/**
 * Calls the customer a follow-up is for (its channel places calls). At most once per follow-up, even if the effect
 * runs twice: the row is claimed before the provider is asked. No answer, a machine, or a refused call: the
 * follow-up simply waits (an answer by text is still read), and nobody is called again.
 */
export async function placeFollowUpCall(
  db: Db,
  adapters: Readonly<Record<ChannelKind, Pick<ChannelAdapter, 'placeCall'>>>,
  followUpId: string,
  now = new Date(),
): Promise<{ callId: string } | null> {
  const claimed = await db.$transaction(async (tx) => {
    const taken = await tx.followUp.updateMany({
      where: { id: followUpId, calledAt: null, step: 'wellbeing', expiresAt: { gt: now }, channel: { not: null }, conversationId: { not: null } },
      data: { calledAt: now },
    });
    if (!taken.count) return null;
    const followUp = await tx.followUp.findUniqueOrThrow({ where: { id: followUpId }, select: { channel: true, conversationId: true } });
    const numbers = await callNumbers(tx, followUp.conversationId!, followUp.channel!);
    return numbers ? { channel: followUp.channel!, ...numbers } : null;
  });
  const placeCall = claimed ? adapters[claimed.channel]?.placeCall : undefined;
  if (!claimed || !placeCall) return null;
  const { callId } = await placeCall({ to: claimed.to, from: claimed.from, ref: followUpId });
  await db.followUp.update({ where: { id: followUpId }, data: { callId } });
  return { callId };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * One turn of a follow-up call: the customer's key for `question` recorded (in one transaction), and what to say
 * next. A question is named by what it asks and which try it is ("wellbeing.1", "service-{id}.2"): a key for a
 * question already answered (Twilio retrying its webhook) changes nothing and hears the question now waiting. A
 * wrong key (or none) asks again once, then the call ends with thanks and the follow-up waits as it is.
 */
export async function answerFollowUpCall(
  db: Db,
  s: Pick<FollowUpSettings, 'council' | 'enabledChannels'>,
  input: { ref: string; question?: string; digits?: string },
  now = new Date(),
): Promise<{ turn: FollowUpCallTurn; effects: Effect[] }> {
  const ended = { turn: { say: CUSTOMER_WORDING.followUp.call.ended }, effects: [] };
  if (!UUID.test(input.ref)) return ended;
  return db.$transaction(async (tx) => {
    const [followUp] = await tx.$queryRaw<
      {
        id: string;
        step: string;
        planId: string;
        conversationId: string | null;
        answeredIn: string | null;
        askedAt: Date;
        expiresAt: Date;
        calledAt: Date | null;
      }[]
    >`SELECT id, step::text AS step, "planId", "conversationId", "answeredIn", "askedAt", "expiresAt", "calledAt"
      FROM "FollowUp" WHERE id = ${input.ref}::uuid FOR UPDATE`;
    // Only a call the hub placed is asked anything.
    if (!followUp?.calledAt || !followUp.conversationId) return ended;
    if (followUp.step === 'done') return { turn: { say: CUSTOMER_WORDING.followUp.call.thanks }, effects: [] };
    if (!['wellbeing', 'services'].includes(followUp.step) || followUp.expiresAt <= now) return ended;
    const conversationId = followUp.conversationId;
    const { services } = await servicesOf(tx, followUp.planId);
    const answered = new Set(
      (await tx.followUpAnswer.findMany({ where: { followUpId: followUp.id, helped: { not: null } }, select: { serviceId: true } })).map((a) => a.serviceId),
    );
    const waiting = (step: string) => {
      if (step === 'wellbeing') return { key: 'wellbeing', text: CUSTOMER_WORDING.followUp.call.wellbeing.fill({ council: s.council }), serviceId: null };
      const service = services.find((x) => !answered.has(x.id));
      return service
        ? { key: `service-${service.id}`, text: CUSTOMER_WORDING.followUp.call.service.fill({ service: service.name }), serviceId: service.id }
        : null;
    };
    const ask = (q: { key: string; text: string }, attempt: number, before?: string): FollowUpCallTurn => ({
      say: before ? `${before} ${q.text}` : q.text,
      ask: { question: `${q.key}.${attempt}` },
    });
    const question = waiting(followUp.step);
    if (!question) return ended;
    if (input.question === undefined) return { turn: ask(question, 1), effects: [] };
    const dot = input.question.lastIndexOf('.');
    // Answered already (a retried webhook), or not a question of this call: not recorded again.
    if (input.question.slice(0, dot) !== question.key) return { turn: ask(question, 1), effects: [] };
    const attempt = Number(input.question.slice(dot + 1)) || 1;
    const digits = (input.digits ?? '').trim();
    const wellbeing = question.serviceId === null && /^[1-5]$/.test(digits) ? Number(digits) : null;
    const helped = question.serviceId !== null && /^[12]$/.test(digits) ? digits === '1' : null;
    if (wellbeing === null && helped === null)
      return { turn: attempt >= 2 ? ended.turn : ask(question, attempt + 1, CUSTOMER_WORDING.followUp.call.again), effects: [] };
    if (question.serviceId !== null) {
      await tx.followUpAnswer.updateMany({ where: { followUpId: followUp.id, serviceId: question.serviceId, helped: null }, data: { helped } });
      answered.add(question.serviceId);
    }
    const next = waiting('services');
    await tx.followUp.update({
      where: { id: followUp.id },
      data: {
        ...(wellbeing !== null ? { wellbeing } : {}),
        // Nothing to say on a call: the comment is for answers in writing.
        step: next ? 'services' : 'done',
        answeredIn: followUp.answeredIn ?? conversationId,
        answeredAt: now,
      },
    });
    const effects: Effect[] = [fx.conversationChanged(conversationId)];
    if (next) return { turn: ask(next, 1), effects };
    effects.push(...(await finish(tx, s, followUp, conversationId, false)));
    return { turn: { say: CUSTOMER_WORDING.followUp.call.thanks }, effects };
  });
}

/** What the route step passes: the customer's stored message. */
export interface InboundForFollowUp {
  id: string;
  body: string;
  channel: string;
  createdAt: Date;
  conversationId: string;
  conversation: { customerId: string };
}

/**
 * STOP (and its synonyms) on a channel whose carrier acts on it: the hub starts nothing itself for this customer
 * any more, and a question waiting for an answer is set aside. START undoes it. The message goes on as any other.
 */
export async function recordContactWish(db: Db, message: InboundForFollowUp): Promise<void> {
  if (!capabilitiesOf(message.channel).carrierKeywords) return;
  const customerId = message.conversation.customerId;
  if (isOptOutWord(message.body)) {
    await db.$transaction([
      db.customer.updateMany({ where: { id: customerId, noContactSince: null }, data: { noContactSince: message.createdAt } }),
      db.followUp.updateMany({ where: { customerId, step: { in: ['wellbeing', 'services', 'comment'] } }, data: { step: 'set_aside' } }),
    ]);
  } else if (isOptInWord(message.body)) {
    await db.customer.updateMany({ where: { id: customerId, noContactSince: { lt: message.createdAt } }, data: { noContactSince: null } });
  }
}

/**
 * The customer's message read as the answer to the follow-up question waiting for one. Null when there is none,
 * or the message is not such an answer (it then goes on as any other, and the follow-up is set aside), or it shows
 * danger (it goes on at once, as any other: the bot or a person answers it).
 */
export async function answerFollowUp(
  db: Db,
  s: Pick<FollowUpSettings, 'enabledChannels'>,
  message: InboundForFollowUp,
  isUrgent: (text: string) => boolean,
): Promise<Effect[] | null> {
  const customerId = message.conversation.customerId;
  const waiting = await db.followUp.findFirst({
    where: { customerId, step: { in: ['wellbeing', 'services', 'comment'] }, expiresAt: { gt: message.createdAt }, askedAt: { lt: message.createdAt } },
    orderBy: { askedAt: 'desc' },
    select: { id: true },
  });
  if (!waiting) return null;
  return db.$transaction(async (tx) => {
    const [followUp] = await tx.$queryRaw<{ id: string; step: string; planId: string; answeredIn: string | null; askedAt: Date }[]>`
      SELECT id, step::text AS step, "planId", "answeredIn", "askedAt" FROM "FollowUp" WHERE id = ${waiting.id}::uuid FOR UPDATE`;
    if (!followUp || !['wellbeing', 'services', 'comment'].includes(followUp.step)) return null;
    const setAside = async () => {
      await tx.followUp.update({ where: { id: followUp.id }, data: { step: 'set_aside' } });
      return null;
    };
    // Danger comes before any questionnaire: the message is answered as any other, now.
    if (isUrgent(message.body)) return setAside();
    const { services } = await servicesOf(tx, followUp.planId);
    let next: { step: 'services' | 'comment' | 'done'; text: string; suggestions: string[] };
    const data: { wellbeing?: number; comment?: string } = {};
    if (followUp.step === 'wellbeing') {
      const score = readWellbeing(message.body);
      if (score === null) return setAside();
      data.wellbeing = score;
      next = serviceQuestion(services);
    } else if (followUp.step === 'services') {
      const helped = readHelped(message.body, services.length);
      if (!helped) return setAside();
      for (const [index, service] of services.entries())
        await tx.followUpAnswer.updateMany({ where: { followUpId: followUp.id, serviceId: service.id }, data: { helped: helped.has(index + 1) } });
      next = { step: 'comment', text: CUSTOMER_WORDING.followUp.comment, suggestions: [CUSTOMER_WORDING.followUp.finish] };
    } else {
      if (!skipsComment(message.body, CUSTOMER_WORDING.followUp.finish)) data.comment = message.body.trim().slice(0, 1600);
      next = { step: 'done', text: CUSTOMER_WORDING.followUp.thanks, suggestions: [] };
    }
    // Claimed once: a retried job finds it answered.
    const claimed = await tx.message.updateMany({ where: { id: message.id, botTurnAt: null }, data: { botTurnAt: new Date(), followUpId: followUp.id } });
    if (!claimed.count) return null;
    const conversationId = message.conversationId;
    const effects: Effect[] = [fx.conversationChanged(conversationId)];
    // Someone reads a comment (it may ask for help) unless the customer only wrote to finish.
    const needsPerson = next.step === 'done' && !!data.comment;
    if (needsPerson) next.text = CUSTOMER_WORDING.followUp.thanksWithPerson;
    await tx.followUp.update({
      where: { id: followUp.id },
      data: { ...data, step: next.step, answeredIn: followUp.answeredIn ?? conversationId, answeredAt: new Date() },
    });
    const reply = await createNotice(tx, {
      conversationId,
      text: next.text,
      suggestions: next.suggestions,
      enabledChannels: s.enabledChannels,
      followUpId: followUp.id,
    });
    effects.push(...fx.message(conversationId, reply.id));
    if (next.step === 'done') effects.push(...(await finish(tx, s, followUp, conversationId, needsPerson)));
    return effects;
  });
}

function serviceQuestion(services: { name: string }[]): { step: 'services'; text: string; suggestions: string[] } {
  if (services.length === 1)
    return {
      step: 'services',
      text: CUSTOMER_WORDING.followUp.oneService.fill({ service: services[0]!.name }),
      suggestions: [CUSTOMER_WORDING.followUp.yes, CUSTOMER_WORDING.followUp.no],
    };
  const list = services.map((service, i) => `${i + 1} ${service.name}`);
  // A button per service (one that helped), and none; several are typed as numbers.
  const buttons = list.length <= 5 ? [...list.map((b) => b.slice(0, 40)), CUSTOMER_WORDING.followUp.none] : [CUSTOMER_WORDING.followUp.none];
  return { step: 'services', text: CUSTOMER_WORDING.followUp.severalServices.fill({ services: list.join(', ') }), suggestions: buttons };
}

/** Which services helped, by their number in the question (one service: yes or no). */
function readHelped(text: string, count: number): Set<number> | null {
  if (count === 1) {
    const yes = readYesNo(text);
    return yes === null ? null : new Set(yes ? [1] : []);
  }
  return readWhichHelped(text, count);
}

/**
 * All answered: each service hears what the customer said about it (on its hand-off channel), and a conversation
 * that held only the answers is closed; one with a comment waits for a person to read it.
 */
async function finish(
  tx: Tx,
  s: Pick<FollowUpSettings, 'enabledChannels'>,
  followUp: { id: string; askedAt: Date },
  conversationId: string,
  needsPerson: boolean,
): Promise<Effect[]> {
  const effects: Effect[] = [];
  const answers = await tx.followUpAnswer.findMany({
    where: { followUpId: followUp.id },
    select: { handoff: { select: { id: true, conversationId: true, serviceId: true, service: { select: { target: true } } } } },
  });
  for (const { handoff } of answers) {
    // An open service view (and the lead's) shows the answers as they arrive.
    effects.push(fx.publish({ type: 'handoff.updated', handoffId: handoff.id, conversationId: handoff.conversationId, serviceId: handoff.serviceId }));
    // The desk's service view shows it on the hand-off already; other targets are sent it.
    if (handoff.service.target === 'desk') continue;
    const delivery = await tx.handoffDelivery.create({
      data: { handoffId: handoff.id, kind: 'feedback', target: handoff.service.target, followUpId: followUp.id },
      select: { id: true },
    });
    effects.push(fx.deliver(delivery.id));
  }
  if (needsPerson) {
    await tx.conversation.update({ where: { id: conversationId }, data: { handler: 'person' } });
    const waiting = await markWaiting(tx, conversationId, { enabledChannels: s.enabledChannels });
    if (waiting.started) effects.push(...(waiting.noticeId ? fx.message(conversationId, waiting.noticeId) : []), fx.queueChanged(), fx.route());
    return effects;
  }
  const conversation = await tx.conversation.findUnique({ where: { id: conversationId }, select: { createdAt: true, status: true } });
  const other = await tx.message.count({ where: { conversationId, direction: 'inbound', followUpId: null } });
  if (conversation?.status === 'open' && conversation.createdAt >= followUp.askedAt && !other) {
    await tx.conversation.update({
      where: { id: conversationId },
      data: { status: 'closed', openForCustomer: null, closedAt: new Date(), outcome: 'other', waitingSince: null },
    });
    effects.push(fx.queueChanged());
  }
  return effects;
}

/**
 * The three answers at once, from the form on the customer's plan page (where a follow-up by email points).
 * Nothing waiting (answered already, a form sent twice, expired): nothing changes. A comment is for a person to
 * read: the caller passes it to the lead agent as the customer's message (plan.ts writeToLead).
 */
export async function answerFollowUpForm(
  db: Db,
  s: Pick<FollowUpSettings, 'enabledChannels'>,
  input: { planId: string; wellbeing: number; helped: ReadonlyMap<string, boolean>; comment: string },
): Promise<{ answered: boolean; effects: Effect[] }> {
  return db.$transaction(async (tx) => {
    const [followUp] = await tx.$queryRaw<{ id: string; askedAt: Date; conversationId: string | null }[]>`
      SELECT id, "askedAt", "conversationId" FROM "FollowUp"
      WHERE "planId" = ${input.planId}::uuid AND step IN ('wellbeing', 'services', 'comment') AND "expiresAt" > now()
      ORDER BY "askedAt" DESC LIMIT 1 FOR UPDATE`;
    if (!followUp) return { answered: false, effects: [] };
    for (const [serviceId, helped] of input.helped) await tx.followUpAnswer.updateMany({ where: { followUpId: followUp.id, serviceId }, data: { helped } });
    const comment = input.comment.trim().slice(0, 1600) || null;
    await tx.followUp.update({
      where: { id: followUp.id },
      data: { wellbeing: input.wellbeing, comment, step: 'done', answeredAt: new Date(), answeredIn: followUp.conversationId },
    });
    const effects = followUp.conversationId ? await finish(tx, s, followUp, followUp.conversationId, false) : [];
    if (followUp.conversationId) effects.push(fx.conversationChanged(followUp.conversationId));
    return { answered: true, effects };
  });
}

// The route step, after a customer's message is stored: read the facts once, decide (hub/routing/decide.ts,
// pure), then do what was decided, each in its own transaction: tell them their plan's progress, pass their
// answer to a service, let the bot answer, or wait for a person on the desk (the desk sees every message;
// routing offers the waiting conversation to an agent). Returns what follows, for the effects runner.
import type { ChannelKind } from '../../channels/contract.ts';
import { capabilitiesOf } from '../../channels/registry.ts';
import type { Db } from '../db/client.ts';
import { fx, type Effect } from '../effects.ts';
import type { Logger } from '../logger.ts';
import type { NeedsBot } from '../bot/bot.ts';
import { runBotTurn } from '../bot/run.ts';
import { afterBot, decide, type RouteFacts } from '../routing/decide.ts';
import { markWaiting, waitsOrTaken } from '../routing/waiting.ts';
import type { HandoffWording } from '../handoff/create.ts';
import { effectsOf, handoffEffects, noEffects } from '../handoff/dispatch.ts';
import { answerProgress, progressQuoted } from '../handoff/progress.ts';
import { relayToService, serviceAnswered } from '../handoff/relay.ts';
import { answerFollowUp, recordContactWish } from './follow-up.ts';
import { answerPlanRequest, asksForPlanLink, type PlanLinkSettings } from './plan.ts';

export interface RouteContext {
  db: Db;
  logger: Logger;
  bot: NeedsBot | null;
  botChannels: readonly ChannelKind[];
  /** Channels the hub can send on (for a "team closed" notice). */
  enabledChannels: readonly ChannelKind[];
  handoff: {
    wording: HandoffWording;
    /** Whether words show immediate danger (the needs detector's urgency rules). */
    isUrgent: (text: string) => boolean;
  };
  /** Links to the customer's own plan: a customer who texts PLAN gets a new one. */
  planLinks?: PlanLinkSettings;
}

export async function routeMessage(ctx: RouteContext, stored: { messageId: string; conversationId: string }): Promise<{ effects: Effect[] }> {
  const { db } = ctx;
  const message = await db.message.findUnique({
    where: { id: stored.messageId },
    select: {
      id: true,
      channel: true,
      body: true,
      direction: true,
      botTurnAt: true,
      createdAt: true,
      handoffId: true,
      conversationId: true,
      conversation: {
        select: {
          handler: true,
          customerId: true,
          // What the route asks next, read with the message in the same statement (relationJoins), so that the
          // usual message (not answering a service, already waiting) costs no more reads.
          status: true,
          assignedAgentId: true,
          waitingSince: true,
          messages: { where: { direction: 'outbound' }, orderBy: { createdAt: 'desc' }, take: 1, select: { handoffId: true, createdAt: true } },
        },
      },
    },
  });
  if (!message) return { effects: [] };
  const { conversation } = message;
  // A channel that speaks carries live calls: its answers are spoken, and callers wait in the phone queue.
  const onCall = capabilitiesOf(message.channel).speaks;
  const fresh = message.direction === 'inbound' && !message.botTurnAt;
  if (fresh) await recordContactWish(db, message);
  // The answer to a follow-up question ("4", "1 3"): the next question, or thanks (anything else goes on below).
  if (fresh && !onCall) {
    const effects = await answerFollowUp(db, { enabledChannels: ctx.enabledChannels }, message, ctx.handoff.isUrgent);
    if (effects) return { effects };
  }
  // "PLAN": a new link to their plan, at once (a customer with no plan is answered as for any message).
  if (!onCall && ctx.planLinks && fresh && asksForPlanLink(message.body)) {
    const effects = await answerPlanRequest(db, ctx.planLinks, message);
    if (effects) return { effects };
  }
  const progress = onCall ? null : await progressQuoted(db, message);
  const handoffId = onCall ? null : await serviceAnswered(db, message, conversation.messages[0] ?? null);
  const facts: RouteFacts = {
    inbound: message.direction === 'inbound',
    answered: !!message.botTurnAt,
    onCall,
    quotesOwnReference: !!progress,
    answersService: !!handoffId,
    handler: message.conversation.handler,
    botAnswersChannel: !!ctx.bot && ctx.botChannels.includes(message.channel),
  };
  let route = decide(facts);

  if (route === 'progress') {
    const replyId = await answerProgress(db, message, progress!, ctx.enabledChannels);
    if (replyId) return { effects: fx.message(stored.conversationId, replyId) };
    // Answered by another run meanwhile, or nowhere to answer: it goes on as any other message.
    route = decide({ ...facts, quotesOwnReference: false });
  }
  if (route === 'relay') {
    const relayed = await relayToService(db, message.id, handoffId!);
    const effects = await handoffEffects(db, { ...noEffects(), handoffIds: [relayed.handoffId], deliveryIds: relayed.deliveryId ? [relayed.deliveryId] : [] });
    // The contact centre is brought in only when the words show danger (the service may not read them in time).
    if (!ctx.handoff.isUrgent(message.body)) return { effects };
    await db.conversation.updateMany({ where: { id: stored.conversationId, urgentAt: null }, data: { urgentAt: new Date() } });
    return { effects: [...effects, ...(await waitForPerson(ctx, stored.conversationId))] };
  }
  // As read with the message: when there is nothing to start, markWaiting need not read it again to say so.
  if (route === 'desk') return { effects: waitsOrTaken(conversation) ? [] : await waitForPerson(ctx, stored.conversationId) };
  if (route !== 'bot') return { effects: [] };
  return botTurn(ctx, message.id, stored.conversationId, onCall);
}

async function botTurn(ctx: RouteContext, messageId: string, conversationId: string, onCall: boolean): Promise<{ effects: Effect[] }> {
  const { db } = ctx;
  let outcome;
  try {
    outcome = await runBotTurn(db, ctx.bot!, messageId, ctx.handoff.wording);
  } catch (error) {
    // A bot that cannot answer must not leave the customer waiting on it: a person takes over.
    ctx.logger.error({ err: (error as Error).message, conversationId }, 'bot turn failed; handing the conversation to a person');
    await db.conversation.update({ where: { id: conversationId }, data: { handler: 'person' } });
    const wait = afterBot({ handler: 'person', onCall, allNeedsWithServices: false }) === 'desk' ? await waitForPerson(ctx, conversationId) : [];
    return { effects: [fx.conversationChanged(conversationId), ...wait] };
  }
  if (!outcome) return { effects: [] };
  const effects: Effect[] = [];
  for (const id of outcome.replyIds) {
    // Spoken replies are said in the call's own webhook; the rest go out through the outbound queue.
    if (!outcome.spoken) effects.push(fx.send(id));
    effects.push(fx.publish({ type: 'message.created', conversationId: outcome.conversationId, messageId: id }));
  }
  const handed = outcome.handoffs;
  if (handed?.created.length) {
    const changes = effectsOf(handed);
    // On a call the references come by text as well (the call's own replies are spoken).
    if (outcome.textedConfirmation) changes.messageIds.push(outcome.textedConfirmation);
    effects.push(...(await handoffEffects(db, changes)));
  }
  // Needs found, facts or who answers may have changed.
  effects.push(fx.conversationChanged(outcome.conversationId));
  const now = await db.conversation.findUnique({ where: { id: outcome.conversationId }, select: { handler: true } });
  const allNeedsWithServices = !!handed?.created.length && !handed.unowned.length;
  if (now && afterBot({ handler: now.handler, onCall, allNeedsWithServices }) === 'desk') effects.push(...(await waitForPerson(ctx, outcome.conversationId)));
  return { effects };
}

/** The conversation waits for a person, unless one has it already; routing offers it to an agent. */
async function waitForPerson(ctx: RouteContext, conversationId: string): Promise<Effect[]> {
  const waiting = await markWaiting(ctx.db, conversationId, { enabledChannels: ctx.enabledChannels });
  if (!waiting.started) return [];
  return [...(waiting.noticeId ? fx.message(conversationId, waiting.noticeId) : []), fx.queueChanged(), fx.route()];
}

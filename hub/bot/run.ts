// One bot turn for one stored inbound message, all in one transaction: the dialog state, the replies (as
// outbox rows), the needs captured so far, and the mark that this message has been answered. A job that
// runs twice therefore answers once; a per-conversation lock runs one turn at a time, across processes.
import type { Db } from '../db/client.ts';
import type { Prisma } from '../generated/prisma/client.ts';
import type { NeedsBot } from './bot.ts';
import { DatabaseStorage } from './storage.ts';
import type { Captured } from './needs-dialog.ts';
import { createHandoffs, type HandoffResult, type HandoffWording } from '../handoff/create.ts';
import { createNotice } from '../outbound/compose.ts';
import { ADDRESSES_THAT_REACH_LATER, capabilitiesOf } from '../../channels/registry.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

const OUTCOME: Record<NonNullable<Captured['outcome']>, 'complete' | 'urgent' | 'asked_for_person' | 'unclear' | 'opted_out'> = {
  complete: 'complete',
  urgent: 'urgent',
  'asked-for-person': 'asked_for_person',
  unclear: 'unclear',
  'opted-out': 'opted_out',
};

export interface BotTurnOutcome {
  conversationId: string;
  replyIds: string[];
  /** Replies on a phone call are spoken in the call's own webhook, not sent through the outbound queue. */
  spoken: boolean;
  /** The bot is done (finished, urgent, asked for a person, could not understand): a person takes over. */
  handedOver: boolean;
  /** The needs handed straight to the services that own them, when the customer agreed. */
  handoffs: HandoffResult | null;
  /** On a call: the text message that tells the caller who has their details, and the references. */
  textedConfirmation: string | null;
}

export async function runBotTurn(db: Db, bot: NeedsBot, messageId: string, wording: HandoffWording): Promise<BotTurnOutcome | null> {
  return db.$transaction(async (tx) => {
    // The conversation's lock, taken in the statement that finds it (one turn at a time per conversation).
    const [first] = await tx.$queryRaw<{ conversationId: string }[]>`SELECT m."conversationId"::text AS "conversationId"
      FROM "Message" m, LATERAL (SELECT pg_advisory_xact_lock(hashtext(m."conversationId"::text))) AS locked
      WHERE m.id = ${messageId}::uuid AND m.direction = 'inbound'`;
    if (!first) return null;
    // Read again under the lock: another worker may have answered it, or a person taken over, meanwhile.
    const message = await tx.message.findUniqueOrThrow({
      where: { id: messageId },
      select: {
        id: true,
        body: true,
        channel: true,
        fromAddress: true,
        toAddress: true,
        botTurnAt: true,
        conversation: {
          select: { id: true, customerId: true, handler: true, urgentAt: true, customer: { select: { contactPoints: { select: { kind: true } } } } },
        },
      },
    });
    const conversation = message.conversation;
    if (message.botTurnAt || conversation.handler !== 'bot') return null;

    // Whether the teams can contact the customer once this conversation is over: a phone number or email on
    // their record (an SMS, a call, an email, or a number a web-chat visitor verified), as the channels declare.
    const reachable = conversation.customer.contactPoints.some((p) => ADDRESSES_THAT_REACH_LATER.has(p.kind));
    const result = await bot.turn(
      { conversationId: conversation.id, customerId: conversation.customerId, channel: message.channel, messageId: message.id, text: message.body, reachable },
      new DatabaseStorage(tx),
    );
    const replyIds: string[] = [];
    const can = capabilitiesOf(message.channel);
    const spoken = can.speaks;
    // Email: at most one automatic answer to an address a day (RFC 3834), so two machines, or a forged sender,
    // can never start a loop of the council's replies. Danger is the exception: its advice always goes.
    const perDay = can.automaticAnswersPerDay;
    const answeredToday =
      perDay !== undefined &&
      (await tx.message.count({
        where: {
          channel: message.channel,
          direction: 'outbound',
          fromBot: true,
          toAddress: message.fromAddress,
          createdAt: { gte: new Date(Date.now() - DAY_MS) },
        },
      })) >= perDay;
    const quiet = answeredToday && !result.captured.urgent;
    if (quiet) result.captured.outcome ??= 'unclear';
    // On a call the phone line itself tells a caller who asked for a person to hold: the bot's words would go unsaid.
    const replies = quiet || (spoken && result.captured.outcome === 'asked-for-person') ? [] : result.replies;
    for (const reply of replies) {
      const row = await tx.message.create({
        data: {
          conversationId: conversation.id,
          direction: 'outbound',
          channel: message.channel,
          ...(spoken ? { status: 'sent', sentAt: new Date() } : { status: 'queued' }),
          fromAddress: message.toAddress,
          toAddress: message.fromAddress,
          body: reply.text,
          fromBot: true,
          suggestions: reply.suggestions,
          replyToId: message.id,
        },
        select: { id: true },
      });
      replyIds.push(row.id);
    }

    const { captured } = result;
    const codes = Object.keys(captured.needs);
    const consent = captured.consent === null ? {} : { consentToShare: captured.consent, consentAt: new Date() };
    // The customer may have corrected the bot: what it no longer believes is removed.
    await tx.need.deleteMany({ where: { conversationId: conversation.id, source: 'bot', code: { notIn: codes } } });
    for (const code of codes) {
      const urgent = captured.needs[code]!.urgent;
      await tx.need.upsert({
        where: { conversationId_code: { conversationId: conversation.id, code } },
        create: { customerId: conversation.customerId, conversationId: conversation.id, code, source: 'bot', urgent, ...consent },
        update: { urgent, ...consent },
      });
    }
    const handedOver = captured.outcome !== null;
    await tx.conversation.update({
      where: { id: conversation.id },
      data: {
        facts: captured.facts as Prisma.InputJsonObject,
        handler: handedOver ? 'person' : 'bot',
        ...(captured.outcome ? { botOutcome: OUTCOME[captured.outcome] } : {}),
        lastMessageAt: new Date(),
        ...(captured.urgent && !conversation.urgentAt ? { urgentAt: new Date() } : {}),
      },
    });
    await tx.message.update({ where: { id: message.id }, data: { botTurnAt: new Date() } });
    // In the same transaction as the answer: a turn that is retried neither loses nor repeats its hand-offs.
    const handoffs = result.shareWithServices ? await createHandoffs(tx, { conversationId: conversation.id, agentId: null }, wording) : null;
    // The bot's closing words ("a person will contact you") become who will, with the references to quote;
    // a caller hears the bot's words and gets this by text as well.
    let textedConfirmation: string | null = null;
    if (handoffs?.confirmation) {
      const text = `${handoffs.confirmation}\n${wording.safetyNetAnyTime}`;
      if (!spoken && replyIds.length) await tx.message.update({ where: { id: replyIds.at(-1)! }, data: { body: text } });
      else
        textedConfirmation =
          (await createNotice(tx, { conversationId: conversation.id, text, enabledChannels: wording.enabledChannels }).catch(() => null))?.id ?? null;
    }
    return { conversationId: conversation.id, replyIds, handedOver, spoken, handoffs, textedConfirmation };
  });
}

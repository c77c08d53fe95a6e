// One bot turn for one stored inbound message, all in one transaction: the dialog state, the replies (as
// outbox rows), the needs captured so far, and the mark that this message has been answered. A job that
// runs twice therefore answers once; a per-conversation lock runs one turn at a time, across processes.
import type { Db } from '../db/client.ts';
import type { NeedsBot } from './bot.ts';
import { DatabaseStorage, botStateKey } from './storage.ts';
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

/** The message a turn answers, read under the conversation's lock with what the turn needs. */
interface TurnRow {
  id: string;
  body: string;
  channel: string;
  fromAddress: string;
  toAddress: string;
  answered: boolean;
  customerId: string;
  handler: string;
  reachable: boolean;
  stateData: unknown;
  stateEtag: string | null;
}

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
    // Read again under the lock (another worker may have answered it, or a person taken over, meanwhile), with
    // whether the teams can reach the customer later (a phone number or email on their record, as the channels
    // declare) and the dialog's state, in one statement.
    const stateKey = botStateKey(first.conversationId);
    const [message] = await tx.$queryRaw<TurnRow[]>`SELECT m.id::text AS id, m.body, m.channel, m."fromAddress", m."toAddress",
        m."botTurnAt" IS NOT NULL AS answered, c."customerId"::text AS "customerId", c.handler::text AS handler,
        EXISTS (SELECT 1 FROM "ContactPoint" p WHERE p."customerId" = c."customerId" AND p.kind = ANY(${[...ADDRESSES_THAT_REACH_LATER]}::text[])) AS reachable,
        s.data AS "stateData", s.etag AS "stateEtag"
      FROM "Message" m JOIN "Conversation" c ON c.id = m."conversationId" LEFT JOIN "BotState" s ON s.key = ${stateKey}
      WHERE m.id = ${messageId}::uuid`;
    if (!message || message.answered || message.handler !== 'bot') return null;
    const conversation = { id: first.conversationId, customerId: message.customerId };
    const state = message.stateEtag === null ? undefined : { ...(message.stateData as object), eTag: message.stateEtag };

    const result = await bot.turn(
      {
        conversationId: conversation.id,
        customerId: conversation.customerId,
        channel: message.channel,
        messageId: message.id,
        text: message.body,
        reachable: message.reachable,
      },
      new DatabaseStorage(tx, new Map([[stateKey, state]])),
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
    const handedOver = captured.outcome !== null;
    const now = new Date();
    // One statement: the needs the bot now believes in (what the customer corrected is removed), with their
    // consent when it was asked; the conversation's facts and who handles it next; this message answered.
    await tx.$executeRaw`WITH gone AS (
        DELETE FROM "Need" WHERE "conversationId" = ${conversation.id}::uuid AND source = 'bot' AND code <> ALL(${codes}::text[])
      ), kept AS (
        INSERT INTO "Need" (id, "customerId", "conversationId", code, source, urgent, "consentToShare", "consentAt", "createdAt")
        SELECT gen_random_uuid(), ${conversation.customerId}::uuid, ${conversation.id}::uuid, n.code, 'bot'::"NeedSource", n.urgent,
          ${captured.consent}::boolean, CASE WHEN ${captured.consent}::boolean IS NULL THEN NULL ELSE ${now}::timestamptz END, ${now}::timestamptz
        FROM unnest(${codes}::text[], ${codes.map((code) => captured.needs[code]!.urgent)}::boolean[]) AS n(code, urgent)
        ON CONFLICT ("conversationId", code) DO UPDATE SET urgent = EXCLUDED.urgent,
          "consentToShare" = COALESCE(EXCLUDED."consentToShare", "Need"."consentToShare"),
          "consentAt" = CASE WHEN EXCLUDED."consentToShare" IS NULL THEN "Need"."consentAt" ELSE EXCLUDED."consentAt" END
      ), conversation AS (
        UPDATE "Conversation" SET facts = ${JSON.stringify(captured.facts)}::jsonb,
          handler = ${handedOver ? 'person' : 'bot'}::"ConversationHandler",
          "botOutcome" = COALESCE(${captured.outcome ? OUTCOME[captured.outcome] : null}::"BotOutcome", "botOutcome"),
          "lastMessageAt" = ${now}::timestamptz,
          "urgentAt" = CASE WHEN ${captured.urgent}::boolean THEN COALESCE("urgentAt", ${now}::timestamptz) ELSE "urgentAt" END,
          "updatedAt" = ${now}::timestamptz
        WHERE id = ${conversation.id}::uuid
      )
      UPDATE "Message" SET "botTurnAt" = ${now}::timestamptz, "updatedAt" = ${now}::timestamptz WHERE id = ${message.id}::uuid`;
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

// "How is it going?": a customer who texts (or writes) one of their references is told, at once, where each
// action of their plan has got to, in plain words. Only their own references count: a stranger's guess
// of someone else's reference finds nothing.
import type { ChannelKind } from '../../channels/contract.ts';
import type { Db } from '../db/client.ts';
import type { HandoffStatus } from '../generated/prisma/client.ts';
import { ReplyError, createNotice } from '../outbound/compose.ts';
import { CUSTOMER_WORDING } from '../wording.ts';

// References are eight characters with no look-alikes (create.ts); people type them in any case.
const REFERENCE = /\b[A-HJ-NP-Z2-9]{8}\b/g;

/** The customer's plan in plain words, each action with its reference. */
export function progressText(actions: readonly { service: string; reference: string; status: HandoffStatus; outcome: string | null }[]): string {
  const lines = [CUSTOMER_WORDING.progress.intro];
  for (const a of actions) {
    const said = { service: a.service, reference: a.reference, status: CUSTOMER_WORDING.progress.status[a.status] };
    lines.push(
      a.status === 'closed' && a.outcome
        ? CUSTOMER_WORDING.progress.actionWithOutcome.fill({ ...said, outcome: a.outcome })
        : CUSTOMER_WORDING.progress.action.fill(said),
    );
  }
  lines.push(CUSTOMER_WORDING.progress.talkToSomeone);
  return lines.join('\n');
}

/** The stored message the route step has read (the same read serves every step that looks at it). */
export interface InboundMessage {
  id: string;
  body: string;
  direction: 'inbound' | 'outbound';
  botTurnAt: Date | null;
  conversationId: string;
  conversation: { customerId: string };
}

/** Their plan's progress in words, when an unanswered message quotes one of the customer's own references; else null. */
export async function progressQuoted(db: Db, message: InboundMessage): Promise<string | null> {
  const quoted = message.direction === 'inbound' && !message.botTurnAt ? message.body.toUpperCase().match(REFERENCE) : null;
  if (!quoted) return null;
  const mine = await db.handoff.findMany({ where: { reference: { in: quoted }, customerId: message.conversation.customerId }, select: { planId: true } });
  if (!mine.length) return null;
  const actions = await db.handoff.findMany({
    where: { planId: { in: mine.map((h) => h.planId) }, status: { not: 'redirected' } },
    orderBy: { createdAt: 'asc' },
    select: { reference: true, status: true, outcome: true, service: { select: { name: true } } },
  });
  return progressText(actions.map((a) => ({ service: a.service.name, reference: a.reference, status: a.status, outcome: a.outcome })));
}

/**
 * Answers the message with its progress text, once (a retried job finds it answered). Returns the reply's id,
 * or null when it was answered already or there is nowhere to answer (a channel switched off).
 */
export async function answerProgress(
  db: Db,
  message: Pick<InboundMessage, 'id' | 'conversationId'>,
  text: string,
  enabledChannels: readonly ChannelKind[],
): Promise<string | null> {
  try {
    return await db.$transaction(async (tx) => {
      // Claimed first: two workers running this job answer once.
      const claimed = await tx.message.updateMany({ where: { id: message.id, botTurnAt: null }, data: { botTurnAt: new Date() } });
      if (!claimed.count) return null;
      return (await createNotice(tx, { conversationId: message.conversationId, text, enabledChannels })).id;
    });
  } catch (error) {
    if (error instanceof ReplyError) return null;
    throw error;
  }
}

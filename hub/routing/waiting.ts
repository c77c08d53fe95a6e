// A conversation starts waiting for a person: it is given the team that answers its needs, and, when that
// team is closed, the customer is told once when it opens and what to do in an emergency.
import type { ChannelKind } from '../../channels/contract.ts';
import type { Tx } from '../db/client.ts';
import { parseOpeningHours } from '../hours.ts';
import { createNotice } from '../outbound/compose.ts';
import { CUSTOMER_WORDING } from '../wording.ts';
import { pickTeam } from './plan.ts';

export interface WaitingStarted {
  /** False when it was already waiting, or an agent already has it. */
  started: boolean;
  teamId: string | null;
  /** The "we are closed" message queued for the customer, if one was. */
  noticeId: string | null;
}

/** Nothing to start: the conversation is closed, a person has it, or it already waits for one. */
export const waitsOrTaken = (c: { status: string; assignedAgentId: string | null; waitingSince: Date | null }): boolean =>
  c.status !== 'open' || !!c.assignedAgentId || !!c.waitingSince;

export async function markWaiting(
  db: Tx,
  conversationId: string,
  opts: {
    enabledChannels: readonly ChannelKind[];
    now?: Date;
    /** When the customer began waiting, if earlier than now: a transfer between teams keeps their place and the time shown. */
    since?: Date;
  },
): Promise<WaitingStarted> {
  const now = opts.now ?? new Date();
  const conversation = await db.conversation.findUnique({
    where: { id: conversationId },
    select: { status: true, assignedAgentId: true, waitingSince: true, teamId: true, needs: { select: { code: true, urgent: true } } },
  });
  if (!conversation || waitsOrTaken(conversation)) return { started: false, teamId: conversation?.teamId ?? null, noticeId: null };

  // A transfer to a team has already chosen it; otherwise the team that answers its needs.
  const teams = conversation.teamId ? [] : await db.team.findMany({ select: { id: true, needs: true }, orderBy: { createdAt: 'asc' } });
  const teamId = conversation.teamId ?? pickTeam(conversation.needs, teams);
  // Conditional: of two workers marking it at once, one starts the wait.
  const marked = await db.conversation.updateMany({
    where: { id: conversationId, waitingSince: null, assignedAgentId: null, status: 'open' },
    data: { waitingSince: opts.since ?? now, teamId, closedNoticeAt: null },
  });
  if (!marked.count) return { started: false, teamId, noticeId: null };

  const noticeId = teamId ? await tellIfClosed(db, conversationId, teamId, opts.enabledChannels, now) : null;
  return { started: true, teamId, noticeId };
}

async function tellIfClosed(db: Tx, conversationId: string, teamId: string, enabledChannels: readonly ChannelKind[], now: Date): Promise<string | null> {
  const team = await db.team.findUnique({ where: { id: teamId }, select: { name: true, hours: true, timeZone: true } });
  if (!team?.hours) return null;
  const hours = parseOpeningHours(team.hours, team.timeZone);
  if (hours.isOpen(now)) return null;
  // Someone in the team is working out of its hours (a late shift): routing offers it to them, so "closed" would
  // tell the customer nobody is there while a person is about to answer.
  const working = await db.agent.count({
    where: { presence: 'available', disabledAt: null, role: { notIn: ['service', 'strategy'] }, teams: { some: { teamId } } },
  });
  if (working) return null;
  const told = await db.conversation.updateMany({ where: { id: conversationId, closedNoticeAt: null }, data: { closedNoticeAt: now } });
  if (!told.count) return null;
  const opens = hours.opensInWords(now);
  const text = opens
    ? CUSTOMER_WORDING.closedTeam.until.fill({ team: team.name, hours: hours.spoken, opens })
    : CUSTOMER_WORDING.closedTeam.closed.fill({ team: team.name, hours: hours.spoken });
  const notice = await createNotice(db, { conversationId, text, enabledChannels }).catch(() => null);
  return notice?.id ?? null;
}

// What the desk shows: database rows → the JSON shapes of the API and the socket events. The shapes themselves
// are in agent-desk/shared/views.ts (the desk's web app reads them too), re-exported here.
import { z } from 'zod';
import type { Db } from '../../hub/db/client.ts';
import type { Prisma } from '../../hub/generated/prisma/client.ts';
import { SenderAuth } from '../../channels/contract.ts';
import { capabilitiesOf } from '../../channels/registry.ts';
import { withoutBidiControls } from '../../channels/bidi.ts';
import { mediaNotices } from '../../hub/ingest/media.ts';
import { normalisePostcode } from '../../hub/identity/search.ts';
import type { ConversationSummary, MessageSender, MessageView, NeedView, NoteView } from '../shared/views.ts';

export {
  AgentRoutingView,
  ConversationDetail,
  ConversationSummary,
  MessageSender,
  MessageView,
  NeedView,
  NoteView,
  SupervisorOverview,
  SupervisorQueue,
  UnattendedUrgent,
} from '../shared/views.ts';

/** Include this with a message so messageView can name who sent it. */
export const messageInclude = { agent: { select: { displayName: true } }, handoff: { select: { service: { select: { name: true } } } } } as const;

type MessageRow = Prisma.MessageGetPayload<{ include: typeof messageInclude }>;

function senderOf(m: MessageRow): MessageSender {
  if (m.direction === 'inbound') return { kind: 'customer' };
  if (m.agentId) return { kind: 'agent', agentId: m.agentId, name: m.agent?.displayName ?? null };
  // A service's reply carries its author (hub/outbound/compose.ts createServiceReply).
  if (m.authorName) return { kind: 'service', name: m.authorName, service: m.handoff?.service.name ?? null };
  // The bot's replies answer a customer's message; the hub's own notices answer none.
  if (m.fromBot && m.replyToId) return { kind: 'bot' };
  return { kind: 'automatic' };
}

/** As stored on a message: a provider's media URL, or a file the hub keeps (ingest/process.ts, ingest/media.ts). */
type StoredAttachment = { url: string; contentType: string } | { fileId: string; filename: string; contentType: string; size: number };

const attachmentView = (a: StoredAttachment): MessageView['attachments'][number] =>
  'fileId' in a
    ? { url: `/api/attachments/${a.fileId}`, contentType: a.contentType, filename: withoutBidiControls(a.filename), size: a.size }
    : { url: a.url, contentType: a.contentType };

export function messageView(m: MessageRow): MessageView {
  return {
    id: m.id,
    conversationId: m.conversationId,
    direction: m.direction,
    channel: m.channel,
    status: m.status,
    body: m.body,
    fromAddress: m.fromAddress,
    toAddress: m.toAddress,
    attachments: Array.isArray(m.attachments) ? (m.attachments as StoredAttachment[]).filter((a) => 'fileId' in a || 'url' in a).map(attachmentView) : [],
    htmlUrl: m.bodyHtml ? `/api/messages/${m.id}/html` : null,
    notices: [...(m.notices ?? []), ...mediaNotices(m.attachments)],
    senderAuth: m.senderAuth ? (SenderAuth.safeParse(m.senderAuth).data ?? null) : null,
    agentId: m.agentId,
    fromBot: m.fromBot,
    sender: senderOf(m),
    errorCode: m.errorCode,
    errorMessage: m.errorMessage,
    providerMessageId: m.providerMessageId,
    createdAt: m.createdAt.toISOString(),
    sentAt: m.sentAt?.toISOString() ?? null,
  };
}

const customerSelect = { select: { id: true, displayName: true, postcode: true, contactPoints: { select: { kind: true, address: true } } } } as const;

export interface ConversationFilter {
  status?: 'open' | 'closed';
  ids?: string[];
  /** Only those assigned to this agent. */
  assignedTo?: string;
  /** Only those waiting for a person. */
  waiting?: boolean;
  /** Only those with signs of immediate danger (the desk loads all of these first: urgent ones lead the list). */
  urgent?: boolean;
  /** Only those after this one in the list's order (the `next` of the page before). */
  after?: ListCursor;
  /** Only those the caller may see (access.ts). */
  scope?: Prisma.ConversationWhereInput;
  /** Words that must each be in the customer's name or one of their addresses. */
  search?: string;
  limit?: number;
  /** The agent asking: each conversation says when they last opened it (readAt). */
  readerId?: string;
}

/** A phone number typed any way ("07911 200411", "+44 7911…") is searched by its digits after the leading 0 or +. */
function searchWords(search: string | undefined): string[] {
  const text = (search ?? '').trim().toLowerCase();
  if (/^[+\d\s()-]{6,}$/.test(text)) return [text.replace(/\D/g, '').replace(/^0+/, '')];
  return text.split(/\s+/).filter(Boolean).slice(0, 5);
}

/**
 * A whole postcode however typed ("sw1a1aa") finds who lives there; otherwise each word must be in the
 * customer's name, one of their addresses or their postcode (a district, "SW1A", finds the area).
 */
function searchWhere(search: string | undefined): Prisma.ConversationWhereInput[] {
  const postcode = normalisePostcode(search ?? '');
  if (postcode) return [{ customer: { postcode } }];
  return searchWords(search).map((word) => ({
    customer: {
      OR: [
        { displayName: { contains: word, mode: 'insensitive' as const } },
        { contactPoints: { some: { address: { contains: word } } } },
        { postcode: { startsWith: word.toUpperCase() } },
      ],
    },
  }));
}

/**
 * Where a page of the list ends: the sort time and id of its last row. Open conversations are listed by their
 * last message, the newest first; closed ones by when they closed, the most recent first; the id breaks ties,
 * so a page never repeats or skips a row however many share a time (keyset paging: the database reads one
 * page's rows from the index, never counting past those before it as OFFSET would).
 */
export const ListCursor = z.object({ at: z.iso.datetime().nullable(), id: z.guid() });
export type ListCursor = z.infer<typeof ListCursor>;

/** The cursor as the API passes it: opaque to clients, base64url JSON. */
export const encodeCursor = (cursor: ListCursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');
export function decodeCursor(text: string): ListCursor | null {
  try {
    return ListCursor.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    return null;
  }
}

/** The column the list sorts by: when it closed for closed ones, its last message otherwise. */
const sortColumn = (filter: ConversationFilter) => (filter.status === 'closed' ? 'closedAt' : 'lastMessageAt');

/** Rows after the cursor in the list's order (time descending, nulls last, then id descending). */
function afterCursor(filter: ConversationFilter): Prisma.ConversationWhereInput[] {
  const cursor = filter.after;
  if (!cursor) return [];
  const column = sortColumn(filter);
  if (cursor.at === null) return [{ [column]: null, id: { lt: cursor.id } }];
  const at = new Date(cursor.at);
  return [{ OR: [{ [column]: { lt: at } }, { [column]: at, id: { lt: cursor.id } }, ...(column === 'closedAt' ? [{ closedAt: null }] : [])] }];
}

/** The filter as a Prisma where: the list and the tabs' counts ask the same question. */
function conversationWhere(filter: ConversationFilter): Prisma.ConversationWhereInput {
  return {
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.ids ? { id: { in: filter.ids } } : {}),
    ...(filter.assignedTo ? { assignedAgentId: filter.assignedTo } : {}),
    ...(filter.waiting ? { waitingSince: { not: null }, assignedAgentId: null } : {}),
    AND: [
      ...(filter.scope ? [filter.scope] : []),
      ...(filter.urgent ? [{ OR: [{ urgentAt: { not: null } }, { needs: { some: { urgent: true } } }] }] : []),
      ...afterCursor(filter),
      ...searchWhere(filter.search),
    ],
  };
}

export async function listConversations(db: Db, filter: ConversationFilter): Promise<ConversationSummary[]> {
  const rows = await db.conversation.findMany({
    where: conversationWhere(filter),
    // Prisma takes `nulls` only on a column that can be null (closedAt); lastMessageAt never is.
    orderBy: [filter.status === 'closed' ? { closedAt: { sort: 'desc', nulls: 'last' } } : { lastMessageAt: 'desc' }, { id: 'desc' }],
    take: filter.limit ?? 100,
    include: {
      customer: customerSelect,
      messages: { orderBy: { createdAt: 'desc' }, take: 1, include: messageInclude },
      needs: { where: { urgent: true }, take: 1, select: { id: true } },
      assignedAgent: { select: { id: true, displayName: true } },
      team: { select: { id: true, name: true } },
      reads: { where: { agentId: filter.readerId ?? { in: [] } }, select: { readAt: true } },
    },
  });
  // The customer's own last words, apart: the newest message is often the bot's answer (an urgent text's is the
  // emergency numbers), which says nothing of what the customer asked.
  const inbound = rows.length
    ? await db.conversation.findMany({
        where: { id: { in: rows.map((c) => c.id) } },
        select: { id: true, messages: { where: { direction: 'inbound' }, orderBy: { createdAt: 'desc' }, take: 1, include: messageInclude } },
      })
    : [];
  const lastInbound = new Map(inbound.map((c) => [c.id, c.messages[0] ? messageView(c.messages[0]) : null]));
  return rows.map((c) => ({
    id: c.id,
    status: c.status,
    channel: c.channel,
    channelCapabilities: capabilitiesOf(c.channel),
    lastMessageAt: c.lastMessageAt.toISOString(),
    customer: c.customer,
    lastMessage: c.messages[0] ? messageView(c.messages[0]) : null,
    lastInbound: lastInbound.get(c.id) ?? null,
    readAt: c.reads[0]?.readAt.toISOString() ?? null,
    handler: c.handler,
    urgent: !!c.urgentAt || c.needs.length > 0,
    assignedAgent: c.assignedAgent,
    waitingSince: c.waitingSince?.toISOString() ?? null,
    team: c.team,
    closedAt: c.closedAt?.toISOString() ?? null,
  }));
}

/**
 * One page of the list, and where the next begins (null: this was the last). Pages stay small, so a desk with
 * thousands open shows its first rows at once and loads more as the agent scrolls, never all in one answer.
 */
export async function pageConversations(
  db: Db,
  filter: ConversationFilter & { limit: number },
): Promise<{ conversations: ConversationSummary[]; next: string | null }> {
  const rows = await listConversations(db, { ...filter, limit: filter.limit + 1 });
  const conversations = rows.slice(0, filter.limit);
  const last = conversations.at(-1);
  const next = rows.length > filter.limit && last ? encodeCursor({ at: filter.status === 'closed' ? last.closedAt : last.lastMessageAt, id: last.id }) : null;
  return { conversations, next };
}

/** How many open conversations each of the desk's tabs holds for this agent: theirs, waiting for a person, all. */
export async function countConversations(
  db: Db,
  filter: Pick<ConversationFilter, 'scope'> & { agentId: string },
): Promise<{ mine: number; waiting: number; all: number }> {
  const open = { status: 'open' as const, scope: filter.scope };
  const [mine, waiting, all] = await Promise.all([
    db.conversation.count({ where: conversationWhere({ ...open, assignedTo: filter.agentId }) }),
    db.conversation.count({ where: conversationWhere({ ...open, waiting: true }) }),
    db.conversation.count({ where: conversationWhere(open) }),
  ]);
  return { mine, waiting, all };
}

type NeedRow = Pick<NonNullable<Awaited<ReturnType<Db['need']['findUnique']>>>, 'code' | 'source' | 'urgent' | 'consentToShare'>;

/** One need as the desk shows it; `label` names its code in words (from the taxonomy). */
export function needView(n: NeedRow, label: (code: string) => string): NeedView {
  return { code: n.code, label: label(n.code), source: n.source, urgent: n.urgent, consentToShare: n.consentToShare };
}

type NoteRow = Pick<NonNullable<Awaited<ReturnType<Db['note']['findUnique']>>>, 'id' | 'conversationId' | 'body' | 'createdAt'> & {
  agent: { id: string; displayName: string } | null;
};

/** Select this with a note so noteView has its author. */
export const noteInclude = { agent: { select: { id: true, displayName: true } } } as const;

export function noteView(n: NoteRow): NoteView {
  return {
    id: n.id,
    conversationId: n.conversationId,
    body: n.body,
    createdAt: n.createdAt.toISOString(),
    agent: n.agent ? { id: n.agent.id, displayName: n.agent.displayName } : null,
  };
}

/** `label` names a need code in words (from the taxonomy). */
export async function conversationDetail(db: Db, id: string, label: (code: string) => string) {
  const c = await db.conversation.findUnique({
    where: { id },
    include: {
      customer: customerSelect,
      messages: { orderBy: { createdAt: 'asc' }, include: messageInclude },
      needs: { orderBy: { createdAt: 'asc' } },
      notes: { orderBy: { createdAt: 'asc' }, include: noteInclude },
      assignedAgent: { select: { id: true, displayName: true } },
      team: { select: { id: true, name: true } },
    },
  });
  if (!c) return null;
  return {
    id: c.id,
    status: c.status,
    channel: c.channel,
    channelCapabilities: capabilitiesOf(c.channel),
    lastMessageAt: c.lastMessageAt.toISOString(),
    customer: c.customer,
    messages: c.messages.map(messageView),
    handler: c.handler,
    urgent: !!c.urgentAt || c.needs.some((n) => n.urgent),
    needs: c.needs.map((n) => needView(n, label)),
    facts: (c.facts ?? {}) as Record<string, string>,
    notes: c.notes.map(noteView),
    assignedAgent: c.assignedAgent,
    waitingSince: c.waitingSince?.toISOString() ?? null,
    team: c.team,
    closedAt: c.closedAt?.toISOString() ?? null,
    outcome: c.outcome,
  };
}

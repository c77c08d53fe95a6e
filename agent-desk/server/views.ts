// What the desk shows: database rows → the JSON shapes of the API and the socket events.
import { z } from 'zod';
import type { Db } from '../../hub/db/client.ts';
import type { Prisma } from '../../hub/generated/prisma/client.ts';
import { ChannelCapabilities, ChannelKind, ContactPointKind, SenderAuth } from '../../channels/contract.ts';
import { capabilitiesOf } from '../../channels/registry.ts';
import { withoutBidiControls } from '../../channels/bidi.ts';
import { mediaNotices } from '../../hub/ingest/media.ts';
import { normalisePostcode } from '../../hub/identity/search.ts';

/** Who wrote a message, for the desk to label it: an agent's own replies show as "You", anyone else by name. */
export const MessageSender = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('customer') }),
  /** An agent on the desk (name null: that account no longer exists). */
  z.object({ kind: z.literal('agent'), agentId: z.uuid(), name: z.string().nullable() }),
  /** Someone at a service answering about a hand-off (from Slack, email, their system or the service view). */
  z.object({ kind: z.literal('service'), name: z.string(), service: z.string().nullable() }),
  /** The needs-conversation bot, answering the customer. */
  z.object({ kind: z.literal('bot') }),
  /** Sent by the hub by itself: a notice such as "the team is closed", or a hand-off's confirmation. */
  z.object({ kind: z.literal('automatic') }),
]);
export type MessageSender = z.infer<typeof MessageSender>;

export const MessageView = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  direction: z.enum(['inbound', 'outbound']),
  channel: ChannelKind,
  status: z.enum(['received', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed']),
  body: z.string(),
  fromAddress: z.string(),
  toAddress: z.string(),
  /** Media a provider hosts (a voicemail, MMS not fetched yet), and files the hub keeps: an email's, and media fetched from the provider (MMS, WhatsApp), downloaded by a signed-in agent. */
  attachments: z.array(z.object({ url: z.string(), contentType: z.string(), filename: z.string().optional(), size: z.number().int().optional() })),
  /** The email's HTML, sanitised, served sandboxed: show it in an iframe, never inline. */
  htmlUrl: z.string().nullable(),
  /** What the agent should know about how it arrived, e.g. an attachment that was not accepted. */
  notices: z.array(z.string()),
  /**
   * Email: whether the From address was shown to be the sender's. Any verdict but pass means the desk warns
   * that the sender could not be confirmed. Null for other channels and for what the hub sent.
   */
  senderAuth: SenderAuth.nullable(),
  agentId: z.uuid().nullable(),
  /** Sent by the needs-conversation bot, or automatically by the hub (sender says which). */
  fromBot: z.boolean(),
  sender: MessageSender,
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  providerMessageId: z.string().nullable(),
  createdAt: z.iso.datetime(),
  sentAt: z.iso.datetime().nullable(),
});
export type MessageView = z.infer<typeof MessageView>;

export const ConversationSummary = z.object({
  id: z.uuid(),
  status: z.enum(['open', 'closed']),
  channel: ChannelKind,
  /** What its channel can do (e.g. `speaks`: a call, answered on the agent's phone): the desk asks this, not the kind. */
  channelCapabilities: ChannelCapabilities,
  lastMessageAt: z.iso.datetime(),
  customer: z.object({
    id: z.uuid(),
    displayName: z.string().nullable(),
    /** Where they live, as far as the record knows (UK, normalised: "SW1A 1AA"); the list's search matches it. */
    postcode: z.string().nullable(),
    contactPoints: z.array(z.object({ kind: ContactPointKind, address: z.string() })),
  }),
  lastMessage: MessageView.nullable(),
  /** The customer's own last message: what they said, where lastMessage may be the bot's or an agent's answer. */
  lastInbound: MessageView.nullable(),
  /**
   * When the agent asking last opened it (PUT /api/conversations/{id}/read); null: never. What the customer
   * wrote after it (lastInbound) is unread for them.
   */
  readAt: z.iso.datetime().nullable(),
  /** Who answers it now: the needs bot, or people. */
  handler: z.enum(['bot', 'person']),
  /** Signs of immediate danger were seen in it. */
  urgent: z.boolean(),
  /** The agent who has it, if one has. */
  assignedAgent: z.object({ id: z.uuid(), displayName: z.string() }).nullable(),
  /** Since when it has waited for a person (null while the bot or an agent has it). */
  waitingSince: z.iso.datetime().nullable(),
  /** The team it waits for, or was last routed to. */
  team: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  /** When it was closed (null while open): the Closed tab lists the most recently closed first. */
  closedAt: z.iso.datetime().nullable(),
});
export type ConversationSummary = z.infer<typeof ConversationSummary>;

/** An agent as routing sees them: presence, skills, capacity and load (GET /api/agents, the supervisor's overview). */
export const AgentRoutingView = z.object({
  id: z.uuid(),
  displayName: z.string(),
  email: z.string(),
  role: z.enum(['agent', 'supervisor', 'admin', 'service']),
  presence: z.enum(['available', 'busy', 'away', 'offline']),
  presenceAt: z.iso.datetime(),
  skills: z.array(z.string()),
  /** What the agent takes at once per channel, their own settings over the hub's defaults. */
  capacity: z.partialRecord(ChannelKind, z.number().int()),
  /** Open conversations they have now, per channel. */
  load: z.partialRecord(ChannelKind, z.number().int()),
  teams: z.array(z.object({ id: z.uuid(), name: z.string() })),
  /** An admin disabled the account: it cannot sign in. */
  disabled: z.boolean(),
});
export type AgentRoutingView = z.infer<typeof AgentRoutingView>;

/** One queue of the supervisor's overview: a team's, or (teamId null) the one any agent may take from. */
export const SupervisorQueue = z.object({
  teamId: z.uuid().nullable(),
  name: z.string(),
  waiting: z.number().int(),
  urgent: z.number().int(),
  longestWaitSince: z.iso.datetime().nullable(),
  /** Open now by its opening hours (always, for a team with none and for "Any agent"). */
  open: z.boolean(),
  /** Its opening hours in words; null: none set (always open). */
  hours: z.string().nullable(),
  /** Who could be offered its conversations now: signed in and available, and in the team (any agent for "Any agent"). */
  available: z.array(z.object({ id: z.uuid(), displayName: z.string() })),
});

/** An urgent conversation waiting where nobody will be offered it: its team is closed, or nobody in it is available. */
export const UnattendedUrgent = z.object({
  conversationId: z.uuid(),
  customer: ConversationSummary.shape.customer,
  channel: ChannelKind,
  waitingSince: z.iso.datetime(),
  /** The queue it waits in (id null: "Any agent"). */
  team: z.object({ id: z.uuid().nullable(), name: z.string() }),
  reason: z.enum(['team_closed', 'nobody_available']),
});

/** GET /api/supervisor/overview, and the socket's supervisor.overview: queues, agents, and urgent ones nobody can take. */
export const SupervisorOverview = z.object({
  queues: z.array(SupervisorQueue),
  agents: z.array(AgentRoutingView),
  /** Oldest first. */
  unattended: z.array(UnattendedUrgent),
});
export type SupervisorOverview = z.infer<typeof SupervisorOverview>;

export const NeedView = z.object({
  code: z.string(),
  label: z.string(),
  source: z.enum(['bot', 'agent', 'service']),
  urgent: z.boolean(),
  /** The customer's answer when asked whether it may be shared; null: not asked. */
  consentToShare: z.boolean().nullable(),
});

/** A private note on a conversation: for colleagues only, never sent to the customer (a separate model from messages). */
export const NoteView = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  body: z.string(),
  createdAt: z.iso.datetime(),
  /** Who wrote it; null if that account no longer exists. */
  agent: z.object({ id: z.uuid(), displayName: z.string() }).nullable(),
});
export type NoteView = z.infer<typeof NoteView>;

export const ConversationDetail = ConversationSummary.omit({ lastMessage: true }).extend({
  /** What the agent who closed it said came of it (null while open): the desk shows it on a closed one. */
  outcome: z.enum(['resolved', 'handed_off', 'signposted', 'no_reply', 'other']).nullable(),
  messages: z.array(MessageView),
  needs: z.array(NeedView),
  /** What the bot learnt that services ask for (deadline, household, how to contact safely). */
  facts: z.record(z.string(), z.string()),
  /** Private notes, oldest first: the desk interleaves them with the messages by time. */
  notes: z.array(NoteView),
  /** Channels a reply can go on, the conversation's own first (POST …/messages takes one as `channel`). */
  replyChannels: z.array(ChannelKind),
});

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
export function needView(n: NeedRow, label: (code: string) => string): z.infer<typeof NeedView> {
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

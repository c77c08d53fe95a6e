// The API's response shapes the desk reads, as zod schemas: the hub answers with them (agent-desk/server builds
// them from rows and registers them in the OpenAPI document) and the desk's web app takes its types from them and
// checks the main answers against them. Nothing here may import server-only code (Prisma, Node's Buffer): the
// desk's bundle includes this file.
import * as z from 'zod';
import { ChannelCapabilities, ChannelKind, ContactPointKind, SenderAuth } from '../../channels/contract.ts';

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
  role: z.enum(['agent', 'supervisor', 'admin', 'service', 'strategy']),
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
export type NeedView = z.infer<typeof NeedView>;

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

/**
 * One conversation with all its messages (GET /api/conversations/{id}). Not a list row: it carries no last
 * message or unread time (its messages say those).
 */
export const ConversationDetail = ConversationSummary.omit({ lastMessage: true, lastInbound: true, readAt: true }).extend({
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
export type ConversationDetail = z.infer<typeof ConversationDetail>;

/** One page of the list (GET /api/conversations): its rows, and the cursor of the next page (null: no more). */
export const ConversationPage = z.object({
  conversations: z.array(ConversationSummary),
  /** The cursor of the next page; null: none. */
  next: z.string().nullable(),
});
export type ConversationPage = z.infer<typeof ConversationPage>;

export const ConversationCounts = z.object({
  /** Open and assigned to the caller. */
  mine: z.number().int(),
  /** Open and waiting for a person, nobody has it yet. */
  waiting: z.number().int(),
  /** Open, of those the caller may see. */
  all: z.number().int(),
});
export type ConversationCounts = z.infer<typeof ConversationCounts>;
/** When the agent asking last opened a conversation (PUT /api/conversations/{id}/read). */
export const ReadView = z.object({ conversationId: z.uuid(), readAt: z.iso.datetime() });

/** The names the desk shows on every page, sign-in included (HUB_NAME, COUNCIL_NAME). */
export const SiteView = z.object({ name: z.string(), council: z.string().nullable() });
export type SiteView = z.infer<typeof SiteView>;
/** The public facts the desk shows before sign-in: the names, and each channel's name and icon (its module's). */
export const SitePublicView = SiteView.extend({
  channels: z.array(z.object({ kind: ChannelKind, label: z.string(), icon: z.string().nullable() })),
});
export type SitePublicView = z.infer<typeof SitePublicView>;

/** A conversation offered to an agent: theirs if they accept before it expires (the socket's `offer` too). */
export const OfferView = z.object({
  id: z.uuid(),
  expiresAt: z.iso.datetime(),
  conversation: ConversationSummary,
});
export type OfferView = z.infer<typeof OfferView>;

/** GET /api/agents/me/routing: my routing settings, the offers pending for me, and whether calls are put through to me. */
export const MyRoutingView = z.object({
  agent: AgentRoutingView,
  offers: z.array(OfferView),
  /** A channel that speaks is on and my capacity for it is above 0. */
  takesCalls: z.boolean(),
});
export type MyRoutingView = z.infer<typeof MyRoutingView>;

/** A phone call waiting for a person, in progress or ended, with what the caller has said (GET /api/calls). */
export const CallView = z.object({
  id: z.uuid(),
  conversationId: z.uuid(),
  customer: z.object({ id: z.uuid(), displayName: z.string().nullable() }),
  fromAddress: z.string(),
  state: z.enum(['queued', 'connecting', 'connected', 'ended']),
  agent: z.object({ id: z.uuid(), displayName: z.string() }).nullable(),
  queuedAt: z.iso.datetime(),
  endedAt: z.iso.datetime().nullable(),
  /** What the caller said or keyed on this call, oldest first. */
  said: z.array(z.string()),
  events: z.array(
    z.object({
      leg: z.enum(['caller', 'agent']),
      kind: z.enum(['queued', 'taken', 'ringing', 'answered', 'completed', 'busy', 'no_answer', 'failed', 'canceled', 'returned_to_queue']),
      agent: z.string().nullable(),
      at: z.iso.datetime(),
    }),
  ),
});
export type CallView = z.infer<typeof CallView>;

/** Something the customer (or an agent for them) will do themself, on their own plan. */
export const PlanActionView = z.object({
  id: z.uuid(),
  text: z.string(),
  addedBy: z.enum(['customer', 'agent']),
  doneAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
});
export const PlanLinksView = z.object({
  /** Links that open the plan now. */
  working: z.number().int(),
  /** When the last of them stops working; null when none works. */
  worksUntil: z.iso.datetime().nullable(),
  /** When the customer last opened one (any, working or not). */
  lastOpenedAt: z.iso.datetime().nullable(),
});
/** How things are now, compared with when they first got in touch: 1 much worse … 5 much better. */
export const Wellbeing = z.number().int().min(1).max(5);
/** The quality-of-life follow-up the customer was asked about this plan, and what they answered. */
export const FollowUpView = z.object({
  id: z.uuid(),
  /** Asked because the plan's last hand-off closed, or at the interval of a long plan. */
  reason: z.enum(['plan_closed', 'interval']),
  /** The question waiting for an answer (wellbeing, services, comment), done, set aside, or not sent (nothing reached them). */
  step: z.enum(['wellbeing', 'services', 'comment', 'done', 'set_aside', 'not_sent']),
  channel: ChannelKind.nullable(),
  askedAt: z.iso.datetime(),
  answeredAt: z.iso.datetime().nullable(),
  wellbeing: Wellbeing.nullable(),
  /** Their own words; only the lead agent's desk shows them, never a service or the evidence view. */
  comment: z.string().nullable(),
  /** Whether each service helped (null: not answered). */
  services: z.array(z.object({ service: z.string(), reference: z.string(), needs: z.array(z.string()), helped: z.boolean().nullable() })),
});
export type FollowUpView = z.infer<typeof FollowUpView>;
export const CustomerPlanDeskView = z.object({ id: z.uuid(), actions: z.array(PlanActionView), links: PlanLinksView, followUps: z.array(FollowUpView) });
export type CustomerPlanDeskView = z.infer<typeof CustomerPlanDeskView>;

/** One table of the evidence view: counts and averages only; a null cell was held back (fewer than five). */
export const EvidenceTableView = z.object({
  name: z.string(),
  title: z.string(),
  about: z.string(),
  columns: z.array(z.object({ key: z.string(), label: z.string(), kind: z.enum(['text', 'count', 'number', 'percent']) })),
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number(), z.null()]))),
  /** Rows left out because their count was below five. */
  suppressedRows: z.number().int(),
  /** The range and area it covers: from (inclusive) and to (inclusive), as dates; district null for every area. */
  filter: z.object({ from: z.iso.date(), to: z.iso.date(), district: z.string().nullable() }),
});
export type EvidenceTableView = z.infer<typeof EvidenceTableView>;
export const EvidenceIndexView = z.object({
  tables: z.array(z.object({ name: z.string(), title: z.string() })),
  /** Postcode districts with enough needs to be shown on their own. */
  districts: z.array(z.string()),
  /** The default range: the last twelve months to today. */
  range: z.object({ from: z.iso.date(), to: z.iso.date() }),
  smallestShown: z.number().int(),
});
export type EvidenceIndexView = z.infer<typeof EvidenceIndexView>;

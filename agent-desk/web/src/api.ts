// The desk's HTTP client and the shapes it reads from the hub's API (GET /api/openapi.json describes them).
import type { MessageSender, SupervisorOverview } from '../../server/views.ts';
import type { ChannelCapabilities, ChannelKind } from '../../../channels/contract.ts';

export type Channel = ChannelKind;

export interface ContactPoint {
  kind: string;
  address: string;
}
export interface Customer {
  id: string;
  displayName: string | null;
  postcode?: string | null;
  contactPoints: ContactPoint[];
}
export interface AgentRef {
  id: string;
  displayName: string;
}
export interface TeamRef {
  id: string;
  name: string;
}

export interface Attachment {
  id?: string;
  filename: string | null;
  size: number;
  url: string;
  contentType?: string;
}
export interface Message {
  id: string;
  conversationId: string;
  direction: 'inbound' | 'outbound';
  status: string;
  channel: string;
  body: string;
  fromBot?: boolean;
  /** Who wrote it (the hub's own type: views.ts). */
  sender?: MessageSender;
  createdAt: string;
  errorCode?: string | null;
  errorMessage?: string | null;
  notices?: string[];
  attachments?: Attachment[];
  htmlUrl?: string | null;
  fromAddress?: string;
  /** Email: whether the sender was shown to own the From address ('pass'); anything else gets a warning. */
  senderAuth?: { verdict: 'pass' | 'fail' | 'none' | 'temperror'; domain: string } | null;
}

export interface ConversationSummary {
  id: string;
  status: string;
  channel: string;
  /** What its channel can do: ask this (`speaks`: a call), never which channel it is. */
  channelCapabilities: ChannelCapabilities;
  lastMessageAt: string;
  customer: Customer;
  lastMessage: Message | null;
  /** The customer's own last message (lastMessage may be the bot's answer to it). */
  lastInbound: Message | null;
  /** When I last opened it; null: never. */
  readAt: string | null;
  handler: string;
  urgent: boolean;
  assignedAgent: AgentRef | null;
  waitingSince: string | null;
  team: TeamRef | null;
  /** When it was closed (null while open). */
  closedAt?: string | null;
}

export interface Need {
  code: string;
  label: string;
  source: 'bot' | 'agent' | 'service';
  urgent: boolean;
  consentToShare: boolean | null;
}
export interface Note {
  id: string;
  conversationId: string;
  body: string;
  createdAt: string;
  agent: AgentRef | null;
}

export interface ConversationDetail extends Omit<ConversationSummary, 'lastMessage' | 'lastInbound' | 'readAt'> {
  messages: Message[];
  needs: Need[];
  facts: Record<string, string>;
  notes?: Note[];
  /** What came of it, said by the agent who closed it (null while open; absent on older hubs). */
  outcome?: 'resolved' | 'handed_off' | 'signposted' | 'no_reply' | 'other' | null;
  /** Channels the customer can be answered on, the conversation's own first (absent on older hubs). */
  replyChannels?: Channel[];
}

export interface CallEvent {
  kind: string;
  agent?: string | null;
  at: string;
}
export interface Call {
  id: string;
  conversationId: string;
  state: 'queued' | 'connecting' | 'connected' | 'ended';
  queuedAt: string;
  fromAddress: string;
  customer: { displayName: string | null };
  agent: AgentRef | null;
  said: string[];
  events: CallEvent[];
}

export type Presence = 'available' | 'busy' | 'away' | 'offline';
export interface Agent {
  id: string;
  displayName: string;
  role: 'agent' | 'supervisor' | 'admin' | 'service';
}
export interface RoutingMe {
  id: string;
  displayName: string;
  presence: Presence;
}
export interface DirectoryAgent {
  id: string;
  displayName: string;
  presence: string;
}
export interface Offer {
  id: string;
  expiresAt: string;
  conversation: ConversationSummary;
}
/** The supervisor's overview (the hub's own type: views.ts). */
export type Overview = SupervisorOverview;
/** How many open conversations each tab of the list holds (GET /api/conversations/counts). */
export interface ConversationCounts {
  mine: number;
  waiting: number;
  all: number;
}
export interface CannedResponse {
  id: string;
  title: string;
  body: string;
  team: TeamRef | null;
}
export interface TaxonomyNeed {
  code: string;
  label: string;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export async function api<T>(path: string, options: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(path, {
    method: options.method ?? 'GET',
    headers: { 'content-type': 'application/json' },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const body = res.status === 204 ? null : await res.json().catch(() => null);
  // A request that failed validation: each problem in its own words, not just "invalid request".
  const issues =
    body && Array.isArray(body.issues) ? (body.issues as { message?: unknown }[]).map((i) => i.message).filter((m): m is string => typeof m === 'string') : [];
  if (!res.ok) throw new ApiError(issues.length ? issues.join('; ') : (body && typeof body.error === 'string' && body.error) || res.statusText, res.status);
  return body as T;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

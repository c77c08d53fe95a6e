// The desk's HTTP client and the shapes it reads from the hub's API (GET /api/openapi.json describes them). The
// shapes are the hub's own zod views (agent-desk/shared/views.ts), never copies: a change to what the hub sends is
// a type error here, and the main answers are checked against them as they arrive (readView).
// A namespace import, so the bundle holds only the parts of zod the desk uses (channels/contract.ts says why).
import * as z from 'zod';
import {
  type AgentRoutingView,
  CallView,
  ConversationCounts as CountsView,
  ConversationDetail as DetailView,
  ConversationPage,
  type ConversationSummary as SummaryView,
  type MessageView,
  MyRoutingView,
  type NeedView,
  type NoteView,
  type OfferView,
  ReadView,
  SitePublicView,
  SupervisorOverview,
} from '../../shared/views.ts';
import type { ChannelKind } from '../../../channels/contract.ts';

export type Channel = ChannelKind;

export type Customer = SummaryView['customer'];
export type ContactPoint = Customer['contactPoints'][number];
export type AgentRef = NonNullable<SummaryView['assignedAgent']>;
export type TeamRef = NonNullable<SummaryView['team']>;

export type Message = MessageView;
export type Attachment = Message['attachments'][number];
export type ConversationSummary = SummaryView;
export type Need = NeedView;
export type Note = NoteView;
export type ConversationDetail = DetailView;

export type Call = CallView;
export type CallEvent = Call['events'][number];

/** The signed-in agent (GET /api/auth/me). */
export interface Agent {
  id: string;
  displayName: string;
  role: 'agent' | 'supervisor' | 'admin' | 'service' | 'strategy';
}
/** My routing settings: presence, skills, capacity, load, teams (GET /api/agents/me/routing, the socket's me.updated). */
export type RoutingMe = AgentRoutingView;
export type Presence = RoutingMe['presence'];
export interface DirectoryAgent {
  id: string;
  displayName: string;
  presence: string;
}
export type Offer = OfferView;
/** The supervisor's overview. */
export type Overview = SupervisorOverview;
/** How many open conversations each tab of the list holds (GET /api/conversations/counts). */
export type ConversationCounts = CountsView;
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

/** The answers the desk checks as they arrive (readView), by what they hold. */
export const Answers = {
  page: ConversationPage,
  detail: z.object({ conversation: DetailView }),
  counts: z.object({ counts: CountsView }),
  read: z.object({ read: ReadView }),
  calls: z.object({ calls: z.array(CallView) }),
  routing: MyRoutingView,
  overview: SupervisorOverview,
  site: SitePublicView,
};

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

/** Told when an answer was not in the shape the desk expects (readView): the desk shows it, whatever view is open. */
const shapeListeners = new Set<(message: string) => void>();
export function onShapeError(listener: (message: string) => void): () => void {
  shapeListeners.add(listener);
  return () => void shapeListeners.delete(listener);
}

/**
 * GET an answer and check it against the hub's view of it: a hub that changed what it sends shows as an error
 * that names the route and the field, not as a blank page or a wrong one. What comes back is the checked copy.
 */
export async function readView<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
  const body = await api<unknown>(path);
  const checked = schema.safeParse(body);
  if (checked.success) return checked.data;
  const where = path.split('?')[0];
  const problems = checked.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || 'the answer'}: ${issue.message}`)
    .join('; ');
  console.error(`GET ${where}: the answer is not in the expected shape`, checked.error.issues, body);
  const message = `The hub's answer to ${where} was not what this desk expects (${problems}). Reload the page; if it goes on, tell your administrator.`;
  for (const listener of shapeListeners) listener(message);
  throw new ApiError(message, 0);
}

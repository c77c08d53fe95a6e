// The access matrix: who may call which route of the desk API, and on which records. It is the one place
// these decisions are made. Every /api request passes `authorise` before any route sees it: a route with no
// rule here is answered 404 for everyone, so a new route cannot be open by mistake. The README's access
// matrix says the same in words, and tests/integration/access-matrix.test.ts walks every route of the
// OpenAPI document for every role against its own copy of the table.
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import type { Db } from '../../hub/db/client.ts';
import type { AgentRole, Prisma } from '../../hub/generated/prisma/client.ts';
import { sessionForToken, SESSION_COOKIE, type SessionPolicy } from './auth.ts';
import { maySee, seesAll, type Viewer } from './access.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** Who is asking, with their teams and service: set by `authorise` on every signed-in request. */
    viewer?: Viewer;
  }
}

const DESK = ['agent', 'supervisor', 'admin'] as const satisfies readonly AgentRole[];
const MANAGERS = ['supervisor', 'admin'] as const satisfies readonly AgentRole[];
const ADMIN = ['admin'] as const satisfies readonly AgentRole[];
const EVERYONE = [...DESK, 'service'] as const satisfies readonly AgentRole[];
/** Every account, the strategy role too: signing in and out, and one's own password. */
const ANY_ACCOUNT = [...EVERYONE, 'strategy'] as const satisfies readonly AgentRole[];
/** The evidence view: counts across many cases, for managers and strategy; nothing about any one person. */
const EVIDENCE = ['strategy', ...MANAGERS] as const satisfies readonly AgentRole[];
/** A hand-off's service answers it; supervisors and admins may act for a service (e.g. one that phoned). */
const SERVICE_OR_MANAGERS = ['service', ...MANAGERS] as const satisfies readonly AgentRole[];

/**
 * The record a route acts on, named by its `{id}` (or the body), and what the caller must be to it:
 * - conversation: one they may see (their teams', the general queue's, their own; all for supervisors and
 *   admins and for agents in no team);
 * - handling: one they may see that is not another agent's (supervisors and admins: any);
 * - customer: any customer (identity is shared so that people are recognised), but conversations they
 *   may not see are listed without their content;
 * - customer-record: a customer they work with (one of whose conversations they may see), to change it;
 * - merge: both customers of a merge are customer-records of theirs;
 * - handoff: a service account's own service; a desk account's visible conversation;
 * - offer: an offer made to them;
 * - plan: a customer's plan, for a desk account working with that customer (as customer-record).
 */
export type Resource =
  | 'conversation'
  | 'handling'
  | 'customer'
  | 'customer-record'
  | 'merge'
  | 'suggestion'
  | 'merge-undo'
  | 'attachment'
  | 'message'
  | 'call'
  | 'offer'
  | 'handoff'
  | 'plan';

export interface Rule {
  /** Who may call it: roles, 'public' (no session: sign-in), or 'provider' (a channel's own signature, checked by its adapter). */
  who: readonly AgentRole[] | 'public' | 'provider';
  on?: Resource;
  /** Narrower roles when a query parameter asks for more (e.g. every team's canned responses). */
  narrower?: { when: (req: Request) => boolean; who: readonly AgentRole[]; what: string };
}

export const ACCESS_RULES: Readonly<Record<string, Rule>> = {
  'POST /api/auth/login': { who: 'public' },
  // The API's own description (app/compose.ts serves it before the desk API's router).
  'GET /api/openapi.json': { who: 'public' },
  // The desk's and the council's names, shown on the sign-in page too.
  'GET /api/site': { who: 'public' },
  'POST /api/auth/logout': { who: ANY_ACCOUNT },
  'GET /api/auth/me': { who: ANY_ACCOUNT },
  'POST /api/auth/password': { who: ANY_ACCOUNT },
  'POST /api/auth/sign-out-everywhere': { who: ANY_ACCOUNT },
  'GET /api/evidence': { who: EVIDENCE },
  'GET /api/evidence/{table}': { who: EVIDENCE },
  'POST /api/agents/{id}/disable': { who: ADMIN },
  'POST /api/agents/{id}/sign-out': { who: ADMIN },
  'POST /api/admin/sign-out-everyone': { who: ADMIN },
  'POST /api/agents/{id}/enable': { who: ADMIN },
  'POST /api/agents/{id}/password': { who: ADMIN },
  'GET /api/admin/audit': { who: ADMIN },
  'GET /api/admin/sign-in-locks': { who: ADMIN },
  'DELETE /api/admin/sign-in-locks/{id}': { who: ADMIN },

  'GET /api/conversations': { who: DESK },
  'GET /api/conversations/counts': { who: DESK },
  'GET /api/conversations/{id}': { who: DESK, on: 'conversation' },
  'PUT /api/conversations/{id}/read': { who: DESK, on: 'conversation' },
  'POST /api/conversations/{id}/messages': { who: DESK, on: 'conversation' },
  'GET /api/conversations/{id}/calls': { who: DESK, on: 'conversation' },
  'POST /api/conversations/{id}/needs': { who: DESK, on: 'conversation' },
  'DELETE /api/conversations/{id}/needs/{code}': { who: DESK, on: 'conversation' },
  'GET /api/conversations/{id}/needs/suggestions': { who: DESK, on: 'conversation' },
  'GET /api/conversations/{id}/notes': { who: DESK, on: 'conversation' },
  'POST /api/conversations/{id}/notes': { who: DESK, on: 'conversation' },
  'POST /api/conversations/{id}/transfer': { who: DESK, on: 'handling' },
  'POST /api/conversations/{id}/close': { who: DESK, on: 'handling' },
  // Whoever may see a closed conversation may reopen it; it becomes theirs.
  'POST /api/conversations/{id}/reopen': { who: DESK, on: 'conversation' },
  // Only one nobody has (the use case refuses another agent's, even to supervisors: that is a transfer).
  'POST /api/conversations/{id}/take': { who: DESK, on: 'handling' },
  'GET /api/conversations/{id}/handoffs': { who: DESK, on: 'conversation' },
  'GET /api/conversations/{id}/handoffs/preview': { who: DESK, on: 'conversation' },
  'POST /api/conversations/{id}/handoffs': { who: DESK, on: 'conversation' },
  'GET /api/attachments/{id}': { who: DESK, on: 'attachment' },
  'GET /api/messages/{id}/html': { who: DESK, on: 'message' },

  'GET /api/calls': { who: DESK },
  'POST /api/calls/{id}/take': { who: DESK, on: 'call' },
  'GET /api/agents/me/voice': { who: DESK },
  'PUT /api/agents/me/voice': { who: DESK },
  'GET /api/agents/me/routing': { who: DESK },
  'PUT /api/agents/me/presence': { who: DESK },
  'GET /api/agents/directory': { who: DESK },
  'POST /api/offers/{id}/accept': { who: DESK, on: 'offer' },
  'POST /api/offers/{id}/decline': { who: DESK, on: 'offer' },

  'POST /api/needs/detect': { who: DESK },
  // Contact that does not start on a channel: a walk-in written down, a first message to someone on record.
  'GET /api/contacts/options': { who: DESK },
  'POST /api/contacts/in-person': { who: DESK },
  'POST /api/contacts/outbound': { who: DESK },
  'GET /api/needs/taxonomy': { who: DESK },
  'GET /api/canned-responses': {
    who: DESK,
    narrower: { when: (req) => req.query.scope === 'all', who: MANAGERS, what: 'list every team’s canned responses' },
  },
  'POST /api/canned-responses': { who: MANAGERS },
  'PUT /api/canned-responses/{id}': { who: MANAGERS },
  'DELETE /api/canned-responses/{id}': { who: MANAGERS },

  'GET /api/agents': { who: MANAGERS },
  'POST /api/agents': { who: ADMIN },
  'PUT /api/agents/{id}/routing': { who: MANAGERS },
  'GET /api/teams': { who: DESK },
  'POST /api/teams': { who: MANAGERS },
  'PUT /api/teams/{id}': { who: MANAGERS },
  'GET /api/supervisor/overview': { who: MANAGERS },

  'GET /api/customers': { who: DESK },
  'GET /api/customers/{id}': { who: DESK, on: 'customer' },
  'PATCH /api/customers/{id}': { who: DESK, on: 'customer-record' },
  'POST /api/customers/{id}/contact-points': { who: DESK, on: 'customer-record' },
  'POST /api/customers/{id}/merge': { who: DESK, on: 'merge' },
  'GET /api/customers/{id}/match-suggestions': { who: DESK, on: 'customer-record' },
  'POST /api/match-suggestions/{id}/dismiss': { who: DESK, on: 'suggestion' },
  'POST /api/merges/{id}/undo': { who: DESK, on: 'merge-undo' },
  'GET /api/customers/{id}/export': { who: MANAGERS, on: 'customer' },
  'POST /api/customers/{id}/erase': { who: MANAGERS, on: 'customer' },

  'GET /api/services': { who: EVERYONE },
  'GET /api/directory': { who: DESK },
  'PUT /api/directory': { who: ADMIN },
  'GET /api/handoffs': { who: EVERYONE },
  'GET /api/handoffs/{id}': { who: EVERYONE, on: 'handoff' },
  'POST /api/handoffs/{id}/accept': { who: SERVICE_OR_MANAGERS, on: 'handoff' },
  'POST /api/handoffs/{id}/reply': { who: SERVICE_OR_MANAGERS, on: 'handoff' },
  'POST /api/handoffs/{id}/redirect': { who: SERVICE_OR_MANAGERS, on: 'handoff' },
  'POST /api/handoffs/{id}/close': { who: SERVICE_OR_MANAGERS, on: 'handoff' },
  'POST /api/handoffs/{id}/resend': { who: MANAGERS, on: 'handoff' },
  // The customer's own plan: what they added, and the links that open it (sent on their channel, or all stopped).
  'GET /api/plans/{id}': { who: DESK, on: 'plan' },
  'POST /api/plans/{id}/links': { who: DESK, on: 'plan' },
  'DELETE /api/plans/{id}/links': { who: DESK, on: 'plan' },

  // The Bot Framework's endpoint: its adapter checks the bearer token and answers first; reaching here means
  // the channel is off.
  'POST /api/messages': { who: 'provider' },
};

interface Compiled {
  method: string;
  pattern: RegExp;
  params: string[];
  rule: Rule;
  key: string;
}

function compile(rules: Readonly<Record<string, Rule>>): Compiled[] {
  return (
    Object.entries(rules)
      .map(([key, rule]) => {
        const [method, path] = key.split(' ') as [string, string];
        const params: string[] = [];
        const source = path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, name: string) => {
          params.push(name);
          return '([^/]+)';
        });
        return { method, pattern: new RegExp(`^${source}/?$`), params, rule, key };
      })
      // A literal segment wins over a parameter: /api/agents/me/voice is not /api/agents/{id}/….
      .sort((a, b) => a.params.length - b.params.length)
  );
}

const COMPILED = compile(ACCESS_RULES);

export function ruleFor(method: string, path: string): { rule: Rule; params: Record<string, string>; key: string } | null {
  const asked = method === 'HEAD' ? 'GET' : method;
  for (const c of COMPILED) {
    if (c.method !== asked) continue;
    const m = c.pattern.exec(path);
    if (!m) continue;
    const params = Object.fromEntries(c.params.map((name, i) => [name, decodeURIComponent(m[i + 1]!)]));
    return { rule: c.rule, params, key: c.key };
  }
  return null;
}

const Uuid = z.uuid();
const NOT_YOUR_TEAM = 'this conversation belongs to a team you are not in';

type Decision = { ok: true } | { ok: false; status: 403 | 404; error: string };
const allow: Decision = { ok: true };
const deny = (error: string): Decision => ({ ok: false, status: 403, error });
const missing = (what: string): Decision => ({ ok: false, status: 404, error: `${what} not found` });

/** Whether the viewer works with this customer: sees one of their conversations (or sees all). */
async function worksWith(db: Db, viewer: Viewer, customerId: string): Promise<boolean> {
  if (seesAll(viewer)) return true;
  const scope = conversationScope(viewer);
  return (await db.conversation.count({ where: { customerId, ...(scope ? { AND: [scope] } : {}) } })) > 0;
}

const NOT_WORKING_WITH = 'you are not working with this customer: none of their conversations is in your teams';

async function customerRecord(db: Db, viewer: Viewer, id: string): Promise<Decision> {
  if (!(await db.customer.findUnique({ where: { id }, select: { id: true } }))) return missing('customer');
  return (await worksWith(db, viewer, id)) ? allow : deny(NOT_WORKING_WITH);
}

async function conversationDecision(
  viewer: Viewer,
  conversation: { teamId: string | null; assignedAgentId: string | null } | null,
  what = 'conversation',
): Promise<Decision> {
  if (!conversation) return missing(what);
  return maySee(viewer, conversation) ? allow : deny(NOT_YOUR_TEAM);
}

const seeIt = { select: { teamId: true, assignedAgentId: true } } as const;

/**
 * Whether the viewer may act on the record this route names. Ids that are not UUIDs go on to the route,
 * which says what is wrong with them (nothing can be found by them).
 */
async function decide(db: Db, viewer: Viewer, on: Resource, params: Record<string, string>, body: unknown): Promise<Decision> {
  const id = params.id!;
  if (!Uuid.safeParse(id).success) return allow;
  switch (on) {
    case 'conversation':
      return conversationDecision(viewer, await db.conversation.findUnique({ where: { id }, ...seeIt }));
    case 'handling': {
      const conversation = await db.conversation.findUnique({
        where: { id },
        select: { teamId: true, assignedAgentId: true, assignedAgent: { select: { displayName: true } } },
      });
      const seen = await conversationDecision(viewer, conversation);
      if (!seen.ok) return seen;
      // An agent hands on or closes what is theirs, or what nobody has; supervisors and admins anything.
      if (viewer.role === 'agent' && conversation!.assignedAgentId && conversation!.assignedAgentId !== viewer.id) {
        return deny(`${conversation!.assignedAgent?.displayName ?? 'another agent'} has this conversation; ask them or a supervisor`);
      }
      return allow;
    }
    case 'customer':
      return (await db.customer.findUnique({ where: { id }, select: { id: true } })) ? allow : missing('customer');
    case 'customer-record':
      return customerRecord(db, viewer, id);
    case 'merge': {
      const first = await customerRecord(db, viewer, id);
      const other = (body as { absorbId?: unknown } | undefined)?.absorbId;
      if (!first.ok || typeof other !== 'string' || !Uuid.safeParse(other).success) return first;
      return customerRecord(db, viewer, other);
    }
    case 'suggestion': {
      const suggestion = await db.matchSuggestion.findUnique({ where: { id }, select: { customerId: true } });
      return suggestion ? customerRecord(db, viewer, suggestion.customerId) : missing('suggestion');
    }
    case 'merge-undo': {
      const merge = await db.customerMerge.findUnique({ where: { id }, select: { survivorId: true } });
      return merge ? customerRecord(db, viewer, merge.survivorId) : missing('merge');
    }
    case 'attachment': {
      const file = await db.attachment.findUnique({ where: { id }, select: { message: { select: { conversation: seeIt } } } });
      // Not linked to a message yet (the worker has not built it) is the same as not there, for the desk.
      return conversationDecision(viewer, file?.message?.conversation ?? null, 'attachment');
    }
    case 'message': {
      const message = await db.message.findUnique({ where: { id }, select: { conversation: seeIt } });
      return conversationDecision(viewer, message?.conversation ?? null, 'message');
    }
    case 'call': {
      const call = await db.call.findUnique({ where: { id }, select: { conversation: seeIt } });
      return conversationDecision(viewer, call?.conversation ?? null, 'call');
    }
    case 'offer': {
      const offer = await db.offer.findUnique({ where: { id }, select: { agentId: true } });
      if (!offer) return missing('offer');
      return offer.agentId === viewer.id ? allow : deny('this offer was made to someone else');
    }
    case 'plan': {
      const plan = await db.actionPlan.findUnique({ where: { id }, select: { customerId: true } });
      return plan ? customerRecord(db, viewer, plan.customerId) : missing('plan');
    }
    case 'handoff': {
      const handoff = await db.handoff.findUnique({ where: { id }, select: { serviceId: true, conversation: seeIt } });
      if (!handoff) return missing('hand-off');
      if (viewer.role === 'service') return viewer.serviceId && viewer.serviceId === handoff.serviceId ? allow : deny('this hand-off is for another service');
      return maySee(viewer, handoff.conversation) ? allow : deny(NOT_YOUR_TEAM);
    }
  }
}

const rolesInWords = (roles: readonly string[]) => roles.join(' or ');

/**
 * Every /api request: the rule for its route, then the session, the role, and the record. Mounted after the
 * origin check and the body parsers (a merge names its second customer in the body).
 */
export function authorise(db: Db, sessions: SessionPolicy) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const path = `${req.baseUrl}${req.path}`;
    if (!path.startsWith('/api/')) return next();
    const found = ruleFor(req.method, path);
    if (!found) return void res.status(404).json({ error: 'not found' });
    const { rule, params } = found;
    if (rule.who === 'public' || rule.who === 'provider') return next();
    const session = await sessionForToken(db, req.cookies?.[SESSION_COOKIE], sessions, true);
    if (!session) return void res.status(401).json({ error: 'sign in required' });
    const { agent } = session;
    req.agent = agent;
    req.sessionId = session.id;
    if (!rule.who.includes(agent.role)) return void res.status(403).json({ error: `only ${rolesInWords(rule.who)} accounts may do this` });
    if (rule.narrower?.when(req) && !rule.narrower.who.includes(agent.role)) {
      return void res.status(403).json({ error: `only ${rolesInWords(rule.narrower.who)} accounts may ${rule.narrower.what}` });
    }
    const { viewer } = session;
    req.viewer = viewer;
    if (rule.on) {
      const decision = await decide(db, viewer, rule.on, params, req.body);
      if (!decision.ok) return void res.status(decision.status).json({ error: decision.error });
    }
    next();
  };
}

/** The conversations this viewer may see, as a filter for lists; undefined: all of them. */
export function conversationScope(viewer: Viewer): Prisma.ConversationWhereInput | undefined {
  if (seesAll(viewer)) return undefined;
  if (viewer.role !== 'agent') return { id: { in: [] } };
  return { OR: [{ assignedAgentId: viewer.id }, { teamId: null }, { teamId: { in: viewer.teamIds } }] };
}

/** The hand-offs this viewer may list: a service's own; a desk account's visible conversations'. */
export function handoffScope(viewer: Viewer): Prisma.HandoffWhereInput | undefined {
  if (viewer.role === 'service') return { serviceId: viewer.serviceId ?? { in: [] } };
  const scope = conversationScope(viewer);
  return scope ? { conversation: scope } : undefined;
}

/** The signed-in viewer `authorise` found; routes behind it can rely on it. */
export const viewerIn = (req: Request): Viewer => req.viewer!;

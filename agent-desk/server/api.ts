// The desk's REST API. Who may call each route, on which records, is decided in policy.ts before it runs.
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { fromTheDesk } from './origin.ts';
import { SitePublicView, type SiteView } from '../shared/views.ts';
import type { ChannelKind } from '../../channels/contract.ts';
import { channelDirectory, kindsThat, namesOf, RegisteredChannel } from '../../channels/registry.ts';
import type { Db } from '../../hub/db/client.ts';
import type { EventBus } from '../../hub/events.ts';
import type { Queues } from '../../hub/queues.ts';
import type { Logger } from '../../hub/logger.ts';
import { replyChannels, ReplyError } from '../../hub/outbound/compose.ts';
import { SESSION_COOKIE, checkPassword, endSession, startSession, type SessionPolicy } from './auth.ts';
import { authorise, conversationScope, viewerIn } from './policy.ts';
import { lockedMessage, type Lock, type LoginLockout } from './lockout.ts';
import { conversationDetail, countConversations, decodeCursor, messageView, pageConversations } from './views.ts';
import { customerRouter } from './customers.ts';
import { invalid } from './http.ts';
import { attachmentRouter } from './attachments.ts';
import { callRouter } from './calls.ts';
import { needsRouter } from './needs.ts';
import { conversationNeedsRouter, needLabeller, type TaxonomyEntry } from './conversation-needs.ts';
import { notesRouter } from './notes.ts';
import { PLACEHOLDERS, cannedRouter } from './canned.ts';
import type { NeedsDetector } from '../../hub/needs/detector.ts';
import type { Adapters } from '../../hub/outbound/process.ts';
import type { CountryCode } from 'libphonenumber-js';
import { contactsRouter } from './contacts.ts';
import type { Router } from '../../hub/routing/engine.ts';
import { routingRouter } from './routing.ts';
import { replyToCustomer } from '../../hub/usecases/reply.ts';
import type { EffectsRunner } from '../../hub/effects.ts';
import { agentsRouter } from './agents.ts';
import { deskHandoffRouter, serviceHandoffRouter } from './handoffs.ts';
import { accountRouter } from './account.ts';
import { signInLocksRouter } from './sign-in-locks.ts';
import { auditLogRouter } from './audit-log.ts';
import { sessionRoom, type DeskSockets } from './realtime.ts';
import type { HandoffWording } from '../../hub/handoff/create.ts';
import type { HandoffWords } from '../../hub/handoff/view.ts';
import type { PlanLinkSettings } from '../../hub/usecases/plan.ts';
import { planRouter } from './plans.ts';
import { evidenceRouter } from './evidence.ts';

export const LoginBody = z.object({ email: z.email().max(320), password: z.string().min(1).max(1024) });
/** The first canned-response placeholder (canned.ts) left in a text, as written, e.g. "{first_name}". */
const unfilledPlaceholder = (text: string) =>
  Object.keys(PLACEHOLDERS)
    .map((name) => `{${name}}`)
    .find((p) => text.includes(p));

export const ReplyBody = z.object({
  text: z
    .string()
    .trim()
    .min(1, 'text is empty')
    .max(1600, 'text is longer than 1600 characters')
    // A canned response's placeholder the desk could not fill ({first_name} for a customer with no name) must
    // never reach the customer as it is.
    .refine((text) => !unfilledPlaceholder(text), {
      error: (issue) => `replace ${unfilledPlaceholder(String(issue.input))} with what it stands for before sending`,
    }),
  /** Reply on another of the customer's channels than the conversation's own (one of the conversation's replyChannels). */
  channel: RegisteredChannel.optional(),
});
export const ListQuery = z.object({
  status: z.enum(['open', 'closed']).default('open'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  assigned: z.literal('me').optional().describe('Only the caller’s own'),
  waiting: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('Only those waiting for a person'),
  /** All open ones, not only the newest. */
  q: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .optional()
    .describe(
      'Only those whose customer’s name, an address or postcode contains each word (a phone number may be typed with spaces or a leading 0; a whole UK postcode however spaced)',
    ),
  urgent: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional()
    .describe('Only those with signs of immediate danger (the desk loads these first, as they lead its list)'),
  cursor: z
    .string()
    .max(200)
    .transform((text, ctx) => {
      const cursor = decodeCursor(text);
      if (!cursor) ctx.addIssue({ code: 'custom', message: 'cursor must be the next of a page this list gave' });
      return cursor ?? z.NEVER;
    })
    .optional()
    .describe('Where the page begins: the `next` of the page before (open ones come by last message, closed ones by when they closed, newest first)'),
  /** A desk refreshing the conversations it was told changed. */
  ids: z
    .string()
    .transform((v) => v.split(','))
    .pipe(z.array(z.uuid('ids must be conversation ids separated by commas')).max(100))
    .optional()
    .describe('Only these conversation ids, comma-separated (up to 100)'),
});
export const IdParam = z.object({ id: z.uuid('conversation id must be a UUID') });
export { ConversationCounts, ReadView, SitePublicView, SiteView } from '../shared/views.ts';

export interface ApiDeps {
  db: Db;
  site: z.infer<typeof SiteView>;
  /** The hub's public origin: the desk's own pages are the only ones that may change anything. */
  publicBaseUrl: string;
  queues: Queues;
  bus: EventBus;
  logger: Logger;
  enabledChannels: readonly ChannelKind[];
  adapters: Adapters;
  defaultCountry: CountryCode;
  /** How long sessions last: from sign-in, and from the last request. */
  sessions: SessionPolicy;
  cookieSecure: boolean;
  /** Closes desks' sockets when their sessions end. */
  desk: DeskSockets;
  /** Sign-in lock-out after repeated failures (built once at start on the hub's Redis). */
  loginLockout: LoginLockout;
  /** Needs detection, built once at start. */
  needs: NeedsDetector;
  /** The needs taxonomy: what agents can record. */
  taxonomy: readonly TaxonomyEntry[];
  /** Offers waiting conversations to agents. */
  router: Router;
  /** Applies what the hub's use cases return (hub/effects.ts). */
  effects: EffectsRunner;
  /** What an agent takes at once per channel unless their own settings say otherwise. */
  defaultCapacity: Readonly<Partial<Record<ChannelKind, number>>>;
  /** How the customer is told where their needs went. */
  handoffWording: HandoffWording;
  /** How services read needs and facts. */
  handoffWords: HandoffWords;
  /** Links to the customer's own plan: where they point, how long they work, the council's name. */
  planLinks: PlanLinkSettings;
}

export function apiRouter(deps: ApiDeps) {
  const router = express.Router();
  // Anything that changes something must come from the desk's own pages (origin.ts): not another site, and
  // not another page of the same site, which the session cookie would otherwise let act as the agent.
  router.use('/api', (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS' || fromTheDesk(req.headers, deps.publicBaseUrl)) return next();
    res.status(403).json({ error: 'this request did not come from the desk' });
  });
  // Small bodies everywhere, but a council's whole service directory is one upload.
  const small = express.json({ limit: '32kb' });
  const directory = express.json({ limit: '5mb' });
  router.use((req, res, next) => (req.method === 'PUT' && req.path === '/api/directory' ? directory : small)(req, res, next));
  const needLabel = needLabeller(deps.taxonomy);
  // Who may call what, on which records: every /api request, before any route (policy.ts).
  router.use(authorise(deps.db, deps.sessions));
  // Strict: the cookie never rides on a link or form from another site (the origin check covers the same site).
  const cookieOptions = { httpOnly: true, sameSite: 'strict' as const, secure: deps.cookieSecure, path: '/' };

  router.post('/api/auth/login', async (req: Request, res: Response) => {
    const body = LoginBody.safeParse(req.body);
    if (!body.success) return invalid(res, body.error);
    // Locked: refused before the password is checked, the same whether or not the account exists.
    const locked = (lock: Lock) =>
      void res
        .status(429)
        .set('Retry-After', String(lock.retryAfterSeconds))
        .json({ error: lockedMessage(lock) });
    const gate = await deps.loginLockout.begin(body.data.email, req.ip);
    if (gate.locked) return locked(gate.locked);
    const found = await checkPassword(deps.db, body.data.email, body.data.password);
    if (!found) {
      const lock = await gate.attempt.failed();
      if (lock) return locked(lock);
      return void res.status(401).json({ error: 'email or password is not right' });
    }
    await gate.attempt.succeeded();
    // Said only to someone who knows the password: it tells a guesser nothing.
    if (found.disabled) return void res.status(403).json({ error: 'this account is disabled; ask an admin to enable it' });
    const { disabled: _, ...agent } = found;
    // A session this browser already had ends here: a shared computer's next user never inherits it, and a
    // token planted before sign-in is worth nothing after it.
    const previous = req.cookies?.[SESSION_COOKIE];
    if (typeof previous === 'string' && previous) await endSession(deps.db, previous);
    const session = await startSession(deps.db, agent.id, deps.sessions.ttlMs);
    res.cookie(SESSION_COOKIE, session.token, { ...cookieOptions, expires: session.expiresAt });
    res.json({ agent });
  });

  router.post('/api/auth/logout', async (req, res) => {
    await endSession(deps.db, req.cookies[SESSION_COOKIE]);
    await deps.desk.disconnect([sessionRoom(req.sessionId!)]);
    res.clearCookie(SESSION_COOKIE, cookieOptions).status(204).end();
  });

  router.get('/api/auth/me', (req, res) => void res.json({ agent: req.agent }));
  router.get('/api/site', (_req, res) => void res.json(SitePublicView.parse({ ...deps.site, channels: channelDirectory() })));

  // Every account's own password and sessions; admins' accounts and sign-in locks.
  router.use(
    accountRouter({
      db: deps.db,
      site: deps.site,
      effects: deps.effects,
      defaultCapacity: deps.defaultCapacity,
      desk: deps.desk,
      loginLockout: deps.loginLockout,
      cookieOptions,
      publicBaseUrl: deps.publicBaseUrl,
    }),
  );
  router.use(signInLocksRouter({ db: deps.db, lockout: deps.loginLockout }));
  router.use(auditLogRouter({ db: deps.db }));

  const handoffDeps = {
    effects: deps.effects,
    db: deps.db,
    logger: deps.logger,
    wording: deps.handoffWording,
    words: deps.handoffWords,
    needCodes: new Set(deps.taxonomy.map((n) => n.code)),
  };
  router.use(serviceHandoffRouter(handoffDeps));
  router.use(attachmentRouter({ db: deps.db }));

  router.use(customerRouter({ db: deps.db, defaultCountry: deps.defaultCountry, queues: deps.queues, effects: deps.effects }));
  // Calls are taken through the channel that speaks (the one that puts a waiting call through), when it is on.
  const calls = kindsThat('speaks')
    .map((kind) => deps.adapters[kind])
    .find((adapter) => adapter?.connectCall);
  router.use(callRouter({ db: deps.db, effects: deps.effects, voice: calls, defaultCountry: deps.defaultCountry }));
  router.use(needsRouter({ needs: deps.needs }));
  router.use(
    contactsRouter({ db: deps.db, effects: deps.effects, needs: deps.needs, defaultCountry: deps.defaultCountry, enabledChannels: deps.enabledChannels }),
  );
  router.use(routingRouter({ db: deps.db, effects: deps.effects, enabledChannels: deps.enabledChannels, defaultCapacity: deps.defaultCapacity, voice: calls }));
  router.use(
    agentsRouter({
      db: deps.db,
      effects: deps.effects,
      taxonomy: deps.taxonomy,
      defaultCapacity: deps.defaultCapacity,
      publicBaseUrl: deps.publicBaseUrl,
      site: deps.site,
    }),
  );
  router.use(conversationNeedsRouter({ db: deps.db, effects: deps.effects, detector: deps.needs, taxonomy: deps.taxonomy }));
  router.use(notesRouter({ db: deps.db, effects: deps.effects }));
  router.use(cannedRouter({ db: deps.db }));
  router.use(deskHandoffRouter(handoffDeps));
  router.use(planRouter({ db: deps.db, effects: deps.effects, settings: deps.planLinks, needLabel: deps.handoffWords.need }));
  router.use(evidenceRouter({ db: deps.db, words: { need: deps.handoffWords.need, channel: (kind) => namesOf(kind as ChannelKind).label } }));

  router.get('/api/conversations', async (req, res) => {
    const query = ListQuery.safeParse(req.query);
    if (!query.success) return invalid(res, query.error);
    const { status, limit, assigned, waiting, urgent, cursor, ids, q } = query.data;
    const scope = conversationScope(viewerIn(req));
    res.json(
      await pageConversations(deps.db, {
        status,
        limit,
        waiting,
        urgent,
        after: cursor,
        ids,
        scope,
        search: q,
        assignedTo: assigned === 'me' ? req.agent!.id : undefined,
        readerId: req.agent!.id,
      }),
    );
  });

  // Before /:id, which would take "counts" for an id.
  router.get('/api/conversations/counts', async (req, res) => {
    const counts = await countConversations(deps.db, { scope: conversationScope(viewerIn(req)), agentId: req.agent!.id });
    res.json({ counts });
  });

  // The agent opened it: what the customer wrote until now is read, for them (the list's unread marker).
  router.put('/api/conversations/:id/read', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const key = { agentId: req.agent!.id, conversationId: params.data.id };
    const readAt = new Date();
    await deps.db.conversationRead.upsert({ where: { agentId_conversationId: key }, create: { ...key, readAt }, update: { readAt } });
    res.json({ read: { conversationId: params.data.id, readAt: readAt.toISOString() } });
  });

  router.get('/api/conversations/:id', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const conversation = await conversationDetail(deps.db, params.data.id, needLabel);
    if (!conversation) return void res.status(404).json({ error: 'conversation not found' });
    const channels = await replyChannels(deps.db, params.data.id, deps.enabledChannels);
    res.json({ conversation: { ...conversation, replyChannels: channels.map((c) => c.channel) } });
  });

  router.post('/api/conversations/:id/messages', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return invalid(res, params.error);
    const body = ReplyBody.safeParse(req.body);
    if (!body.success) return invalid(res, body.error);
    try {
      const { reply, effects } = await replyToCustomer(deps.db, {
        conversationId: params.data.id,
        agentId: req.agent!.id,
        text: body.data.text,
        enabledChannels: deps.enabledChannels,
        channel: body.data.channel,
      });
      // Not awaited, so the agent is answered at once even while Redis is down (the row is the outbox).
      void deps.effects.run(effects);
      res.status(202).json({ message: messageView({ ...reply, agent: { displayName: req.agent!.displayName }, handoff: null }) });
    } catch (error) {
      if (error instanceof ReplyError) return void res.status(error.status).json({ error: error.message });
      throw error;
    }
  });

  return router;
}

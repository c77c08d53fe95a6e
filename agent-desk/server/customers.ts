// Customer 360 and search. Every read of a customer's record, and every search, is attributable:
// an audit event names the agent (searches record how many matched, never what was typed).
import express from 'express';
import { z } from 'zod';
import type { CountryCode } from 'libphonenumber-js';
import type { Db } from '../../hub/db/client.ts';
import { enqueueFor, type Queues } from '../../hub/queues.ts';
import { recordAudit } from '../../hub/audit.ts';
import { fx, type EffectsRunner } from '../../hub/effects.ts';
import { interpretQuery, searchCustomers } from '../../hub/identity/search.ts';
import { eraseCustomer, exportCustomer } from '../../hub/identity/subject-rights.ts';
import { viewerIn } from './policy.ts';
import { maySee, type Viewer } from './access.ts';
import { invalid } from './http.ts';
import { profileView } from '../../hub/identity/profile.ts';
import { linkContactPoint, normaliseAddress } from '../../hub/identity/link.ts';
import { MergeError, mergeCustomers, unmergeCustomers } from '../../hub/identity/merge.ts';
import { decideSuggestionsBetween, openSuggestionsFor, suggestMatches } from '../../hub/identity/suggestions.ts';
import { normalisePostcode } from '../../hub/identity/search.ts';
import { MessageView, messageInclude, messageView } from './views.ts';
import { withoutBidiOverrides } from '../../channels/bidi.ts';
import { ChannelKind, ContactPointKind } from '../../channels/contract.ts';
import { RegisteredChannel } from '../../channels/registry.ts';

export const SearchQuery = z.object({
  query: z.string().trim().min(2, 'query must be at least 2 characters').max(200),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});
export const IdParam = z.object({ id: z.uuid('customer id must be a UUID') });
export const SuggestionIdParam = z.object({ id: z.uuid('suggestion id must be a UUID') });
export const MergeIdParam = z.object({ id: z.uuid('merge id must be a UUID') });
const SAY_WHY = 'say why (at least 5 characters), e.g. the request reference';
export const ErasureBody = z.object({ reason: z.string({ error: SAY_WHY }).trim().min(5, SAY_WHY).max(500) });
export const ProfilePatch = z
  .object({
    // Without direction overrides: a name must not reverse itself or the text shown after it (channels/bidi.ts).
    displayName: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .transform((v) => withoutBidiOverrides(v).trim() || null)
      .nullable(),
    postcode: z
      .string()
      .nullable()
      .transform((v, ctx) => {
        if (v === null) return null;
        const postcode = normalisePostcode(v);
        if (!postcode) ctx.addIssue({ code: 'custom', message: 'postcode is not a UK postcode' });
        return postcode ?? z.NEVER;
      }),
    language: z
      .string()
      .nullable()
      .refine((v) => v === null || isLanguageTag(v), 'language must be a language tag, e.g. en-GB, cy, pl'),
    preferredChannel: RegisteredChannel.nullable(),
    accessibilityNeeds: z.array(z.string().trim().min(1).max(100)).max(20),
  })
  .partial()
  .strict();

export const LinkBody = z.object({
  kind: z.enum(['phone', 'email']),
  address: z.string().min(3).max(320),
  reason: z.string({ error: 'say how the customer’s identity was checked' }).trim().min(5, 'say how the customer’s identity was checked').max(500),
});

const REASON = 'say why (at least 5 characters)';
const Reason = z.string({ error: REASON }).trim().min(5, REASON).max(500);
export const MergeBody = z.object({ absorbId: z.uuid('absorbId must be a customer id'), reason: Reason });
export const UndoMergeBody = z.object({ reason: Reason });

function isLanguageTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

export const TimelineQuery = z.object({ timelineLimit: z.coerce.number().int().min(1).max(1000).default(200) });

const ContactPointView = z.object({
  kind: ContactPointKind,
  address: z.string(),
  verifiedBy: z.string(),
  lastUsedAt: z.iso.datetime(),
});

export const CustomerMatchView = z.object({
  id: z.uuid(),
  displayName: z.string().nullable(),
  postcode: z.string().nullable(),
  contactPoints: z.array(z.object({ kind: ContactPointKind, address: z.string() })),
});

export const Customer360 = z.object({
  id: z.uuid(),
  displayName: z.string().nullable(),
  preferredChannel: ChannelKind.nullable(),
  language: z.string().nullable(),
  postcode: z.string().nullable(),
  accessibilityNeeds: z.array(z.string()),
  createdAt: z.iso.datetime(),
  /** Set when the customer's personal data was erased on request. */
  erasedAt: z.iso.datetime().nullable(),
  /** Set while this record is merged into another: show that one instead. */
  mergedIntoId: z.uuid().nullable(),
  contactPoints: z.array(ContactPointView),
  /**
   * Every conversation. `restricted`: it belongs to a team the agent is not in, so its messages, needs and
   * hand-offs are left out below; the agent still sees that it exists, and who to ask.
   */
  conversations: z.array(
    z.object({
      id: z.uuid(),
      status: z.enum(['open', 'closed']),
      channel: ChannelKind,
      createdAt: z.iso.datetime(),
      lastMessageAt: z.iso.datetime(),
      restricted: z.boolean(),
      team: z.string().nullable(),
    }),
  ),
  /** Every message on every channel the agent may see, oldest first (the most recent `timelineLimit`). */
  timeline: z.array(MessageView),
  needs: z.array(z.object({ code: z.string(), source: z.string(), conversationId: z.uuid().nullable(), createdAt: z.iso.datetime() })),
  /** What was passed to which service and where each stands: the customer's plan across services. */
  handoffs: z.array(
    z.object({
      id: z.uuid(),
      reference: z.string(),
      service: z.string(),
      needs: z.array(z.string()),
      status: z.enum(['sent', 'delivered', 'accepted', 'redirected', 'closed', 'failed']),
      acceptedBy: z.string().nullable(),
      outcome: z.string().nullable(),
      conversationId: z.uuid(),
      createdAt: z.iso.datetime(),
    }),
  ),
});
export type Customer360 = z.infer<typeof Customer360>;

/** The customer as this viewer may see them: the content of conversations outside their teams is left out. */
export async function customer360(db: Db, id: string, timelineLimit: number, viewer: Viewer): Promise<Customer360 | null> {
  const customer = await db.customer.findUnique({
    where: { id },
    include: {
      contactPoints: { orderBy: { createdAt: 'asc' } },
      conversations: { orderBy: { createdAt: 'desc' }, include: { team: { select: { name: true } } } },
      needs: { orderBy: { createdAt: 'asc' } },
      handoffs: { orderBy: { createdAt: 'desc' }, take: 100, include: { service: { select: { name: true } } } },
    },
  });
  if (!customer) return null;
  const shown = new Set(customer.conversations.filter((c) => maySee(viewer, c)).map((c) => c.id));
  const recent = await db.message.findMany({
    where: { conversationId: { in: [...shown] } },
    orderBy: { createdAt: 'desc' },
    take: timelineLimit,
    include: messageInclude,
  });
  return {
    ...profileView(customer),
    contactPoints: customer.contactPoints.map((p) => ({ kind: p.kind, address: p.address, verifiedBy: p.verifiedBy, lastUsedAt: p.lastUsedAt.toISOString() })),
    conversations: customer.conversations.map((c) => ({
      id: c.id,
      status: c.status,
      channel: c.channel,
      createdAt: c.createdAt.toISOString(),
      lastMessageAt: c.lastMessageAt.toISOString(),
      restricted: !shown.has(c.id),
      team: c.team?.name ?? null,
    })),
    timeline: recent.reverse().map(messageView),
    needs: customer.needs
      .filter((n) => !n.conversationId || shown.has(n.conversationId))
      .map((n) => ({ code: n.code, source: n.source, conversationId: n.conversationId, createdAt: n.createdAt.toISOString() })),
    handoffs: customer.handoffs
      .filter((h) => shown.has(h.conversationId))
      .map((h) => ({
        id: h.id,
        reference: h.reference,
        service: h.service.name,
        needs: h.needs,
        status: h.status,
        acceptedBy: h.acceptedBy,
        outcome: h.outcome,
        conversationId: h.conversationId,
        createdAt: h.createdAt.toISOString(),
      })),
  };
}

/** Behind policy.ts: every route here has been authorised. */
export function customerRouter(deps: { db: Db; defaultCountry: CountryCode; queues: Queues; effects: EffectsRunner }) {
  const router = express.Router();

  router.get('/api/customers', async (req, res) => {
    const query = SearchQuery.safeParse(req.query);
    if (!query.success) return invalid(res, query.error);
    const criteria = interpretQuery(query.data.query, deps.defaultCountry);
    const customers = await searchCustomers(deps.db, criteria, query.data.limit);
    await recordAudit(deps.db, { action: 'customer_search', agentId: req.agent!.id, detail: { matchedOn: Object.keys(criteria), results: customers.length } });
    res.json({ customers });
  });

  router.get('/api/customers/:id', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    const query = TimelineQuery.safeParse(req.query);
    if (!params.success || !query.success) return void res.status(400).json({ error: 'invalid request' });
    const customer = await customer360(deps.db, params.data.id, query.data.timelineLimit, viewerIn(req));
    if (!customer) return void res.status(404).json({ error: 'customer not found' });
    await recordAudit(deps.db, { action: 'customer_read', agentId: req.agent!.id, customerId: customer.id });
    res.json({ customer });
  });

  router.patch('/api/customers/:id', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    const body = ProfilePatch.safeParse(req.body);
    if (!params.success) return void res.status(400).json({ error: 'invalid request' });
    if (!body.success) return void res.status(400).json({ error: body.error.issues.map((i) => i.message).join('; ') });
    const customer = await deps.db.customer.findUnique({ where: { id: params.data.id }, select: { erasedAt: true } });
    if (!customer) return void res.status(404).json({ error: 'customer not found' });
    if (customer.erasedAt) return void res.status(409).json({ error: 'this customer’s data was erased' });
    await deps.db.customer.update({ where: { id: params.data.id }, data: body.data });
    await recordAudit(deps.db, { action: 'customer_update', agentId: req.agent!.id, customerId: params.data.id, detail: { fields: Object.keys(body.data) } });
    if ('displayName' in body.data || 'postcode' in body.data) await suggestMatches(deps.db, params.data.id);
    // Every desk showing one of their open conversations shows the new name (list row and heading).
    const open = await deps.db.conversation.findMany({ where: { customerId: params.data.id, status: 'open' }, select: { id: true } });
    await deps.effects.run(open.map((c) => fx.conversationChanged(c.id)));
    res.json({ customer: await customer360(deps.db, params.data.id, 0, viewerIn(req)) });
  });

  router.post('/api/customers/:id/contact-points', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    const body = LinkBody.safeParse(req.body);
    if (!params.success) return void res.status(400).json({ error: 'invalid request' });
    if (!body.success) return void res.status(400).json({ error: body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    const address = normaliseAddress(body.data.kind, body.data.address, deps.defaultCountry);
    if (!address) return void res.status(400).json({ error: `that is not a valid ${body.data.kind === 'phone' ? 'phone number' : 'email address'}` });
    const outcome = await linkContactPoint(deps.db, params.data.id, body.data.kind, address);
    switch (outcome.kind) {
      case 'customer-not-found':
        return void res.status(404).json({ error: 'customer not found' });
      case 'customer-erased':
        return void res.status(409).json({ error: 'this customer’s data was erased' });
      case 'belongs-to-another':
        // Never moved silently: the agent sees whose it is and can merge the two records instead.
        return void res.status(409).json({ error: 'this address belongs to another customer', otherCustomerId: outcome.otherCustomerId });
      case 'already-linked':
        return void res.json({ contactPoint: { kind: body.data.kind, address }, linked: false });
      case 'linked':
        await recordAudit(deps.db, {
          action: 'contact_point_link',
          agentId: req.agent!.id,
          customerId: params.data.id,
          reason: body.data.reason,
          detail: { kind: body.data.kind },
        });
        return void res.status(201).json({ contactPoint: { kind: body.data.kind, address }, linked: true });
    }
  });

  router.post('/api/customers/:id/merge', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    const body = MergeBody.safeParse(req.body);
    if (!params.success) return void res.status(400).json({ error: 'invalid request' });
    if (!body.success) return void res.status(400).json({ error: body.error.issues.map((i) => i.message).join('; ') });
    try {
      const merge = await mergeCustomers(deps.db, {
        survivorId: params.data.id,
        absorbedId: body.data.absorbId,
        agentId: req.agent!.id,
        reason: body.data.reason,
      });
      res.status(201).json({ mergeId: merge.mergeId, customer: await customer360(deps.db, params.data.id, 0, viewerIn(req)) });
    } catch (error) {
      if (error instanceof MergeError) return void res.status(error.status).json({ error: error.message });
      throw error;
    }
  });

  router.get('/api/customers/:id/match-suggestions', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return void res.status(400).json({ error: 'invalid request' });
    res.json({ suggestions: await openSuggestionsFor(deps.db, params.data.id) });
  });

  router.post('/api/match-suggestions/:id/dismiss', async (req, res) => {
    const params = SuggestionIdParam.safeParse(req.params);
    if (!params.success) return void res.status(400).json({ error: 'invalid request' });
    const suggestion = await deps.db.matchSuggestion.findUnique({ where: { id: params.data.id } });
    if (!suggestion) return void res.status(404).json({ error: 'suggestion not found' });
    await decideSuggestionsBetween(deps.db, suggestion.customerId, suggestion.otherCustomerId, 'dismissed', req.agent!.id);
    res.status(204).end();
  });

  router.post('/api/merges/:id/undo', async (req, res) => {
    const params = MergeIdParam.safeParse(req.params);
    const body = UndoMergeBody.safeParse(req.body);
    if (!params.success) return void res.status(400).json({ error: 'invalid request' });
    if (!body.success) return void res.status(400).json({ error: body.error.issues.map((i) => i.message).join('; ') });
    try {
      res.json(await unmergeCustomers(deps.db, { mergeId: params.data.id, agentId: req.agent!.id, reason: body.data.reason }));
    } catch (error) {
      if (error instanceof MergeError) return void res.status(error.status).json({ error: error.message });
      throw error;
    }
  });

  // Subject access and erasure are data-protection decisions: supervisors and admins only.
  router.get('/api/customers/:id/export', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return void res.status(400).json({ error: 'invalid request' });
    const document = await exportCustomer(deps.db, params.data.id);
    if (!document) return void res.status(404).json({ error: 'customer not found' });
    await recordAudit(deps.db, { action: 'customer_export', agentId: req.agent!.id, customerId: params.data.id });
    res.attachment(`customer-${params.data.id}.json`).json(document);
  });

  router.post('/api/customers/:id/erase', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    const body = ErasureBody.safeParse(req.body);
    if (!params.success) return void res.status(400).json({ error: 'invalid request' });
    if (!body.success) return void res.status(400).json({ error: body.error.issues[0]?.message ?? 'invalid request' });
    const erased = await eraseCustomer(deps.db, params.data.id);
    if (!erased) return void res.status(404).json({ error: 'customer not found' });
    const { deliveryIds, ...result } = erased;
    await recordAudit(deps.db, {
      action: 'customer_erase',
      agentId: req.agent!.id,
      customerId: params.data.id,
      reason: body.data.reason,
      detail: { ...result },
    });
    // Services' copies of the hand-offs (Slack messages, their systems) are brought up to date without the details.
    for (const deliveryId of deliveryIds) void enqueueFor(deps.queues.handoff, deliveryId, { deliveryId }).catch(() => undefined);
    res.json({ erased: result });
  });

  return router;
}

// Needs on a conversation, by hand: an agent adds what the customer needs (or removes a wrong guess), with
// suggestions from needs detection over what the customer wrote. Each change is audited and pushed live.
import express from 'express';
import { z } from 'zod';
import type { Db } from '../../hub/db/client.ts';
import { fx, type EffectsRunner } from '../../hub/effects.ts';
import type { NeedsDetector } from '../../hub/needs/detector.ts';
import { recordAudit } from '../../hub/audit.ts';
import { needView, type NeedView } from './views.ts';

export interface TaxonomyEntry {
  code: string;
  label: string;
  simple?: boolean;
}

/** A need code in words, from the taxonomy (the code itself for one it does not know). */
export function needLabeller(taxonomy: readonly TaxonomyEntry[]): (code: string) => string {
  const labels = new Map(taxonomy.map((n) => [n.code, n.label]));
  return (code) => labels.get(code) ?? code;
}

export const IdParam = z.object({ id: z.uuid('conversation id must be a UUID') });
export const AddNeedBody = z.object({ code: z.string().min(1).max(100) });

/** How much of the conversation suggestions read: the customer's latest messages. */
const SUGGEST_FROM_MESSAGES = 20;

export function conversationNeedsRouter(deps: { db: Db; effects: EffectsRunner; detector: NeedsDetector; taxonomy: readonly TaxonomyEntry[] }) {
  const router = express.Router();
  const byCode = new Map(deps.taxonomy.map((n) => [n.code, n]));
  const label = needLabeller(deps.taxonomy);

  async function needsOf(conversationId: string): Promise<z.infer<typeof NeedView>[]> {
    const rows = await deps.db.need.findMany({ where: { conversationId }, orderBy: { createdAt: 'asc' } });
    return rows.map((n) => needView(n, label));
  }

  const conversationOr404 = async (req: express.Request, res: express.Response) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return void res.status(400).json({ error: params.error.issues[0]!.message });
    const conversation = await deps.db.conversation.findUnique({ where: { id: params.data.id }, select: { id: true, customerId: true } });
    if (!conversation) return void res.status(404).json({ error: 'conversation not found' });
    return conversation;
  };

  router.get(
    '/api/needs/taxonomy',
    (_req, res) => void res.json({ needs: deps.taxonomy.map((n) => ({ code: n.code, label: n.label, simple: n.simple === true })) }),
  );

  router.post('/api/conversations/:id/needs', async (req, res) => {
    const conversation = await conversationOr404(req, res);
    if (!conversation) return;
    const body = AddNeedBody.safeParse(req.body);
    if (!body.success || !byCode.has(body.data.code))
      return void res.status(400).json({ error: 'code must be a need code from the taxonomy (GET /api/needs/taxonomy)' });
    const { code } = body.data;
    // One need per code per conversation: adding what the bot already found keeps the bot's record.
    const existing = await deps.db.need.findUnique({ where: { conversationId_code: { conversationId: conversation.id, code } }, select: { id: true } });
    if (!existing) {
      await deps.db.$transaction(async (tx) => {
        await tx.need.create({ data: { customerId: conversation.customerId, conversationId: conversation.id, code, source: 'agent' } });
        await recordAudit(tx, {
          action: 'customer_update',
          agentId: req.agent!.id,
          customerId: conversation.customerId,
          detail: { needAdded: code, conversationId: conversation.id },
        });
      });
      await deps.effects.run([fx.conversationChanged(conversation.id)]);
    }
    res.status(existing ? 200 : 201).json({ needs: await needsOf(conversation.id) });
  });

  router.delete('/api/conversations/:id/needs/:code', async (req, res) => {
    const conversation = await conversationOr404(req, res);
    if (!conversation) return;
    const code = String(req.params.code);
    const removed = await deps.db.$transaction(async (tx) => {
      const { count } = await tx.need.deleteMany({ where: { conversationId: conversation.id, code } });
      if (count)
        await recordAudit(tx, {
          action: 'customer_update',
          agentId: req.agent!.id,
          customerId: conversation.customerId,
          detail: { needRemoved: code, conversationId: conversation.id },
        });
      return count > 0;
    });
    if (!removed) return void res.status(404).json({ error: 'that need is not recorded on this conversation' });
    await deps.effects.run([fx.conversationChanged(conversation.id)]);
    res.json({ needs: await needsOf(conversation.id) });
  });

  // What detection finds in the customer's own words that is not recorded yet (nothing is stored).
  router.get('/api/conversations/:id/needs/suggestions', async (req, res) => {
    const conversation = await conversationOr404(req, res);
    if (!conversation) return;
    const [messages, recorded] = await Promise.all([
      deps.db.message.findMany({
        where: { conversationId: conversation.id, direction: 'inbound' },
        orderBy: { createdAt: 'desc' },
        take: SUGGEST_FROM_MESSAGES,
        select: { body: true },
      }),
      deps.db.need.findMany({ where: { conversationId: conversation.id }, select: { code: true } }),
    ]);
    const have = new Set(recorded.map((n) => n.code));
    const found = new Map<string, { code: string; label: string; confidence: number }>();
    let urgent = false;
    // Message by message: each is one contact, often about one thing.
    for (const { body } of messages) {
      const detection = deps.detector.detect(body);
      urgent ||= detection.urgent;
      for (const need of detection.needs) if (!have.has(need.code) && (found.get(need.code)?.confidence ?? 0) < need.confidence) found.set(need.code, need);
    }
    res.json({ needs: [...found.values()].sort((a, b) => b.confidence - a.confidence), urgent });
  });

  return router;
}

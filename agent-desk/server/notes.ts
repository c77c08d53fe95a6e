// Private notes on a conversation: what one agent wants colleagues to know (safe times to call, what was
// checked). A note is its own model, never a Message, so no outbound path can read or send it: the outbox
// and every adapter only ever see Message rows. Adding one is audited (without its text) and pushed live.
import express from 'express';
import { z } from 'zod';
import type { Db } from '../../hub/db/client.ts';
import { fx, type EffectsRunner } from '../../hub/effects.ts';
import { recordAudit } from '../../hub/audit.ts';
import { invalid } from './http.ts';
import { noteInclude, noteView } from './views.ts';

export const MAX_NOTE_CHARS = 4000;

export const IdParam = z.object({ id: z.uuid('conversation id must be a UUID') });
export const NoteBody = z.object({
  text: z
    .string({ error: 'text is required (a string)' })
    .trim()
    .min(1, 'text is empty')
    .max(MAX_NOTE_CHARS, `text is longer than ${MAX_NOTE_CHARS} characters`),
});

export function notesRouter(deps: { db: Db; effects: EffectsRunner }) {
  const router = express.Router();

  const conversationOr404 = async (req: express.Request, res: express.Response) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return void invalid(res, params.error);
    const conversation = await deps.db.conversation.findUnique({ where: { id: params.data.id }, select: { id: true, customerId: true } });
    if (!conversation) return void res.status(404).json({ error: 'conversation not found' });
    return conversation;
  };

  router.get('/api/conversations/:id/notes', async (req, res) => {
    const conversation = await conversationOr404(req, res);
    if (!conversation) return;
    const notes = await deps.db.note.findMany({
      where: { conversationId: conversation.id },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      include: noteInclude,
    });
    res.json({ notes: notes.map(noteView) });
  });

  router.post('/api/conversations/:id/notes', async (req, res) => {
    const conversation = await conversationOr404(req, res);
    if (!conversation) return;
    const body = NoteBody.safeParse(req.body);
    if (!body.success) return invalid(res, body.error);
    const note = await deps.db.$transaction(async (tx) => {
      const created = await tx.note.create({ data: { conversationId: conversation.id, agentId: req.agent!.id, body: body.data.text }, include: noteInclude });
      await recordAudit(tx, {
        action: 'customer_update',
        agentId: req.agent!.id,
        customerId: conversation.customerId,
        detail: { noteAdded: created.id, conversationId: conversation.id },
      });
      return created;
    });
    // Other desks reload the conversation; the event carries ids only, never the note's text. Not awaited:
    // the note is stored, and desks reload everything after a Redis blip anyway.
    void deps.effects.run([fx.conversationChanged(conversation.id)]);
    res.status(201).json({ note: noteView(note) });
  });

  return router;
}

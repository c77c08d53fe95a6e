// What came with an email, for a signed-in agent: its files (downloads, audited) and its sanitised HTML.
// Both are the customer's content, so the browser is told never to run or sniff it: files only download
// (Content-Disposition: attachment, nosniff) and the HTML is served under a sandboxing Content-Security-Policy,
// so even HTML the sanitiser let through by mistake runs no script and loads nothing from elsewhere.
import express from 'express';
import { z } from 'zod';
import type { Db } from '../../hub/db/client.ts';
import { recordAudit } from '../../hub/audit.ts';
import { withoutBidiControls } from '../../channels/bidi.ts';

export const IdParam = z.object({ id: z.uuid('id must be a UUID') });

export const EMAIL_HTML_POLICY =
  "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'; sandbox allow-popups allow-popups-to-escape-sandbox";

export function attachmentRouter(deps: { db: Db }) {
  const router = express.Router();

  router.get('/api/attachments/:id', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return void res.status(400).json({ error: params.error.issues[0]!.message });
    const file = await deps.db.attachment.findUnique({
      where: { id: params.data.id },
      select: { filename: true, contentType: true, content: true, message: { select: { conversation: { select: { customerId: true } } } } },
    });
    // Not linked to a message yet (the worker has not built it) is the same as not there, for the desk.
    if (!file?.message) return void res.status(404).json({ error: 'attachment not found' });
    await recordAudit(deps.db, {
      action: 'attachment_download',
      agentId: req.agent!.id,
      customerId: file.message.conversation.customerId,
      detail: { attachmentId: params.data.id },
    });
    // Stored names are cleaned as mail arrives; this also covers files stored before that, and is what the
    // browser saves the file as.
    res.attachment(withoutBidiControls(file.filename));
    res.set({
      'Content-Type': file.contentType,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cache-Control': 'private, no-store',
    });
    res.send(Buffer.from(file.content));
  });

  router.get('/api/messages/:id/html', async (req, res) => {
    const params = IdParam.safeParse(req.params);
    if (!params.success) return void res.status(400).json({ error: params.error.issues[0]!.message });
    const message = await deps.db.message.findUnique({ where: { id: params.data.id }, select: { bodyHtml: true } });
    if (!message?.bodyHtml) return void res.status(404).json({ error: 'no formatted version of this message' });
    res.set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': EMAIL_HTML_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'private, no-store',
    });
    res.send(`<!doctype html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"></head><body>${message.bodyHtml}</body></html>`);
  });

  return router;
}

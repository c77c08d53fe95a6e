// The way back for a service that takes hand-offs by webhook: its own system tells the hub it accepted a
// hand-off, answers the customer, or closed it, by POSTing to /webhooks/handoffs/<reference>, signed with the
// same secret and scheme as the hub's webhooks to it (signature.ts). Each request carries its own id, so a
// retried request counts once. A hand-off of another service, or a forged or stale request, is refused.
import express, { type Request, type Response } from 'express';
import { z } from 'zod';
import { HandoffError } from './create.ts';
import type { HandoffDeps } from './dispatch.ts';
import { DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhook } from './signature.ts';
import { acceptHandoff, closeHandoff, replyFromService, type Actor } from './status.ts';

export const CALLBACK_PATH = '/webhooks/handoffs/:reference';

export const CallbackBody = z
  .object({
    status: z.enum(['accepted', 'closed']).optional(),
    /** Who acted, as the service names them ("Sam Patel"). */
    by: z.string().trim().min(1).max(120),
    /** With status closed: what was done. */
    outcome: z.string().trim().min(1).max(500).optional(),
    /** Sent to the customer on the channel they used. */
    message_to_customer: z.string().trim().min(1).max(1500).optional(),
  })
  .refine((b) => b.status || b.message_to_customer, 'give a status, a message_to_customer, or both')
  .refine((b) => b.status !== 'closed' || b.outcome, { message: 'say what was done (outcome) when closing', path: ['outcome'] });

export function handoffCallbackRouter(deps: HandoffDeps) {
  const router = express.Router();
  // The signature covers the exact bytes received, so the body is parsed only after it is checked.
  router.post(CALLBACK_PATH, express.raw({ type: 'application/json', limit: '16kb' }), async (req: Request, res: Response) => {
    const reference = String(req.params.reference ?? '').toUpperCase();
    const handoff = await deps.db.handoff.findUnique({
      where: { reference },
      select: { id: true, service: { select: { name: true, target: true, webhookSecret: true } } },
    });
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    // Unknown reference and bad signature answer alike: a caller without the secret learns nothing.
    const secret = handoff?.service.target === 'webhook' ? handoff.service.webhookSecret : null;
    const verified = secret
      ? verifyWebhook(secret, { signature: req.get(SIGNATURE_HEADER), timestamp: req.get(TIMESTAMP_HEADER) }, raw)
      : { ok: false as const, reason: 'not signed by this hand-off’s service' };
    if (!handoff || !verified.ok) return void res.status(401).json({ error: `refused: ${verified.ok ? 'unknown reference' : verified.reason}` });
    const requestId = req.get(DELIVERY_HEADER);
    if (!requestId || requestId.length > 100) return void res.status(400).json({ error: `${DELIVERY_HEADER} (a unique id for this request) is required` });
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      return void res.status(400).json({ error: 'body is not JSON' });
    }
    const body = CallbackBody.safeParse(json);
    if (!body.success)
      return void res.status(400).json({ error: 'invalid request', issues: body.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
    const actor = (step: string): Actor => ({ name: `${body.data.by} (${handoff.service.name})`, providerKey: `webhook:${handoff.id}:${requestId}:${step}` });
    try {
      // Each step commits and has its effects applied before the next: a failure later leaves the earlier done.
      if (body.data.message_to_customer)
        await deps.effects.run((await replyFromService(deps, handoff.id, body.data.message_to_customer, actor('reply'))).effects);
      if (body.data.status === 'accepted') await deps.effects.run((await acceptHandoff(deps, handoff.id, actor('accept'))).effects);
      if (body.data.status === 'closed') await deps.effects.run((await closeHandoff(deps, handoff.id, body.data.outcome!, actor('close'))).effects);
    } catch (error) {
      if (error instanceof HandoffError) return void res.status(error.status).json({ error: error.message });
      throw error;
    }
    const now = await deps.db.handoff.findUniqueOrThrow({
      where: { id: handoff.id },
      select: { reference: true, status: true, acceptedBy: true, outcome: true },
    });
    res.json({ service_request_id: now.reference, status: now.status, accepted_by: now.acceptedBy, status_notes: now.outcome });
  });
  return router;
}

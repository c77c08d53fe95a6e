// The two webhooks of Twilio Messaging, shared by SMS and WhatsApp: an inbound message (verify → normalise →
// sink) and a delivery status callback. The message's own addresses say which channel it is.
import type { Request, Router } from 'express';
import twilio from 'twilio';
import type { InboundSink, SendResult } from '../contract.ts';
import { normaliseInboundSms, normaliseStatusCallback, twilioStatus } from './normalise.ts';
import { refuse, twilioForm } from './webhook.ts';

export function mountTwilioMessaging(
  router: Router,
  sink: InboundSink,
  paths: { message: string; status: string },
  signatureIsValid: (req: Request) => boolean,
) {
  router.post(paths.message, twilioForm, async (req, res) => {
    if (!signatureIsValid(req)) return refuse(res, 403, 'Twilio signature missing or invalid');
    const result = normaliseInboundSms(req.body, new Date());
    if (!result.ok) return refuse(res, 400, result.reason);
    try {
      await sink.accept(result.value);
    } catch {
      // Not stored, not even in the hub's journal (full, or the disk failed). Twilio does not retry a failed
      // messaging webhook (only its fallback URL is tried), so this is the last resort, and the hub logs it.
      return refuse(res, 503, 'temporarily unable to accept the message');
    }
    res.type('text/xml').send(new twilio.twiml.MessagingResponse().toString());
  });

  router.post(paths.status, twilioForm, async (req, res) => {
    if (!signatureIsValid(req)) return refuse(res, 403, 'Twilio signature missing or invalid');
    const result = normaliseStatusCallback(req.body);
    if (!result.ok) return refuse(res, 400, result.reason);
    try {
      await sink.report(result.value);
    } catch {
      return refuse(res, 503, 'temporarily unable to record the status');
    }
    res.status(204).end();
  });
}

/**
 * Whether Twilio already took a message whose send got no answer: Twilio has no idempotency key, so the same
 * text from our sender to the same address, created since the hub queued it (a minute's grace for the two
 * clocks), is taken as this message. At worst two identical texts queued together go out once.
 */
export async function findSentMessage(
  client: twilio.Twilio,
  query: { to: string; from: string; text: string; since: Date; ourAddress: string },
): Promise<SendResult | null> {
  const recent = await client.messages.list({ to: query.to, from: query.from, limit: 50 });
  const match = recent.find((m) => m.body === query.text && m.dateCreated.getTime() >= query.since.getTime() - 60_000);
  return match ? { providerMessageId: match.sid, status: twilioStatus(match.status) ?? 'sending', from: query.ourAddress } : null;
}

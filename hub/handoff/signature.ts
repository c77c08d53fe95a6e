// The signature on hand-off webhooks (and on status updates a service's system sends back). The scheme is
// the one Slack and Stripe use: HMAC-SHA256 over "<unix seconds>.<raw body>" with the service's secret, sent as
//   X-ContactHub-Timestamp: 1763900000
//   X-ContactHub-Signature: v1=<64 hex digits>
// A receiver recomputes it over the exact bytes received, compares in constant time, and refuses a
// timestamp more than five minutes from its clock (a replayed request). README.md shows a receiver.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-contacthub-signature';
export const TIMESTAMP_HEADER = 'x-contacthub-timestamp';
export const DELIVERY_HEADER = 'x-contacthub-delivery';
export const EVENT_HEADER = 'x-contacthub-event';
export const MAX_SKEW_SECONDS = 5 * 60;

export function signWebhook(secret: string, timestamp: number, rawBody: string | Buffer): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex');
  return `v1=${mac}`;
}

export type VerifyResult = { ok: true } | { ok: false; reason: string };

export function verifyWebhook(
  secret: string,
  headers: { signature?: string | null; timestamp?: string | null },
  rawBody: string | Buffer,
  nowSeconds = Math.floor(Date.now() / 1000),
): VerifyResult {
  if (!headers.signature || !headers.timestamp) return { ok: false, reason: 'missing signature or timestamp header' };
  const timestamp = Number(headers.timestamp);
  if (!Number.isInteger(timestamp)) return { ok: false, reason: 'timestamp is not a whole number of seconds' };
  if (Math.abs(nowSeconds - timestamp) > MAX_SKEW_SECONDS) return { ok: false, reason: 'timestamp is more than five minutes away' };
  const expected = Buffer.from(signWebhook(secret, timestamp, rawBody));
  const given = Buffer.from(headers.signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature does not match' };
  return { ok: true };
}

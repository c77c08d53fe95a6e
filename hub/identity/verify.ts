// A web-chat visitor links themself to their existing record: they give a phone number or email
// address, the hub sends a one-time code through its own SMS or email channel, and entering the code
// proves they control that address, which is a strong key. Only then are the two attached (merged when both already have records).
import { createHash, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { CountryCode } from 'libphonenumber-js';
// Full metadata: number types (mobile, premium rate, personal) are not in the default set.
import { parsePhoneNumberFromString as parseMax } from 'libphonenumber-js/max';
import { ChannelSendError } from '../../channels/contract.ts';
import { textChannelFor } from '../../channels/registry.ts';
import type { Db } from '../db/client.ts';
import type { Adapters } from '../outbound/process.ts';
import { CUSTOMER_WORDING } from '../wording.ts';
import { normaliseAddress } from './link.ts';
import { mergeCustomers } from './merge.ts';

const CODE_TTL_MS = 10 * 60_000;
const MAX_ATTEMPTS = 5;
const MAX_CODES_PER_HOUR = 3;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Who may make the hub send a code, and how often. Anyone can open a web chat and ask, so without these the
 * hub could be made to text any number again and again: SMS pumping (fraud billed to the council), or a way
 * to harass someone. The visitor id is the client's own invention, so it alone limits nothing.
 */
export interface VerificationLimits {
  perAddressPerHour: number;
  perAddressPerDay: number;
  perClientPerHour: number;
  perDay: number;
  /** Countries whose mobile numbers codes may be texted to (ISO 3166 codes). */
  countries: readonly CountryCode[];
}

export const DEFAULT_VERIFICATION_LIMITS: VerificationLimits = {
  perAddressPerHour: 3,
  perAddressPerDay: 5,
  perClientPerHour: 5,
  perDay: 200,
  countries: ['GB'],
};

/** Which limit stopped a request, for the hub's log and the admins' alert (never shown to the visitor). */
export type LimitReached = 'per-visitor' | 'per-address' | 'per-client' | 'per-day' | 'country' | 'number-type';

export type VerifyResult = { ok: true; hasPlan?: boolean } | { ok: false; error: string; limit?: LimitReached };

/** Only mobiles get texts: premium, shared-cost, personal (070) and other special ranges are refused. */
function textableMobile(address: string, countries: readonly CountryCode[]): LimitReached | null {
  const phone = parseMax(address);
  if (!phone?.country || !countries.includes(phone.country)) return 'country';
  const type = phone.getType();
  return type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE' ? null : 'number-type';
}

const hashCode = (verificationId: string, code: string) => createHash('sha256').update(`${verificationId}:${code}`).digest();

export async function startVerification(
  db: Db,
  adapters: Adapters,
  input: {
    visitorId: string;
    claimed: { kind: 'phone' | 'email'; address: string };
    defaultCountry: CountryCode;
    /** The client's network address, when the channel knows it. */
    clientAddress?: string;
    limits?: VerificationLimits;
  },
): Promise<VerifyResult> {
  const limits = input.limits ?? DEFAULT_VERIFICATION_LIMITS;
  const { kind } = input.claimed;
  const address = normaliseAddress(kind, input.claimed.address, input.defaultCountry);
  if (!address) return { ok: false, error: kind === 'phone' ? CUSTOMER_WORDING.verification.notAPhone : CUSTOMER_WORDING.verification.notAnEmail };
  // The code goes by the channel that writes to this kind of address (SMS for a number, email for an address).
  const channel = textChannelFor(kind);
  const adapter = channel && adapters[channel];
  if (!adapter) return { ok: false, error: kind === 'phone' ? CUSTOMER_WORDING.verification.cannotText : CUSTOMER_WORDING.verification.cannotEmail };
  const badNumber = kind === 'phone' ? textableMobile(address, limits.countries) : null;
  if (badNumber) return { ok: false, error: CUSTOMER_WORDING.verification.refused, limit: badNumber };

  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const id = randomUUID();
  // Counted and recorded under one lock: a burst of parallel requests cannot all pass the same count.
  const decided = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('contact-hub:verification'))`;
    const since = (ms: number) => ({ gte: new Date(Date.now() - ms) });
    if ((await tx.verification.count({ where: { visitorId: input.visitorId, createdAt: since(HOUR) } })) >= MAX_CODES_PER_HOUR) {
      return { ok: false as const, error: CUSTOMER_WORDING.verification.tooManyCodes, limit: 'per-visitor' as const };
    }
    const over: [LimitReached, Promise<number>, number][] = [
      ['per-address', tx.verification.count({ where: { address, createdAt: since(HOUR) } }), limits.perAddressPerHour],
      ['per-address', tx.verification.count({ where: { address, createdAt: since(DAY) } }), limits.perAddressPerDay],
      ['per-day', tx.verification.count({ where: { createdAt: since(DAY) } }), limits.perDay],
      ...(input.clientAddress
        ? [
            ['per-client', tx.verification.count({ where: { clientAddress: input.clientAddress, createdAt: since(HOUR) } }), limits.perClientPerHour] as [
              LimitReached,
              Promise<number>,
              number,
            ],
          ]
        : []),
    ];
    for (const [limit, count, max] of over) if ((await count) >= max) return { ok: false as const, error: CUSTOMER_WORDING.verification.refused, limit };
    await tx.verification.create({
      data: {
        id,
        visitorId: input.visitorId,
        kind,
        address,
        clientAddress: input.clientAddress ?? null,
        codeHash: hashCode(id, code).toString('hex'),
        expiresAt: new Date(Date.now() + CODE_TTL_MS),
      },
    });
    return null;
  });
  if (decided) return decided;
  try {
    await adapter.send({
      messageId: id,
      channel: adapter.kind,
      to: address,
      subject: CUSTOMER_WORDING.verification.subject,
      text: CUSTOMER_WORDING.verification.code.fill({ code, minutes: CODE_TTL_MS / 60_000 }),
    });
  } catch (error) {
    await db.verification.delete({ where: { id } });
    const permanent = error instanceof ChannelSendError && !error.retryable;
    const undeliverable = kind === 'phone' ? CUSTOMER_WORDING.verification.badNumber : CUSTOMER_WORDING.verification.badAddress;
    return { ok: false, error: permanent ? undeliverable : CUSTOMER_WORDING.verification.notSent };
  }
  return { ok: true };
}

export async function checkVerification(db: Db, input: { visitorId: string; code: string }): Promise<VerifyResult> {
  const verification = await db.verification.findFirst({
    where: { visitorId: input.visitorId, verifiedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: 'desc' },
  });
  if (!verification) return { ok: false, error: CUSTOMER_WORDING.verification.noCode };
  // Counted before comparing, in the database, so parallel guesses cannot exceed the limit.
  const counted = await db.verification.updateMany({ where: { id: verification.id, attempts: { lt: MAX_ATTEMPTS } }, data: { attempts: { increment: 1 } } });
  if (counted.count === 0) return { ok: false, error: CUSTOMER_WORDING.verification.tooManyTries };
  const given = hashCode(verification.id, input.code.trim());
  if (!timingSafeEqual(given, Buffer.from(verification.codeHash, 'hex'))) return { ok: false, error: CUSTOMER_WORDING.verification.wrongCode };
  const claimed = await db.verification.updateMany({ where: { id: verification.id, verifiedAt: null }, data: { verifiedAt: new Date() } });
  // A parallel check may have linked it already; either way the visitor is now on the claimed address's record.
  if (claimed.count) await linkVerified(db, input.visitorId, { kind: verification.kind === 'email' ? 'email' : 'phone', address: verification.address });
  return { ok: true, hasPlan: await visitorHasPlan(db, input.visitorId) };
}

/** Whether the visitor's record has a plan with something handed on: then they can ask for its link (PLAN). */
async function visitorHasPlan(db: Db, visitorId: string): Promise<boolean> {
  const point = await db.contactPoint.findUnique({ where: { kind_address: { kind: 'webchat_visitor', address: visitorId } }, select: { customerId: true } });
  if (!point) return false;
  return (await db.actionPlan.count({ where: { customerId: point.customerId, handoffs: { some: {} } } })) > 0;
}

/** The visitor has proved control of `claimed`: attach the two addresses to one customer. */
async function linkVerified(db: Db, visitorId: string, claimed: { kind: 'phone' | 'email'; address: string }) {
  const verifiedBy = claimed.kind === 'phone' ? 'otp-sms' : 'otp-email';
  const [visitorPoint, claimedPoint] = await Promise.all([
    db.contactPoint.findUnique({ where: { kind_address: { kind: 'webchat_visitor', address: visitorId } } }),
    db.contactPoint.findUnique({ where: { kind_address: claimed } }),
  ]);
  if (visitorPoint && claimedPoint) {
    if (visitorPoint.customerId === claimedPoint.customerId) return;
    // Both have records: the claimed address's (usually the longer history) survives.
    await mergeCustomers(db, {
      survivorId: claimedPoint.customerId,
      absorbedId: visitorPoint.customerId,
      agentId: null,
      reason: 'the customer proved control of both addresses with a one-time code',
    });
  } else if (claimedPoint) {
    await db.contactPoint.create({ data: { customerId: claimedPoint.customerId, kind: 'webchat_visitor', address: visitorId, verifiedBy } });
  } else if (visitorPoint) {
    await db.contactPoint.create({ data: { customerId: visitorPoint.customerId, ...claimed, verifiedBy } });
  } else {
    await db.customer.create({
      data: {
        contactPoints: {
          create: [
            { kind: 'webchat_visitor', address: visitorId, verifiedBy: 'webchat' },
            { ...claimed, verifiedBy },
          ],
        },
      },
    });
  }
}

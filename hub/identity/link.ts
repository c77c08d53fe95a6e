// An agent attaching an address to a customer after checking who they are. Still strong keys only:
// an address that already belongs to someone else is never moved here (that would be a merge).
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { isUniqueViolation, type Db } from '../db/client.ts';

export type LinkableKind = 'phone' | 'email';

/** The address as stored: E.164 for phones, lower case for email; null when it is not one. */
export function normaliseAddress(kind: LinkableKind, raw: string, defaultCountry: CountryCode): string | null {
  if (kind === 'email') {
    const email = raw.trim().toLowerCase();
    return z.email().safeParse(email).success ? email : null;
  }
  const phone = parsePhoneNumberFromString(raw.trim(), defaultCountry);
  return phone?.isValid() ? phone.number : null;
}

export type LinkOutcome =
  | { kind: 'linked'; address: string }
  | { kind: 'already-linked'; address: string }
  | { kind: 'belongs-to-another'; address: string; otherCustomerId: string }
  | { kind: 'customer-not-found' }
  | { kind: 'customer-erased' };

export async function linkContactPoint(db: Db, customerId: string, kind: LinkableKind, address: string): Promise<LinkOutcome> {
  const customer = await db.customer.findUnique({ where: { id: customerId }, select: { erasedAt: true } });
  if (!customer) return { kind: 'customer-not-found' };
  if (customer.erasedAt) return { kind: 'customer-erased' };
  for (let attempt = 0; attempt < 2; attempt++) {
    const existing = await db.contactPoint.findUnique({ where: { kind_address: { kind, address } }, select: { customerId: true } });
    if (existing) {
      return existing.customerId === customerId
        ? { kind: 'already-linked', address }
        : { kind: 'belongs-to-another', address, otherCustomerId: existing.customerId };
    }
    try {
      await db.contactPoint.create({ data: { customerId, kind, address, verifiedBy: 'agent-checked' } });
      return { kind: 'linked', address };
    } catch (error) {
      // Someone (an inbound contact, another agent) took the address meanwhile: report whose it is.
      if (!isUniqueViolation(error)) throw error;
    }
  }
  throw new Error('contact point changed concurrently; retry');
}

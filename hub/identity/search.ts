// Finding a customer from what an agent types: a phone number in any format, an email address,
// a UK postcode or part of a name. Each is normalised the way it is stored, then matched exactly
// (phone, email, postcode) or by substring (name).
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import type { Db } from '../db/client.ts';
import type { ContactPointKind } from '../../channels/contract.ts';

export interface SearchCriteria {
  phone?: string;
  email?: string;
  postcode?: string;
  name?: string;
}

const UK_POSTCODE = /^([A-Z]{1,2}\d[A-Z\d]?)\s*(\d[A-Z]{2})$/;

/** 'sw1a1aa', ' SW1A  1AA ' → 'SW1A 1AA'; anything else → null. */
export function normalisePostcode(raw: string): string | null {
  const match = UK_POSTCODE.exec(raw.trim().toUpperCase().replace(/\s+/g, ' '));
  return match ? `${match[1]} ${match[2]}` : null;
}

export function interpretQuery(query: string, defaultCountry: CountryCode): SearchCriteria {
  const text = query.trim();
  if (text.includes('@')) return { email: text.toLowerCase() };
  const criteria: SearchCriteria = {};
  if (/^[+\d][\d\s().-]{5,}$/.test(text)) {
    const phone = parsePhoneNumberFromString(text, defaultCountry);
    if (phone?.isValid()) criteria.phone = phone.number;
    return criteria;
  }
  const postcode = normalisePostcode(text);
  if (postcode) criteria.postcode = postcode;
  if (text.length >= 2) criteria.name = text;
  return criteria;
}

export interface CustomerMatch {
  id: string;
  displayName: string | null;
  postcode: string | null;
  contactPoints: { kind: ContactPointKind; address: string }[];
}

export async function searchCustomers(db: Db, criteria: SearchCriteria, limit: number): Promise<CustomerMatch[]> {
  const or = [
    criteria.phone && { contactPoints: { some: { kind: 'phone' as const, address: criteria.phone } } },
    criteria.email && { contactPoints: { some: { kind: 'email' as const, address: criteria.email } } },
    criteria.postcode && { postcode: criteria.postcode },
    criteria.name && { displayName: { contains: criteria.name, mode: 'insensitive' as const } },
  ].filter((c) => !!c);
  if (or.length === 0) return [];
  return db.customer.findMany({
    where: { OR: or },
    orderBy: { updatedAt: 'desc' },
    take: limit,
    select: { id: true, displayName: true, postcode: true, contactPoints: { select: { kind: true, address: true } } },
  });
}

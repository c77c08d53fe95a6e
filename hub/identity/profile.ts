// The customer's own profile fields, as every view of the record shows them.
import type { Customer } from '../generated/prisma/client.ts';

export function profileView(customer: Customer) {
  return {
    id: customer.id,
    displayName: customer.displayName,
    preferredChannel: customer.preferredChannel,
    language: customer.language,
    postcode: customer.postcode,
    accessibilityNeeds: customer.accessibilityNeeds,
    createdAt: customer.createdAt.toISOString(),
    erasedAt: customer.erasedAt?.toISOString() ?? null,
    mergedIntoId: customer.mergedIntoId,
  };
}

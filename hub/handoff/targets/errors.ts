// How a target says a delivery failed: a permanent failure (bad configuration, a refusal) is not retried.
import type { DeliveryKind } from '../../generated/prisma/client.ts';

export type { DeliveryKind };

/** One outbox row, as a target needs it. */
export interface Delivery {
  id: string;
  kind: DeliveryKind;
  /** For customer_message: the customer's message being passed on. */
  messageId: string | null;
  /** For feedback: the follow-up whose answers are passed on. */
  followUpId: string | null;
}

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

// How a target says a delivery failed: a permanent failure (bad configuration, a refusal) is not retried.
export type DeliveryKind = 'handoff' | 'update' | 'reminder';

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly permanent: boolean,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

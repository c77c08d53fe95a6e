// The adapter of a channel that nothing arrives on from a provider and nothing is sent on (contact in person, the
// customer's plan page): the hub stores its contacts itself, and answers the customer by an address on their record.
import { ChannelSendError, type ChannelAdapter, type ChannelKind } from './contract.ts';

/** `what` names the channel in the error, e.g. "a contact in person". */
export function unsendableAdapter(kind: ChannelKind, address: string, what: string): ChannelAdapter {
  return {
    kind,
    address,
    mount: () => undefined,
    async send() {
      // Replies go by the customer's record (hub/outbound/compose.ts); reaching here is a bug, not a retry.
      throw new ChannelSendError(`nothing can be sent to ${what}: write to an address on their record`, `${kind}:unsendable`, false);
    },
  };
}

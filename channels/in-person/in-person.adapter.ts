// Contact in person: a walk-in at a council office or the reception desk, written down by the agent who took it
// (the desk's "Record a contact"). Nothing arrives from a provider and nothing is sent on it: the customer is
// answered, and services reach them, by an address on their record. It is a channel so that the contact enters
// the same record, timeline, needs, plan and hand-offs as any other, and shows as "In person" wherever it is listed.
import { z } from 'zod';
import { ChannelSendError, type ChannelAdapter, type ChannelModule } from '../contract.ts';

export const inPersonConfigSchema = z.object({});

export function createInPersonAdapter(): ChannelAdapter {
  return {
    kind: 'in_person',
    address: 'in person',
    mount: () => undefined,
    async send() {
      // Replies go by the customer's record (hub/outbound/compose.ts); reaching here is a bug, not a retry.
      throw new ChannelSendError('nothing can be sent to a contact in person: write to an address on their record', 'in_person:unsendable', false);
    },
  };
}

export const inPersonChannel: ChannelModule<z.infer<typeof inPersonConfigSchema>> = {
  kind: 'in_person',
  names: { label: 'In person', by: 'speaking in person' },
  icon: 'person',
  capabilities: {
    // No address of its own: the customer is found or added by name, number or email.
    address: 'in_person',
    reachesLater: false,
    speaks: false,
    canText: false,
    textsAddress: false,
    typing: false,
    verifies: false,
    showsTranscript: false,
    turnByTurn: true,
    carrierKeywords: false,
    carriesServiceReplies: false,
    // The agent who records it keeps it; it is offered to others only when transferred.
    agentCapacity: 3,
    threadsReplies: false,
    repliesNeedContext: false,
    recordedAtDesk: true,
  },
  // On unless switched off: any council office can take people in person.
  isOn: (env) => env.IN_PERSON_ENABLED !== 'false',
  configSchema: inPersonConfigSchema,
  create: () => createInPersonAdapter(),
};

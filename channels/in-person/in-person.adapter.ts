// Contact in person: a walk-in at a council office or the reception desk, written down by the agent who took it
// (the desk's "Record a contact"). Nothing arrives from a provider and nothing is sent on it: the customer is
// answered, and services reach them, by an address on their record. It is a channel so that the contact enters
// the same record, timeline, needs, plan and hand-offs as any other, and shows as "In person" wherever it is listed.
import { z } from 'zod';
import type { ChannelModule } from '../contract.ts';
import { unsendableAdapter } from '../unsendable.ts';

export const inPersonConfigSchema = z.object({});

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
    callsOut: false,
  },
  // On unless switched off: any council office can take people in person.
  isOn: (env) => env.IN_PERSON_ENABLED !== 'false',
  configSchema: inPersonConfigSchema,
  create: () => unsendableAdapter('in_person', 'in person', 'a contact in person'),
};

// The customer's own plan page: a customer who opened their plan from the link we sent can write to their lead
// agent there (agent-desk/server/plan-page.ts). Their words join their open conversation as any contact does,
// shown as "Plan page". Nothing is sent on it: the page has no inbox, so replies go to an address on the
// customer's record, like contact in person.
import { z } from 'zod';
import type { ChannelModule } from '../contract.ts';
import { unsendableAdapter } from '../unsendable.ts';

export const planPageConfigSchema = z.object({});

export const planPageChannel: ChannelModule<z.infer<typeof planPageConfigSchema>> = {
  kind: 'plan_page',
  names: { label: 'Plan page', by: 'their plan page' },
  icon: 'chat',
  capabilities: {
    // No address of its own: the link's plan names the customer.
    address: 'plan_page',
    reachesLater: false,
    speaks: false,
    canText: false,
    textsAddress: false,
    typing: false,
    verifies: false,
    showsTranscript: false,
    // Read by a person: the bot never answers it (hub/usecases/plan.ts stores it without the route step).
    turnByTurn: true,
    carrierKeywords: false,
    carriesServiceReplies: false,
    agentCapacity: 3,
    threadsReplies: false,
    repliesNeedContext: false,
    recordedAtDesk: false,
    callsOut: false,
  },
  // On unless switched off: the page's "write to us" form is shown only while it is on.
  isOn: (env) => env.PLAN_PAGE_MESSAGES_ENABLED !== 'false',
  configSchema: planPageConfigSchema,
  create: () => unsendableAdapter('plan_page', 'plan page', 'the plan page'),
};

// What the customer sees of their own plan: each need in plain words with the service that has it, where it
// is, its reference, the next step and who is doing it; their own actions; who leads it. Read in one place so
// the page shows only this: never notes, facts, the excerpt, other people's data or the hub's internals.
import type { Tx } from '../db/client.ts';
import type { HandoffStatus, PlanActionAuthor } from '../generated/prisma/client.ts';
import { CUSTOMER_WORDING } from '../wording.ts';

export interface CustomerPlanView {
  id: string;
  /** The lead agent's name, or null: the customer is told "our team". */
  lead: string | null;
  services: {
    reference: string;
    needs: string[];
    service: string;
    status: string;
    nextStep: string;
    who: string;
    outcome: string | null;
  }[];
  actions: { id: string; text: string; addedBy: PlanActionAuthor; doneAt: Date | null; createdAt: Date }[];
  /** The follow-up questions waiting for their answers, with the services to ask about; null when none waits. */
  followUp: { id: string; services: { id: string; name: string }[] } | null;
}

/** "Sam Patel (Slack)" as a service named them: the person, without where the hub heard it from. */
const personOnly = (acceptedBy: string) => acceptedBy.replace(/\s*\([^)]*\)\s*$/, '').trim();

export function nextStepOf(status: HandoffStatus, service: string): string {
  switch (status) {
    case 'sent':
    case 'delivered':
    case 'accepted':
      return CUSTOMER_WORDING.planPage.next[status].fill({ service });
    default:
      return CUSTOMER_WORDING.planPage.next[status];
  }
}

function whoOf(h: { status: HandoffStatus; acceptedBy: string | null; service: string }, council: string): string {
  if (h.status === 'closed' || h.status === 'redirected') return CUSTOMER_WORDING.planPage.nobody;
  if (h.status === 'failed') return CUSTOMER_WORDING.planPage.whoCouncil.fill({ council });
  const person = h.status === 'accepted' && h.acceptedBy ? personOnly(h.acceptedBy) : '';
  return person ? CUSTOMER_WORDING.planPage.whoPerson.fill({ person, service: h.service }) : CUSTOMER_WORDING.planPage.whoService.fill({ service: h.service });
}

export async function loadCustomerPlan(
  db: Tx,
  planId: string,
  opts: { needLabel: (code: string) => string; council: string },
): Promise<CustomerPlanView | null> {
  const plan = await db.actionPlan.findUnique({
    where: { id: planId },
    select: {
      id: true,
      leadAgent: { select: { displayName: true, disabledAt: true } },
      handoffs: {
        orderBy: { createdAt: 'asc' },
        select: { reference: true, needs: true, status: true, acceptedBy: true, outcome: true, service: { select: { name: true } } },
      },
      actions: { orderBy: { createdAt: 'asc' }, select: { id: true, text: true, addedBy: true, doneAt: true, createdAt: true } },
      followUps: {
        where: { step: { in: ['wellbeing', 'services', 'comment'] }, expiresAt: { gt: new Date() } },
        orderBy: { askedAt: 'desc' },
        take: 1,
        select: {
          id: true,
          answers: { orderBy: { handoff: { createdAt: 'asc' } }, select: { serviceId: true, handoff: { select: { service: { select: { name: true } } } } } },
        },
      },
    },
  });
  if (!plan) return null;
  const waiting = plan.followUps[0];
  const services = new Map<string, string>();
  for (const a of waiting?.answers ?? []) if (!services.has(a.serviceId)) services.set(a.serviceId, a.handoff.service.name);
  return {
    id: plan.id,
    lead: plan.leadAgent && !plan.leadAgent.disabledAt ? plan.leadAgent.displayName : null,
    services: plan.handoffs.map((h) => ({
      reference: h.reference,
      needs: h.needs.map(opts.needLabel),
      service: h.service.name,
      status: CUSTOMER_WORDING.progress.status[h.status],
      nextStep: nextStepOf(h.status, h.service.name),
      who: whoOf({ status: h.status, acceptedBy: h.acceptedBy, service: h.service.name }, opts.council),
      outcome: h.status === 'closed' && h.outcome ? h.outcome : null,
    })),
    actions: plan.actions,
    followUp: waiting ? { id: waiting.id, services: [...services].map(([id, name]) => ({ id, name })) } : null,
  };
}

// What a service sees of a hand-off: one read of the database, shaped once, and rendered by each target
// (Slack blocks, the webhook's JSON, the email, the desk's service view) so they never disagree.
import type { Prisma } from '../generated/prisma/client.ts';
import type { HandoffStatus } from '../generated/prisma/enums.ts';
import { wellbeingInWords } from '../followup/wellbeing.ts';

type Client = Prisma.TransactionClient;

export interface ExcerptLine {
  at: string;
  from: 'customer' | 'council';
  channel: string;
  text: string;
}

/** How needs and facts are named to a service: the taxonomy's labels, the bot's fact names. */
export interface HandoffWords {
  need: (code: string) => string;
  fact: (key: string) => string;
}

export interface HandoffView {
  id: string;
  reference: string;
  /** The conversation it was made from (the customer's words and the contact centre's side of it). */
  conversationId: string;
  status: HandoffStatus;
  statusAt: Date;
  urgent: boolean;
  createdAt: Date;
  dueAt: Date;
  /** When supervisors were told it was still not accepted. */
  escalatedAt: Date | null;
  acceptedBy: string | null;
  outcome: string | null;
  note: string | null;
  /** Who recorded the customer's consent: the bot (they said yes to it) or the named agent. */
  consent: { at: Date; recordedBy: string };
  service: { id: string; externalId: string; name: string; organisation: string; target: string; slackChannel: string | null };
  customer: {
    id: string;
    name: string | null;
    phone: string | null;
    email: string | null;
    postcode: string | null;
    language: string | null;
    preferredChannel: string | null;
    accessibilityNeeds: string[];
    /** The channel they used, which a service's reply goes back on. */
    channel: string;
  };
  needs: { code: string; label: string }[];
  facts: { key: string; label: string; value: string }[];
  excerpt: ExcerptLine[];
  /** Since the hand-off: the service's replies to the customer and the customer's answers passed on to it. */
  messages: { id: string; at: Date; from: 'customer' | 'service'; author: string | null; channel: string; text: string }[];
  slack: { channel: string; ts: string } | null;
  /**
   * What the customer answered when asked how things are (the follow-up), newest first: compared with when they
   * first got in touch (1 much worse … 5 much better), and whether this service helped. Their own comment is not
   * here: only the lead agent sees it.
   */
  feedback: { followUpId: string; askedAt: Date; answeredAt: Date; wellbeing: number | null; helped: boolean | null }[];
  /** Every action in the customer's plan, this one included. */
  plan: {
    id: string;
    lead: string | null;
    actions: { id: string; reference: string; service: string; needs: { code: string; label: string }[]; status: HandoffStatus }[];
  };
}

const VIEW_INCLUDE = {
  service: { include: { organization: { select: { name: true } } } },
  createdBy: { select: { displayName: true } },
  conversation: { select: { channel: true } },
  messages: { orderBy: { createdAt: 'asc' }, select: { id: true, direction: true, channel: true, body: true, authorName: true, createdAt: true } },
  customer: { include: { contactPoints: { orderBy: { lastUsedAt: 'desc' }, select: { kind: true, address: true } } } },
  followUpAnswers: {
    where: { followUp: { answeredAt: { not: null } } },
    orderBy: { followUp: { askedAt: 'desc' } },
    select: { helped: true, followUp: { select: { id: true, askedAt: true, answeredAt: true, wellbeing: true } } },
  },
  plan: {
    select: {
      id: true,
      leadAgent: { select: { displayName: true } },
      handoffs: { orderBy: { createdAt: 'asc' }, select: { id: true, reference: true, needs: true, status: true, service: { select: { name: true } } } },
    },
  },
} satisfies Prisma.HandoffInclude;

export async function loadHandoffView(db: Client, handoffId: string, words: HandoffWords): Promise<HandoffView | null> {
  return (await loadHandoffViews(db, [handoffId], words))[0] ?? null;
}

/** Several hand-offs in one query, in the order of the ids given (ids not found are left out). */
export async function loadHandoffViews(db: Client, handoffIds: readonly string[], words: HandoffWords): Promise<HandoffView[]> {
  const rows = await db.handoff.findMany({ where: { id: { in: [...handoffIds] } }, include: VIEW_INCLUDE });
  const byId = new Map(rows.map((row) => [row.id, toView(row, words)]));
  return handoffIds.flatMap((id) => byId.get(id) ?? []);
}

function toView(row: Prisma.HandoffGetPayload<{ include: typeof VIEW_INCLUDE }>, words: HandoffWords): HandoffView {
  const point = (kind: string) => row.customer.contactPoints.find((p) => p.kind === kind)?.address ?? null;
  return {
    id: row.id,
    reference: row.reference,
    conversationId: row.conversationId,
    status: row.status,
    statusAt: row.statusAt,
    urgent: row.urgent,
    createdAt: row.createdAt,
    dueAt: row.dueAt,
    escalatedAt: row.escalatedAt,
    acceptedBy: row.acceptedBy,
    outcome: row.outcome,
    note: row.note,
    consent: { at: row.consentAt, recordedBy: row.createdBy?.displayName ?? 'the customer, to the needs conversation' },
    service: {
      id: row.service.id,
      externalId: row.service.externalId,
      name: row.service.name,
      organisation: row.service.organization.name,
      target: row.service.target,
      slackChannel: row.service.slackChannel,
    },
    customer: {
      id: row.customer.id,
      name: row.customer.displayName,
      phone: point('phone'),
      email: point('email'),
      postcode: row.customer.postcode,
      language: row.customer.language,
      preferredChannel: row.customer.preferredChannel,
      accessibilityNeeds: row.customer.accessibilityNeeds,
      channel: row.conversation.channel,
    },
    needs: row.needs.map((code) => ({ code, label: words.need(code) })),
    facts: Object.entries(row.facts as Record<string, string>).map(([key, value]) => ({ key, label: words.fact(key), value })),
    excerpt: row.excerpt as unknown as ExcerptLine[],
    messages: row.messages.map((m) => ({
      id: m.id,
      at: m.createdAt,
      from: m.direction === 'inbound' ? 'customer' : 'service',
      author: m.authorName,
      channel: m.channel,
      text: m.body,
    })),
    slack: row.slackChannel && row.slackTs ? { channel: row.slackChannel, ts: row.slackTs } : null,
    feedback: row.followUpAnswers.map((a) => ({
      followUpId: a.followUp.id,
      askedAt: a.followUp.askedAt,
      answeredAt: a.followUp.answeredAt!,
      wellbeing: a.followUp.wellbeing,
      helped: a.helped,
    })),
    plan: {
      id: row.plan.id,
      lead: row.plan.leadAgent?.displayName ?? null,
      actions: row.plan.handoffs.map((h) => ({
        id: h.id,
        reference: h.reference,
        service: h.service.name,
        needs: h.needs.map((code) => ({ code, label: words.need(code) })),
        status: h.status,
      })),
    },
  };
}

/** What the customer said in their own words: their longer messages, first the one that started it. */
export function inTheirWords(view: HandoffView, max = 5): string[] {
  return view.excerpt
    .filter((l) => l.from === 'customer' && l.text.trim().split(/\s+/).length >= 4)
    .slice(0, max)
    .map((l) => l.text);
}

/** The customer's message a customer_message delivery passes on. */
export function relayedMessage(view: HandoffView, messageId: string | null): HandoffView['messages'][number] {
  const message = view.messages.find((m) => m.id === messageId);
  if (!message) throw new Error(`message ${messageId} is not one of hand-off ${view.reference}'s`);
  return message;
}

/** What the customer said when asked how things are, as a service reads it (their own comment is not passed on). */
export function feedbackLines(view: HandoffView, followUpId: string | null): string[] {
  // That follow-up's answers only: another one's (an earlier or later asking) would be passed on as these.
  const answer = view.feedback.find((f) => f.followUpId === followUpId);
  if (!answer) throw new Error(`hand-off ${view.reference} has no answered follow-up ${followUpId}`);
  return [
    // They were asked about their whole situation, not this hand-off: the reference says which one it follows.
    `Follow-up on hand-off ${view.reference}: the customer was asked how things are now.`,
    answer.wellbeing ? `Compared with when they first got in touch, things are ${wellbeingInWords(answer.wellbeing)}.` : 'They did not say how things are now.',
    answer.helped === null ? `They did not say whether ${view.service.name} helped.` : `Did ${view.service.name} help? ${answer.helped ? 'Yes' : 'No'}.`,
  ];
}

/** Not closed or passed on: still someone's to act on (a failed one is a supervisor's). */
export const OPEN_STATUSES: HandoffStatus[] = ['sent', 'delivered', 'accepted', 'failed'];
/** With a service now: a need in one of these is not handed off again (and the desk shows it as handed). */
export const WITH_SERVICE_STATUSES: HandoffStatus[] = ['sent', 'delivered', 'accepted'];

/** Plain words for a status, as services and customers read it. */
export const STATUS_WORDS: Record<HandoffStatus, string> = {
  sent: 'sent, not yet received',
  delivered: 'received, waiting to be accepted',
  accepted: 'accepted',
  redirected: 'passed to another service',
  closed: 'closed',
  failed: 'could not be delivered',
};

/** The hand-off in a few plain lines: what the service needs to act without asking again. */
export function summaryLines(view: HandoffView): string[] {
  const lines = [`Needs: ${view.needs.map((n) => n.label).join('; ')}${view.urgent ? ' (URGENT: signs of immediate danger)' : ''}`];
  const who = [view.customer.name ?? 'Name not given', view.customer.phone, view.customer.email, view.customer.postcode].filter(Boolean).join(', ');
  lines.push(`Customer: ${who}`);
  if (view.customer.accessibilityNeeds.length) lines.push(`Accessibility: ${view.customer.accessibilityNeeds.join('; ')}`);
  // One line per answer: words that give two facts ("text only, 07911 200411": how to reach them, and how to
  // do it safely) are shown once, under both names.
  const labelsByValue = new Map<string, string[]>();
  for (const fact of view.facts) labelsByValue.set(fact.value, [...(labelsByValue.get(fact.value) ?? []), fact.label]);
  for (const [value, labels] of labelsByValue) lines.push(`${labels.join(' / ')}: ${value}`);
  if (view.note) lines.push(`Note from the contact centre: ${view.note}`);
  lines.push(`Consent to share: given ${view.consent.at.toISOString().slice(0, 16).replace('T', ' ')} UTC, recorded by ${view.consent.recordedBy}`);
  return lines;
}

// Pure: a Bot Framework Activity (Teams, Web Chat, Direct Line through Azure Bot Service) → InboundContact.
import { z } from 'zod';
import { InboundContact, type Normalised } from '../contract.ts';

const Account = z.object({ id: z.string().min(1).max(256), name: z.string().max(256).optional(), role: z.string().max(32).optional() }).passthrough();

/** A Teams @mention: its markup in the text ("<at>Council Help</at>") and who it names. */
const Mention = z
  .object({ type: z.literal('mention'), text: z.string().max(512).optional(), mentioned: z.object({ id: z.string() }).passthrough() })
  .passthrough();

export const IncomingActivity = z
  .object({
    type: z.string().min(1).max(64),
    id: z.string().min(1).max(256).optional(),
    channelId: z.string().min(1).max(64),
    serviceUrl: z.url(),
    conversation: z.object({ id: z.string().min(1).max(512) }).passthrough(),
    from: Account,
    recipient: Account,
    text: z.string().max(20_000).optional(),
    locale: z.string().max(32).optional(),
    entities: z.array(z.record(z.string(), z.unknown())).max(100).optional(),
    /** What a card's button or form sent (messageBack, Action.Submit), often with no text at all. */
    value: z.unknown().optional(),
  })
  .passthrough();
export type IncomingActivity = z.infer<typeof IncomingActivity>;

/** What the hub needs to write back into the same Bot Framework conversation later. */
export const ConversationReference = z.object({
  channelId: z.string(),
  serviceUrl: z.url(),
  conversation: z.object({ id: z.string() }),
  agent: z.object({ id: z.string(), name: z.string().optional() }),
  user: z.object({ id: z.string(), name: z.string().optional() }),
  locale: z.string().optional(),
});
export type ConversationReference = z.infer<typeof ConversationReference>;

/** The customer's words without the markup of mentions: the bot's own name goes, other people's names stay as text. */
function withoutMentions(activity: IncomingActivity): string {
  let text = activity.text ?? '';
  for (const entity of activity.entities ?? []) {
    const mention = Mention.safeParse(entity);
    if (mention.success && mention.data.mentioned.id === activity.recipient.id && mention.data.text) text = text.split(mention.data.text).join(' ');
  }
  return text
    .replace(/<at>(.*?)<\/at>/gi, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A card's submitted value as words an agent can read ("choice: housing; postcode: TF1 1AA"). */
function valueAsText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'object') return String(value).slice(0, 2_000);
  return Object.entries(value as Record<string, unknown>)
    .map(([key, v]) => `${key}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('; ')
    .slice(0, 2_000);
}

/** A message activity → a contact; other activity types (typing, conversation updates) are not contacts. */
export function normaliseActivity(activity: IncomingActivity, receivedAt: Date): Normalised<InboundContact | null> {
  if (activity.type !== 'message') return { ok: true, value: null };
  // The bot's own activities (echoed by some channels) are not a customer writing: answering them would loop.
  if (activity.from.role === 'bot' || activity.from.id === activity.recipient.id) return { ok: true, value: null };
  const text = withoutMentions(activity) || valueAsText(activity.value);
  if (!activity.id) return { ok: false, reason: 'id is required on a message activity' };
  if (!text) return { ok: false, reason: 'text is empty (only text messages are taken)' };
  const reference: ConversationReference = {
    channelId: activity.channelId,
    serviceUrl: activity.serviceUrl,
    conversation: { id: activity.conversation.id },
    agent: { id: activity.recipient.id, name: activity.recipient.name },
    user: { id: activity.from.id, name: activity.from.name },
    locale: activity.locale,
  };
  return {
    ok: true,
    value: InboundContact.parse({
      channel: 'botframework',
      // Activity ids are unique within a conversation: together they are the idempotency key.
      providerMessageId: `${activity.conversation.id}:${activity.id}`.slice(0, 255),
      // The person, as the connected channel knows them (a Teams user, a Direct Line user id).
      from: { kind: 'botframework_user', address: `${activity.channelId}:${activity.from.id}`.slice(0, 320) },
      to: `${activity.channelId}:${activity.recipient.id}`.slice(0, 320),
      text,
      attachments: [],
      receivedAt: receivedAt.toISOString(),
      raw: { reference, ...(activity.value !== undefined ? { value: activity.value } : {}) },
    }),
  };
}

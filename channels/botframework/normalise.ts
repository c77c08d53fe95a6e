// Pure: a Bot Framework Activity (Teams, Web Chat, Direct Line through Azure Bot Service) → InboundContact.
import { z } from 'zod';
import { InboundContact, type Normalised } from '../contract.ts';

const Account = z.object({ id: z.string().min(1).max(256), name: z.string().max(256).optional() }).passthrough();

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

/** A message activity → a contact; other activity types (typing, conversation updates) are not contacts. */
export function normaliseActivity(activity: IncomingActivity, receivedAt: Date): Normalised<InboundContact | null> {
  if (activity.type !== 'message') return { ok: true, value: null };
  const text = activity.text?.trim();
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
      raw: { reference },
    }),
  };
}

// Pure: what a visitor's browser sends over the /chat socket → InboundContact, or why it is refused.
import { z } from 'zod';
import { InboundContact, type Normalised } from '../contract.ts';

export const MAX_CHAT_TEXT = 2000;

/** Visitor ids are random UUIDs made by the widget: they are a bearer secret for the transcript. */
export const VisitorId = z.uuid('visitorId must be a UUID');

export const ChatMessageEvent = z.object({
  /** Made by the browser for each message; resending after a reconnect reuses it (idempotency key). */
  clientMessageId: z.uuid('clientMessageId must be a UUID'),
  text: z.string().trim().min(1, 'text is empty').max(MAX_CHAT_TEXT, `text is longer than ${MAX_CHAT_TEXT} characters`),
});

export function normaliseChatMessage(visitorId: string, payload: unknown, receivedAt: Date): Normalised<InboundContact> {
  const event = ChatMessageEvent.safeParse(payload);
  if (!event.success) return { ok: false, reason: event.error.issues[0]?.message ?? 'invalid message' };
  return {
    ok: true,
    value: InboundContact.parse({
      channel: 'webchat',
      // Scoped by visitor: two visitors can never collide, and a replay by the same visitor is a duplicate.
      providerMessageId: `${visitorId}:${event.data.clientMessageId}`,
      from: { kind: 'webchat_visitor', address: visitorId },
      to: 'webchat',
      text: event.data.text,
      attachments: [],
      receivedAt: receivedAt.toISOString(),
      raw: { clientMessageId: event.data.clientMessageId },
    }),
  };
}

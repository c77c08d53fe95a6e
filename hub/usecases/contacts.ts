// Contact that does not start on a channel: an agent writes down what a person told them face to face (a walk-in,
// the reception desk), or writes first to a customer at an address on their record. Both join the customer's one
// open conversation, as any contact does, so the needs, plan and hand-offs that follow are the usual ones.
import type { ChannelKind } from '../../channels/contract.ts';
import { kindsThat, textChannelFor } from '../../channels/registry.ts';
import { isUniqueViolation, type Db, type Tx } from '../db/client.ts';
import { fx, type Effect } from '../effects.ts';
import { lockCustomer } from '../conversation/thread.ts';
import { createReply, ReplyError, type QueuedReply } from '../outbound/compose.ts';
import { Refused } from './errors.ts';

/** A person not yet on record: their addresses already normalised (E.164, lower-case email). */
export interface NewCustomer {
  displayName: string;
  postcode?: string;
  addresses: { kind: 'phone' | 'email'; address: string }[];
}

export interface RecordContactInput {
  agentId: string;
  agentName: string;
  customer: { id: string } | { new: NewCustomer };
  /** What the person said, in their words. */
  story: string;
  /** The desk's id for this submission: the same id sent twice records one contact. */
  requestId: string;
  /** The needs detector saw signs of immediate danger in the story. */
  urgent: boolean;
  enabledChannels: readonly ChannelKind[];
}

export interface RecordedContact {
  customerId: string;
  conversationId: string;
  messageId: string;
  effects: Effect[];
}

/** What contact not started on a channel this hub offers: recording one in person, and writing first to which addresses. */
export function contactOptions(enabledChannels: readonly ChannelKind[]): { inPerson: boolean; writeTo: ('phone' | 'email')[] } {
  return {
    inPerson: kindsThat('recordedAtDesk').some((kind) => enabledChannels.includes(kind)),
    writeTo: (['phone', 'email'] as const).filter((to) => {
      const channel = textChannelFor(to);
      return !!channel && enabledChannels.includes(channel);
    }),
  };
}

/** Records a contact in person on the customer's open conversation (started, and kept by this agent, if none). */
export async function recordContact(db: Db, input: RecordContactInput): Promise<RecordedContact> {
  const channel = kindsThat('recordedAtDesk').find((kind) => input.enabledChannels.includes(kind));
  if (!channel) throw new Refused('conflict', 'contact in person is switched off in this hub (IN_PERSON_ENABLED)');
  // The contact this submission already recorded, if any: answered again, with nothing more to apply.
  const earlier = async (): Promise<RecordedContact | null> => {
    const row = await db.message.findUnique({
      where: { channel_providerMessageId: { channel, providerMessageId: input.requestId } },
      select: { id: true, conversationId: true, conversation: { select: { customerId: true } } },
    });
    return row && { customerId: row.conversation.customerId, conversationId: row.conversationId, messageId: row.id, effects: [] };
  };
  const found = await earlier();
  if (found) return found;
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.$transaction(async (tx) => {
        const customerId = 'id' in input.customer ? await existingCustomer(tx, input.customer.id) : await newCustomer(tx, input.customer.new);
        const { conversationId, taken } = await openConversation(tx, customerId, channel, input.agentId);
        const now = new Date();
        const message = await tx.message.create({
          data: {
            conversationId,
            direction: 'inbound',
            channel,
            providerMessageId: input.requestId,
            status: 'received',
            fromAddress: '',
            toAddress: '',
            body: input.story,
            agentId: input.agentId,
            notices: [`Told in person to ${input.agentName}`],
          },
          select: { id: true },
        });
        // The channel the customer last used: replies go to an address on their record (this one sends nothing).
        await tx.conversation.update({ where: { id: conversationId }, data: { channel, lastMessageAt: now } });
        if (input.urgent) await tx.conversation.updateMany({ where: { id: conversationId, urgentAt: null }, data: { urgentAt: now } });
        const effects: Effect[] = [fx.publish({ type: 'message.created', conversationId, messageId: message.id }), fx.conversationChanged(conversationId)];
        // Taken off the waiting list: routing withdraws any offer of it to someone else.
        if (taken) effects.push(fx.queueChanged(), fx.route());
        return { customerId, conversationId, messageId: message.id, effects };
      });
    } catch (error) {
      if (!isUniqueViolation(error) || attempt > 0) throw error;
      // The same submission recorded meanwhile (a double click), or a conversation or address taken: look again.
      const raced = await earlier();
      if (raced) return raced;
    }
  }
}

export interface StartOutboundInput {
  agentId: string;
  customerId: string;
  /** Which of their addresses: the channel that writes to that kind of address carries it (SMS for a phone). */
  to: 'phone' | 'email';
  text: string;
  enabledChannels: readonly ChannelKind[];
}

/** The agent writes first: on the customer's open conversation if they have one nobody else holds, else a new one. */
export async function startOutbound(db: Db, input: StartOutboundInput): Promise<{ conversationId: string; reply: QueuedReply; effects: Effect[] }> {
  const channel = textChannelFor(input.to);
  if (!channel || !input.enabledChannels.includes(channel))
    throw new Refused('conflict', `no channel that writes to ${input.to === 'phone' ? 'a phone number' : 'an email address'} is switched on in this hub`);
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.$transaction(async (tx) => {
        await existingCustomer(tx, input.customerId);
        const open = await tx.conversation.findUnique({
          where: { openForCustomer: input.customerId },
          select: { assignedAgentId: true, assignedAgent: { select: { displayName: true } } },
        });
        if (open?.assignedAgentId && open.assignedAgentId !== input.agentId)
          throw new Refused(
            'conflict',
            `${open.assignedAgent?.displayName ?? 'Another agent'} is handling an open conversation with this customer: write there`,
          );
        const { conversationId } = await openConversation(tx, input.customerId, channel, input.agentId);
        const reply = await createReply(tx, {
          conversationId,
          agentId: input.agentId,
          text: input.text,
          enabledChannels: input.enabledChannels,
          channel,
        });
        return {
          conversationId,
          reply,
          effects: [...fx.message(conversationId, reply.id), fx.conversationChanged(conversationId), fx.queueChanged(), fx.route()],
        };
      });
    } catch (error) {
      if (error instanceof ReplyError) throw new Refused(error.status === 404 ? 'not_found' : error.status === 409 ? 'conflict' : 'invalid', error.message);
      // Two first messages at once: the second joins the conversation the first started.
      if (!isUniqueViolation(error) || attempt > 0) throw error;
    }
  }
}

async function existingCustomer(tx: Tx, customerId: string): Promise<string> {
  const row = await lockCustomer(tx, customerId);
  if (!row) throw new Refused('not_found', 'customer not found');
  if (row.mergedIntoId) throw new Refused('gone', 'that record was merged into another: find the customer again');
  if (row.erasedAt) throw new Refused('gone', 'this customer’s data was erased');
  return customerId;
}

async function newCustomer(tx: Tx, person: NewCustomer): Promise<string> {
  // An address already on a record means the person is known: never a second record (that would need a merge).
  for (const { kind, address } of person.addresses) {
    const taken = await tx.contactPoint.findUnique({ where: { kind_address: { kind, address } }, select: { customerId: true } });
    if (taken)
      throw new Refused('conflict', `${kind === 'phone' ? 'that phone number' : 'that email address'} is already on a customer’s record: find them instead`);
  }
  const customer = await tx.customer.create({
    data: {
      displayName: person.displayName,
      postcode: person.postcode ?? null,
      contactPoints: { create: person.addresses.map(({ kind, address }) => ({ kind, address, verifiedBy: 'agent-checked' })) },
    },
    select: { id: true },
  });
  return customer.id;
}

/** The customer's open conversation, or a new one; taken by this agent unless someone already has it. */
async function openConversation(tx: Tx, customerId: string, channel: ChannelKind, agentId: string): Promise<{ conversationId: string; taken: boolean }> {
  const now = new Date();
  const open = await tx.conversation.findUnique({ where: { openForCustomer: customerId }, select: { id: true, assignedAgentId: true } });
  if (open) {
    if (open.assignedAgentId) return { conversationId: open.id, taken: false };
    await tx.conversation.update({ where: { id: open.id }, data: { assignedAgentId: agentId, assignedAt: now, waitingSince: null, handler: 'person' } });
    return { conversationId: open.id, taken: true };
  }
  const created = await tx.conversation.create({
    data: { customerId, openForCustomer: customerId, channel, handler: 'person', assignedAgentId: agentId, assignedAt: now },
    select: { id: true },
  });
  return { conversationId: created.id, taken: false };
}

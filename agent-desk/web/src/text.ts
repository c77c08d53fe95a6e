// Words the desk shows, derived from the hub's data. Everything is rendered as React text: never as HTML.
import type { Call, ContactPoint, ConversationSummary, Customer, Message, Offer } from './api.ts';

/**
 * A web-chat visitor's short, stable number (1000 to 9999), from their visitor id: agents can say "Web visitor
 * 4821" to each other, where the id itself is a 36-character UUID. Not unique (two visitors may share one), so
 * it names a customer on screen and is never used to find one.
 */
export function visitorNumber(visitorId: string): number {
  // FNV-1a: a few lines, and the same number in every browser.
  let hash = 0x811c9dc5;
  for (let i = 0; i < visitorId.length; i++) {
    hash ^= visitorId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return 1000 + (hash % 9000);
}

/** One of a customer's addresses as an agent reads it: a web visitor by their short number, not their id. */
export function addressLabel(point: ContactPoint): string {
  return point.kind === 'webchat_visitor' ? `Web visitor ${visitorNumber(point.address)}` : point.address;
}

export function contactLabel(customer: Pick<Customer, 'id' | 'displayName' | 'contactPoints'>): string {
  return customer.displayName || customer.contactPoints.map(addressLabel).join(', ') || 'Unknown customer';
}

/** "just now", "3 min ago", "2 h ago", "yesterday", "28 Nov": how long ago, as a list shows it. */
export function relativeTime(iso: string, now = Date.now()): string {
  const then = new Date(iso);
  const minutes = Math.floor((now - then.getTime()) / 60000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 12 * 60) return `${Math.floor(minutes / 60)} h ago`;
  const day = (d: Date) => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
  const days = Math.round((day(new Date(now)) - day(then)) / 86_400_000);
  if (days === 0) return then.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  if (days === 1) return 'yesterday';
  return then.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });
}

/** The exact date and time, for a title beside a relative one. */
export function exactTime(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** Whether the customer wrote since this agent last opened the conversation. */
export function isUnread(c: Pick<ConversationSummary, 'lastInbound' | 'readAt'>): boolean {
  return !!c.lastInbound && (!c.readAt || c.lastInbound.createdAt > c.readAt);
}

export function minutesSince(iso: string, now = Date.now()): number {
  return Math.max(0, Math.round((now - new Date(iso).getTime()) / 60000));
}

export function whoHasIt(c: Pick<ConversationSummary, 'assignedAgent' | 'waitingSince' | 'team'>, meId: string | null, now = Date.now()): string {
  if (c.assignedAgent) return c.assignedAgent.id === meId ? 'yours' : `with ${c.assignedAgent.displayName}`;
  if (c.waitingSince) return `waiting ${minutesSince(c.waitingSince, now)} min${c.team ? ` for ${c.team.name}` : ''}`;
  return '';
}

/** Who wrote a message, as the agent reads it: their own replies are "You"; a colleague or a service by name. */
export function senderLabel(m: Message, meId: string | null): string {
  const sender =
    m.sender ?? (m.direction === 'inbound' ? { kind: 'customer' as const } : m.fromBot ? { kind: 'bot' as const } : { kind: 'automatic' as const });
  switch (sender.kind) {
    case 'customer':
      return 'Customer';
    case 'agent':
      return sender.agentId === meId ? 'You' : (sender.name ?? 'A former colleague');
    case 'service':
      return sender.service ? `${sender.name} for ${sender.service}` : sender.name;
    case 'bot':
      return 'Bot';
    case 'automatic':
      return 'Automatic message';
  }
}

export function statusText(m: Message): string {
  if (m.direction === 'inbound') return `received ${new Date(m.createdAt).toLocaleTimeString('en-GB')}`;
  return m.status === 'failed' ? `failed to send: ${m.errorMessage || m.errorCode || 'unknown error'}` : m.status;
}

export const CALL_STATE: Record<Call['state'], string> = { queued: 'waiting', connecting: 'ringing your phone', connected: 'on the line', ended: 'ended' };
export const CALL_EVENT: Record<string, string> = {
  queued: 'asked for a person',
  taken: 'taken',
  ringing: 'ringing',
  answered: 'answered',
  completed: 'ended',
  busy: 'busy',
  no_answer: 'not answered',
  failed: 'failed',
  canceled: 'cancelled',
  returned_to_queue: 'back in the queue',
};

export function minutesWaiting(call: Call, now = Date.now()): string {
  const minutes = Math.floor((now - new Date(call.queuedAt).getTime()) / 60000);
  return minutes < 1 ? 'under a minute' : `${minutes} min`;
}

export const FACT_NAMES: Record<string, string> = {
  deadline: 'Deadline',
  household: 'Household',
  safeContact: 'Contact safely',
  school: 'Children and school',
  caredFor: 'Cares for',
  address: 'Address or place',
  contact: 'How to reach them',
};
export const SOURCE: Record<string, string> = { bot: 'found by the bot', agent: 'added by an agent', service: 'added by a service' };
/**
 * Each channel's name for people, as its module declares it (channels/<name>/, through GET /api/site): filled
 * once before the desk first renders (main.tsx), so a new channel needs nothing here. A kind not listed shows as
 * itself.
 */
export const CHANNEL_NAMES: Record<string, string> = {};
/** Each channel's icon, by the name of a picture Icons.tsx draws (none: a plain one). */
export const CHANNEL_ICONS: Record<string, string> = {};

export function learnChannels(channels: readonly { kind: string; label: string; icon: string | null }[]): void {
  for (const c of channels) {
    CHANNEL_NAMES[c.kind] = c.label;
    if (c.icon) CHANNEL_ICONS[c.kind] = c.icon;
  }
}

export const PRESENCE_NAMES: Record<string, string> = { available: 'Available', busy: 'Busy', away: 'Away', offline: 'Offline' };

export const PRESENCE_NOTE: Record<string, string> = {
  available: 'You are offered conversations.',
  busy: 'You are not offered new conversations.',
  away: 'You are not offered new conversations.',
  offline: 'You are not offered new conversations.',
};

export function secondsLeft(offer: Offer, now = Date.now()): number {
  return Math.max(0, Math.round((new Date(offer.expiresAt).getTime() - now) / 1000));
}

/** What a search box matches a conversation on: the customer's name, addresses and label, the last messages. */
export function searchText(c: ConversationSummary): string {
  return [
    c.customer.displayName ?? '',
    ...c.customer.contactPoints.map((p) => p.address),
    contactLabel(c.customer),
    // A postcode typed with or without its space.
    c.customer.postcode ?? '',
    c.customer.postcode?.replace(/\s/g, '') ?? '',
    c.lastInbound?.body ?? '',
    c.lastMessage?.body ?? '',
    c.channel,
  ]
    .join(' ')
    .toLowerCase();
}

// Hand-offs as the desk reads them (GET /api/handoffs…, shaped by hub/handoff/view.ts), the plain words for
// them, and the small helpers the Services panel, the service view and the supervisors' list share.
import { useEffect, useRef } from 'react';
import type { Socket } from 'socket.io-client';
import { ApiError, errorText } from './api.ts';
import { wellbeingInWords } from '../../../hub/followup/wellbeing.ts';

export type HandoffStatus = 'sent' | 'delivered' | 'accepted' | 'redirected' | 'closed' | 'failed';

export interface Handoff {
  id: string;
  reference: string;
  /** The conversation it was made from. */
  conversationId: string;
  status: HandoffStatus;
  statusAt: string;
  urgent: boolean;
  createdAt: string;
  dueAt: string;
  acceptedBy: string | null;
  outcome: string | null;
  note: string | null;
  consent: { at: string; recordedBy: string };
  service: { id: string; name: string; organisation: string };
  customer: {
    id: string;
    name: string | null;
    phone: string | null;
    email: string | null;
    postcode: string | null;
    language: string | null;
    preferredChannel: string | null;
    accessibilityNeeds: string[];
    channel: string;
  };
  needs: { code: string; label: string }[];
  facts: { key: string; label: string; value: string }[];
  excerpt: { at: string; from: 'customer' | 'council'; channel: string; text: string }[];
  /** Since the hand-off: the service's replies and the customer's answers. */
  messages: { id: string; at: string; from: 'customer' | 'service'; author: string | null; channel: string; text: string }[];
  /**
   * What the customer answered when asked how things are, newest first: compared with when they first got in
   * touch (1 much worse … 5 much better), and whether this service helped. Never their own comment.
   */
  feedback: { followUpId: string; askedAt: string; answeredAt: string; wellbeing: number | null; helped: boolean | null }[];
  plan: {
    id: string;
    lead: string | null;
    actions: { id: string; reference: string; service: string; needs: { code: string; label: string }[]; status: HandoffStatus }[];
  };
}

export interface HandoffEvent {
  kind: string;
  actor: string | null;
  at: string;
}

export interface ServiceEntry {
  id: string;
  name: string;
  organisation: string;
  needs: string[];
}

/** One of the conversation's needs, and where handing it on would send it (GET …/handoffs/preview). */
export interface PreviewNeed {
  code: string;
  label: string;
  urgent: boolean;
  owner: { id: string; name: string; organisation: string } | null;
  handedOff: { reference: string; service: string } | null;
}

/** The hand-off's desk event: the desks that see its conversation, its service and supervisors hear it. */
export interface HandoffUpdated {
  handoffId: string;
  conversationId: string;
}

// The same words as hub/handoff/view.ts STATUS_WORDS: services and customers read those, so agents read them too.
export const STATUS_WORDS: Record<HandoffStatus, string> = {
  sent: 'sent, not yet received',
  delivered: 'received, waiting to be accepted',
  accepted: 'accepted',
  redirected: 'passed to another service',
  closed: 'closed',
  failed: 'could not be delivered',
};

export const EVENT_WORDS: Record<string, string> = {
  created: 'Handed on',
  delivered: 'Received by the service',
  delivery_failed: 'Could not be delivered',
  accepted: 'Accepted',
  redirected: 'Passed to another service',
  replied: 'Replied to the customer',
  closed: 'Closed',
  reminded: 'Not accepted in time: the service was reminded',
  escalated: 'Still not accepted: supervisors were told',
  resent: 'Sent again',
  customer_replied: 'The customer answered',
  reply_unverified: 'An email claiming to be the service’s reply could not be confirmed as theirs: it was not sent to the customer',
};

/**
 * One follow-up answer in plain words: "Customer says things are better (4 of 5) · Your service helped: yes".
 * `service` is who reads it: "Your service" for its own team, else the service's name.
 */
export function feedbackText(f: Pick<Handoff['feedback'][number], 'wellbeing' | 'helped'>, service: string): string {
  const things = f.wellbeing ? `Customer says things are ${wellbeingInWords(f.wellbeing)}` : 'Customer did not say how things are';
  return `${things} · ${service} helped: ${f.helped === null ? 'not answered' : f.helped ? 'yes' : 'no'}`;
}

/** "accepted by Ali", "closed (accepted by Ali)": who accepted it stays visible after it moves on. */
export function statusLine(h: { status: HandoffStatus; acceptedBy: string | null }): string {
  if (!h.acceptedBy) return STATUS_WORDS[h.status];
  return h.status === 'accepted' ? `accepted by ${h.acceptedBy}` : `${STATUS_WORDS[h.status]} (accepted by ${h.acceptedBy})`;
}

const UNANSWERED: HandoffStatus[] = ['sent', 'delivered', 'failed'];

/** Not accepted by its accept-by time. */
export function isOverdue(h: Pick<Handoff, 'status' | 'dueAt'>, now = Date.now()): boolean {
  return UNANSWERED.includes(h.status) && new Date(h.dueAt).getTime() < now;
}

export const isFinished = (h: Pick<Handoff, 'status'>) => h.status === 'closed' || h.status === 'redirected';

export const when = (iso: string) => new Date(iso).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });

/** What the customer wrote in their own words: their longer messages (as hub/handoff/view.ts inTheirWords). */
export function inTheirWords(h: Handoff, max = 5): string[] {
  return h.excerpt
    .filter((l) => l.from === 'customer' && l.text.trim().split(/\s+/).length >= 4)
    .slice(0, max)
    .map((l) => l.text);
}

/** The hub's error as a sentence a service-team member can act on. */
export function plainError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 400) return 'Something in the form is not right. Check it and try again.';
    if (error.status === 401) return 'You have been signed out. Reload the page and sign in again.';
    if (error.status === 403) return 'Your account cannot do this.';
    if (error.status === 404) return 'This hand-off is not there any more, or it is not for your service.';
  }
  if (error instanceof TypeError) return 'The hub could not be reached. Check your connection and try again.';
  const text = errorText(error).trim();
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? '' : '.'}`;
}

/** Subscribes to one socket event for as long as the component is mounted; the newest handler is always called. */
export function useSocketEvent<T>(socket: Socket | null, name: string, handler: (payload: T) => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    if (!socket) return;
    const listener = (payload: T) => latest.current(payload);
    socket.on(name, listener);
    return () => void socket.off(name, listener);
  }, [socket, name]);
}

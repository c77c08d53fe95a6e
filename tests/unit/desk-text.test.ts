// The desk's words that are worked out rather than written: a web visitor's short number, how long ago, whether
// a conversation is unread for the agent, and what a customer said of a hand-off afterwards. (The browser tests
// see them on the page.)
import { describe, expect, it } from 'vitest';
import type { Message } from '../../agent-desk/web/src/api.ts';
import { contactLabel, isUnread, relativeTime, visitorNumber } from '../../agent-desk/web/src/text.ts';
import { feedbackText } from '../../agent-desk/web/src/handoffs.ts';

const visitor = (address: string) => ({ id: 'c', displayName: null, contactPoints: [{ kind: 'webchat_visitor', address }] });

describe('a web visitor’s name on the desk', () => {
  it('is "Web visitor" and four digits, the same for the same visitor, never their id', () => {
    const id = '6f1c2b8e-3d4a-4f6b-9c7d-2e1f0a9b8c7d';
    const label = contactLabel(visitor(id));
    expect(label).toMatch(/^Web visitor \d{4}$/);
    expect(label).not.toContain(id);
    expect(contactLabel(visitor(id))).toBe(label);
  });

  it('spreads visitors over the numbers from 1000 to 9999', () => {
    const numbers = Array.from({ length: 2000 }, (_, i) => visitorNumber(`00000000-0000-4000-8000-${String(i).padStart(12, '0')}`));
    expect(Math.min(...numbers)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...numbers)).toBeLessThanOrEqual(9999);
    // As evenly as chance: 2,000 random draws from 9,000 numbers give about 1,800 different ones.
    expect(new Set(numbers).size).toBeGreaterThan(1700);
  });

  it('is the name, or the other addresses, when the customer has them', () => {
    expect(contactLabel({ id: 'c', displayName: 'Priya Shah', contactPoints: [{ kind: 'webchat_visitor', address: 'x' }] })).toBe('Priya Shah');
    expect(contactLabel({ id: 'c', displayName: null, contactPoints: [{ kind: 'phone', address: '+447700900123' }] })).toBe('+447700900123');
  });
});

describe('how long ago', () => {
  const now = Date.parse('2026-12-03T12:00:00Z');
  it.each([
    [10_000, 'just now'],
    [60_000, '1 min ago'],
    [59 * 60_000, '59 min ago'],
    [3 * 3_600_000, '3 h ago'],
    [13 * 3_600_000, 'yesterday'],
  ])('%i ms before is "%s"', (before, words) => {
    expect(relativeTime(new Date(now - before).toISOString(), now)).toBe(words);
  });
});

describe('unread', () => {
  const said = (createdAt: string) => ({ createdAt }) as Message;
  it('is what the customer wrote after the agent last opened it', () => {
    expect(isUnread({ lastInbound: said('2026-12-03T10:00:00.000Z'), readAt: null })).toBe(true);
    expect(isUnread({ lastInbound: said('2026-12-03T10:00:00.000Z'), readAt: '2026-12-03T09:59:00.000Z' })).toBe(true);
    expect(isUnread({ lastInbound: said('2026-12-03T10:00:00.000Z'), readAt: '2026-12-03T10:00:01.000Z' })).toBe(false);
    expect(isUnread({ lastInbound: null, readAt: null })).toBe(false);
  });
});

describe('what the customer said afterwards, on a hand-off', () => {
  it('says how things are and whether the service helped in words, never by colour', () => {
    expect(feedbackText({ wellbeing: 4, helped: true }, 'Your service')).toBe('Customer says things are better (4 of 5) · Your service helped: yes');
    expect(feedbackText({ wellbeing: 1, helped: false }, 'Money Advice')).toBe('Customer says things are much worse (1 of 5) · Money Advice helped: no');
    // Part-answered (they stopped after the first question): what is missing is said too.
    expect(feedbackText({ wellbeing: 3, helped: null }, 'Your service')).toBe(
      'Customer says things are about the same (3 of 5) · Your service helped: not answered',
    );
    expect(feedbackText({ wellbeing: null, helped: null }, 'Your service')).toBe('Customer did not say how things are · Your service helped: not answered');
  });
});

// Who answers a message: the bot or a person. A table of cases for the pure decision.
import { describe, expect, it } from 'vitest';
import { decideRoute, type RouteInput } from '../../hub/routing/decide.ts';

const both = ['sms', 'webchat', 'email'] as const;

describe('who answers a message', () => {
  it.each<[string, RouteInput, 'bot' | 'desk']>([
    ['a new SMS conversation, bot on for SMS', { handler: 'bot', channel: 'sms', botChannels: both }, 'bot'],
    ['a web chat, bot on for web chat', { handler: 'bot', channel: 'webchat', botChannels: both }, 'bot'],
    ['a phone call, bot off for calls', { handler: 'bot', channel: 'voice', botChannels: both }, 'desk'],
    ['a phone call, bot on for calls', { handler: 'bot', channel: 'voice', botChannels: ['voice'] }, 'bot'],
    ['an email, bot on for email (one complete reply)', { handler: 'bot', channel: 'email', botChannels: both }, 'bot'],
    ['an email, bot off for email', { handler: 'bot', channel: 'email', botChannels: ['sms'] }, 'desk'],
    ['the bot switched off everywhere', { handler: 'bot', channel: 'sms', botChannels: [] }, 'desk'],
    ['a person has taken over: the bot never takes it back', { handler: 'person', channel: 'sms', botChannels: both }, 'desk'],
    ['the customer moves from SMS to web chat where the bot is off', { handler: 'bot', channel: 'webchat', botChannels: ['sms'] }, 'desk'],
  ])('%s → %s', (_label, input, route) => {
    expect(decideRoute(input)).toBe(route);
  });
});

// Where a customer's message goes: tables of cases for the pure decision (hub/routing/decide.ts).
import { describe, expect, it } from 'vitest';
import { afterBot, decide, type Route, type RouteFacts } from '../../hub/routing/decide.ts';

/** A fresh inbound text message in a conversation the bot has, bot on for its channel. */
const base: RouteFacts = {
  inbound: true,
  answered: false,
  onCall: false,
  quotesOwnReference: false,
  answersService: false,
  handler: 'bot',
  botAnswersChannel: true,
};

describe('who answers a message', () => {
  it.each<[string, Partial<RouteFacts>, Route]>([
    ['a new SMS conversation, bot on for SMS', {}, 'bot'],
    ['an email, bot off for email', { botAnswersChannel: false }, 'desk'],
    ['a phone call, bot on for calls', { onCall: true }, 'bot'],
    ['a phone call, bot off for calls: the caller waits in the phone queue', { onCall: true, botAnswersChannel: false }, 'none'],
    ['a person has taken over: the bot never takes it back', { handler: 'person' }, 'desk'],
    ['a person has a call: it stays in the phone queue', { handler: 'person', onCall: true }, 'none'],
    ['the bot answered it already (a retried job)', { answered: true }, 'none'],
    ['answered already, a person has it: it still waits for them', { answered: true, handler: 'person' }, 'desk'],
    ['it quotes their own reference, the bot has the conversation', { quotesOwnReference: true }, 'progress'],
    ['it quotes their own reference, a person has the conversation', { quotesOwnReference: true, handler: 'person' }, 'progress'],
    ['a reference said on a call is not answered in writing', { quotesOwnReference: true, onCall: true }, 'bot'],
    ['it answers a service: the service gets it', { answersService: true }, 'relay'],
    ['it answers a service and quotes a reference: progress first', { answersService: true, quotesOwnReference: true }, 'progress'],
    ['a retried relay is passed on once (relay is idempotent)', { answersService: true, answered: true }, 'relay'],
    ['on a call nothing is relayed', { answersService: true, onCall: true, handler: 'person' }, 'none'],
    ['our own outbound message is not routed', { inbound: false }, 'none'],
  ])('%s → %s', (_label, facts, route) => {
    expect(decide({ ...base, ...facts })).toBe(route);
  });
});

describe('after the bot has answered', () => {
  it.each<[string, Parameters<typeof afterBot>[0], 'desk' | 'none']>([
    ['the bot goes on', { handler: 'bot', onCall: false, allNeedsWithServices: false }, 'none'],
    ['the bot handed over: a person picks it up', { handler: 'person', onCall: false, allNeedsWithServices: false }, 'desk'],
    ['every need went to its service: nobody at the contact centre needs to', { handler: 'person', onCall: false, allNeedsWithServices: true }, 'none'],
    ['a caller handed over waits in the phone queue', { handler: 'person', onCall: true, allNeedsWithServices: false }, 'none'],
  ])('%s → %s', (_label, facts, route) => {
    expect(afterBot(facts)).toBe(route);
  });
});

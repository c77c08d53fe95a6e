// Where a customer's stored message goes: pure, from facts the route step has read (hub/usecases/route-message.ts).
// Tested from tables (tests/unit/routing.test.ts).

export type Route =
  /** It quotes one of their references: they are told how their plan is going, whoever has the conversation. */
  | 'progress'
  /** It answers a service's reply: it goes to that service. */
  | 'relay'
  /** The needs bot answers it. */
  | 'bot'
  /** It waits for a person on the desk (routing offers it to an agent). */
  | 'desk'
  /** Nothing more: answered already, or a caller who waits in the phone queue instead. */
  | 'none';

export interface RouteFacts {
  /** Sent by the customer (the route step only ever answers them). */
  inbound: boolean;
  /** Already answered (by the bot, or with their plan's progress): a retried job does nothing twice. */
  answered: boolean;
  /** It came on a live call: the call's own webhook speaks the answers, and callers wait in the phone queue. */
  onCall: boolean;
  /** The customer quotes a reference of their own (the progress text is ready). */
  quotesOwnReference: boolean;
  /** The open hand-off whose service the customer is answering, if any. */
  answersService: boolean;
  /** Who answers this conversation now. */
  handler: 'bot' | 'person';
  /** The bot is on, for this message's channel (BOT_CHANNELS). */
  botAnswersChannel: boolean;
}

export function decide(f: RouteFacts): Route {
  if (!f.inbound) return 'none';
  // Progress and relays are written, not spoken: a caller's words go to the bot or the phone queue.
  if (!f.onCall && !f.answered && f.quotesOwnReference) return 'progress';
  if (!f.onCall && f.answersService) return 'relay';
  // Once a person has it, it stays with people; the bot never takes a conversation back.
  if (f.handler === 'bot' && f.botAnswersChannel) return f.answered ? 'none' : 'bot';
  return f.onCall ? 'none' : 'desk';
}

/** After the bot's turn: whether the conversation now waits for a person on the desk. */
export function afterBot(f: { handler: 'bot' | 'person'; onCall: boolean; allNeedsWithServices: boolean }): 'desk' | 'none' {
  // The bot has handed over (the customer asked for a person, danger, or the needs are gathered), unless every
  // need went straight to the service that owns it. A caller waits in the phone queue instead (hub/calls).
  return f.handler === 'person' && !f.onCall && !f.allNeedsWithServices ? 'desk' : 'none';
}

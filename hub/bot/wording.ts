// What the needs bot says, apart from danger (safety.ts) and the questions for facts (related-needs.json):
// hub/data/bot-wording.json, checked at start so a missing key or a misspelt {placeholder} stops the hub
// with the key named, never a customer's turn.
import { z } from 'zod';
import { Line, loadWording, template } from '../../channels/wording.ts';

/** A yes/no question's instructions on one channel, and the words when the answer was neither. */
const Answer = z.strictObject({ how: Line, again: Line });

export const BotWording = z.strictObject({
  about: z.string().optional(),
  /** The last two items of a list of needs are joined by these: "food and somewhere to live". */
  and: Line,
  or: Line,
  answer: z.strictObject({ voice: Answer, sms: Answer, other: Answer }),
  toPerson: Line,
  whatIsHappening: Line,
  isThatRight: template('needs'),
  gotItWrong: Line,
  /** On a call, "say no"; written, "reply NO". */
  related: z.strictObject({ voice: template('needs'), other: template('needs') }),
  mayWeShare: Line,
  noted: template('needs'),
  nextShared: Line,
  nextNotShared: Line,
  unclear: Line,
  /** Email gets one complete reply, in paragraphs. */
  email: z.strictObject({
    thanks: Line,
    unclear: Line,
    understood: template('needs'),
    related: template('needs'),
    questions: Line,
    question: template('question'),
    mayWeShare: Line,
    next: Line,
  }),
});
export type BotWording = z.output<typeof BotWording>;

export const BOT_WORDING_PATH = new URL('../data/bot-wording.json', import.meta.url);

export function loadBotWording(source?: unknown): BotWording {
  return loadWording(BotWording, BOT_WORDING_PATH, 'hub/data/bot-wording.json', source);
}

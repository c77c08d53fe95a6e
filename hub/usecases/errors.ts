// Why a use case refused: a code the caller maps to its own answer (the desk to an HTTP status), a
// sentence for the person who asked, and what must still happen (a refusal can change state: an offer
// withdrawn because the call could not be put through still sends routing on).
import type { Effect } from '../effects.ts';

export type RefusalCode = 'not_found' | 'conflict' | 'gone' | 'invalid' | 'unavailable';

export class Refused extends Error {
  constructor(
    readonly code: RefusalCode,
    message: string,
    readonly effects: readonly Effect[] = [],
  ) {
    super(message);
  }
}

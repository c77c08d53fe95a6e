// Reading a customer's answer to a follow-up question, typed or tapped: a number first ("4", "4 Better",
// "1 3"), else the few plain words people use ("better", "yes", "none"). Anything else is not an answer: the
// follow-up is set aside and the message is taken as any other, so nobody is trapped in a questionnaire.

/** How long an answer by number or word can be; longer is someone telling us something. */
const MAX_ANSWER_CHARS = 60;

const WELLBEING_PHRASES: [RegExp, number][] = [
  [/^(much|far|a lot|lots) worse\b/, 1],
  [/^worse\b/, 2],
  [/^(about |the |much )?(the )?same\b|^no (real )?change\b|^not much different\b/, 3],
  [/^(much|far|a lot|lots) better\b/, 5],
  [/^better\b/, 4],
];

function clean(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** 1 much worse … 5 much better; null when the message is not such an answer. */
export function readWellbeing(text: string): number | null {
  const t = clean(text);
  if (!t || t.length > MAX_ANSWER_CHARS) return null;
  const number = /^([1-5])(?![\d.,/])/.exec(t);
  if (number) return Number(number[1]);
  for (const [pattern, score] of WELLBEING_PHRASES) if (pattern.test(t)) return score;
  return null;
}

/** Yes or no to "did {service} help?" (1 yes, 2 no); null when not an answer. */
export function readYesNo(text: string): boolean | null {
  const t = clean(text);
  if (!t || t.length > MAX_ANSWER_CHARS) return null;
  if (/^1(?!\d)/.test(t) || /^(yes|yeah|yep|y|they did|it did|a lot|definitely)\b/.test(t)) return true;
  if (/^2(?!\d)/.test(t) || /^(no|nope|n|not really|not at all|they didn'?t|it didn'?t)\b/.test(t)) return false;
  return null;
}

/**
 * Which of `count` numbered services helped: "1 3", "1,3", "1 and 3", "0" or "none" (none), "all". Null when not
 * an answer (a number out of range included).
 */
export function readWhichHelped(text: string, count: number): Set<number> | null {
  const t = clean(text);
  if (!t || t.length > MAX_ANSWER_CHARS) return null;
  if (/^(0|none|no|nope|neither|none of them)\b/.test(t)) return new Set();
  if (/^(all|both|all of them|everyone|every one)\b/.test(t)) return new Set(Array.from({ length: count }, (_, i) => i + 1));
  // The numbers at its start ("1 3", "1, 3 and 4"), before any words (a tapped button "2 Citizens Advice").
  const lead = /^(\d+(?:\s*(?:,|and|&|\s)\s*\d+)*)/.exec(t);
  if (!lead) return null;
  const picked = new Set((lead[1] ?? '').split(/\D+/).filter(Boolean).map(Number));
  if ([...picked].some((n) => n < 1 || n > count)) return null;
  return picked;
}

/** "0", "no", "nothing", or the finish button's words: the customer has nothing to add. */
export function skipsComment(text: string, finishButton: string): boolean {
  const t = clean(text);
  return t === clean(finishButton) || /^(0|no|nope|nothing|no thanks|no thank you|none|finish|that'?s all|n\/a)[\s.!]*$/.test(t);
}

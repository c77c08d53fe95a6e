// Pure text preparation shared by training and detection: what a customer wrote becomes plain lower-case
// words (SMS shorthand spelt out, email greetings and signatures dropped), cut into the pieces that each
// carry one thought, so several needs in one message are found one piece at a time.

/** Lines that open an email and say nothing about a need. */
const GREETING = /^(dear|hi|hello|hiya|hey|good (morning|afternoon|evening)|to whom it may concern)\b(\s*[^\s.!?]+){0,4}\s*[,!]?$/i;
/** A sign-off line: everything from here on is signature, disclaimer or quoted history. */
const SIGN_OFF =
  /^(kind(est)? regards|best regards|warm regards|regards|many thanks|thanks( again| very much| so much)?|thank you( very much| so much)?|cheers|best wishes|best|yours (sincerely|faithfully|truly)|sent from my|get outlook for|this (e-?mail|message) (and any attachments )?(is|are) confidential|-- ?|_{3,}|-{3,}|on .{5,80} wrote:|from: )/i;

/** Removes what an email wraps around the message: greeting lines, and the sign-off with all below it. */
export function stripEmailFurniture(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (const [index, line] of lines.entries()) {
    const trimmed = line.trim();
    // A sign-off ends the message only once something has been said, and not in a one-line text.
    if (kept.length && lines.length > 1 && SIGN_OFF.test(trimmed) && trimmed.length < 80) break;
    // A one-line text is all message ("hi my bins werent collected"): only a longer one has a greeting line.
    if (index < 3 && lines.length > 1 && GREETING.test(trimmed)) continue;
    if (trimmed.startsWith('>')) continue;
    kept.push(line);
  }
  return kept.join('\n');
}

/** Lower case, plain quotes and dashes, no accents: what the shorthand table and the patterns expect. */
export function normalise(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\u2013\u2014]/g, ' - ')
    .toLowerCase();
}

/**
 * Speech-to-text fillers and stutters dropped ("with um with bats", "they're trying they're trying to"): call
 * transcripts are full of them, and they break the phrases the rules and the model read. Words in a repeat are
 * at most 40 characters: unbounded, a long run such as "a'a'a'…" made the search quadratic (32,000 characters
 * took 2 s).
 */
export function dropDisfluencies(text: string): string {
  return text.replace(/\b(?:u+m+|u+h+|e+r+m*|e+h+m+|h+m+|m{2,})\b[,.]?\s*/g, '').replace(/\b((?:[a-z0-9£']{1,40} ){0,3}[a-z0-9£']{1,40})(?: \1\b)+/g, '$1');
}

/** Splits into words, keeping in-word apostrophes so the shorthand table sees "can't" and "cant" alike. */
export function words(text: string): string[] {
  return text.match(/[a-z0-9£]+(?:'[a-z]+)?/g) ?? [];
}

/** Spells out shorthand word by word: "cant pay ur rent 2moro" → "can not pay your rent tomorrow". */
export function expandShorthand(text: string, shorthand: ReadonlyMap<string, string>): string {
  return text.replace(/[a-z0-9£]+(?:'[a-z]+)*/g, (word) => shorthand.get(word) ?? shorthand.get(word.replace(/'/g, '')) ?? word);
}

/** Sentences first (punctuation or line breaks); long unpunctuated speech falls back on joining words. */
const SENTENCE_END = /(?<=[.!?;])\s+|\n+/;
const CLAUSE_JOIN = /,\s*|\s+-\s+|\s+(?:and|but|also|plus|because|as well as|so|and also|then|though|although|which|while|as)\s+/;

/**
 * The pieces of a message to classify one by one: each sentence, and each clause of a sentence, plus the
 * pair of neighbouring clauses (a need is sometimes said across a join: "I'm on my own, can't cope").
 */
export function pieces(text: string): string[] {
  const out = new Set<string>();
  for (const sentence of text.split(SENTENCE_END)) {
    const s = sentence.trim();
    if (!s) continue;
    out.add(s);
    const clauses = s
      .split(CLAUSE_JOIN)
      .map((c) => c.trim())
      .filter(Boolean);
    for (let i = 0; i < clauses.length; i++) {
      out.add(clauses[i]!);
      if (i + 1 < clauses.length) out.add(`${clauses[i]} ${clauses[i + 1]}`);
    }
  }
  return [...out];
}

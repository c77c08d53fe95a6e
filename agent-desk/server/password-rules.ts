// What a new desk password must not be, beyond its length: one of the most common passwords (ASVS 6.2.4), or
// made only of this product's, this council's or this person's own words (ASVS 6.2.11). These are an
// attacker's first guesses, and the lock-out only slows guessing down.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';

const require = createRequire(import.meta.url);
// zxcvbn-ts's list of the 49,000 most common passwords, from breach corpora; read once, from the package.
const COMMON: ReadonlySet<string> = new Set(
  (JSON.parse(readFileSync(require.resolve('@zxcvbn-ts/language-common/src/passwords.json'), 'utf8')) as string[]).map((p) => p.toLowerCase()),
);

const WordsFile = z.object({ words: z.array(z.string().min(1)) });
const PRODUCT_WORDS: readonly string[] = WordsFile.parse(JSON.parse(readFileSync(path.resolve(import.meta.dirname, 'password-words.json'), 'utf8'))).words.map(
  (w) => w.toLowerCase(),
);

/** The letters of a text, lower case, in order: "Council-2026!" → "council". */
const lettersOf = (text: string) => text.toLowerCase().replace(/[^\p{L}]/gu, '');

// Digits and symbols people put for letters ("C0unc1l", "P@ssw0rd"): read back as letters before the checks.
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '!': 'i', '3': 'e', '4': 'a', '@': 'a', '5': 's', $: 's', '7': 't', '8': 'b', '9': 'g' };
// Only inside a word: "Council2026!" keeps its year as a year.
// "1" stands for i or l ("C0unc1l"): both are read.
const unleet = (text: string, one: 'i' | 'l') =>
  text.toLowerCase().replace(/(?<=\p{L})[01!34@5789$]+(?=\p{L})/gu, (run) => [...run].map((c) => (c === '1' ? one : (LEET[c] ?? c))).join(''));

/** How few words of the set `letters` splits into, one after another (each may repeat); Infinity: it does not. */
function fewestWords(letters: string, words: ReadonlySet<string>, longest: number): number {
  // fewest[i]: the fewest words the first i letters split into.
  const fewest = new Array<number>(letters.length + 1).fill(Infinity);
  fewest[0] = 0;
  for (let i = 0; i < letters.length; i++) {
    if (fewest[i] === Infinity) continue;
    for (let j = i + 1; j <= Math.min(letters.length, i + longest); j++) if (words.has(letters.slice(i, j))) fewest[j] = Math.min(fewest[j]!, fewest[i]! + 1);
  }
  return fewest[letters.length]!;
}
const COMMON_LONGEST = Math.max(...[...COMMON].map((w) => w.length));

export interface PasswordContext {
  /** The hub's public address: its host name's words (contact.council.gov.uk → contact, council). */
  publicBaseUrl: string;
  /** The account's own name and email. */
  displayName?: string;
  email?: string;
  /** The names the desk shows (HUB_NAME, COUNCIL_NAME): "Testford Council 2026" is guessed first. */
  siteNames?: readonly (string | null)[];
}

/** Why this password will not do, in words for the person choosing it; null when it will. */
export function passwordProblem(password: string, context: PasswordContext): string | null {
  // Spaces, one key held down, "abcabcabcabc": long enough, but nothing to guess.
  if (new Set(password.toLowerCase().replace(/\s+/g, '')).size < 5)
    return 'this password repeats too few different characters: choose another, e.g. three or four unrelated words';
  const lower = password.toLowerCase();
  // As typed, and with digits and symbols inside words read as the letters they stand for.
  const readings = [...new Set([lettersOf(password), lettersOf(unleet(password, 'i')), lettersOf(unleet(password, 'l'))])];
  // One or two of the most common passwords, as they are, joined, or with digits and symbols for letters or
  // added ("Passw0rd!Passw0rd!", "summer2026summer"); a passphrase of several words is not caught by this.
  if (
    COMMON.has(lower) ||
    COMMON.has(lower.replace(/\s+/g, '')) ||
    readings.some((letters) => letters.length >= 4 && fewestWords(letters, COMMON, COMMON_LONGEST) <= 2)
  ) {
    return 'this is one of the most common passwords, which are guessed first: choose another, e.g. three or four unrelated words';
  }
  // Digits and symbols alone are judged by the common list and the length rule.
  if (readings.every((letters) => !letters)) return null;
  const own = [
    ...new URL(context.publicBaseUrl).hostname.split('.'),
    ...(context.displayName ?? '').split(/\s+/),
    ...(context.email ?? '').split('@')[0]!.split(/[^\p{L}]+/u),
    ...(context.siteNames ?? []).flatMap((name) => (name ?? '').split(/[^\p{L}]+/u)),
  ].map(lettersOf);
  const words = new Set([...PRODUCT_WORDS, ...own].filter((w) => w.length >= 1));
  const longest = Math.max(...[...words].map((w) => w.length));
  if (readings.some((letters) => letters && fewestWords(letters, words, longest) !== Infinity)) {
    return 'this password is made only of words of the council, this system or your name, which are guessed first: add words of your own';
  }
  return null;
}

// What a new desk password must not be, beyond its length: one of the most common passwords (ASVS 6.2.4), or
// made only of this product's, this council's or this person's own words (ASVS 6.2.11). These are an
// attacker's first guesses, and the lock-out only slows guessing down.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { z } from 'zod';

const require = createRequire(import.meta.url);
// zxcvbn-ts's list of the 49,000 most common passwords, from breach corpora; read once, from the package.
const COMMON: ReadonlySet<string> = new Set((JSON.parse(readFileSync(require.resolve('@zxcvbn-ts/language-common/src/passwords.json'), 'utf8')) as string[]).map((p) => p.toLowerCase()));

const WordsFile = z.object({ words: z.array(z.string().min(1)) });
const PRODUCT_WORDS: readonly string[] = WordsFile.parse(JSON.parse(readFileSync(path.resolve(import.meta.dirname, 'password-words.json'), 'utf8'))).words.map((w) => w.toLowerCase());

/** The letters of a text, lower case, in order: "Council-2026!" → "council". */
const lettersOf = (text: string) => text.toLowerCase().replace(/[^\p{L}]/gu, '');

/** Whether `letters` is nothing but words of the set, one after another (each may repeat). */
function madeOf(letters: string, words: ReadonlySet<string>): boolean {
  if (!letters) return true;
  const longest = Math.max(...[...words].map((w) => w.length));
  // reachable[i]: the first i letters split into words.
  const reachable = new Array<boolean>(letters.length + 1).fill(false);
  reachable[0] = true;
  for (let i = 0; i < letters.length; i++) {
    if (!reachable[i]) continue;
    for (let j = i + 1; j <= Math.min(letters.length, i + longest); j++) if (words.has(letters.slice(i, j))) reachable[j] = true;
  }
  return reachable[letters.length]!;
}

export interface PasswordContext {
  /** The hub's public address: its host name's words (contact.council.gov.uk → contact, council). */
  publicBaseUrl: string;
  /** The account's own name and email. */
  displayName?: string;
  email?: string;
}

/** Why this password will not do, in words for the person choosing it; null when it will. */
export function passwordProblem(password: string, context: PasswordContext): string | null {
  const lower = password.toLowerCase();
  const letters = lettersOf(password);
  if (COMMON.has(lower) || COMMON.has(lower.replace(/\s+/g, '')) || (letters.length >= 4 && COMMON.has(letters))) {
    return 'this is one of the most common passwords, which are guessed first: choose another, e.g. three or four unrelated words';
  }
  // Digits and symbols alone are judged by the common list and the length rule.
  if (!letters) return null;
  const own = [
    ...new URL(context.publicBaseUrl).hostname.split('.'),
    ...(context.displayName ?? '').split(/\s+/),
    ...(context.email ?? '').split('@')[0]!.split(/[^\p{L}]+/u),
  ].map(lettersOf);
  const words = new Set([...PRODUCT_WORDS, ...own].filter((w) => w.length >= 1));
  if (madeOf(letters, words)) {
    return 'this password is made only of words of the council, this system or your name, which are guessed first: add words of your own';
  }
  return null;
}

// What customers are told is data (a JSON file beside the code that says it), never code, so it can be
// reworded, or a helpline changed, without touching logic. These are the zod pieces every wording file is
// checked with when the process starts: a missing key, a stray one, or a template whose {placeholders} do not
// match what the code fills in stops the start, naming the file and the key. Shared by the channels and the
// hub (the hub may import channels/; channels import nothing outside it).
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** The {placeholders} a text names, in order. */
export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** Words said as they stand. A brace would be said aloud, so none is allowed. */
export const Line = z
  .string()
  .trim()
  .min(1)
  .refine((text) => !/[{}]/.test(text), 'has a {placeholder} or brace, but nothing is filled in here');

/** A sentence with {placeholders}, filled at the moment it is said. */
export interface Template<K extends string> {
  readonly text: string;
  /** The placeholders fill() takes, each of which the text names. */
  readonly names: readonly K[];
  fill(values: Readonly<Record<K, string | number>>): string;
}

/**
 * A sentence that must name each of `names` and nothing else: a misspelt placeholder would be said aloud,
 * a forgotten one would leave out what the sentence is for (the needs, the reference). fill() is typed by
 * the same names, so TypeScript makes every caller give every value.
 */
export function template<const K extends string>(...names: K[]) {
  return z
    .string()
    .trim()
    .min(1)
    .superRefine((text, ctx) => {
      const used = placeholdersOf(text);
      const takes = names.length ? names.map((n) => `{${n}}`).join(', ') : 'none';
      for (const p of new Set(used)) if (!names.includes(p as K)) ctx.addIssue({ code: 'custom', message: `{${p}} is not filled in here (it takes ${takes})` });
      for (const n of names) if (!used.includes(n)) ctx.addIssue({ code: 'custom', message: `must say {${n}}` });
      if (/[{}]/.test(text.replace(PLACEHOLDER, ''))) ctx.addIssue({ code: 'custom', message: 'has a brace that is not part of a {placeholder}' });
    })
    .transform(
      (text): Template<K> => ({
        text,
        names,
        fill: (values) =>
          text.replace(PLACEHOLDER, (_, name: string) => {
            const value = values[name as K];
            // Typed away, but a cast could still hide it: better an error than "undefined" said to a customer.
            if (value === undefined) throw new Error(`no value for {${name}} in "${text}"`);
            return String(value);
          }),
      }),
    );
}

/** Reads a wording file and checks it, or stops with the file, each key that is wrong, and why. */
export function loadWording<S extends z.ZodType>(schema: S, file: URL, name: string, source?: unknown): z.output<S> {
  const parsed = schema.safeParse(source ?? JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(the file)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

// The needs taxonomy: data whose codes are a stable contract. Loaded and checked once at start;
// everything else receives the parsed value, so no module reads the file or hard-codes its codes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * The project's own copy, in hub/data with its other data: the product needs nothing outside its checkout. It follows the
 * council's shared taxonomy (version 1 when copied); codes are only ever added, never changed or removed
 * (tests/unit/taxonomy-contract.test.ts).
 */
export const DEFAULT_TAXONOMY_PATH = path.resolve(import.meta.dirname, '../data/needs-taxonomy.json');
export const TAXONOMY_SETTING = 'NEEDS_TAXONOMY_PATH';

const Code = z.string().regex(/^[a-z]+(\.[a-z]+(-[a-z]+)*)+$/, 'a code is lower-case words joined by dots, e.g. housing.repairs');

export const Taxonomy = z.object({
  version: z.number().int(),
  needs: z
    .array(
      z.object({
        code: Code,
        label: z.string().trim().min(1),
        examples: z.array(z.string().trim().min(1)).default([]),
        simple: z.boolean().optional(),
      }),
    )
    .min(1)
    .refine((needs) => new Set(needs.map((n) => n.code)).size === needs.length, 'needs: each code must appear once'),
  urgency: z.object({ examples: z.array(z.string().trim().min(1)).default([]) }),
});
export type Taxonomy = z.infer<typeof Taxonomy>;

/** The needs data could not be used: the message names the file and the setting that chooses it. */
export class NeedsDataError extends Error {
  override name = 'NeedsDataError';
}

/** Reads and validates a JSON data file, turning every failure into one clear message. */
export function readJsonData<S extends z.ZodType>(file: string, schema: S, hint: string): z.infer<S> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (error as Error).message;
    throw new NeedsDataError(`cannot read ${file}: ${reason}. ${hint}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new NeedsDataError(`${file} is not valid: ${problems.join('; ')}. ${hint}`);
  }
  return parsed.data;
}

export function loadTaxonomy(file: string = DEFAULT_TAXONOMY_PATH): Taxonomy {
  return readJsonData(file, Taxonomy, `The needs taxonomy is required; set ${TAXONOMY_SETTING} to its path.`);
}

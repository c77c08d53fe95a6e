// The API's answers to a request that fails its zod schema (400 with every problem, by field) and to a use
// case that refused (its code as an HTTP status, after applying what the refusal still changed).
import type { Response } from 'express';
import type { z } from 'zod';
import type { EffectsRunner } from '../../hub/effects.ts';
import { Refused, type RefusalCode } from '../../hub/usecases/errors.ts';

const STATUS: Record<RefusalCode, number> = { invalid: 400, not_found: 404, conflict: 409, gone: 410, unavailable: 502 };

/** Answers a use case's refusal; anything else is rethrown (the error handler answers 500). */
export async function refused(res: Response, effects: EffectsRunner, error: unknown): Promise<void> {
  if (!(error instanceof Refused)) throw error;
  await effects.run(error.effects);
  res.status(STATUS[error.code]).json({ error: error.message });
}

export function invalid(res: Response, error: z.ZodError): void {
  res.status(400).json({ error: 'invalid request', issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
}

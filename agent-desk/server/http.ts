// The API's one answer to a request that fails its zod schema: 400 with every problem, by field.
import type { Response } from 'express';
import type { z } from 'zod';

export function invalid(res: Response, error: z.ZodError): void {
  res.status(400).json({ error: 'invalid request', issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) });
}

// Needs detection for agents: suggests taxonomy needs (and flags danger) for text an agent has in front
// of them, such as an email. The text is neither stored nor logged; the detector is built once at start.
import express from 'express';
import { z } from 'zod';
import { detectionView, type NeedsDetector } from '../../hub/needs/detector.ts';
import { DANGER_KINDS } from '../../hub/needs/data.ts';
import { invalid } from './http.ts';

export const MAX_DETECT_CHARS = 20_000;

export const DetectBody = z.object({
  text: z
    .string({ error: 'text is required (a string)' })
    .trim()
    .min(1, 'text is empty')
    .max(MAX_DETECT_CHARS, `text is longer than ${MAX_DETECT_CHARS} characters`),
});

export const DetectionView = z.object({
  needs: z.array(z.object({ code: z.string(), label: z.string(), confidence: z.number().min(0).max(1) })),
  /** Signs of immediate danger: offer emergency help first and bring in a person at once. */
  urgent: z.boolean(),
  /** Present (true) when the bot would first ask whether the person is safe right now. */
  safetyQuestion: z.literal(true).optional(),
  /** The kinds of danger seen or feared, when there are some: they decide the emergency advice. */
  danger: z.array(z.enum(DANGER_KINDS)).optional(),
});
export type DetectionView = z.infer<typeof DetectionView>;

export function needsRouter(deps: { needs: NeedsDetector }) {
  const router = express.Router();
  router.post('/api/needs/detect', (req, res) => {
    const body = DetectBody.safeParse(req.body);
    if (!body.success) return invalid(res, body.error);
    res.json(DetectionView.parse(detectionView(deps.needs.detect(body.data.text))));
  });
  return router;
}

// The worker role looks for due follow-ups on a timer (one sweep at a time in this process; the plan's row lock
// keeps two processes from asking the same customer twice).
import type { Db } from '../db/client.ts';
import type { EffectsRunner } from '../effects.ts';
import type { Logger } from '../logger.ts';
import { askDueFollowUps, type FollowUpSettings } from '../usecases/follow-up.ts';

export function startFollowUps(deps: { db: Db; effects: EffectsRunner; logger: Logger }, settings: FollowUpSettings, intervalMs: number): () => void {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const { asked, effects } = await askDueFollowUps(deps.db, settings);
      await deps.effects.run(effects);
      if (asked) deps.logger.info({ asked }, 'asked customers how things are now');
    } catch (error) {
      deps.logger.warn({ err: (error as Error).message }, 'follow-up sweep failed; will try again');
    } finally {
      running = false;
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

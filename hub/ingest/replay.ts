// Moves journaled contacts (journal.ts) into the inbox once the database takes them again, oldest first.
// An entry that fails while the database answers is tried again a few times, then set aside with an error
// in the log: one bad entry never holds up the rest.
import type { Db } from '../db/client.ts';
import type { Logger } from '../logger.ts';
import type { Queues } from '../queues.ts';
import type { InboundJournal } from './journal.ts';
import { storeInbound } from './sink.ts';

const ATTEMPTS_BEFORE_SETTING_ASIDE = 3;

export async function replayJournalOnce(
  deps: { journal: InboundJournal; db: Db; queues: Queues; logger: Logger; pingDb: () => Promise<void> },
  attempts = new Map<string, number>(),
): Promise<{ stored: number; waiting: boolean }> {
  let stored = 0;
  const bad = (name: string, error: Error) =>
    deps.logger.error({ entry: name, err: error.message.slice(0, 300), dir: deps.journal.failedDir }, 'journal entry cannot be read; set aside');
  for await (const entry of deps.journal.entries(bad)) {
    try {
      await storeInbound(deps, entry.contact, entry.extras);
    } catch (error) {
      const down = await deps.pingDb().then(
        () => false,
        () => true,
      );
      // Still down: stop here and keep the order; the next round starts with this entry again.
      if (down) return { stored, waiting: true };
      const tries = (attempts.get(entry.name) ?? 0) + 1;
      attempts.set(entry.name, tries);
      if (tries >= ATTEMPTS_BEFORE_SETTING_ASIDE) {
        attempts.delete(entry.name);
        await deps.journal.setAside(entry.name);
        deps.logger.error(
          {
            entry: entry.name,
            channel: entry.contact.channel,
            providerMessageId: entry.contact.providerMessageId,
            err: (error as Error).message.slice(0, 300),
            dir: deps.journal.failedDir,
          },
          'journaled contact could not be stored; set aside for a person',
        );
      }
      continue;
    }
    await deps.journal.remove(entry.name);
    attempts.delete(entry.name);
    stored++;
  }
  if (stored) deps.logger.info({ stored }, 'journaled contacts stored in the inbox');
  return { stored, waiting: false };
}

/** Replays every intervalMs while anything is waiting; returns a stop function that waits for the round in hand. */
export function startJournalReplay(deps: Parameters<typeof replayJournalOnce>[0] & { intervalMs: number }): () => Promise<void> {
  const attempts = new Map<string, number>();
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  const timer = setInterval(() => {
    running = running.then(async () => {
      if (stopped || (await deps.journal.pending()) === 0) return;
      await replayJournalOnce(deps, attempts).catch((error: Error) => deps.logger.warn({ err: error.message }, 'journal replay failed; will try again'));
    });
  }, deps.intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}

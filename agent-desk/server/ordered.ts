/**
 * Runs tasks with one key one after another, in the order given; tasks with different keys run side by side.
 * A task that fails does not hold up the ones after it (each task handles its own errors).
 */
export function orderedByKey(): (key: string, task: () => Promise<void>) => Promise<void> {
  const tails = new Map<string, Promise<void>>();
  return (key, task) => {
    const run = (tails.get(key) ?? Promise.resolve()).then(task).catch(() => undefined);
    tails.set(key, run);
    return run.then(() => {
      if (tails.get(key) === run) tails.delete(key);
    });
  };
}

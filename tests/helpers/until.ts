// Polls until `check` holds, or fails after `timeoutMs` naming what it waited for. For set-up code and helpers,
// which run outside a test's own expect.poll (and whose failure should say what never happened).
export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

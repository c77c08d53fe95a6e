// Keyboard focus when what the agent was on goes away (signing in or out swaps the whole page): it moves to the
// start of what they now see, the main area's first heading, so it is never left on the page itself, where the
// next Tab starts from the top and a screen reader says nothing.

/** Focus the main area's first visible heading that can take focus, unless focus is on something already. */
export function focusMainHeading(): void {
  const now = document.activeElement;
  if (now && now !== document.body && now.isConnected) return;
  const heading = [...document.querySelectorAll<HTMLElement>('main h2[tabindex="-1"]')].find((h) => h.getClientRects().length > 0);
  heading?.focus({ preventScroll: true });
}

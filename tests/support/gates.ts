/**
 * Gates for back-pressure tests (issue 25): stop a stage until the test opens it, let everything
 * that can run without it run, and see whether a promise has settled — no time is measured.
 *
 * @module
 */

/** A gate: `wait()` resolves once `open()` was called. */
export function gate(): { wait: () => Promise<void>; open: () => void } {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { wait: () => opened, open: () => open() };
}

/** Lets every timer and microtask that can run without the gates run (no time is measured). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Whether `promise` has settled yet. */
export function tracked(promise: Promise<unknown>): { done: boolean } {
  const state = { done: false };
  void promise.then(() => (state.done = true));
  return state;
}

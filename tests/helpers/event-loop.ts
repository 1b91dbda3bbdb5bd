/**
 * Lets the event loop turn `n` times (setImmediate, the way the Trainer yields between
 * steps), so that work another task has queued runs first. A count of turns, not a
 * duration: it waits as long as the work takes, on a fast machine or a slow one.
 */
export async function eventLoopTurns(n = 1): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

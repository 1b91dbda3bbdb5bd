/**
 * Lets a worker's queued messages run between the steps of a long computation: a
 * macrotask through a MessageChannel (setImmediate in Node), without the 4 ms clamp of
 * nested timers. The training worker and the experiment workers yield with it.
 */
export function yieldToEvents(): Promise<void> {
  const g = globalThis as { setImmediate?: (cb: () => void) => unknown };
  if (g.setImmediate) return new Promise((r) => g.setImmediate!(r));
  return new Promise((r) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      r();
    };
    ch.port2.postMessage(null);
  });
}

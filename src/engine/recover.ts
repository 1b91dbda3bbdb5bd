/**
 * Recovery from a lost device, in one place for the training worker and the page: a watch
 * that counts the losses as they are heard, and the restart that follows one.
 */
import { chooseBackend } from './choose';
import { ready, restartBackend } from './runtime';

/** `p`, or a rejection with `message` once `ms` have passed without it settling. */
export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    p.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

/**
 * Starts the engine again after a device loss: the same backend on a new device when
 * `restart` finishes within `timeoutMs`, else the CPU path readers get without WebGPU
 * (wasm, or the CPU reference when wasm will not load). Resolves with null, or with the
 * error that sent the engine to the CPU.
 */
export async function restartAfterLoss(timeoutMs: number, restart: () => Promise<void> = () => restartBackend().then(ready)): Promise<Error | null> {
  try {
    await withTimeout(restart(), timeoutMs, `no new device within ${timeoutMs / 1000} s`);
    return null;
  } catch (e) {
    await chooseBackend({ preference: 'wasm', gpu: null });
    return e as Error;
  }
}

/**
 * Device losses heard so far. A computation notes `count` before it starts; when it fails,
 * `since(seen)` says whether the device was lost under it, allowing `graceMs` for the news
 * to arrive: a read on a destroyed device can fail before the device's `lost` promise
 * settles.
 */
export class LossWatch {
  count = 0;
  private waiters = new Set<() => void>();

  /** A loss was heard. */
  heard(): void {
    this.count++;
    for (const w of [...this.waiters]) w();
  }

  async since(seen: number, graceMs: number): Promise<boolean> {
    if (this.count !== seen) return true;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, graceMs);
      this.waiters.add(done);
    });
    return this.count !== seen;
  }
}

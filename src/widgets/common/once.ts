/**
 * `load` run once and its promise shared by every caller, until it fails: a failed load is
 * forgotten, so the next call tries again (a download over a dropped network heals).
 */
export function onceUntilFailure<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () =>
    (pending ??= load().catch((e: unknown) => {
      pending = null;
      throw e;
    }));
}

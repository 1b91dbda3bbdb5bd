import { lazy, type ComponentType } from 'react';

/** The renewals of the components whose import failed. */
const failed = new Set<() => void>();

/**
 * A component loaded on first render, like React's `lazy`, but renewable: a lazy
 * component whose import failed (the network dropped) keeps failing, so after a failure
 * `renewFailedLazies` gives it a fresh start (an error boundary's "Try again"). Render it
 * inside a Suspense boundary, as any lazy component.
 */
export function renewableLazy<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  const make = () =>
    lazy(async () => {
      try {
        return { default: await load() };
      } catch (e) {
        failed.add(renew);
        throw e;
      }
    });
  const renew = () => {
    current = make();
  };
  let current = make();
  function Renewable(props: P) {
    const Current = current;
    return <Current {...props} />;
  }
  return Renewable;
}

/** Lets every component whose import failed load again on its next render. */
export function renewFailedLazies(): void {
  for (const renew of failed) renew();
  failed.clear();
}

/** DOM helpers shared by the widget latency sections (the underscore keeps this file from running as a section). */
export function setValue(el: HTMLInputElement, v: string): void {
  // Through the native setter, so React sees a real change.
  Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(el, v);
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

export function until(root: Element, cond: () => boolean, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    if (cond()) return resolve(performance.now());
    const timer = setTimeout(() => {
      mo.disconnect();
      reject(new Error('timed out waiting for the widget'));
    }, timeoutMs);
    const mo = new MutationObserver(() => {
      if (cond()) {
        mo.disconnect();
        clearTimeout(timer);
        resolve(performance.now());
      }
    });
    mo.observe(root, { subtree: true, attributes: true, childList: true, characterData: true });
  });
}

/** Resolves just after the next frame is painted (rAF, then a task after it). */
export function nextPaint(): Promise<number> {
  return new Promise((resolve) =>
    requestAnimationFrame(() => {
      const ch = new MessageChannel();
      ch.port1.onmessage = () => resolve(performance.now());
      ch.port2.postMessage(0);
    }),
  );
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

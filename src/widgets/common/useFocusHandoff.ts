import { useEffect, useLayoutEffect, useRef, type RefObject } from 'react';

/**
 * Keeps the keyboard focus in a group of buttons when the focused one is disabled by what
 * it started (Start once a run begins, Pause once it ends): the browser would drop the
 * focus to the page's body, and a keyboard or screen-reader user would lose their place.
 *
 * Each button may name, in `data-focus-next`, the buttons (by `data-focus-name`) to hand
 * the focus to, in order of preference; the first enabled one takes it. When none is
 * enabled yet (a run still starting), the hand-off waits for the next render, unless the
 * reader has put the focus somewhere else meanwhile. Without `data-focus-next`, the first
 * enabled button of the group takes it.
 */
export function useFocusHandoff(group: RefObject<HTMLElement | null>) {
  const last = useRef<HTMLButtonElement | null>(null);
  const pending = useRef<string[] | null>(null);

  useEffect(() => {
    const root = group.current;
    if (!root) return;
    const onFocus = (e: FocusEvent) => {
      if (e.target instanceof HTMLButtonElement) last.current = e.target;
    };
    root.addEventListener('focusin', onFocus);
    return () => root.removeEventListener('focusin', onFocus);
  }, [group]);

  // After every render: the one that may have disabled the focused button.
  useLayoutEffect(() => {
    const root = group.current;
    if (!root) return;
    const from = last.current;
    const active = document.activeElement;
    const lost = active === null || active === document.body || active === from;
    if (from && from.disabled && lost && root.contains(from)) {
      pending.current = (from.dataset.focusNext ?? '').split(/\s+/).filter(Boolean);
      last.current = null;
    }
    if (!pending.current) return;
    if (!(active === null || active === document.body || (active instanceof HTMLButtonElement && active.disabled))) {
      pending.current = null; // the reader moved on
      return;
    }
    const buttons = [...root.querySelectorAll<HTMLButtonElement>('button')];
    const named = pending.current.map((n) => buttons.find((b) => b.dataset.focusName === n));
    const to = (pending.current.length ? named : buttons).find((b) => b && !b.disabled);
    if (to) {
      pending.current = null;
      to.focus();
    }
  });
}

import { useLayoutEffect, useRef } from 'react';

/**
 * A widget's result in one short sentence, in a polite live region, for readers who do
 * not see the grids and numbers change. `text` is the sentence for the result on screen,
 * or null while there is none for the current settings (the last sentence stays).
 *
 * The region speaks only when the sentence changes while the reader's focus is inside the
 * same widget. So nothing is said as the page loads, and when a chapter shows a widget in
 * several parts that share their settings, only the part the reader is using speaks; the
 * others empty their region rather than keep a sentence that no longer holds.
 */
export function Announce({ text }: { text: string | null }) {
  const ref = useRef<HTMLParagraphElement>(null);
  // The sentence the region last took in (said or not): the first one is the page's own.
  const last = useRef(text);
  // In the commit of the change, while the control that made it still has the focus.
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || text === null || text === last.current) return;
    last.current = text;
    const inWidget = el.closest('[data-widget]')?.contains(document.activeElement) ?? false;
    // React renders no children here, so the text set below is the region's alone.
    el.textContent = inWidget ? text : '';
  }, [text]);
  return <p ref={ref} className="visually-hidden" role="status" aria-live="polite" />;
}

/**
 * Parts of a page that scroll sideways when they are wider than the screen (a long
 * formula on a phone, a diagram, a widget's code line or grid) must be reachable by
 * keyboard, or a reader without a pointer cannot see their right-hand side (WCAG 2.1.1).
 * Such a part becomes a tab stop, a region named for what it holds, only while it
 * overflows: on a wide screen the same formulas add no stops to the tab order.
 * Tables and code listings are always focusable where they are made (`table-scroll`,
 * `pre`); this covers the parts whose markup comes from KaTeX or whose width depends on
 * a widget's settings.
 *
 * Every sideways scroller that overflows, listings and tables included, is also marked
 * `data-overflows`, which the style sheet reads to fade the edges that have more beyond
 * them (styles.css, "Scrollers show that they scroll"): a sighted reader sees that a cut-off
 * formula goes on, not only the one who tabs to it.
 */

/** The sideways scrollers this keeps reachable, and the name each gets as a region. */
const KINDS: readonly (readonly [selector: string, en: string, zh: string])[] = [
  ['.katex-display', 'Formula', '公式'],
  ['.w-formula', 'Formula', '公式'],
  ['.diagram', 'Diagram', '示意图'],
  ['pre.w-code', 'Code', '代码'],
  ['.w-grid', 'Grid', '网格'],
];
const SELECTOR = KINDS.map(([s]) => s).join(', ');
/** Scrollers that are focusable where they are made, and only get the overflow mark. */
const MARKED_ONLY = '.chapter pre, .table-scroll';
/** Marks the attributes this module set, so that it takes back only its own. */
const MARK = 'data-scroll-reach';
/** Marks a scroller wider than its box (for the edge fade of styles.css). */
const OVERFLOWS = 'data-overflows';
const FOCUSABLE = 'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])';
/** Elements without a role of their own. */
const GENERIC = new Set(['DIV', 'SPAN', 'PRE']);

function nameFor(el: Element): string {
  const zh = el.closest('[lang]')?.getAttribute('lang')?.startsWith('zh') ?? false;
  const kind = KINDS.find(([s]) => el.matches(s));
  return kind ? (zh ? kind[2] : kind[1]) : '';
}

/** One pass: every scroller under `root` is a tab stop exactly when it overflows. */
export function updateScrollReach(root: ParentNode): void {
  const els = [...root.querySelectorAll<HTMLElement>(SELECTOR)];
  // Every scroller once: those made reachable here first, then the ones only marked.
  const all = [...new Set([...els, ...root.querySelectorAll<HTMLElement>(MARKED_ONLY)])];
  // All reads first, then all writes: one layout for the whole pass.
  const overflows = all.map((el) => el.scrollWidth > el.clientWidth + 1);
  const wide = els.map((el, i) => overflows[i] && !el.querySelector(FOCUSABLE));
  all.forEach((el, i) => el.toggleAttribute(OVERFLOWS, overflows[i]));
  els.forEach((el, i) => {
    const ours = el.hasAttribute(MARK);
    if (wide[i] && !ours && !el.hasAttribute('tabindex')) {
      // A generic box becomes a named region; one with a role of its own (a figure named by
      // its caption) keeps it and only takes focus.
      const generic = !el.hasAttribute('role') && GENERIC.has(el.tagName);
      el.setAttribute(MARK, generic ? 'tabindex role' : 'tabindex');
      el.tabIndex = 0;
      if (generic) {
        el.setAttribute('role', 'region');
        el.setAttribute('aria-label', nameFor(el));
      }
    } else if (!wide[i] && ours && document.activeElement !== el) {
      const set = el.getAttribute(MARK)!.split(' ');
      el.removeAttribute('tabindex');
      if (set.includes('role')) {
        el.removeAttribute('role');
        el.removeAttribute('aria-label');
      }
      el.removeAttribute(MARK);
    }
  });
}

/**
 * Keeps `root`'s scrollers reachable from now on: after the page's content changes (a
 * chapter arrives, a widget redraws) and when the window is resized, at most every
 * `delayMs`. Returns the function that stops it.
 */
export function keepScrollersReachable(root: HTMLElement, delayMs = 200): () => void {
  let timer: number | undefined;
  const schedule = () => {
    if (timer === undefined) {
      timer = window.setTimeout(() => {
        timer = undefined;
        updateScrollReach(root);
      }, delayMs);
    }
  };
  const mutations = new MutationObserver(schedule);
  mutations.observe(root, { childList: true, subtree: true, characterData: true });
  // Widths change without a mutation too: the window, the column, the math fonts arriving.
  const sizes = new ResizeObserver(schedule);
  sizes.observe(root);
  window.addEventListener('resize', schedule);
  document.fonts?.addEventListener('loadingdone', schedule);
  schedule();
  return () => {
    mutations.disconnect();
    sizes.disconnect();
    window.removeEventListener('resize', schedule);
    document.fonts?.removeEventListener('loadingdone', schedule);
    window.clearTimeout(timer);
  };
}

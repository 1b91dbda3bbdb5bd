/**
 * Fitting a presenter step to the screen, the way slide decks do: the step is laid out
 * at a fixed design width and scaled (a CSS transform) to fit the viewport in both
 * dimensions. A step taller than the screen even then is cut into pages, at the
 * boundaries of its blocks (paragraphs, a widget's control groups and outputs), which
 * the clicker walks like steps. Nothing scrolls and nothing is cut off: a single block
 * too tall for a page is scaled down further. Plain DOM, no React.
 */

/** The width a step is laid out at (CSS px, with the presenter's 24 px type: 48rem). */
export const DESIGN_WIDTH = 1152;
/** Room kept at the bottom of the screen for the presenter bar (CSS px). */
export const BAR_HEIGHT = 44;
/** Space around the stage (CSS px). */
const MARGIN = 12;
/** A page may shrink to this share of the full-width scale before it is split in two. */
const MIN_RATIO = 0.85;
/**
 * A widget's page may shrink further before its controls are parted from what they
 * change: to half the full-width scale, but never below this scale (the 24 px type at
 * 18 px on screen), so that on a large screen a slider and its output stay in one view.
 */
const LEGIBLE_SCALE = 0.75;
/** How deep a tall block is opened up to find places to split it. */
const MAX_DEPTH = 5;

/** Marks a block hidden because it is on another page of its step. */
export const OFF = 'data-presenter-off';
/** Marks a block opened up into smaller ones: shown only on the pages that hold some of them. */
const BOX = 'data-presenter-box';
/** Marks a listing whose type `fitCode` set. */
const CODE = 'data-presenter-code';

/** Takes `attr` off every element under `root` that has it. */
function clearMarks(root: ParentNode, attr: string): void {
  for (const el of Array.from(root.querySelectorAll(`[${attr}]`))) el.removeAttribute(attr);
}

/** Gives every listing under `root` back the type its style sheet sets. */
function clearCode(root: ParentNode): void {
  for (const el of Array.from(root.querySelectorAll<HTMLElement>(`[${CODE}]`))) el.style.removeProperty('font-size');
  clearMarks(root, CODE);
}

/**
 * Blocks kept whole: grids, formulas, drawings, one control, a line of text (a listing's
 * line among them: a listing is cut between its lines, which presenter CSS sets as blocks),
 * a code editor (its text is one control, laid over the coloured copy of its lines).
 */
const ATOMIC = '.matrix, .rf-map, svg, canvas, .katex, .katex-display, .code-line, .cell-editor-wrap, p, li, h1, h2, h3, h4, label, .slider, button, select, input, tr, figcaption';
/** Blocks shown on every page of their step: the widget's title line, a table's head. */
const PINNED = '.widget-header, thead';
/** What a widget's controls are made of, and what marks a block as an output instead. */
const CONTROL = 'input, select, button, [role="slider"], textarea';
const OUTPUT = '.matrix, .rf-map, canvas, svg, table, .katex, [data-stat], .w-engine-shape';

export interface Stage {
  /** Scale at which the design width fills the screen's width. */
  full: number;
  /** Room on screen for the stage (CSS px). */
  width: number;
  height: number;
  /** Tallest page (design px) before it is split. */
  pageHeight: number;
  /** The same for a widget's step, which may shrink further to stay whole (LEGIBLE_SCALE). */
  widgetPageHeight: number;
}

export function stageFor(viewportWidth: number, viewportHeight: number): Stage {
  const width = Math.max(1, viewportWidth - 2 * MARGIN);
  const height = Math.max(1, viewportHeight - BAR_HEIGHT - 2 * MARGIN);
  const full = width / DESIGN_WIDTH;
  const widgetScale = Math.min(full * MIN_RATIO, Math.max(LEGIBLE_SCALE, full / 2));
  return { full, width, height, pageHeight: height / (full * MIN_RATIO), widgetPageHeight: height / widgetScale };
}

/**
 * Marks the blocks of every widget body in the step as controls or outputs, so that
 * presenter CSS can set the controls in a column beside the outputs. A body holding a
 * single plain wrapper is looked into.
 */
function markControls(step: readonly HTMLElement[]): void {
  for (const top of step) {
    clearMarks(top, 'data-presenter-columns');
    clearMarks(top, 'data-presenter-role');
  }
  for (const top of step) {
    for (let box of Array.from(top.querySelectorAll<HTMLElement>('.widget-body'))) {
      while (box.children.length === 1 && getComputedStyle(box.children[0]).display === 'block') box = box.children[0] as HTMLElement;
      const kids = Array.from(box.children) as HTMLElement[];
      if (kids.length < 2) continue;
      const isControl = (k: HTMLElement) => k.matches(CONTROL) || (k.querySelector(CONTROL) !== null && !k.matches(OUTPUT) && k.querySelector(OUTPUT) === null);
      const controls = kids.filter(isControl);
      // A column of controls only pays when there are outputs to set beside it.
      const split = controls.length > 0 && controls.length < kids.length;
      box.toggleAttribute('data-presenter-columns', split);
      for (const k of kids) {
        if (split && controls.includes(k)) k.dataset.presenterRole = 'controls';
      }
      // ... and when the outputs fit the room the column leaves them (a wide table does not):
      // else the controls stay above the outputs, which keep the stage's whole width.
      if (split && kids.some((k) => !controls.includes(k) && k.scrollWidth > k.clientWidth + 1)) {
        box.removeAttribute('data-presenter-columns');
        for (const k of controls) delete k.dataset.presenterRole;
      }
    }
  }
}

/**
 * The blocks a page can begin or end at, in document order. `room` is the height a page
 * has for `el`: a child is opened up when it is taller than that less what `el` adds
 * around its children (its padding, gaps and borders), since it never shows without them.
 */
function blocksOf(el: HTMLElement, room: number, depth: number): HTMLElement[] {
  el.setAttribute(BOX, '');
  const out: HTMLElement[] = [];
  const kids = (Array.from(el.children) as HTMLElement[]).filter((k) => !k.classList.contains('presenter-hidden') && getComputedStyle(k).display !== 'none');
  // Children set side by side (a widget's controls beside its outputs) add up to more than `el`: no chrome then.
  const chrome = Math.max(0, el.offsetHeight - kids.reduce((h, k) => h + k.offsetHeight, 0));
  const inner = room - chrome;
  for (const k of kids) {
    // A listing opens into its lines however deep it sits (a widget's figure holds one).
    const open = (depth < MAX_DEPTH || k.matches('pre, pre > code')) && !k.matches(ATOMIC) && k.children.length > 0 && k.offsetHeight > inner;
    if (open) out.push(...blocksOf(k, inner, depth + 1));
    else out.push(k);
  }
  return out;
}

/** A code listing's type may shrink to this share of its size to keep its longest line within the stage. */
const MIN_CODE_RATIO = 0.7;
/**
 * Sets the type of each listing of the step whose longest line is wider than the stage
 * just small enough for it to fit (down to MIN_CODE_RATIO), so that one long line of
 * code does not scale the whole step, prose included, down with it.
 */
function fitCode(step: readonly HTMLElement[]): void {
  for (const top of step) {
    clearCode(top);
    for (const pre of Array.from(top.querySelectorAll<HTMLElement>('pre'))) {
      if (pre.clientWidth === 0 || pre.scrollWidth <= pre.clientWidth + 1) continue;
      const size = parseFloat(getComputedStyle(pre).fontSize);
      const ratio = Math.max(MIN_CODE_RATIO, (pre.clientWidth - 1) / pre.scrollWidth);
      pre.style.fontSize = `${Math.floor(size * ratio * 10) / 10}px`;
      pre.setAttribute(CODE, '');
    }
  }
}

/**
 * Splits the step (its top-level elements, all inside `body`) into pages no taller than
 * the stage's page height, trying each cut in place. Returns the pages' blocks; pinned
 * blocks (a widget's title line, a table's head) are in none of the lists, and show on
 * every page that holds part of what they head.
 */
export function paginate(body: HTMLElement, step: readonly HTMLElement[], stage: Stage): HTMLElement[][] {
  // Measured from one state whatever page was shown before: every block shown, no widget's
  // outputs widened over its controls' column. (Measured from the page on screen, a step
  // could come out one page longer on one page and one shorter on the last, and flip
  // between the two at every layout.)
  clearMarks(body, OFF);
  clearMarks(body, BOX);
  clearMarks(body, 'data-presenter-solo');
  fitCode(step);
  markControls(step);
  const widget = step.some((top) => top.matches('[data-widget]') || top.querySelector('[data-widget]') !== null);
  const pageHeight = widget ? stage.widgetPageHeight : stage.pageHeight;
  if (body.offsetHeight <= pageHeight) return [[...step]];
  // The pinned blocks (a widget's title line) take their room on every page.
  const headers = step.flatMap((top) => Array.from(top.querySelectorAll<HTMLElement>('.widget-header')));
  const room = pageHeight - headers.reduce((h, b) => h + b.offsetHeight, 0);
  const blocks: HTMLElement[] = [];
  for (const top of step) {
    if (top.offsetHeight > pageHeight && !top.matches(ATOMIC)) blocks.push(...blocksOf(top, room, 1));
    else blocks.push(top);
  }
  const isPinned = (b: HTMLElement) => b.matches(PINNED);
  const movable = blocks.filter((b) => !isPinned(b));
  // A first cut from where the blocks sit with all of them shown (one layout), then each
  // page is tried on its own and, if it is still too tall, cut again.
  const pinned = blocks.filter(isPinned).reduce((h, b) => h + b.offsetHeight, 0);
  const scale = body.getBoundingClientRect().height / Math.max(1, body.offsetHeight) || 1;
  const guess = cutWhereTheySit(movable, pageHeight * scale, (pageHeight - pinned) * scale, scale);
  const pages: HTMLElement[][] = [];
  for (const [i, page] of guess.entries()) {
    showPage(guess, i);
    if (body.offsetHeight <= pageHeight) {
      pages.push(page);
      continue;
    }
    // A block alone on its page may grow there (a widget's outputs take the controls' room
    // on a page without them): it is opened up as it stands.
    const one = page.length === 1 && !page[0].matches(ATOMIC) && page[0].children.length > 0;
    const parts = one ? blocksOf(page[0], room, 2).filter((b) => !isPinned(b)) : page;
    if (parts.length < 2) pages.push(page);
    // Cut by showing them, since what they measure depends on what is shown with them (a
    // widget's outputs are set beside its controls, or across the page without them).
    else pages.push(...cutByTrying(body, parts, pageHeight));
  }
  // Whatever was opened up into pages is shown again; `showPage` hides what it should.
  clearMarks(body, OFF);
  return pages;
}

/**
 * Cuts `blocks` (all shown) into pages by where they sit on screen: a page spans from the
 * highest top to the lowest bottom of its blocks, at most `first` (screen px) for the first
 * page and `rest` for the others. The pages are as many as the tightest
 * packing needs, and as even as that count allows (a step of 10 even blocks on a page
 * that holds 8 is cut 5 + 5, not 8 + 2): the least height that still gives that count is
 * found by bisection.
 */
function cutWhereTheySit(blocks: readonly HTMLElement[], first: number, rest: number, scale: number): HTMLElement[][] {
  // A block that opens or ends a page brings its margins and the padding, borders and
  // margins of the boxes it was opened from (a listing's lines, their box's), so each span
  // reaches over them (margins collapse: the largest counts).
  const spans = blocks.map((b) => {
    const own = getComputedStyle(b);
    let [top, bottom] = [0, 0];
    let [marginTop, marginBottom] = [parseFloat(own.marginTop) || 0, parseFloat(own.marginBottom) || 0];
    for (let p = b.parentElement; p?.hasAttribute(BOX); p = p.parentElement) {
      const cs = getComputedStyle(p);
      top += parseFloat(cs.paddingTop) + parseFloat(cs.borderTopWidth);
      bottom += parseFloat(cs.paddingBottom) + parseFloat(cs.borderBottomWidth);
      marginTop = Math.max(marginTop, parseFloat(cs.marginTop) || 0);
      marginBottom = Math.max(marginBottom, parseFloat(cs.marginBottom) || 0);
    }
    const r = b.getBoundingClientRect();
    return { top: r.top - (top + marginTop) * scale, bottom: r.bottom + (bottom + marginBottom) * scale };
  });
  const glue = blocks.map((b, i) => i + 1 < blocks.length && tied(b, blocks[i + 1]));
  return cutSpans(spans, first, rest, glue).map((ix) => ix.map((i) => blocks[i]));
}

/**
 * Whether no page should end between block `a` and block `b`, the one after it (both
 * shown): `a` is a heading or a line that ends in a colon, one of them labels the other (a
 * figure's caption, a listing's tabs above it or its toolbar below it), or one is empty.
 */
function tied(a: HTMLElement, b: HTMLElement): boolean {
  // An empty block (a status line with nothing to say yet) goes with its neighbour.
  if (a.offsetHeight === 0 || b.offsetHeight === 0) return true;
  if (a.matches('.code-line') && b.matches('.code-line')) return !codeBreak(a.textContent ?? '', b.textContent ?? '');
  // A listing's tabs label the panel after them, however deep its listing sits.
  if (a.matches('h1, h2, h3, h4, h5, h6, [role="tablist"]') || /[:：]$/.test((a.textContent ?? '').trim())) return true;
  // A caption labels its figure, a toolbar its listing, even where it was opened into its lines.
  if (a.matches('figcaption')) return a.parentElement?.contains(b) ?? false;
  return b.matches('figcaption, .cell-toolbar') && (b.parentElement?.contains(a) ?? false);
}

/**
 * Whether a listing may be cut between line `a` and line `b`: after a blank line, before
 * a comment that heads the lines after it (not right after a bracket opens), or between
 * two statements at the left margin (`b` not closing a bracket or going on with a call,
 * `a` not a comment or a decorator that heads `b`, nor a line left open).
 */
export function codeBreak(a: string, b: string): boolean {
  const first = a.replace(/\n$/, '');
  const next = b.replace(/\n$/, '');
  const comment = /^\s*(#|\/\/|\/\*|\*|@)/;
  if (first.trim() === '') return next.trim() !== '';
  if (next.trim() === '') return false;
  const indent = (line: string) => /^\s*/.exec(line)![0].length;
  if (comment.test(next) && !next.trim().startsWith('@') && !comment.test(first) && !/[([{]\s*$/.test(first) && indent(next) <= indent(first)) return true;
  if (/^\s/.test(next) || /^[)\]}.]/.test(next)) return false;
  return !comment.test(first) && !/[([{,\\=+\-*/:|&]\s*$/.test(first);
}

/** `items` in runs: item `i` joins the run of the item before it where `joined(i)`. */
function runs<T>(items: readonly T[], joined: (i: number) => boolean): T[][] {
  const out: T[][] = [];
  items.forEach((item, i) => {
    if (i > 0 && joined(i)) out[out.length - 1].push(item);
    else out.push([item]);
  });
  return out;
}

/**
 * `cutWhereTheySit` on the blocks' spans alone (their tops and bottoms); returns their
 * indices by page. A block whose `glue` is set stays on the page of the block after it.
 */
export function cutSpans(spans: readonly { top: number; bottom: number }[], first: number, rest: number, glue: readonly boolean[] = []): number[][] {
  const glued = cutGlued(spans, first, rest, glue);
  // Kept together where that takes no more pages than cutting anywhere.
  if (!glue.some(Boolean)) return glued;
  const free = cutGlued(spans, first, rest, []);
  return glued.length <= free.length ? glued : free;
}

function cutGlued(spans: readonly { top: number; bottom: number }[], first: number, rest: number, glue: readonly boolean[]): number[][] {
  // Glued blocks are cut as one unit with the block they lead into.
  const units = runs(spans.map((_, i) => i), (i) => glue[i - 1]);
  // Taken in the order in which they end on screen, which is not always the document's: a
  // table's caption set below its rows ends the last page, and a widget's column of controls
  // stays together where it ends above the outputs beside it.
  const unitSpans = units
    .map((u) => ({ u, top: Math.min(...u.map((i) => spans[i].top)), bottom: Math.max(...u.map((i) => spans[i].bottom)) }))
    .sort((a, b) => a.bottom - b.bottom);
  return cutUnits(unitSpans, first, rest).map((page) => page.flatMap((k) => unitSpans[k].u));
}

function cutUnits(spans: readonly { top: number; bottom: number }[], first: number, rest: number): number[][] {
  const cut = (share: number): number[][] => {
    const pages: number[][] = [];
    let current: number[] = [];
    let top = Infinity;
    let bottom = -Infinity;
    spans.forEach((s, i) => {
      const room = (pages.length ? rest : first) * share;
      if (current.length > 0 && Math.max(bottom, s.bottom) - Math.min(top, s.top) > room) {
        pages.push(current);
        current = [];
        top = Infinity;
        bottom = -Infinity;
      }
      current.push(i);
      top = Math.min(top, s.top);
      bottom = Math.max(bottom, s.bottom);
    });
    pages.push(current);
    return pages;
  };
  const tightest = cut(1);
  if (tightest.length < 2) return tightest;
  // The fewest pages is a count that only grows as the room shrinks: bisect for the least
  // room that keeps it.
  let lo = 0;
  let hi = 1;
  for (let k = 0; k < 20; k++) {
    const mid = (lo + hi) / 2;
    if (cut(mid).length <= tightest.length) hi = mid;
    else lo = mid;
  }
  return cut(hi);
}

/**
 * Cuts `blocks` (all hidden but these) into pages by showing them one more at a time, a
 * heading with what it introduces (`tied`), even where that page is then scaled down.
 */
function cutByTrying(body: HTMLElement, blocks: readonly HTMLElement[], pageHeight: number): HTMLElement[][] {
  // Found while the blocks are shown: `tied` reads their heights.
  const tiedRuns = runs(blocks, (i) => tied(blocks[i - 1], blocks[i]));
  for (const b of blocks) b.setAttribute(OFF, '');
  const show = (shown: readonly HTMLElement[][], hidden: readonly HTMLElement[][] = []) => {
    for (const run of hidden) for (const b of run) b.setAttribute(OFF, '');
    for (const run of shown) for (const b of run) b.removeAttribute(OFF);
    return body.offsetHeight;
  };
  const pages: HTMLElement[][][] = [];
  let current: HTMLElement[][] = [];
  for (const run of tiedRuns) {
    if (show([run]) > pageHeight && current.length > 0) {
      show([], current);
      pages.push(current);
      current = [];
    }
    current.push(run);
  }
  pages.push(current);
  // The last two pages evened: runs move from the next-to-last to the last while the taller
  // of the two gets shorter (a grid of 10 rows cut 8 + 2 ends 5 + 5).
  if (pages.length > 1) {
    const [a, b] = pages.slice(-2);
    let worst = Math.max(show(a, b), show(b, a));
    while (a.length > 1) {
      b.unshift(a.pop()!);
      const hb = show(b, a);
      const ha = show(a, b);
      if (hb > pageHeight || Math.max(ha, hb) >= worst) {
        a.push(b.shift()!);
        break;
      }
      worst = Math.max(ha, hb);
    }
  }
  return pages.map((page) => page.flat());
}

/**
 * Shows page `index` of `pages` and hides the blocks of the others. A widget body whose
 * controls are all on other pages is marked `data-presenter-solo`: its outputs take the
 * whole width instead of leaving the controls' column empty.
 */
export function showPage(pages: readonly HTMLElement[][], index: number): void {
  const boxes = new Set<HTMLElement>();
  const opened = new Set<HTMLElement>();
  pages.forEach((blocks, i) => {
    for (const b of blocks) {
      b.toggleAttribute(OFF, i !== index);
      const box = b.parentElement?.closest<HTMLElement>('[data-presenter-columns]');
      if (box) boxes.add(box);
      for (let p = b.parentElement; p?.hasAttribute(BOX); p = p.parentElement) opened.add(p);
    }
  });
  // A block opened up is shown on the pages that hold some of it, with what is pinned in it
  // (a table's head, a widget's title line), and on no other.
  const shown = pages[index] ?? [];
  for (const box of opened) box.toggleAttribute(OFF, !shown.some((b) => box.contains(b)));
  for (const box of boxes) {
    const controls = (Array.from(box.children) as HTMLElement[]).filter((k) => k.dataset.presenterRole === 'controls');
    box.toggleAttribute('data-presenter-solo', !controls.some((k) => !k.hasAttribute(OFF) && k.offsetHeight > 0));
  }
}

/** Scales and centres the body (the stage) so that what it shows fits the screen. Returns the scale. */
export function fitStage(body: HTMLElement, stage: Stage, viewportWidth: number): number {
  const w = Math.max(DESIGN_WIDTH, body.scrollWidth);
  const h = Math.max(1, body.offsetHeight);
  const scale = Math.min(stage.full, stage.width / w, stage.height / h);
  const x = (viewportWidth - w * scale) / 2;
  const y = MARGIN + Math.max(0, (stage.height - h * scale) / 2);
  body.style.setProperty('--stage-scale', String(scale));
  body.style.setProperty('--stage-x', `${x}px`);
  body.style.setProperty('--stage-y', `${y}px`);
  return scale;
}

/** Undoes everything fitting did to the body. */
export function unfit(body: HTMLElement): void {
  for (const attr of [OFF, BOX, 'data-presenter-role', 'data-presenter-columns', 'data-presenter-solo']) clearMarks(body, attr);
  clearCode(body);
  for (const p of ['--stage-scale', '--stage-x', '--stage-y']) body.style.removeProperty(p);
  for (const a of ['data-fit', 'data-page', 'data-pages']) body.removeAttribute(a);
}

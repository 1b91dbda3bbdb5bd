import { useEffect, useLayoutEffect, useMemo, useRef, type RefObject } from 'react';
import { usePresenter, LAST_PAGE, PRESENTER_CHANNEL, savedSession, saveSession, type PresenterMessage, type PresenterStep } from '../stores/presenter';
import type { PresenterStepDetail } from '../widgets/common/WidgetFrame';
import { useStageFit } from './presenter-stage';
import './presenter.css';

const WIDGET_SELECTOR = '[data-widget], .widget-loading, figure, .diagram';

/**
 * Splits a rendered chapter body into presenter steps: a new step at every h1/h2,
 * and every widget or figure on its own step. Marks each top-level element with
 * `data-step` so CSS can show one step at a time.
 */
export function computeSteps(body: HTMLElement): PresenterStep[] {
  const steps: PresenterStep[] = [];
  let current: PresenterStep | null = null;
  let sectionTitle = '';
  for (const child of Array.from(body.children) as HTMLElement[]) {
    const isHeading = /^H[12]$/.test(child.tagName);
    const isWidget = child.matches(WIDGET_SELECTOR) || child.querySelector(':scope > [data-widget]') !== null;
    if (isHeading) sectionTitle = child.textContent?.trim() ?? '';
    if (isHeading || isWidget || !current || current.kind === 'widget') {
      const title = isWidget ? (child.querySelector('.widget-title')?.textContent?.trim() ?? sectionTitle) : sectionTitle;
      current = { title, text: '', kind: isWidget ? 'widget' : 'section' };
      steps.push(current);
    }
    child.dataset.step = String(steps.length - 1);
    if (!isWidget && !isHeading) current.text = `${current.text} ${child.textContent ?? ''}`.replace(/\s+/g, ' ').trim().slice(0, 600);
  }
  return steps;
}

/**
 * Whether a widget's own steps (a sliding window) play on the page shown: the page that
 * shows what they move (the elements it marks `data-presenter-steps`, such as its output
 * grid), else, for a widget that marks nothing, its last page.
 */
function widgetStepsShown(widget: HTMLElement, page: number, pages: number): boolean {
  const moved = widget.querySelectorAll<HTMLElement>('[data-presenter-steps]');
  if (moved.length === 0) return page === Math.max(0, pages - 1);
  return [...moved].some((el) => el.getClientRects().length > 0);
}

/**
 * Set when a step back leaves the chapter: the previous chapter then opens at its last
 * step (and that step's last page), where a talk going backwards expects to be.
 */
let enterAtEnd = false;

/**
 * One press of the clicker: the widget on screen may use it for its own animation (unless
 * `skipWidget`, Shift with the key); else the next (or previous) page of a step too tall
 * for one screen; else the next step.
 */
function presenterMove(bodyRef: RefObject<HTMLElement | null>, goNext: () => void, goPrev: () => void) {
  return (direction: 1 | -1, skipWidget = false) => {
    const s = usePresenter.getState();
    const body = bodyRef.current;
    // While a chapter's text is still arriving, its steps are not known yet.
    if (body?.querySelector(':scope > .loading')) return;
    const widget = body?.querySelector<HTMLElement>(`[data-step="${s.step}"] [data-widget], [data-step="${s.step}"][data-widget]`);
    // A widget too tall for the screen is shown a part at a time: its own steps (a sliding
    // window) play on the part that shows what they move, so that every press shows.
    if (widget && !skipWidget && widgetStepsShown(widget, s.page, s.pages)) {
      const ev = new CustomEvent<PresenterStepDetail>('presenter-step', { detail: { direction }, cancelable: true });
      if (!widget.dispatchEvent(ev)) return; // the widget used the key for its own animation
    }
    const page = s.page + direction;
    if (page >= 0 && page < s.pages) {
      s.setPages(s.pages, page);
      return;
    }
    const target = s.step + direction;
    if (target < 0) {
      enterAtEnd = true;
      goPrev();
    }
    else if (target >= s.steps.length) goNext();
    else s.setStep(target, direction < 0 ? LAST_PAGE : 0);
  };
}

/** A swipe: at least this far sideways, twice as far as up or down, within this time. */
const SWIPE = { px: 60, ms: 800 };
/** Where a finger works a widget's own control (a slider, a selectable grid, the drawing pad), not the slides. */
const SWIPE_KEEPERS = 'input, select, textarea, button, canvas, [role="slider"], [role="grid"], [contenteditable], .presenter-bar';

/** Whether `el` sits in a region that scrolls sideways (a wide table), which a swipe scrolls. */
function scrollsSideways(el: Element | null): boolean {
  for (let e = el; e && e !== document.body; e = e.parentElement) {
    const x = getComputedStyle(e).overflowX;
    if ((x === 'auto' || x === 'scroll') && e.scrollWidth > e.clientWidth) return true;
  }
  return false;
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA' || el.tagName === 'SELECT') return true;
  if (el.tagName === 'INPUT') return (el as HTMLInputElement).type !== 'checkbox' && (el as HTMLInputElement).type !== 'radio' && (el as HTMLInputElement).type !== 'button';
  return false;
}

/** Presenter mode for the chapter in `bodyRef`: steps, keys, and the teacher window's channel. */
export function usePresenterMode(bodyRef: RefObject<HTMLElement | null>, slug: string, lang: string, nextChapter: string | null, goNext: () => void, goPrev: () => void) {
  const { on, step, steps, setOn, setStep, setSteps } = usePresenter();

  // A new chapter starts at its first step (declared before the effect below, which may
  // move it on once the chapter's steps are known).
  useEffect(() => {
    setStep(0);
  }, [slug, setStep]);

  // Recompute steps whenever the chapter body changes (lazy chapters mount late). After a
  // reload of the projected window, go back to the step it showed once the chapter has it;
  // after a step back from the next chapter, to the last step once the chapter is whole.
  useEffect(() => {
    const body = bodyRef.current;
    if (!body) return;
    const saved = savedSession();
    let resume: number | 'end' = enterAtEnd ? 'end' : saved.slug === slug && saved.step ? saved.step : 0;
    enterAtEnd = false;
    const update = () => {
      const steps = computeSteps(body);
      setSteps(steps);
      if (resume === 'end') {
        if (steps.length > 0 && !body.querySelector(':scope > .loading')) {
          usePresenter.getState().setStep(steps.length - 1, LAST_PAGE);
          resume = 0;
        }
      } else if (resume > 0 && steps.length > resume) {
        usePresenter.getState().setStep(resume);
        resume = 0;
      }
    };
    update();
    const obs = new MutationObserver((records) => {
      if (records.some((r) => r.target === body)) update();
    });
    obs.observe(body, { childList: true });
    return () => obs.disconnect();
  }, [bodyRef, slug, lang, setSteps]);

  // Turned on, the presentation starts at the step being read (the first block whose end
  // is on screen); turned off, the page shows the step that was on screen where the reader
  // scrolls it, so that neither loses the reader's place.
  const wasOn = useRef(on);
  useLayoutEffect(() => {
    const body = bodyRef.current;
    if (wasOn.current === on || !body) return;
    wasOn.current = on;
    const blocks = (Array.from(body.children) as HTMLElement[]).filter((c) => c.dataset.step !== undefined);
    if (on) {
      const reading = blocks.find((c) => c.getBoundingClientRect().bottom > window.innerHeight / 5);
      if (reading && window.scrollY > 0) setStep(Number(reading.dataset.step));
      return;
    }
    // Once the stage is undone (the effects below), in the reading layout.
    const frame = requestAnimationFrame(() => {
      const step = usePresenter.getState().step;
      const shown = blocks.find((c) => c.dataset.step === String(step));
      if (shown && step > 0) shown.scrollIntoView({ block: 'start' });
    });
    return () => cancelAnimationFrame(frame);
  }, [on, bodyRef, setStep]);

  // Show only the current step.
  useEffect(() => {
    const body = bodyRef.current;
    document.documentElement.toggleAttribute('data-presenting', on);
    if (!body) return;
    for (const child of Array.from(body.children) as HTMLElement[]) {
      child.classList.toggle('presenter-hidden', on && child.dataset.step !== String(step));
    }
    if (on) window.scrollTo(0, 0);
  }, [on, step, steps, bodyRef]);

  useEffect(() => () => document.documentElement.removeAttribute('data-presenting'), []);

  useStageFit(bodyRef, on, step, steps);

  // Remember the step on screen, so that a reload of the projected window comes back to it.
  useEffect(() => {
    const s = usePresenter.getState();
    if (on && s.startedAt !== null) saveSession({ startedAt: s.startedAt, slug, step });
  }, [on, step, slug]);

  // One step forward or back, as a key press or the bar's buttons make it.
  const move = useMemo(() => presenterMove(bodyRef, goNext, goPrev), [bodyRef, goNext, goPrev]);

  // Keys: P toggles; while presenting, arrows / PageUp / PageDown / space step (widgets first).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const s = usePresenter.getState();
      if ((e.key === 'p' || e.key === 'P') && !isTyping(e.target)) {
        e.preventDefault();
        s.setOn(!s.on);
        return;
      }
      if (!s.on) return;
      if (e.key === 'Escape') {
        s.setOn(false);
        return;
      }
      // A key a widget has used (a grid's arrows) is not a step.
      if (e.defaultPrevented) return;
      // A focused slider or radio group keeps its arrow keys; a clicker's PageUp/PageDown always steps.
      const target = e.target as HTMLElement | null;
      const onControl = isTyping(target) || target?.getAttribute?.('role') === 'slider' || (target instanceof HTMLInputElement && target.type === 'radio');
      // Shift with a step key passes over the widget's own animation (a window's 42 places).
      if (e.key === 'PageDown' || (!onControl && (e.key === 'ArrowRight' || e.key === 'ArrowDown' || e.key === ' '))) {
        e.preventDefault();
        move(1, e.shiftKey);
      } else if (e.key === 'PageUp' || (!onControl && (e.key === 'ArrowLeft' || e.key === 'ArrowUp'))) {
        e.preventDefault();
        move(-1, e.shiftKey);
      } else if (e.key === 'Home' && !onControl) {
        e.preventDefault();
        s.setStep(0);
      } else if (e.key === 'End' && !onControl) {
        e.preventDefault();
        s.setStep(s.steps.length - 1);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [move]);

  // Touch: a swipe to the left is the next step, to the right the previous one (a tablet at
  // the front of the room), unless it starts on a control that takes the finger itself.
  useEffect(() => {
    if (!on) return;
    let start: { x: number; y: number; t: number } | null = null;
    const onStart = (e: TouchEvent) => {
      const el = e.target as Element | null;
      start = e.touches.length === 1 && !el?.closest?.(SWIPE_KEEPERS) && !scrollsSideways(el) ? { x: e.touches[0].clientX, y: e.touches[0].clientY, t: e.timeStamp } : null;
    };
    const onEnd = (e: TouchEvent) => {
      const touch = e.changedTouches[0];
      if (!start || !touch) return;
      const dx = touch.clientX - start.x;
      const dy = touch.clientY - start.y;
      const quick = e.timeStamp - start.t < SWIPE.ms;
      start = null;
      if (quick && Math.abs(dx) >= SWIPE.px && Math.abs(dx) > 2 * Math.abs(dy)) move(dx < 0 ? 1 : -1);
    };
    const cancel = () => (start = null);
    window.addEventListener('touchstart', onStart, { passive: true });
    window.addEventListener('touchend', onEnd, { passive: true });
    window.addEventListener('touchcancel', cancel, { passive: true });
    return () => {
      window.removeEventListener('touchstart', onStart);
      window.removeEventListener('touchend', onEnd);
      window.removeEventListener('touchcancel', cancel);
    };
  }, [on, move]);

  // Keep the teacher window in step.
  useEffect(() => {
    if (typeof BroadcastChannel === 'undefined') return;
    const channel = new BroadcastChannel(PRESENTER_CHANNEL);
    const publish = () => {
      const s = usePresenter.getState();
      const msg: PresenterMessage = { type: 'state', slug, lang, step: s.step, steps: s.steps, nextChapter, page: s.page, pages: s.pages, on: s.on, startedAt: s.startedAt };
      channel.postMessage(msg);
    };
    channel.onmessage = (e: MessageEvent<PresenterMessage>) => {
      const m = e.data;
      if (m.type === 'hello') publish();
      else if (m.type === 'go') usePresenter.getState().setStep(m.step);
      else if (m.type === 'move') move(m.direction);
    };
    publish();
    const unsub = usePresenter.subscribe(publish);
    return () => {
      unsub();
      channel.close();
    };
  }, [bodyRef, slug, lang, nextChapter, move]);

  return { on, step, total: steps.length, setOn, move };
}

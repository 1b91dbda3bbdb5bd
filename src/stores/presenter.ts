import { create } from 'zustand';

export interface PresenterStep {
  title: string;
  /** Plain text of the step, for the teacher's notes. */
  text: string;
  kind: 'section' | 'widget';
}

/** `page` is LAST_PAGE until the step's pages are known: entering a step backwards opens its last page. */
export const LAST_PAGE = -1;

interface PresenterState {
  on: boolean;
  step: number;
  steps: PresenterStep[];
  /**
   * A step too tall for the screen even when scaled is shown in pages (sub-steps the
   * clicker walks): which one is on screen, and how many the step has at this size.
   */
  page: number;
  pages: number;
  /** When the presentation started (ms since the epoch), or null while not presenting. */
  startedAt: number | null;
  setOn: (on: boolean) => void;
  setStep: (step: number, page?: number) => void;
  setSteps: (steps: PresenterStep[]) => void;
  setPages: (pages: number, page?: number) => void;
}

const SESSION_KEY = 'cnn-book-presenter';

interface Saved {
  startedAt?: number;
  slug?: string;
  step?: number;
}

/** What survives a reload of the projected window (this tab only): the start time and the step on screen. */
export function savedSession(): Saved {
  try {
    return (JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? '{}') as Saved | null) ?? {};
  } catch {
    return {};
  }
}

export function saveSession(saved: Saved | null): void {
  try {
    if (saved) sessionStorage.setItem(SESSION_KEY, JSON.stringify(saved));
    else sessionStorage.removeItem(SESSION_KEY);
  } catch {
    // Storage is off: a reload simply ends the presentation.
  }
}

function rememberStart(on: boolean): number | null {
  if (!on) {
    saveSession(null);
    return null;
  }
  const startedAt = savedSession().startedAt ?? Date.now();
  saveSession({ ...savedSession(), startedAt });
  return startedAt;
}

const resumed = typeof sessionStorage === 'undefined' ? {} : savedSession();

/** Presenter mode: whether the projected view is on, and which step (and page of it) it shows. */
export const usePresenter = create<PresenterState>()((set) => ({
  on: resumed.startedAt !== undefined,
  step: 0,
  steps: [],
  page: 0,
  pages: 1,
  startedAt: resumed.startedAt ?? null,
  setOn: (on) => set((s) => (s.on === on ? {} : { on, startedAt: rememberStart(on) })),
  setStep: (step, page = 0) => set((s) => ({ step: Math.max(0, Math.min(step, Math.max(0, s.steps.length - 1))), page, pages: 1 })),
  setSteps: (steps) => set((s) => ({ steps, step: Math.min(s.step, Math.max(0, steps.length - 1)) })),
  setPages: (pages, page) =>
    set((s) => {
      const want = page ?? s.page;
      const next = want === LAST_PAGE ? pages - 1 : Math.max(0, Math.min(want, pages - 1));
      return s.pages === pages && s.page === next ? {} : { pages, page: next };
    }),
}));

export const PRESENTER_CHANNEL = 'cnn-book-presenter';

export type PresenterMessage =
  | { type: 'hello' }
  | {
      type: 'state';
      slug: string;
      lang: string;
      step: number;
      steps: PresenterStep[];
      nextChapter: string | null;
      page: number;
      pages: number;
      on: boolean;
      startedAt: number | null;
    }
  | { type: 'go'; step: number }
  | { type: 'move'; direction: 1 | -1 };

import { useEffect, type RefObject } from 'react';
import { usePresenter, type PresenterStep } from '../stores/presenter';
import { fitStage, paginate, showPage, stageFor, unfit } from './presenter-fit';

/**
 * While presenting, keeps the step on screen fitted to the viewport: cut into pages when
 * it is too tall, scaled and centred. Fits again when the window is resized, when the
 * step's content changes size (a widget mounts, a result arrives) and when the page changes.
 */
export function useStageFit(bodyRef: RefObject<HTMLElement | null>, on: boolean, step: number, steps: readonly PresenterStep[]) {
  useEffect(() => {
    const body = bodyRef.current;
    const root = document.documentElement;
    if (!body) return;
    if (!on) {
      unfit(body);
      root.style.removeProperty('--presenter-page');
      return;
    }
    let pages: HTMLElement[][] = [];
    let frame = 0;
    let live = true;
    const show = () => {
      const { page } = usePresenter.getState();
      showPage(pages, page);
      fitStage(body, stageFor(window.innerWidth, window.innerHeight), window.innerWidth);
      body.dataset.page = String(page);
      body.dataset.fit = `${step}.${page}`;
      body.dataset.pages = String(pages.length);
      if (pages.length > 1) root.style.setProperty('--presenter-page', `" · ${page + 1}/${pages.length}"`);
      else root.style.removeProperty('--presenter-page');
    };
    const layout = () => {
      frame = 0;
      const stage = stageFor(window.innerWidth, window.innerHeight);
      const shown = (Array.from(body.children) as HTMLElement[]).filter((c) => c.dataset.step === String(step));
      pages = paginate(body, shown, stage);
      usePresenter.getState().setPages(pages.length);
      show();
    };
    const schedule = () => {
      if (live && !frame) frame = requestAnimationFrame(layout);
    };
    layout();
    const resize = new ResizeObserver(schedule);
    resize.observe(body);
    window.addEventListener('resize', schedule);
    void document.fonts?.ready.then(schedule);
    const unsubscribe = usePresenter.subscribe((s, prev) => {
      if (s.page !== prev.page && s.step === prev.step) show();
    });
    return () => {
      live = false;
      cancelAnimationFrame(frame);
      resize.disconnect();
      window.removeEventListener('resize', schedule);
      unsubscribe();
    };
  }, [bodyRef, on, step, steps]);

  useEffect(
    () => () => {
      if (bodyRef.current) unfit(bodyRef.current);
      document.documentElement.style.removeProperty('--presenter-page');
    },
    [bodyRef],
  );
}

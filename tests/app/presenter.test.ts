import { beforeEach, describe, expect, it } from 'vitest';
import { LAST_PAGE, usePresenter } from '../../src/stores/presenter';
import { DESIGN_WIDTH, stageFor } from '../../src/app/presenter-fit';
import { clock } from '../../src/app/presenter-clock';

const steps = (n: number) => Array.from({ length: n }, (_, i) => ({ title: `Step ${i + 1}`, text: '', kind: 'section' as const }));

describe('the presenter store', () => {
  beforeEach(() => usePresenter.setState({ on: false, step: 0, steps: steps(4), page: 0, pages: 1, startedAt: null }));

  it('opens a step on its first page, and on its last page when entered backwards', () => {
    usePresenter.getState().setStep(2);
    expect(usePresenter.getState()).toMatchObject({ step: 2, page: 0 });
    usePresenter.getState().setPages(3);
    expect(usePresenter.getState()).toMatchObject({ page: 0, pages: 3 });
    usePresenter.getState().setStep(1, LAST_PAGE);
    usePresenter.getState().setPages(4);
    expect(usePresenter.getState()).toMatchObject({ step: 1, page: 3, pages: 4 });
  });

  it('keeps the page on screen within the pages a step has at this size', () => {
    usePresenter.getState().setPages(5, 4);
    usePresenter.getState().setPages(2);
    expect(usePresenter.getState()).toMatchObject({ page: 1, pages: 2 });
    usePresenter.getState().setStep(99);
    expect(usePresenter.getState().step).toBe(3);
  });
});

describe('the stage', () => {
  it('fills the width of every classroom screen and leaves room for the presenter bar', () => {
    for (const [w, h] of [
      [1280, 720],
      [1366, 768],
      [1920, 1080],
      [1024, 768],
    ]) {
      const s = stageFor(w, h);
      expect(DESIGN_WIDTH * s.full).toBeCloseTo(s.width);
      expect(s.width).toBeLessThan(w);
      expect(s.height).toBeLessThan(h);
      // A page is cut before it would shrink below 85% of the full-width scale.
      expect(s.pageHeight * s.full).toBeCloseTo(s.height / 0.85);
      // A widget's page may shrink further, but not below 18 px type (24 px at 0.75), nor
      // below a text step's scale where that is smaller already (a small screen).
      expect(s.widgetPageHeight).toBeGreaterThanOrEqual(s.pageHeight);
      expect(s.height / s.widgetPageHeight).toBeGreaterThanOrEqual(Math.min(0.75, s.full * 0.85) - 1e-9);
    }
    // On a 1080p projector a widget keeps its controls beside its outputs at up to
    // about 1.7 times the height a text step may take.
    const big = stageFor(1920, 1080);
    expect(big.widgetPageHeight / big.pageHeight).toBeGreaterThan(1.6);
  });
});

describe('the teacher clock', () => {
  it('reads minutes and seconds, and hours past an hour', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(65_000)).toBe('1:05');
    expect(clock(3_725_000)).toBe('1:02:05');
    expect(clock(-5)).toBe('0:00');
  });
});

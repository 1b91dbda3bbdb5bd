import { beforeEach, describe, expect, it } from 'vitest';
import { LAST_PAGE, usePresenter } from '../../src/stores/presenter';
import { DESIGN_WIDTH, codeBreak, cutSpans, stageFor } from '../../src/app/presenter-fit';
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

describe('cutting a step into pages', () => {
  /** `n` blocks of height `h`, `gap` apart, from the top. */
  const blocks = (heights: number[], gap = 0) => {
    let y = 0;
    return heights.map((h) => {
      const s = { top: y, bottom: y + h };
      y += h + gap;
      return s;
    });
  };
  const sizes = (pages: number[][]) => pages.map((p) => p.length);
  const height = (spans: { top: number; bottom: number }[], page: number[]) => spans[page[page.length - 1]].bottom - spans[page[0]].top;

  it('uses as few pages as the tightest packing and shares the blocks evenly among them', () => {
    // Ten rows of a grid on pages that hold eight: five and five, not eight and two.
    expect(sizes(cutSpans(blocks(new Array(10).fill(100)), 800, 800))).toEqual([5, 5]);
    // Seventeen paragraphs on pages that hold eight: three pages of about six.
    expect(sizes(cutSpans(blocks(new Array(17).fill(40), 10), 400, 400))).toEqual([6, 6, 5]);
    // A heading (or a line that ends in a colon) stays with the block it introduces.
    expect(sizes(cutSpans(blocks([100, 50, 400]), 500, 500))).toEqual([2, 1]);
    expect(sizes(cutSpans(blocks([100, 50, 400]), 500, 500, [false, true, false]))).toEqual([1, 2]);
    // ... unless that takes one more page.
    expect(sizes(cutSpans(blocks([100, 50, 400, 100]), 500, 500, [false, true, false, false]))).toEqual([2, 2]);
    // A table's caption set below its rows comes last in the document but ends the last page.
    const rows = blocks([200, 200, 200, 200, 200]);
    expect(cutSpans([{ top: 1000, bottom: 1050 }, ...rows], 700, 700)).toEqual([
      [1, 2, 3],
      [4, 5, 0],
    ]);
    // What fits one page stays whole.
    expect(sizes(cutSpans(blocks([100, 200, 300]), 600, 600))).toEqual([3]);
  });

  it('never makes a page taller than its room, unless one block alone is, and keeps every block in order', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    for (let t = 0; t < 200; t++) {
      const spans = blocks(Array.from({ length: 1 + Math.floor(rand() * 30) }, () => 10 + rand() * 300), Math.floor(rand() * 20));
      const first = 300 + rand() * 600;
      const rest = first - rand() * 100;
      const pages = cutSpans(spans, first, rest);
      expect(pages.flat()).toEqual(spans.map((_, i) => i));
      pages.forEach((p, i) => {
        if (p.length > 1) expect(height(spans, p)).toBeLessThanOrEqual(i === 0 ? first : rest);
      });
      // As few pages as a greedy fill would give.
      let greedy = 1;
      let top = spans[0].top;
      spans.forEach((s, i) => {
        if (i > 0 && s.bottom - top > (greedy === 1 ? first : rest)) {
          greedy++;
          top = s.top;
        }
      });
      expect(pages.length).toBe(greedy);
    }
  });
});

describe('where a listing may be cut between pages', () => {
  it('after a blank line, and between two statements at the left margin', () => {
    expect(codeBreak('\n', 'net = nn.Sequential(\n')).toBe(true);
    expect(codeBreak('X = torch.rand(1, 1, 224, 224)\n', 'for layer in net:\n')).toBe(true);
    expect(codeBreak('}\n', 'const net = new nn.Sequential(\n')).toBe(true);
  });
  it('before a comment that heads the lines after it, within a block or a call too', () => {
    expect(codeBreak('  new nn.MaxPool2d(3, { stride: 2 }),\n', '  // Dense layers many times wider than LeNet\'s\n')).toBe(true);
    expect(codeBreak('        Y = self.bn2(self.conv2(Y))\n', '        # the shortcut\n')).toBe(true);
    // Not right after a bracket opens, not inside a run of comments, not deeper than the line above.
    expect(codeBreak('const net = new nn.Sequential(\n', '  // the stem\n')).toBe(false);
    expect(codeBreak('// one\n', '// two\n')).toBe(false);
    expect(codeBreak('x = f(a,\n', '      # aside\n')).toBe(false);
  });
  it('not inside a block, a bracket, a call that goes on, nor after what heads the next line', () => {
    // Indented: the body of what comes before.
    expect(codeBreak('def forward(self, X):\n', '    return X\n')).toBe(false);
    expect(codeBreak('    y = 1\n', '    return y\n')).toBe(false);
    // A bracket closed or a chained call at the margin belongs to the statement above.
    expect(codeBreak('    nn.ReLU(),\n', ')\n')).toBe(false);
    expect(codeBreak('const y = x\n', '.relu()\n')).toBe(false);
    // A line left open: a bracket, a comma, an operator, a colon.
    for (const open of ['net = nn.Sequential(', 'a = [1,', 'b = a +', 'if x:', 'const f = {']) expect(codeBreak(`${open}\n`, 'x = 1\n'), open).toBe(false);
    // A comment or a decorator heads the line after it.
    for (const head of ['# the stem', '// the stem', '@torch.no_grad()']) expect(codeBreak(`${head}\n`, 'def f(): pass\n'), head).toBe(false);
    // A blank line stays with the lines above it, and two blank lines with each other.
    expect(codeBreak('x = 1\n', '\n')).toBe(false);
    expect(codeBreak('\n', '\n')).toBe(false);
  });
});

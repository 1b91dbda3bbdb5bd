import { computeCorr2d } from '../../corr2d/compute';
import { DEFAULTS, edgeImage, sanitize, transpose, validate, type Corr2dSettings } from '../../corr2d/model';
import { INVALID, type Goal } from '../goal';

const same = (a: number[][], b: number[][]) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Cross-correlation: on the classic edge image turned on its side (the stripe runs across
 * the rows), a 3x1 kernel whose engine output is 0 on every one-colour window and
 * non-zero on every window across an edge.
 */
export const corr2dHorizontal3x1: Goal<Corr2dSettings> = {
  key: 'corr2d',
  defaults: DEFAULTS,
  sanitize,
  judge(s) {
    if (validate(s).length > 0) return { met: false, now: INVALID };
    const kh = s.k.length;
    const kw = s.k[0].length;
    if (!same(s.x, transpose(edgeImage()))) {
      return {
        met: false,
        now: {
          en: `Now: X is not the classic edge image turned on its side (K is ${kh}×${kw}).`,
          zh: `当前：X 不是转置后的经典边缘图像（K 为 ${kh}×${kw}）。`,
        },
      };
    }
    const r = computeCorr2d(s.x, s.k);
    let flat = 0;
    let flatZero = 0;
    let edge = 0;
    let edgeNonZero = 0;
    for (let i = 0; i < r.outH; i++) {
      for (let j = 0; j < r.outW; j++) {
        const window = s.x.slice(i, i + kh).flatMap((row) => row.slice(j, j + kw));
        const zero = Math.abs(r.y[i * r.outW + j]) < 1e-6;
        if (window.every((v) => v === window[0])) {
          flat++;
          if (zero) flatZero++;
        } else {
          edge++;
          if (!zero) edgeNonZero++;
        }
      }
    }
    const met = kh === 3 && kw === 1 && flatZero === flat && edgeNonZero === edge;
    return {
      met,
      now: {
        en: `Now: K is ${kh}×${kw}; the engine's output is 0 on ${flatZero} of the ${flat} one-colour windows and non-zero on ${edgeNonZero} of the ${edge} windows across an edge.`,
        zh: `当前：K 为 ${kh}×${kw}；在 ${flat} 个单色窗口中，引擎的输出有 ${flatZero} 个为 0；在 ${edge} 个跨过边缘的窗口中，有 ${edgeNonZero} 个不为 0。`,
      },
    };
  },
};

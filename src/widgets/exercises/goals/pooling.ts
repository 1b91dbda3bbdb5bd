import { computePooling } from '../../pooling/compute';
import { DEFAULTS, sanitize, strides, validate, type PoolingSettings } from '../../pooling/geometry';
import { INVALID, type Goal } from '../goal';

/**
 * Pooling: a 7x7 input, the stride equal to the window (PyTorch's default), and the
 * window and padding that make the engine's output 4x4 (only a 2x2 window padded by 1
 * does: without the padding the floor drops the last row).
 */
export const pooling7to4: Goal<PoolingSettings> = {
  key: 'pooling',
  defaults: DEFAULTS,
  sanitize,
  judge(s) {
    if (validate(s).length > 0) return { met: false, now: INVALID };
    const { sh, sw } = strides(s);
    const [, , h, w] = computePooling(s).shape;
    const met = s.h === 7 && s.w === 7 && sh === s.kh && sw === s.kw && h === 4 && w === 4;
    const setting = `${s.h}×${s.w}, ${s.kh}×${s.kw}, ${s.ph}/${s.pw}, ${sh}×${sw}`;
    return {
      met,
      now: {
        en: `Now: input, window, padding on each side, stride = ${setting}; the engine's output is ${h}×${w}.`,
        zh: `当前：输入、窗口、每侧填充、步幅 = ${setting}；引擎算出的输出为 ${h}×${w}。`,
      },
    };
  },
};

import { computePaddingStride } from '../../padding-stride/compute';
import { DEFAULTS, sanitize, validate, type PaddingStrideSettings } from '../../padding-stride/geometry';
import { INVALID, type Goal } from '../goal';

/** Padding and stride: a 10x10 input, a 3x3 kernel and stride 2, padded to give exactly 5x5. */
export const paddingStride5x5: Goal<PaddingStrideSettings> = {
  key: 'padding-stride',
  defaults: DEFAULTS,
  sanitize,
  judge(s) {
    if (validate(s).length > 0) return { met: false, now: INVALID };
    const [, , h, w] = computePaddingStride(s).shape;
    const setting = `${s.nh}×${s.nw}, ${s.kh}×${s.kw}, p ${s.ph}/${s.pw}, s ${s.sh}/${s.sw}`;
    const met = s.nh === 10 && s.nw === 10 && s.kh === 3 && s.kw === 3 && s.sh === 2 && s.sw === 2 && h === 5 && w === 5;
    return {
      met,
      now: {
        en: `Now: input, kernel, padding, stride = ${setting}; the engine's output is ${h}×${w}.`,
        zh: `当前：输入、卷积核、填充、步幅 = ${setting}；引擎算出的输出为 ${h}×${w}。`,
      },
    };
  },
};

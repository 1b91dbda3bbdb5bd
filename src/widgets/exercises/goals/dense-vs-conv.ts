import { sanitizeDC } from '../../dense-vs-conv';
import { computeDenseVsConv, DC_DEFAULTS, type DCSettings } from '../../dense-vs-conv/counts';
import { groupDigits } from '../../common/format';
import type { Goal } from '../goal';

/** Dense against convolution: the ratio of the engine's two counts, written with one decimal. */
const times = (dense: number, conv: number) => (dense / conv).toFixed(1);

/**
 * Dense versus convolution: on a 28x28 grey image against a 3x3 convolution with 16
 * output channels, the fewest hidden units that make the dense layer at least 100 times
 * as large. Both counts (and the count with one unit fewer) are the engine's.
 */
export const denseVsConvHundredfold: Goal<DCSettings> = {
  key: 'dc',
  defaults: DC_DEFAULTS,
  sanitize: sanitizeDC,
  judge(s) {
    const r = computeDenseVsConv(s);
    const dense = r.dense.params;
    const conv = r.conv.params;
    const setting = s.w === 28 && s.h === 28 && s.c === 1 && s.k === 3 && s.co === 16;
    const fewer = s.hidden > 1 ? computeDenseVsConv({ ...s, hidden: s.hidden - 1 }).dense.params : 0;
    const met = setting && dense >= 100 * conv && fewer < 100 * conv;
    return {
      met,
      now: {
        en: `Now: a ${s.w}×${s.h}×${s.c} image, ${s.hidden} hidden units, a ${s.k}×${s.k} convolution with ${s.co} output channels; the engine counts ${groupDigits(dense)} parameters in the dense layer and ${groupDigits(conv)} in the convolution (${times(dense, conv)} times as many).`,
        zh: `当前：${s.w}×${s.h}×${s.c} 的图像，${s.hidden} 个隐藏单元，有 ${s.co} 个输出通道的 ${s.k}×${s.k} 卷积；引擎数出全连接层有 ${groupDigits(dense)} 个参数，卷积层有 ${groupDigits(conv)} 个（前者是后者的 ${times(dense, conv)} 倍）。`,
      },
    };
  },
};

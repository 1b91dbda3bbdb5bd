import { sanitizeDC } from '../../dense-vs-conv';
import { computeDenseVsConv, DC_DEFAULTS, type DCSettings } from '../../dense-vs-conv/counts';
import { groupDigits } from '../../common/format';
import type { Goal } from '../goal';

/** Dense against convolution: the ratio of the engine's two counts, with one decimal and its thousands grouped. */
const times = (dense: number, conv: number) => {
  const [whole, tenths] = (dense / conv).toFixed(1).split('.');
  return `${groupDigits(Number(whole))}.${tenths}`;
};

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
        en: `Now: a ${s.w}×${s.h}×${s.c} image, ${s.hidden} hidden units, a ${s.k}×${s.k} convolution with ${s.co} output channels: ${groupDigits(dense)} dense and ${groupDigits(conv)} convolution parameters (${times(dense, conv)}×).`,
        zh: `当前：${s.w}×${s.h}×${s.c} 的图像，${s.hidden} 个隐藏单元，${s.k}×${s.k} 卷积、${s.co} 个输出通道：全连接层 ${groupDigits(dense)} 个参数，卷积层 ${groupDigits(conv)} 个（${times(dense, conv)} 倍）。`,
      },
    };
  },
};

/**
 * Goals a reader reaches by setting a widget: each reads the widget's live settings (its
 * URL key, shared with the widget on the page) and decides from the engine's own result
 * whether the goal is met. A goal also says where the reader stands now.
 */
import type { Bilingual } from '../common/i18n';
import { computePaddingStride } from '../padding-stride/compute';
import { DEFAULTS as PS_DEFAULTS, sanitize as psSanitize, validate as psValidate, type PaddingStrideSettings } from '../padding-stride/geometry';

export interface Goal<T extends object> {
  /** The widget's URL key. */
  key: string;
  defaults: T;
  sanitize: (raw: unknown, defaults: T) => T;
  judge: (s: T) => { met: boolean; now: Bilingual };
}

/** Padding and stride: a 10x10 input, a 3x3 kernel and stride 2, padded to give exactly 5x5. */
const paddingStride5x5: Goal<PaddingStrideSettings> = {
  key: 'padding-stride',
  defaults: PS_DEFAULTS,
  sanitize: psSanitize,
  judge(s) {
    if (psValidate(s).length > 0) return { met: false, now: { en: 'The widget\'s settings are not valid yet.', zh: '部件当前的设置还不合法。' } };
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

export const GOALS = { 'padding-stride-5x5': paddingStride5x5 } as const;
export type GoalId = keyof typeof GOALS;

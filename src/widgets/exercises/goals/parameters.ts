import { sanitizePM } from '../../parameters';
import { computeParameters, PM_DEFAULTS, type InitScheme, type PMSettings } from '../../parameters/compute';
import type { Bilingual } from '../../common/i18n';
import type { Goal } from '../goal';

const SCHEME: Record<InitScheme, Bilingual> = {
  default: { en: 'the default initialisation', zh: '默认初始化' },
  normal: { en: 'Normal(0, 0.01²)', zh: '正态 N(0, 0.01²)' },
  constant: { en: 'constant 1', zh: '常数 1' },
  xavier42: { en: 'Xavier and 42', zh: 'Xavier 与 42' },
  custom: { en: 'the custom initialisation', zh: '自定义初始化' },
};

/** How many different values a list holds (float32 values, compared exactly). */
const distinct = (xs: readonly (number | string)[]) => new Set(xs).size;

/**
 * Parameters: the initialisation that leaves the eight hidden units identical (the
 * symmetry random initialisation exists to break), judged from the engine's values of
 * 0.weight (one row per hidden unit) and 0.bias.
 */
export const parametersSymmetric: Goal<PMSettings> = {
  key: 'pm',
  defaults: PM_DEFAULTS,
  sanitize: sanitizePM,
  judge(s) {
    const r = computeParameters(s);
    const weight = r.params.find((p) => p.name === '0.weight')!;
    const bias = r.params.find((p) => p.name === '0.bias')!;
    const [units, inputs] = weight.shape;
    const rows = Array.from({ length: units }, (_, i) => Array.from(weight.values.subarray(i * inputs, (i + 1) * inputs)).join(','));
    const nRows = distinct(rows);
    const nBias = distinct(Array.from(bias.values));
    return {
      met: nRows === 1 && nBias === 1,
      now: {
        en: `Now: ${SCHEME[s.init].en}; the engine's 0.weight has ${nRows} different row${nRows === 1 ? '' : 's'} (one per hidden unit) and 0.bias ${nBias} different value${nBias === 1 ? '' : 's'}.`,
        zh: `当前：${SCHEME[s.init].zh}；引擎给出的 0.weight 有 ${nRows} 种不同的行（每个隐藏单元一行），0.bias 有 ${nBias} 种不同的值。`,
      },
    };
  },
};

/**
 * Goals a reader reaches by setting the input size of a model summary (ModelSummary with
 * `adjustable`): judged from the tables the engine computed for that size (and, where the
 * goal compares, for another size). Pure: the component (SummaryExercise) hands each goal
 * the summaries it asks for, null while the engine computes.
 */
import type { ModelId, ModelSummaryData } from '../../models/index';
import type { Judgement } from './run-goals';

export interface SummaryGoal {
  model: ModelId;
  /** The input sizes whose summaries the judgement needs, given the reader's size. */
  sizes: (size: number) => number[];
  /** `tables[i]` is the summary at `sizes(size)[i]`. */
  judge: (size: number, tables: readonly ModelSummaryData[]) => Judgement;
}

/** The output shape (without the batch) of the first row of `type`, or of the last such row. */
function shapeOf(t: ModelSummaryData, type: string, which: 'first' | 'last' = 'first'): number[] {
  const rows = t.rows.filter((r) => r.type === type);
  const row = which === 'first' ? rows[0] : rows[rows.length - 1];
  return row ? row.outputShape.slice(1) : [];
}

const count = (n: number) => n.toLocaleString('en-US');
const gflops = (f: number) => `${(f / 1e9).toFixed(3)} GFLOPs`;

/** AlexNet: an input size at which the first dense layer takes 4,096 = 256 x 4 x 4 features. */
export const alexnet4096: SummaryGoal = {
  model: 'alexnet',
  sizes: (size) => [size],
  judge(size, [t]) {
    const features = shapeOf(t, 'Flatten')[0];
    const map = shapeOf(t, 'MaxPool2d', 'last');
    return {
      met: features === 4096,
      now: {
        en: `Now: at ${size}×${size} the last pooling layer outputs ${map.join('×')}, so the first dense layer takes ${count(features)} features; the model has ${count(t.params)} parameters.`,
        zh: `当前：输入 ${size}×${size} 时，最后一个汇聚层输出 ${map.join('×')}，第一个全连接层接收 ${count(features)} 个特征；模型共有 ${count(t.params)} 个参数。`,
      },
    };
  },
};

/** VGG-11: at most a quarter of the FLOPs at 224, with maps of at least 3x3 entering the classifier. */
export const vggQuarter: SummaryGoal = {
  model: 'vgg',
  sizes: (size) => [size, 224],
  judge(size, [t, full]) {
    const map = shapeOf(t, 'Sequential', 'last');
    const side = Math.min(map[1] ?? 0, map[2] ?? 0);
    const share = t.flops / full.flops;
    return {
      met: share <= 0.25 && side >= 3,
      now: {
        en: `Now: at ${size}×${size} one image costs ${gflops(t.flops)}, ${(share * 100).toFixed(1)}% of the cost at 224×224 (${gflops(full.flops)}), and the last block outputs ${map.join('×')}.`,
        zh: `当前：输入 ${size}×${size} 时一张图像的计算量为 ${gflops(t.flops)}，是 224×224 时（${gflops(full.flops)}）的 ${(share * 100).toFixed(1)}%；最后一个块输出 ${map.join('×')}。`,
      },
    };
  },
};

/** NiN: an input size at which the last NiN block outputs 2x2 maps, with the parameters of 224. */
export const nin2x2: SummaryGoal = {
  model: 'nin',
  sizes: (size) => [size, 224],
  judge(size, [t, full]) {
    const map = shapeOf(t, 'Sequential', 'last');
    return {
      met: map[1] === 2 && map[2] === 2,
      now: {
        en: `Now: at ${size}×${size} the last NiN block outputs ${map.join('×')} before global average pooling; the model has ${count(t.params)} parameters (at 224×224: ${count(full.params)}).`,
        zh: `当前：输入 ${size}×${size} 时，最后一个 NiN 块在全局平均汇聚前输出 ${map.join('×')}；模型共有 ${count(t.params)} 个参数（224×224 时：${count(full.params)}）。`,
      },
    };
  },
};

export const SUMMARY_GOALS = {
  'alexnet-4096': alexnet4096,
  'vgg-quarter': vggQuarter,
  'nin-2x2': nin2x2,
} as const;
export type SummaryGoalId = keyof typeof SUMMARY_GOALS;

/**
 * What a training run accepts, checked in one place: the training view explains a
 * setting out of range before the reader starts, and the worker refuses one that got
 * through (scripts, a stored checkpoint) with the same words.
 */
import { isModelId, zoo } from './index';
import { joinZh, type Bilingual } from './bilingual';

/** The settings of a run that are checked here (the worker's TrainConfig has these and more). */
export interface RunSettings {
  model: string;
  epochs: number;
  lr: number;
  batchSize: number;
  inputSize: number;
  optimizer: string;
  seed: number;
}

/**
 * The largest input side a model summary (the shape table) is built at. Larger inputs grow
 * the dense layers of the size-dependent models past any use (AlexNet at 1000 pixels: a
 * 230400 x 4096 layer, 3.8 GB).
 */
export const SUMMARY_MAX_INPUT = 256;

/** The ranges of the numeric settings (the input size's least value is each model's own). */
export const TRAIN_LIMITS = {
  epochs: { min: 1, max: 100 },
  lr: { min: 0.0001, max: 10 },
  batchSize: { min: 2, max: 1024 },
  inputSize: { max: 224 },
} as const;

export type ConfigField = 'model' | 'epochs' | 'lr' | 'batchSize' | 'inputSize' | 'optimizer' | 'seed';

export interface ConfigProblem extends Bilingual {
  field: ConfigField;
}

const whole = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;

/** Every setting of `c` that a run cannot take, with why, in both languages. */
export function configProblems(c: RunSettings): ConfigProblem[] {
  if (!isModelId(c.model)) return [{ field: 'model', en: `unknown model '${String(c.model)}'`, zh: `未知的模型“${String(c.model)}”` }];
  const out: ConfigProblem[] = [];
  const L = TRAIN_LIMITS;
  if (!whole(c.epochs, L.epochs.min, L.epochs.max)) out.push({ field: 'epochs', en: `epochs must be a whole number from ${L.epochs.min} to ${L.epochs.max}`, zh: `轮数必须是 ${L.epochs.min} 到 ${L.epochs.max} 之间的整数` });
  if (!(Number.isFinite(c.lr) && c.lr >= L.lr.min && c.lr <= L.lr.max)) out.push({ field: 'lr', en: `the learning rate must be a number from ${L.lr.min} to ${L.lr.max}`, zh: `学习率必须是 ${L.lr.min} 到 ${L.lr.max} 之间的数` });
  if (!whole(c.batchSize, L.batchSize.min, L.batchSize.max)) out.push({ field: 'batchSize', en: `the batch size must be a whole number from ${L.batchSize.min} to ${L.batchSize.max}`, zh: `批量大小必须是 ${L.batchSize.min} 到 ${L.batchSize.max} 之间的整数` });
  const e = zoo[c.model];
  if (!whole(c.inputSize, e.minInputSize, L.inputSize.max)) out.push({ field: 'inputSize', en: `the input size of ${e.name.en} must be a whole number from ${e.minInputSize} to ${L.inputSize.max}`, zh: joinZh`${e.name.zh} 的输入尺寸必须是 ${e.minInputSize} 到 ${L.inputSize.max} 之间的整数` });
  if (c.optimizer !== 'sgd' && c.optimizer !== 'adam') out.push({ field: 'optimizer', en: `unknown optimizer '${String(c.optimizer)}'`, zh: `未知的优化器“${String(c.optimizer)}”` });
  if (!Number.isInteger(c.seed)) out.push({ field: 'seed', en: 'the seed must be a whole number', zh: '随机种子必须是整数' });
  return out;
}

/** The first problem of `c` in words, or null when a run can take it. */
export function validateConfig(c: RunSettings): ConfigProblem | null {
  return configProblems(c)[0] ?? null;
}

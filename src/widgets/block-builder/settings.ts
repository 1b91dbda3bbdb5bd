/**
 * The block builder's settings: the layers of an nn.Sequential, in order. A number is a
 * Linear layer's output width (its input width is the previous Linear's output, 20 for the
 * first); 'relu' is a ReLU. Kept in the URL under the key 'block'. Pure data, no engine.
 */
import type { Bilingual } from '../common/i18n';

export type BlockLayer = number | 'relu';

export interface BlockSettings {
  layers: BlockLayer[];
}

/** The input width: X = rand(2, 20), as in the chapter. */
export const IN_FEATURES = 20;
/** The batch of X. */
export const BATCH = 2;
export const MAX_LAYERS = 8;
export const MIN_WIDTH = 1;
export const MAX_WIDTH = 1024;

/** The chapter's MLP: Linear(20, 256), ReLU, Linear(256, 10). */
export const BLOCK_DEFAULTS: BlockSettings = { layers: [256, 'relu', 10] };

/** Whether a layer is a valid Linear width or a ReLU. */
export function validLayer(l: unknown): l is BlockLayer {
  return l === 'relu' || (typeof l === 'number' && Number.isInteger(l) && l >= MIN_WIDTH && l <= MAX_WIDTH);
}

/**
 * Settings from whatever the URL holds: a list of at most MAX_LAYERS valid layers, or the
 * defaults when anything in it is not (nothing is half-repaired). Never throws.
 */
export function sanitizeBlock(raw: unknown, d: BlockSettings): BlockSettings {
  if (typeof raw !== 'object' || raw === null) return d;
  const layers = (raw as Record<string, unknown>).layers;
  if (!Array.isArray(layers) || layers.length > MAX_LAYERS || !layers.every(validLayer)) return d;
  return { layers: [...layers] };
}

/** The input width of each layer: the output width of the Linear before it (IN_FEATURES for the first). */
export function inputWidths(layers: readonly BlockLayer[]): number[] {
  let w = IN_FEATURES;
  return layers.map((l) => {
    const inW = w;
    if (l !== 'relu') w = l;
    return inW;
  });
}

/**
 * What a reader typed into a width box: the width, or why it is not one (explained in
 * place; the network keeps its last valid width).
 */
export function parseWidth(text: string): { value: number } | { problem: Bilingual } {
  const s = text.trim();
  if (s === '') return { problem: { en: `Enter a width: a whole number from ${MIN_WIDTH} to ${MAX_WIDTH}.`, zh: `请输入宽度：${MIN_WIDTH} 到 ${MAX_WIDTH} 之间的整数。` } };
  const n = Number(s);
  if (!Number.isFinite(n)) return { problem: { en: `“${s}” is not a number: enter a whole number from ${MIN_WIDTH} to ${MAX_WIDTH}.`, zh: `“${s}”不是数：请输入 ${MIN_WIDTH} 到 ${MAX_WIDTH} 之间的整数。` } };
  if (!Number.isInteger(n)) return { problem: { en: `A layer has a whole number of outputs: ${s} is not one.`, zh: `层的输出个数必须是整数：${s} 不是整数。` } };
  if (n < MIN_WIDTH) return { problem: { en: `A Linear layer needs at least ${MIN_WIDTH} output; ${n} outputs would leave nothing to pass on.`, zh: `Linear 层至少要有 ${MIN_WIDTH} 个输出；${n} 个输出就没有东西可以往下传了。` } };
  if (n > MAX_WIDTH) return { problem: { en: `This widget allows at most ${MAX_WIDTH} outputs per layer (${n} is more).`, zh: `本组件每层最多 ${MAX_WIDTH} 个输出（${n} 超过了）。` } };
  return { value: n };
}

/** The layer pattern as a list of class names, e.g. "Linear, ReLU, Linear". */
export function pattern(layers: readonly BlockLayer[]): string {
  return layers.map((l) => (l === 'relu' ? 'ReLU' : 'Linear')).join(', ');
}

/** The network's output width: the last Linear's output, or IN_FEATURES when there is none. */
export function outputWidth(layers: readonly BlockLayer[]): number {
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i];
    if (l !== 'relu') return l;
  }
  return IN_FEATURES;
}

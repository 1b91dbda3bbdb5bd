import { computeBlock } from '../../block-builder/compute';
import { BLOCK_DEFAULTS, inputWidths, sanitizeBlock, type BlockSettings } from '../../block-builder/settings';
import { groupDigits } from '../../common/format';
import type { Goal } from '../goal';

/** The pattern asked for: two hidden Linear layers, each followed by a ReLU, then the output layer. */
const TWO_HIDDEN = ['Linear', 'ReLU', 'Linear', 'ReLU', 'Linear'];
export const TWO_HIDDEN_MIN = 5000;
export const TWO_HIDDEN_MAX = 6000;

/**
 * Block builder: a network from the 20 inputs to 10 outputs through exactly two hidden
 * Linear layers, each followed by a ReLU, with 5,000 to 6,000 parameters. The layer pattern,
 * the output shape of net(X) and countParameters(net) are the engine's.
 */
export const blockBuilderTwoHidden: Goal<BlockSettings> = {
  key: 'block',
  defaults: BLOCK_DEFAULTS,
  sanitize: sanitizeBlock,
  judge(s) {
    const r = computeBlock(s);
    const kinds = r.rows.map((row) => row.kind);
    const met =
      kinds.length === TWO_HIDDEN.length &&
      kinds.every((k, i) => k === TWO_HIDDEN[i]) &&
      r.inShape.join() === '2,20' &&
      r.outShape.join() === '2,10' &&
      r.total >= TWO_HIDDEN_MIN &&
      r.total <= TWO_HIDDEN_MAX;
    const ins = inputWidths(s.layers);
    const layers = r.rows.map((row, i) => (row.kind === 'ReLU' ? 'ReLU' : `Linear(${ins[i]}→${row.shape[row.shape.length - 1]})`));
    const en = layers.length ? layers.join(', ') : 'no layers';
    const zh = layers.length ? layers.join('，') : '没有层';
    const shape = `[${r.outShape.join(', ')}]`;
    return {
      met,
      now: {
        en: `Now: ${en}; the engine's output has shape ${shape} and the network has ${groupDigits(r.total)} parameters.`,
        zh: `当前：${zh}；引擎算出的输出形状为 ${shape}，网络共有 ${groupDigits(r.total)} 个参数。`,
      },
    };
  },
};

/**
 * Cross-entropy from logits as one op: a numerically stable log-softmax, the pick of
 * each row's label and the reduction in one kernel, its gradient (softmax - onehot) in
 * another. It can also tally the loss sum and the number of correct predictions into
 * a small device tensor, so a training loop reads its figures back only now and then.
 */
import type { CrossEntropyParams } from '../backend';
import { backendOf, output } from '../autograd';
import { fromHost } from '../creation';
import { fmt } from '../shape';
import type { Tensor } from '../tensor';

export interface CrossEntropyOpOptions {
  reduction?: CrossEntropyParams['reduction'];
  /** A [2] tensor: the batch's summed loss and correct count are added to it in place. */
  tally?: Tensor;
}

/** Labels as a tensor of class indices; number[] labels are checked on the host. */
export function labelTensor(labels: Tensor | readonly number[], n: number, c: number, like: Tensor): Tensor {
  if (!Array.isArray(labels)) {
    const t = labels as Tensor;
    if (t.size !== n) throw new Error(`crossEntropy: ${t.size} labels for a batch of ${n}`);
    return t;
  }
  const list = labels as readonly number[];
  if (list.length !== n) throw new Error(`crossEntropy: ${list.length} labels for a batch of ${n}`);
  for (const l of list) {
    if (!Number.isInteger(l) || l < 0 || l >= c) throw new Error(`crossEntropy: label ${l} is not a class index in [0, ${c})`);
  }
  return fromHost(Float32Array.from(list), [n], like.backend);
}

export function crossEntropyOp(logits: Tensor, labels: Tensor | readonly number[], o: CrossEntropyOpOptions = {}): Tensor {
  if (logits.ndim !== 2) throw new Error(`crossEntropy expects logits [N, C], got ${fmt(logits.shape)}`);
  const [n, c] = logits.shape;
  const y = labelTensor(labels, n, c, logits);
  const be = o.tally ? backendOf(logits, y, o.tally) : backendOf(logits, y);
  if (o.tally && o.tally.size !== 2) throw new Error(`crossEntropy: the tally must have 2 elements, got ${fmt(o.tally.shape)}`);
  const p: CrossEntropyParams = { n, c, reduction: o.reduction ?? 'mean' };
  const out = be.crossEntropy(logits._s, y._s, p, o.tally ? o.tally._s : null);
  return output(be, out, p.reduction === 'none' ? [n] : [], 'crossEntropy', [logits], (g) => [
    output(be, be.crossEntropyBackward(logits._s, y._s, g._s, p), logits.shape, 'crossEntropyBackward', [], null),
  ]);
}

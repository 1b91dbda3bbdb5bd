/**
 * The optimizers' in-place updates, one backend kernel each (PyTorch's update rules):
 * the only ops that write into existing tensors. optim.ts decides what to update and
 * with which hyper-parameters; these run it.
 */
import type { AdamParams, SgdParams } from '../backend';
import { backendOf } from '../autograd';
import type { Tensor } from '../tensor';

/** param -= lr * update (with momentum `buf` when given), in place, for every item at once. */
export function sgdStep(items: readonly { param: Tensor; grad: Tensor; buf: Tensor | null }[], p: SgdParams): void {
  if (items.length === 0) return;
  const be = backendOf(...items.flatMap((it) => (it.buf ? [it.param, it.grad, it.buf] : [it.param, it.grad])));
  be.sgdStep(items.map((it) => ({ param: it.param._s, grad: it.grad._s, momentumBuf: it.buf ? it.buf._s : null })), p);
}

/** Adam's update of `param` and its moments `m`, `v`, in place. */
export function adamStep(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, p: AdamParams): void {
  backendOf(param, grad, m, v).adamStep(param._s, grad._s, m._s, v._s, p);
}

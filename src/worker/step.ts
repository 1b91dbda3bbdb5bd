/**
 * One training step, as the training worker runs it: forward, cross-entropy, backward,
 * optimizer step. The batch's summed loss and correct count are added on the device to
 * `tally` (a kept [2] tensor), which the caller reads back only every few steps. The
 * worker, the benchmarks and the step-size tests all run this function, so they
 * measure the same code path.
 */
import { F, tidy, type Tensor, type nn, type optim } from '../engine';

/** Trains `net` on the batch (x, y) with `opt`; adds the batch's loss sum and correct count to `tally`. */
export function trainStep(net: nn.Module, opt: optim.SGD | optim.Adam, x: Tensor, y: Tensor, tally: Tensor): void {
  tidy(() => {
    const logits = net.call(x) as Tensor;
    const loss = F.crossEntropy(logits, y, { tally });
    opt.zeroGrad();
    loss.backward();
    opt.step();
  });
}

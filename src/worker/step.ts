/**
 * One training step, as the training worker runs it: forward, cross-entropy, backward,
 * optimizer step, and the running loss and correct-count sums kept on the device (read
 * back only every few steps). The worker, the benchmarks and the step-size tests all
 * run this function, so they measure the same code path.
 */
import { F, keep, noGrad, tidy, type Tensor, type nn, type optim } from '../engine';

export interface RunningSums {
  /** Sum of per-image losses since the last read (a one-element tensor, kept). */
  loss: Tensor;
  /** Number of correct predictions since the last read (a one-element tensor, kept). */
  correct: Tensor;
}

/** Trains `net` on the batch (x, y) with `opt`; adds the batch's loss and correct count to `sums` in place. */
export function trainStep(net: nn.Module, opt: optim.SGD | optim.Adam, x: Tensor, y: Tensor, sums: RunningSums): void {
  tidy(() => {
    const logits = net.call(x) as Tensor;
    const loss = F.crossEntropy(logits, y);
    opt.zeroGrad();
    loss.backward();
    opt.step();
    noGrad(() => {
      const l = sums.loss.add(loss.detach().mul(x.shape[0]));
      const c = sums.correct.add(logits.detach().argmax(1).eq(y).sum());
      sums.loss.dispose();
      sums.correct.dispose();
      sums.loss = keep(l);
      sums.correct = keep(c);
    });
  });
}

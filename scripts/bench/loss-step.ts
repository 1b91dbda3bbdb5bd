/**
 * One plain training step that returns the batch's loss, shared by the wasm benchmark
 * and the engine tests that compare backends step by step. (The training worker's step,
 * which tallies the loss on the device, is src/worker/step.ts.)
 */
import { F, tidy, type Tensor, type nn, type optim } from '../../src/engine/index';

/** zero_grad, cross-entropy of `net` on (x, y), backward, step; returns the loss, which the caller disposes. */
export function lossStep(net: nn.Module, opt: optim.SGD | optim.Adam, x: Tensor, y: Tensor): Tensor {
  return tidy(() => {
    opt.zeroGrad();
    const loss = F.crossEntropy(net.call(x) as Tensor, y);
    loss.backward();
    opt.step();
    return loss;
  });
}

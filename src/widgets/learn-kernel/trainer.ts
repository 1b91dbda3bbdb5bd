/**
 * Learning the edge kernel back from data, as in the original chapter: X is the 6 × 8 edge image,
 * Y = corr2d(X, [1, -1]), and a Conv2d(1, 1, kernel_size=(1, 2), bias=False) is trained
 * by gradient descent on the summed squared error. Engine only; no React.
 */
import { F, keep, manualSeed, nn, noGrad, optim, tensor, tidy, withBackend, type Tensor } from '../../engine';
import { small } from '../common/small';
import { edgeImage, edgeKernel } from '../corr2d/model';

export interface EpochResult {
  /** 1-based epoch count after this step (0 for the initial state). */
  epoch: number;
  /** Loss of the weights BEFORE this step's update (what the original chapter prints); for epoch 0, of the initial weights. */
  loss: number;
  /** Kernel weights after the step: [w00, w01]. */
  weight: [number, number];
}

export interface TrainerData {
  x: Float32Array;
  y: Float32Array;
}

export class KernelTrainer {
  private conv: nn.Conv2d;
  private X: Tensor;
  private Y: Tensor;
  private opt: optim.SGD;
  private disposed = false;
  epoch = 0;

  constructor(seed: number, lr: number) {
    // Twelve numbers of weights and data: the engine's CPU backend trains them fastest.
    const made = withBackend('cpu', () => {
      manualSeed(seed);
      const conv = new nn.Conv2d(1, 1, [1, 2], { bias: false });
      const { X, Y } = tidy(() => {
        const X2 = tensor(edgeImage());
        const Y2 = F.corr2d(X2, tensor(edgeKernel()));
        return { X: keep(X2.reshape([1, 1, 6, 8])), Y: keep(Y2.reshape([1, 1, 6, 7])) };
      });
      return { conv, X, Y, opt: new optim.SGD(conv.parameters(), { lr }) };
    });
    this.conv = made.conv;
    this.X = made.X;
    this.Y = made.Y;
    this.opt = made.opt;
  }

  /** X and the target Y = corr2d(X, [1, -1]), read from the engine. */
  data(): TrainerData {
    return { x: this.X.dataSync(), y: this.Y.dataSync() };
  }

  private loss(): Tensor {
    return this.conv.call(this.X).sub(this.Y).pow(2).sum();
  }

  /** The weights as read now (synchronously, on the CPU backend). */
  private weights(): [number, number] {
    const w = this.conv.weight.dataSync();
    return [w[0], w[1]];
  }

  /** The current weights and their loss, without training. */
  current(): EpochResult {
    const loss = small(() => noGrad(() => this.loss().itemSync()));
    return { epoch: this.epoch, loss, weight: this.weights() };
  }

  /** One epoch: forward, loss, backward, update with optim.SGD (the original chapter’s loop). */
  step(): EpochResult {
    if (this.disposed) throw new Error('trainer disposed');
    const loss = small(() => {
      const l = this.loss();
      this.opt.zeroGrad();
      l.backward();
      this.opt.step();
      // The loss before the update, and the weights after it.
      return l.itemSync();
    });
    this.epoch += 1;
    return { epoch: this.epoch, loss, weight: this.weights() };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.opt.zeroGrad();
    this.opt.dispose();
    this.conv.dispose();
    this.X.dispose();
    this.Y.dispose();
  }
}

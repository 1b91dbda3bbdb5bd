/**
 * LeNet with and without batch normalisation, trained side by side: the zoo's 'lenet' and
 * 'lenet-bn' (each with its recipe's Xavier initialisation), plain SGD at one learning rate
 * for both, and every step both networks see the very same mini-batch (one tensor, fed to
 * one network after the other). Images come from a Dataset in the book's format: the first
 * `train` images are the training set, the last `heldOut` images are held out for accuracy.
 * Engine only; no React. Runs on whatever backend is current (the CPU reference in tests).
 */
import { F, dispose, keep, noGrad, optim, tensor, tidy, zeros, type Tensor, type nn } from '../../engine';
import { batchCount, epochOrder, gatherBatch, type HostBatch } from '../../data/batches';
import type { Dataset } from '../../data/format';
import { zoo } from '../../models';
import { trainStep } from '../../worker/step';

export type NetKey = 'plain' | 'bn';
export const NETS: readonly NetKey[] = ['plain', 'bn'];
/** The zoo model of each network. */
export const MODEL_OF: Record<NetKey, 'lenet' | 'lenet-bn'> = { plain: 'lenet', bn: 'lenet-bn' };

export interface BnCompareConfig {
  lr: number;
  batch: number;
  /** Steps of SGD (each trains both networks on one batch). */
  steps: number;
  /** The first `train` images of the dataset are the training images. */
  train: number;
  /** The last `heldOut` images are held out: both networks' accuracy is measured on them. */
  heldOut: number;
  /** Seed of the initial weights (each network draws its own from it) and of the batches' order. */
  seed: number;
  /** A point every `evalEvery` steps: the mean training loss of those steps, and the held-out accuracy. */
  evalEvery: number;
}

export interface NetPoint {
  /** Mean cross-entropy of the mini-batches since the previous point (at step 0: of the first batch, before any update). */
  loss: number;
  /** Accuracy on the held-out images, in evaluation mode (running statistics for batch norm). */
  acc: number;
}

export interface ComparePoint {
  step: number;
  plain: NetPoint;
  bn: NetPoint;
}

/** Images order[start .. start + size) of the training images, scaled to [0, 1]. */
export function batchAt(d: Dataset, config: Pick<BnCompareConfig, 'train' | 'batch' | 'seed'>, step: number): HostBatch & { indices: Uint32Array } {
  const perEpoch = Math.floor(config.train / config.batch);
  const epoch = Math.floor(step / perEpoch);
  const order = epochOrder(config.train, config.seed, epoch);
  const start = (step % perEpoch) * config.batch;
  return { ...gatherBatch(d, order, start, config.batch), indices: order.slice(start, start + config.batch) };
}

/** Full batches per pass over the training images (the last, partial one is dropped, so batch norm always sees `batch` images). */
export function batchesPerEpoch(config: Pick<BnCompareConfig, 'train' | 'batch'>): number {
  return Math.floor(config.train / config.batch);
}

/**
 * Both networks, their optimisers and the data. `step()` trains both on the same batch and
 * adds each one's loss to a tally on the device; `point()` reads the tallies back and
 * measures both networks' accuracy on the held-out images.
 */
export class BnCompareExperiment {
  readonly nets: Record<NetKey, nn.Sequential>;
  private opts: Record<NetKey, optim.SGD>;
  private tallies: Record<NetKey, Tensor>;
  private tallied = 0;
  private heldX: Tensor;
  private heldY: Tensor;
  private disposed = false;
  /** Steps trained so far. */
  stepCount = 0;

  constructor(
    readonly data: Dataset,
    readonly config: BnCompareConfig,
  ) {
    const { train, heldOut, batch, seed, lr } = config;
    if (data.rows !== 28 || data.cols !== 28) throw new Error(`LeNet takes 28x28 images, got ${data.rows}x${data.cols}`);
    if (train + heldOut > data.count) throw new Error(`${train} training and ${heldOut} held-out images do not fit in ${data.count}`);
    if (batchCount(train, batch) < 1 || batchesPerEpoch(config) < 1) throw new Error(`batch ${batch} is larger than the ${train} training images`);
    this.nets = { plain: zoo.lenet.create({ seed }), bn: zoo['lenet-bn'].create({ seed }) };
    for (const k of NETS) this.nets[k].train();
    this.opts = { plain: new optim.SGD(this.nets.plain.parameters(), { lr }), bn: new optim.SGD(this.nets.bn.parameters(), { lr }) };
    this.tallies = { plain: keep(zeros([2])), bn: keep(zeros([2])) };
    const held = gatherBatch(data, null, data.count - heldOut, heldOut);
    this.heldX = keep(tensor(held.x, [heldOut, 1, 28, 28]));
    this.heldY = keep(tensor(Float32Array.from(held.y), [heldOut]));
  }

  /** The batch of step `step` (the same for both networks). */
  batch(step: number): HostBatch & { indices: Uint32Array } {
    return batchAt(this.data, this.config, step);
  }

  /** One SGD step of each network on the same mini-batch. Reads nothing back. */
  step(): void {
    if (this.disposed) throw new Error('experiment disposed');
    const b = this.batch(this.stepCount);
    tidy(() => {
      const x = tensor(b.x, [b.size, 1, b.rows, b.cols]);
      const y = tensor(Float32Array.from(b.y), [b.size]);
      for (const k of NETS) trainStep(this.nets[k], this.opts[k], x, y, this.tallies[k]);
    });
    this.tallied += b.size;
    this.stepCount += 1;
  }

  /**
   * Both networks' point at the current step: the mean training loss since the last point
   * (before the first step: the loss on the first batch, in training mode, without an
   * update) and the accuracy on the held-out images in evaluation mode.
   */
  async point(): Promise<ComparePoint> {
    if (this.disposed) throw new Error('experiment disposed');
    if (this.tallied === 0) {
      const b = this.batch(0);
      noGrad(() =>
        tidy(() => {
          const x = tensor(b.x, [b.size, 1, b.rows, b.cols]);
          const y = tensor(Float32Array.from(b.y), [b.size]);
          for (const k of NETS) F.crossEntropy(this.nets[k].call(x) as Tensor, y, { tally: this.tallies[k] });
        }),
      );
      this.tallied = b.size;
    }
    const held = noGrad(() =>
      tidy(() =>
        NETS.map((k) => {
          const t = keep(zeros([2]));
          this.nets[k].eval();
          try {
            F.crossEntropy(this.nets[k].call(this.heldX) as Tensor, this.heldY, { tally: t });
          } finally {
            this.nets[k].train();
          }
          return t;
        }),
      ),
    );
    try {
      const [tp, tb, hp, hb] = await Promise.all([this.tallies.plain.data(), this.tallies.bn.data(), held[0].data(), held[1].data()]);
      const n = this.tallied;
      const h = this.config.heldOut;
      const point: ComparePoint = { step: this.stepCount, plain: { loss: tp[0] / n, acc: hp[1] / h }, bn: { loss: tb[0] / n, acc: hb[1] / h } };
      dispose([this.tallies.plain, this.tallies.bn]);
      this.tallies = { plain: keep(zeros([2])), bn: keep(zeros([2])) };
      this.tallied = 0;
      return point;
    } finally {
      dispose(held);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const k of NETS) {
      this.nets[k].zeroGrad();
      this.opts[k].dispose();
      this.nets[k].dispose();
      this.tallies[k].dispose();
    }
    this.heldX.dispose();
    this.heldY.dispose();
  }
}

/** Runs a whole comparison without pauses (tests and scripts): the point at step 0 and every `evalEvery` steps. */
export async function runComparison(data: Dataset, config: BnCompareConfig): Promise<ComparePoint[]> {
  const ex = new BnCompareExperiment(data, config);
  try {
    const out = [await ex.point()];
    while (ex.stepCount < config.steps) {
      ex.step();
      if (ex.stepCount % config.evalEvery === 0 || ex.stepCount === config.steps) out.push(await ex.point());
    }
    return out;
  } finally {
    ex.dispose();
  }
}

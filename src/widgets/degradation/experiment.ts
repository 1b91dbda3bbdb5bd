/**
 * The degradation experiment: a deep stack of dense layers trained twice, once plain and once
 * with a residual connection around every pair of layers, from the same initial weights and
 * on the same mini-batches, so that the skip connections are the only difference. No batch
 * normalization, PyTorch's default initialisation U(±1/√fan_in), plain SGD. Engine only; no
 * React. Runs on whatever backend is current (the CPU reference in tests).
 */
import { F, Generator, dispose, keep, manualSeed, nn, noGrad, optim, tensor, tidy, type Tensor } from '../../engine';

/** Points of the two-spirals task, and their classes (0 or 1). */
export interface Spirals {
  /** [n, 2] coordinates, row after row. */
  x: Float32Array;
  y: Float32Array;
  n: number;
}

/** Two interleaved spirals of n/2 points each, `turns` turns (one by default), with a little noise; a fixed function of the seed. */
export function makeSpirals(n: number, seed: number, turns = 1): Spirals {
  const rng = new Generator(seed ^ 0x5eed);
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  const half = Math.floor(n / 2);
  for (let i = 0; i < n; i++) {
    const c = i < half ? 0 : 1;
    const k = c === 0 ? i : i - half;
    const t = (k + 0.5) / half; // 0 … 1 along the arm
    const angle = t * 2 * turns * Math.PI + c * Math.PI;
    const r = 0.1 + 0.9 * t;
    x[2 * i] = r * Math.cos(angle) + 0.03 * rng.nextNormal();
    x[2 * i + 1] = r * Math.sin(angle) + 0.03 * rng.nextNormal();
    y[i] = c;
  }
  return { x, y, n };
}

/**
 * Two dense layers with a ReLU between them, g(x) = fc2(ReLU(fc1(x))), and the output
 * ReLU(g(x) + x) with the residual connection or ReLU(g(x)) without it: ResNet's block with
 * dense layers in place of convolutions and no batch normalization.
 */
export class Block extends nn.Module {
  static override typeName = 'Block';
  fc1: nn.Linear;
  fc2: nn.Linear;
  constructor(
    width: number,
    readonly residual: boolean,
  ) {
    super();
    this.fc1 = new nn.Linear(width, width);
    this.fc2 = new nn.Linear(width, width);
  }
  override forward(x: Tensor): Tensor {
    const g = this.fc2.call(F.relu(this.fc1.call(x)));
    return F.relu(this.residual ? g.add(x) : g);
  }
}

/** Linear(2, width) and ReLU, `depth / 2` blocks, Linear(width, 2): depth + 2 dense layers in all. */
export class DeepStack extends nn.Module {
  static override typeName = 'DeepStack';
  stem: nn.Linear;
  blocks: Block[];
  head: nn.Linear;
  constructor(depth: number, width: number, residual: boolean) {
    super();
    if (depth % 2 !== 0 || depth < 2) throw new Error(`depth must be an even number of layers, got ${depth}`);
    this.stem = new nn.Linear(2, width);
    this.blocks = Array.from({ length: depth / 2 }, () => new Block(width, residual));
    this.head = new nn.Linear(width, 2);
  }
  override forward(x: Tensor): Tensor {
    let h = F.relu(this.stem.call(x));
    for (const b of this.blocks) h = b.call(h);
    return this.head.call(h);
  }
}

/** Builds the plain and the residual stack from the same seed: every weight starts equal. */
export function makePair(depth: number, width: number, seed: number): { plain: DeepStack; residual: DeepStack } {
  manualSeed(seed);
  const plain = new DeepStack(depth, width, false);
  manualSeed(seed);
  const residual = new DeepStack(depth, width, true);
  return { plain, residual };
}

export interface ExperimentConfig {
  /** Dense layers in the stack between the first and the last layer (even). */
  depth: number;
  width: number;
  /** Points of the training set. */
  points: number;
  batch: number;
  lr: number;
  /** Steps of SGD. */
  steps: number;
  /** Seed of the initial weights and of the batches' order (the points themselves are always the same). */
  seed: number;
  /** The training loss is measured on the whole set every `evalEvery` steps. */
  evalEvery: number;
}

export interface LossPoint {
  step: number;
  plain: number;
  residual: number;
}

/**
 * Both stacks, their optimisers and the data. `step()` trains both on the same batch;
 * `evaluate()` reads both losses on the whole training set.
 */
export class DegradationExperiment {
  readonly plain: DeepStack;
  readonly residual: DeepStack;
  readonly data: Spirals;
  private X: Tensor;
  private Y: Tensor;
  private optPlain: optim.SGD;
  private optResidual: optim.SGD;
  /** The order of the points in the current pass over the data. */
  private order: Int32Array;
  private orderRng: Generator;
  private cursor = 0;
  private disposed = false;
  /** Steps trained so far. */
  stepCount = 0;

  constructor(readonly config: ExperimentConfig) {
    const { depth, width, points, seed, lr } = config;
    this.data = makeSpirals(points, 0);
    const pair = makePair(depth, width, seed);
    this.plain = pair.plain;
    this.residual = pair.residual;
    this.X = keep(tensor(this.data.x, [points, 2]));
    this.Y = keep(tensor(this.data.y, [points]));
    this.optPlain = new optim.SGD(this.plain.parameters(), { lr });
    this.optResidual = new optim.SGD(this.residual.parameters(), { lr });
    this.orderRng = new Generator(seed + 1);
    this.order = new Int32Array(points);
    this.reshuffle();
  }

  private reshuffle(): void {
    const p = this.order;
    for (let i = 0; i < p.length; i++) p[i] = i;
    for (let i = p.length - 1; i > 0; i--) {
      const j = this.orderRng.nextInt(i + 1);
      const t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    this.cursor = 0;
  }

  /** The indices of the next mini-batch (the same for both stacks); a new shuffle after each pass. */
  nextBatch(): Int32Array {
    const { batch, points } = this.config;
    if (this.cursor + batch > points) this.reshuffle();
    const idx = this.order.slice(this.cursor, this.cursor + batch);
    this.cursor += batch;
    return idx;
  }

  /** One SGD step of each stack on the same mini-batch. Reads nothing back. */
  step(): void {
    if (this.disposed) throw new Error('experiment disposed');
    const idx = this.nextBatch();
    const xb = new Float32Array(idx.length * 2);
    const yb = new Float32Array(idx.length);
    idx.forEach((i, k) => {
      xb[2 * k] = this.data.x[2 * i];
      xb[2 * k + 1] = this.data.x[2 * i + 1];
      yb[k] = this.data.y[i];
    });
    tidy(() => {
      const x = tensor(xb, [idx.length, 2]);
      const y = tensor(yb, [idx.length]);
      for (const [net, opt] of [
        [this.plain, this.optPlain],
        [this.residual, this.optResidual],
      ] as const) {
        opt.zeroGrad();
        F.crossEntropy(net.call(x), y).backward();
        opt.step();
      }
    });
    this.stepCount += 1;
  }

  /** Mean cross-entropy of both stacks on the whole training set. */
  async evaluate(): Promise<LossPoint> {
    if (this.disposed) throw new Error('experiment disposed');
    const [lp, lr] = noGrad(() => tidy(() => [keep(F.crossEntropy(this.plain.call(this.X), this.Y)), keep(F.crossEntropy(this.residual.call(this.X), this.Y))]));
    try {
      const [plain, residual] = await Promise.all([lp.item(), lr.item()]);
      return { step: this.stepCount, plain, residual };
    } finally {
      dispose([lp, lr]);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.optPlain.zeroGrad();
    this.optResidual.zeroGrad();
    this.optPlain.dispose();
    this.optResidual.dispose();
    this.plain.dispose();
    this.residual.dispose();
    this.X.dispose();
    this.Y.dispose();
  }
}

/** Runs a whole experiment without pauses (tests and scripts): the losses at step 0 and every `evalEvery` steps. */
export async function runExperiment(config: ExperimentConfig): Promise<LossPoint[]> {
  const ex = new DegradationExperiment(config);
  try {
    const out = [await ex.evaluate()];
    while (ex.stepCount < config.steps) {
      ex.step();
      if (ex.stepCount % config.evalEvery === 0 || ex.stepCount === config.steps) out.push(await ex.evaluate());
    }
    return out;
  } finally {
    ex.dispose();
  }
}

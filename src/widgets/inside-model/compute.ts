/**
 * What a zoo model computes on one image, read out layer by layer: the first convolution's
 * kernels, the output of every layer that keeps an image shape (convolution, batch norm,
 * activation, pooling, residual block), and the class probabilities. Every number comes
 * from the engine; nothing here re-derives a shape or a value.
 */
import { F, nn, noGrad, tensor, tidy, withBackend, type Tensor } from '../../engine';
import { resizeBilinearHost } from '../../data/batches';
import type { Dataset } from '../../data/format';
import type { Tr } from '../common/i18n';

/** At most this many channels of a layer are read back and drawn. */
export const MAX_CHANNELS = 16;

export interface Stage {
  /** State-dict prefix of the layer ('0', '1.2', ...). */
  name: string;
  /** The layer's class name, e.g. 'Conv2d'. */
  type: string;
  /** [C, H, W] of the tensor the engine produced. */
  shape: number[];
  /** [C, H, W] as the layer's outputShape says, for the same input. */
  expected: number[];
  /** The first min(C, MAX_CHANNELS) channels, each H*W values, row-major. */
  maps: Float32Array[];
}

/**
 * A stage's layer as the code reaches it, by its 0-based index in its Sequential (as in the
 * model summary's table): '3' is net[3], '1.0' (a block's first layer) net[1][0].
 */
export function layerRef(name: string): string {
  return `net${name
    .split('.')
    .map((i) => `[${i}]`)
    .join('')}`;
}

/** A stage in the layer menu: net[3]: Conv2d → 16 × 10 × 10. */
export function stageOption(t: Tr, s: Pick<Stage, 'name' | 'type' | 'shape'>): string {
  return t(`${layerRef(s.name)}: ${s.type} → ${s.shape.join(' × ')}`, `${layerRef(s.name)}：${s.type} → ${s.shape.join(' × ')}`);
}

/** The caption of a stage's feature maps: net[3]: Conv2d, output 16 × 10 × 10. */
export function stageCaption(t: Tr, s: Pick<Stage, 'name' | 'type' | 'shape'>): string {
  return t(`${layerRef(s.name)}: ${s.type}, output ${s.shape.join(' × ')}`, `${layerRef(s.name)}：${s.type}，输出 ${s.shape.join(' × ')}`);
}

/** The name of one feature map of a stage, its channel counted from 0 as the book counts them: net[3]: Conv2d, channel 0 (of 16). */
export function mapLabel(t: Tr, s: Pick<Stage, 'name' | 'type' | 'shape'>, c: number): string {
  return t(`${layerRef(s.name)}: ${s.type}, channel ${c} (of ${s.shape[0]})`, `${layerRef(s.name)}：${s.type}，通道 ${c}（共 ${s.shape[0]} 个）`);
}

export interface Kernels {
  /** Output channels of the first convolution (one picture each). */
  count: number;
  inChannels: number;
  kh: number;
  kw: number;
  /** Per output channel: input channel 0 when there is one input channel, else the mean over input channels. */
  data: Float32Array[];
}

export interface InsideResult {
  kernels: Kernels | null;
  stages: Stage[];
  logits: Float32Array;
  probs: Float32Array;
}

/** One test image as the model's input: pixels scaled to 0..1, resized (bilinear, like the worker) to `size`. */
export function modelInput(ds: Dataset, index: number, size: number): Float32Array {
  const px = ds.rows * ds.cols;
  const src = new Float32Array(px);
  for (let j = 0; j < px; j++) src[j] = ds.pixels[index * px + j] / 255;
  return size === ds.rows && size === ds.cols ? src : resizeBilinearHost(src, 1, ds.rows, ds.cols, size, size);
}

/** The first Conv2d of a network, in registration order. */
export function firstConv(net: nn.Module): nn.Conv2d | null {
  for (const m of net.modules()) if (m instanceof nn.Conv2d) return m;
  return null;
}

interface Pending {
  name: string;
  type: string;
  expected: number[];
  out: Tensor;
}

/**
 * Runs `x` through `m`, descending into nested Sequentials so that every leaf layer (or
 * residual block) of a block is its own stage; records the outputs that are 4-D.
 */
function walk(m: nn.Module, x: Tensor, prefix: string, out: Pending[]): Tensor {
  if (m instanceof nn.Sequential) {
    let h = x;
    for (let i = 0; i < m.length; i++) h = walk(m.at(i), h, prefix ? `${prefix}.${i}` : String(i), out);
    return h;
  }
  const y = m.call(x) as Tensor;
  if (y.shape.length === 4) out.push({ name: prefix, type: m.typeName, expected: m.outputShape(x.shape).slice(1), out: y });
  return y;
}

/**
 * Runs one image (size*size values in 0..1) through `net` in eval mode on whatever
 * backend its weights live on, and reads back the stages, the kernels and the probabilities.
 */
export async function inside(net: nn.Sequential, image: Float32Array, size: number, opts: { onCpu?: boolean; maxChannels?: number } = {}): Promise<InsideResult> {
  const maxChannels = opts.maxChannels ?? MAX_CHANNELS;
  net.eval();
  const conv = firstConv(net);
  const forward = () =>
    tidy(() =>
      noGrad(() => {
        const x = tensor(image, [1, 1, size, size]);
        const stages: Pending[] = [];
        const logits = walk(net, x, '', stages);
        return { stages, logits, probs: F.softmax(logits, 1) };
      }),
    );
  // A model whose weights live on the CPU backend runs there (the tensors of this image too).
  const run = opts.onCpu ? withBackend('cpu', forward) : forward();
  try {
    const stages: Stage[] = [];
    for (const s of run.stages) {
      const [c, h, w] = s.out.shape.slice(1);
      const all = await s.out.data();
      const shown = Math.min(c, maxChannels);
      stages.push({ name: s.name, type: s.type, shape: [c, h, w], expected: s.expected, maps: Array.from({ length: shown }, (_, k) => all.slice(k * h * w, (k + 1) * h * w)) });
    }
    let kernels: Kernels | null = null;
    if (conv) {
      const [o, i, kh, kw] = conv.weight.shape;
      const w = await conv.weight.data();
      const data = Array.from({ length: o }, (_, k) => {
        const out = new Float32Array(kh * kw);
        for (let c = 0; c < i; c++) for (let j = 0; j < kh * kw; j++) out[j] += w[(k * i + c) * kh * kw + j] / i;
        return out;
      });
      kernels = { count: o, inChannels: i, kh, kw, data };
    }
    return { kernels, stages, logits: await run.logits.data(), probs: await run.probs.data() };
  } finally {
    // A layer may hand its input back unchanged (dropout in eval mode): dispose each tensor once.
    for (const t of new Set([...run.stages.map((s) => s.out), run.logits, run.probs])) t.dispose();
  }
}

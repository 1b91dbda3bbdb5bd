/**
 * Shape arithmetic over a model's modules, without running anything: used while a model
 * is being built, so the first dense layer's size can follow from the input size (the
 * notes' 6400 = 256 x 5 x 5 for AlexNet at 224), and to find the smallest input a model
 * accepts. ModelSummary's tables come from running the engine (summary.ts); tests check
 * that the two agree.
 */
import { nn, outSize } from '../engine';

/** A module that knows its own output shape (e.g. Residual). */
export interface ShapeAware {
  outputShape(input: readonly number[]): number[];
}

function isShapeAware(m: unknown): m is ShapeAware {
  return typeof (m as { outputShape?: unknown }).outputShape === 'function';
}

function pair(v: number | readonly [number, number]): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

function window2d(name: string, s: readonly number[], k: [number, number], st: [number, number], p: [number, number], c: number): number[] {
  if (s.length !== 4) throw new ShapeError(`${name} needs a 4-D input, got [${s.join(', ')}]`);
  const h = outSize(s[2], k[0], p[0], st[0]);
  const w = outSize(s[3], k[1], p[1], st[1]);
  if (h < 1 || w < 1) throw new ShapeError(`${name}: a ${s[2]}x${s[3]} input is too small for a ${k[0]}x${k[1]} window`);
  return [s[0], c, h, w];
}

/**
 * Output shape of `m` for an input of shape `s`; throws ShapeError when it does not fit.
 * `lenient`: a dense layer accepts any number of input features (to ask which input
 * sizes the convolutional part accepts).
 */
export function inferShape(m: nn.Module, s: readonly number[], lenient = false): number[] {
  if (m instanceof nn.Sequential) {
    let x = [...s];
    for (const layer of m) x = inferShape(layer, x, lenient);
    return x;
  }
  if (isShapeAware(m)) return m.outputShape(s);
  if (m instanceof nn.Conv2d) {
    if (s[1] !== m.inChannels) throw new ShapeError(`Conv2d expects ${m.inChannels} channels, got ${s[1]}`);
    return window2d('Conv2d', s, m.kernelSize, m.stride, m.padding, m.outChannels);
  }
  if (m instanceof nn.MaxPool2d || m instanceof nn.AvgPool2d) {
    const k = pair(m.kernelSize);
    return window2d(m instanceof nn.MaxPool2d ? 'MaxPool2d' : 'AvgPool2d', s, k, pair(m.opts.stride ?? m.kernelSize), pair(m.opts.padding ?? 0), s[1]);
  }
  if (m instanceof nn.AdaptiveAvgPool2d) {
    const [h, w] = pair(m.outputSize);
    return [s[0], s[1], h, w];
  }
  if (m instanceof nn.Flatten) {
    const start = m.startDim < 0 ? m.startDim + s.length : m.startDim;
    const end = m.endDim < 0 ? m.endDim + s.length : m.endDim;
    return [...s.slice(0, start), s.slice(start, end + 1).reduce((a, b) => a * b, 1), ...s.slice(end + 1)];
  }
  if (m instanceof nn.Linear) {
    if (!lenient && s[s.length - 1] !== m.inFeatures) throw new ShapeError(`Linear expects ${m.inFeatures} features, got ${s[s.length - 1]}`);
    return [...s.slice(0, -1), m.outFeatures];
  }
  // Element-wise layers: ReLU, Sigmoid, Tanh, Dropout, BatchNorm, Identity.
  return [...s];
}

/** Number of features after the layers, for one image of size x size with `channels` channels. */
export function flatFeatures(layers: nn.Module[], size: number, channels = 1): number {
  let s = [1, channels, size, size];
  for (const l of layers) s = inferShape(l, s);
  return s.slice(1).reduce((a, b) => a * b, 1);
}

/** The smallest square input the layers of `net` accept (dense layer sizes aside). */
export function smallestInputSize(net: nn.Module, max = 1024): number {
  for (let s = 1; s <= max; s++) {
    try {
      inferShape(net, [1, 1, s, s], true);
      return s;
    } catch (e) {
      if (!(e instanceof ShapeError)) throw e;
    }
  }
  return Infinity;
}

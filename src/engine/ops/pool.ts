/**
 * Max and average pooling (PyTorch numerics: max pads with -inf, average counts the
 * padding) and their gradients; and their shape rule.
 */
import type { Pool2dParams } from '../backend';
import { backendOf, output } from '../autograd';
import { fmt, outSize } from '../shape';
import type { Tensor } from '../tensor';
import { type Pair, pair } from './conv';

export interface PoolOptions {
  /** Defaults to the kernel size. */
  stride?: Pair;
  padding?: Pair;
}

/** The shape rule of a pooling window. */
export function poolParams(mode: 'max' | 'avg', xShape: readonly number[], kernelSize: Pair, opts: PoolOptions = {}): Pool2dParams {
  const [n, c, h, w] = xShape;
  const [kH, kW] = pair(kernelSize, 'kernelSize');
  const [strideH, strideW] = pair(opts.stride ?? kernelSize, 'stride');
  const [padH, padW] = pair(opts.padding ?? 0, 'padding');
  if (kH < 1 || kW < 1 || strideH < 1 || strideW < 1) throw new Error('pool2d: kernel size and stride must be at least 1');
  if (padH > kH / 2 || padW > kW / 2) throw new Error(`pool2d: padding (${padH}, ${padW}) must be at most half the kernel size (${kH}, ${kW})`);
  const outH = outSize(h, kH, padH, strideH);
  const outW = outSize(w, kW, padW, strideW);
  if (outH < 1 || outW < 1) throw new Error(`pool2d: window ${kH}x${kW} does not fit the input ${fmt(xShape)}`);
  return { mode, n, c, h, w, kH, kW, strideH, strideW, padH, padW, outH, outW };
}

export function pool2dPrim(x: Tensor, p: Pool2dParams): Tensor {
  const be = backendOf(x);
  return output(be, be.pool2d(x._s, p), [p.n, p.c, p.outH, p.outW], p.mode === 'max' ? 'maxPool2d' : 'avgPool2d', [x], (g) => [
    output(be, be.pool2dBackward(x._s, g._s, p), x.shape, 'pool2dBackward', [], null),
  ]);
}


/**
 * Averaging matrix of adaptive pooling along one axis: row i averages input indices
 * [floor(i*in/out), ceil((i+1)*in/out)) (PyTorch's rule).
 */
export function adaptiveMatrix(inSize: number, outSz: number): Float32Array {
  const m = new Float32Array(outSz * inSize);
  for (let i = 0; i < outSz; i++) {
    const s = Math.floor((i * inSize) / outSz);
    const e = Math.ceil(((i + 1) * inSize) / outSz);
    for (let j = s; j < e; j++) m[i * inSize + j] = 1 / (e - s);
  }
  return m;
}


/**
 * 2-D convolution (cross-correlation, NCHW) and its two gradients, each one backend
 * kernel; and its shape rule, which layers and shape inference share.
 */
import type { Conv2dParams, EpilogueOp } from '../backend';
import { backendOf, fusedDerivative, output } from '../autograd';
import { fmt, outSize } from '../shape';
import type { Tensor } from '../tensor';
import { reduce } from './reduce';

export type Pair = number | readonly [number, number];

export function pair(v: Pair, what: string): [number, number] {
  const p: [number, number] = typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!p.every((x) => Number.isInteger(x) && x >= 0)) throw new Error(`${what} must be a non-negative integer or a pair of them, got ${String(v)}`);
  return p;
}

export interface ConvOptions {
  stride?: Pair;
  padding?: Pair;
}

/** The shape rule: resolves the backend's convolution parameters, or says why the shapes do not fit. */
export function convParams(xShape: readonly number[], wShape: readonly number[], opts: ConvOptions = {}): Conv2dParams {
  const [n, cIn, h, w] = xShape;
  const [cOut, wcIn, kH, kW] = wShape;
  if (wShape.length !== 4) throw new Error(`conv2d: weight must be [cOut, cIn, kH, kW], got ${fmt(wShape)}`);
  if (wcIn !== cIn) throw new Error(`conv2d: input has ${cIn} channels but the weight expects ${wcIn} (input ${fmt(xShape)}, weight ${fmt(wShape)})`);
  const [strideH, strideW] = pair(opts.stride ?? 1, 'stride');
  const [padH, padW] = pair(opts.padding ?? 0, 'padding');
  if (strideH < 1 || strideW < 1) throw new Error('conv2d: stride must be at least 1');
  const outH = outSize(h, kH, padH, strideH);
  const outW = outSize(w, kW, padW, strideW);
  if (outH < 1 || outW < 1) {
    throw new Error(`conv2d: kernel ${kH}x${kW} does not fit the padded input ${h + 2 * padH}x${w + 2 * padW} (input ${fmt(xShape)})`);
  }
  return { n, cIn, h, w, cOut, kH, kW, strideH, strideW, padH, padW, outH, outW };
}

/**
 * Convolution primitive (NCHW); `p` already resolved. With `act`, the activation is
 * applied too: in the convolution's own kernel where the backend fuses it.
 */
export function conv2dPrim(x: Tensor, w: Tensor, bias: Tensor | null, p: Conv2dParams, act: EpilogueOp | null = null): Tensor {
  const be = bias ? backendOf(x, w, bias) : backendOf(x, w);
  if (act && !be.conv2dAct) return conv2dPrim(x, w, bias, p)[act]();
  const parents = bias ? [x, w, bias] : [x, w];
  const b = bias ? bias._s : null;
  const s = act ? be.conv2dAct!(x._s, w._s, b, p, act) : be.conv2d(x._s, w._s, b, p);
  const y: Tensor = output(be, s, [p.n, p.cOut, p.outH, p.outW], act ? `conv2d+${act}` : 'conv2d', parents, (g) =>
    conv2dGrads(x, w, bias, p, act ? fusedDerivative(act, y, g) : g),
  );
  return y;
}

/** The gradients of conv2d's inputs (x, w and bias if any) from g = dL/dy. */
function conv2dGrads(x: Tensor, w: Tensor, bias: Tensor | null, p: Conv2dParams, g: Tensor): (Tensor | null)[] {
  const be = backendOf(x, w);
  const gx = x.requiresGrad ? output(be, be.conv2dBackwardInput(g._s, w._s, p), x.shape, 'conv2dBackwardInput', [g, w], null) : null;
  // Where the backend has it, one kernel gives both the weight and the bias gradient.
  const fused = bias && bias.requiresGrad && w.requiresGrad ? (be.conv2dBackwardWeightBias?.(x._s, g._s, p) ?? null) : null;
  if (fused) {
    const gw = output(be, fused.dW, w.shape, 'conv2dBackwardWeight', [x, g], null);
    return [gx, gw, output(be, fused.dBias, [p.cOut], 'conv2dBackwardBias', [g], null)];
  }
  const gw = w.requiresGrad ? output(be, be.conv2dBackwardWeight(x._s, g._s, p), w.shape, 'conv2dBackwardWeight', [x, g], null) : null;
  const gb = bias && bias.requiresGrad ? reduce('sum', g, [0, 2, 3], false) : null;
  return bias ? [gx, gw, gb] : [gx, gw];
}

/**
 * Reductions (sum, max, min over axes), argmax, and softmax / log-softmax composed
 * from them. max/min along one axis send the gradient to the first extreme (like
 * torch.max(dim)); over several axes ties share it (like torch.amax).
 */
import type { Backend, ReduceOp } from '../backend';
import { backendOf, output } from '../autograd';
import { fromHost } from '../creation';
import { normAxes, normAxis } from '../shape';
import { Tensor, noGrad, tidyKeepGraph } from '../tensor';
import { broadcastTo, reshape } from './layout';

export function reduce(op: ReduceOp, x: Tensor, axis: number | readonly number[] | undefined, keepdim: boolean): Tensor {
  const be = backendOf(x);
  const axes = normAxes(axis, x.ndim);
  const kept = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const shape = keepdim ? kept : x.shape.filter((_, i) => !axes.includes(i));
  if (axes.length === 0) return reshape(x, x.shape);
  const storage = be.reduce(op, x._s, x.shape, axes);
  const y = output(be, storage, shape, op, [x], (g) => {
    const gk = reshape(g, kept);
    if (op === 'sum') return [broadcastTo(gk, x.shape)];
    let mask: Tensor;
    if (axes.length === 1 && axis !== undefined) {
      // max/min along one axis (torch.max(dim)): the gradient goes to the first extreme.
      const idx = argmax(op === 'max' ? x : x.neg(), axes[0], true);
      const iotaShape = x.shape.map((d, i) => (i === axes[0] ? d : 1));
      const iota = reshape(arangeOn(x.backend, x.shape[axes[0]]), iotaShape);
      mask = iota.eq(idx);
    } else {
      // Full or multi-axis max/min: ties share the gradient evenly (torch.amax).
      const hit = x.eq(reshape(y, kept));
      mask = hit.div(reduce('sum', hit, axes, true));
    }
    return [mask.mul(gk)];
  });
  return y;
}

function arangeOn(be: Backend, n: number): Tensor {
  const v = new Float32Array(n);
  for (let i = 0; i < n; i++) v[i] = i;
  return fromHost(v, [n], be);
}

export function argmax(x: Tensor, axis: number, keepdim = false): Tensor {
  const be = backendOf(x);
  const a = normAxis(axis, x.ndim);
  const kept = x.shape.map((d, i) => (i === a ? 1 : d));
  const shape = keepdim ? kept : x.shape.filter((_, i) => i !== a);
  return output(be, be.argmax(x._s, x.shape, a), shape, 'argmax', [x], null);
}

export function softmax(x: Tensor, dim: number): Tensor {
  return tidyKeepGraph(() => {
    const m = noGrad(() => reduce('max', x, dim, true));
    const e = x.sub(m).exp();
    return e.div(reduce('sum', e, dim, true));
  });
}

export function logSoftmax(x: Tensor, dim: number): Tensor {
  return tidyKeepGraph(() => {
    const m = noGrad(() => reduce('max', x, dim, true));
    const z = x.sub(m);
    return z.sub(reduce('sum', z.exp(), dim, true).log());
  });
}


/**
 * Layout ops: reshape (shares storage), permute, narrow, cat/stack, broadcasting and
 * copies. Each records its gradient, which is the inverse layout change.
 */
import { backendOf, output } from '../autograd';
import { type Shape, broadcastShapes, fmt, normAxis, sameShape, shapeSize, stridesOf } from '../shape';
import { Tensor, isGradEnabled } from '../tensor';
import { reduce } from './reduce';

/** Sums a broadcast gradient back down to `shape`. */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const off = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < off || (shape[i - off] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  const r = axes.length ? reduce('sum', g, axes, true) : g;
  return reshape(r, shape);
}

export function unaryId(x: Tensor): Tensor {
  const be = backendOf(x);
  return output(be, be.slice(x._s, [x.size], [1], 0), x.shape, 'clone', [x], (g) => [g]);
}

/** Materialised broadcast of x to `shape`; its gradient sums back. */
export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  if (sameShape(x.shape, shape)) return x;
  const be = backendOf(x);
  const full = broadcastShapes(x.shape, shape);
  if (!sameShape(full, shape)) throw new Error(`Cannot broadcast shape ${fmt(x.shape)} to ${fmt(shape)}`);
  const off = shape.length - x.ndim;
  const own = stridesOf(x.shape);
  const strides = shape.map((d, i) => (i < off || x.shape[i - off] === 1 ? 0 : own[i - off]));
  return output(be, be.slice(x._s, shape, strides, 0), shape, 'expand', [x], (g) => [sumTo(g, x.shape)]);
}

export function reshape(x: Tensor, shapeIn: Shape): Tensor {
  x._check();
  const shape = [...shapeIn];
  const neg = shape.indexOf(-1);
  if (neg >= 0) {
    const rest = shapeSize(shape.filter((_, i) => i !== neg));
    if (rest === 0 || x.size % rest !== 0) throw new Error(`reshape(): cannot infer -1 for ${x.size} elements into ${fmt(shapeIn)}`);
    shape[neg] = x.size / rest;
  }
  if (shapeSize(shape) !== x.size) throw new Error(`reshape(): shape ${fmt(shapeIn)} is invalid for ${x.size} elements (shape ${fmt(x.shape)})`);
  x._ref.refs++;
  const y = new Tensor(x._ref, shape);
  if (isGradEnabled() && x.requiresGrad) {
    y.requiresGrad = true;
    y._node = { op: 'reshape', parents: [x], backward: (g) => [reshape(g, x.shape)] };
  }
  return y;
}

export function permute(x: Tensor, perm: readonly number[]): Tensor {
  const be = backendOf(x);
  if (perm.length !== x.ndim) throw new Error(`permute(): ${perm.length} axes for a tensor of rank ${x.ndim}`);
  const p = perm.map((a) => normAxis(a, x.ndim));
  if (new Set(p).size !== p.length) throw new Error(`permute(): repeated axis in [${perm}]`);
  if (p.every((a, i) => a === i)) return reshape(x, x.shape);
  const shape = p.map((a) => x.shape[a]);
  const inv = new Array<number>(p.length);
  p.forEach((a, i) => (inv[a] = i));
  return output(be, be.transpose(x._s, x.shape, p), shape, 'permute', [x], (g) => [permute(g, inv)]);
}

export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  const be = backendOf(x);
  const a = normAxis(axis, x.ndim);
  if (start < 0) start += x.shape[a];
  if (start < 0 || length < 0 || start + length > x.shape[a]) {
    throw new Error(`narrow(): [${start}, ${start + length}) is out of range for axis ${a} of size ${x.shape[a]}`);
  }
  const shape = [...x.shape];
  shape[a] = length;
  const strides = stridesOf(x.shape);
  return output(be, be.slice(x._s, shape, strides, start * strides[a]), shape, 'narrow', [x], (g) => {
    const parts: Tensor[] = [];
    if (start > 0) parts.push(zerosShaped(g, a, start));
    parts.push(g);
    const after = x.shape[a] - start - length;
    if (after > 0) parts.push(zerosShaped(g, a, after));
    return [parts.length === 1 ? g : cat(parts, a)];
  });
}

function zerosShaped(like: Tensor, axis: number, n: number): Tensor {
  const shape = [...like.shape];
  shape[axis] = n;
  return Tensor._fromStorage(like.backend, like.backend.zeros(shapeSize(shape)), shape);
}

/** Concatenates along `axis` (torch.cat). */
export function cat(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('cat(): no tensors');
  const be = backendOf(...xs);
  const a = normAxis(axis, xs[0].ndim);
  for (const x of xs) {
    if (x.ndim !== xs[0].ndim || x.shape.some((d, i) => i !== a && d !== xs[0].shape[i])) {
      throw new Error(`cat(): shapes ${xs.map((t) => fmt(t.shape)).join(', ')} differ outside axis ${a}`);
    }
  }
  const shape = [...xs[0].shape];
  shape[a] = xs.reduce((s, x) => s + x.shape[a], 0);
  const storage = be.concat(xs.map((x) => x._s), xs.map((x) => x.shape), a);
  return output(be, storage, shape, 'cat', [...xs], (g) => {
    let at = 0;
    return xs.map((x) => {
      const piece = x.requiresGrad ? narrow(g, a, at, x.shape[a]) : null;
      at += x.shape[a];
      return piece;
    });
  });
}

/** Stacks equally shaped tensors along a new axis (torch.stack). */
export function stack(xs: readonly Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new Error('stack(): no tensors');
  const a = normAxis(axis, xs[0].ndim + 1);
  return cat(xs.map((x) => x.unsqueeze(a)), a);
}


/**
 * WebGPU reductions: sum/max/min over any axes (one invocation or one workgroup per
 * output, long reductions split in two passes) and argmax.
 */
import type { ReduceOp, Storage } from '../backend';
import type { WebGPUBackend } from './index';
import { Words } from './runtime';
import { shapeSize as prod } from '../shape';
import reduceRaw from '../../../shaders/reduce.wgsl?raw';
import reduceWgRaw from '../../../shaders/reduce-workgroup.wgsl?raw';
import argmaxRaw from '../../../shaders/argmax.wgsl?raw';
import { wgsl } from './wgsl';

const reduceSrc = wgsl(reduceRaw);
const reduceWgSrc = wgsl(reduceWgRaw);
const argmaxSrc = wgsl(argmaxRaw);

const REDUCE_CODES: Record<ReduceOp, number> = { sum: 0, max: 1, min: 2 };

// ---- reductions ---------------------------------------------------------------------


/** Reduce with a chosen strategy: one invocation or one workgroup per output ('auto' decides by size). */
export function reduceWith(be: WebGPUBackend, strategy: 'auto' | 'thread' | 'workgroup', op: ReduceOp, x: Storage, shape: readonly number[], axes: readonly number[]): Storage {
  const code = REDUCE_CODES[op];
  if (code === undefined) throw new Error(`webgpu backend: unknown reduce op ${op}`);
  const r = shape.length;
  const red = new Array<boolean>(r).fill(false);
  for (const a of axes) red[a < 0 ? a + r : a] = true;
  const outN = prod(shape.map((d, i) => (red[i] ? 1 : d)));
  const o = be.out(outN);
  if (outN === 0) return o;
  const R = prod(shape.filter((_, i) => red[i]));
  if (R === 0) {
    be.fillInto(o, op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity);
    return o;
  }
  // Group the axes into runs of kept / reduced (size-1 axes play no part).
  const groups: { size: number; red: boolean }[] = [];
  for (let i = 0; i < r; i++) {
    if (shape[i] === 1) continue;
    const g = groups[groups.length - 1];
    if (g && g.red === red[i]) g.size *= shape[i];
    else groups.push({ size: shape[i], red: red[i] });
  }
  let stride = 1;
  const st = new Array<number>(groups.length);
  for (let i = groups.length - 1; i >= 0; i--) {
    st[i] = stride;
    stride *= groups[i].size;
  }
  const kept = groups.map((g, i) => ({ ...g, st: st[i] })).filter((g) => !g.red);
  const reds = groups.map((g, i) => ({ ...g, st: st[i] })).filter((g) => g.red);
  if (reds.length === 0) {
    // Nothing of size > 1 is reduced: the result is a copy.
    return be.slice(x, [outN], [1], 0);
  }
  if (kept.length > 4 || reds.length > 5) throw new Error('webgpu backend: reduction over too many interleaved axes');
  const innerG = reds[reds.length - 1];
  const outerR = reds.slice(0, -1);
  const workgroup = strategy === 'workgroup';
  // 'auto' folds long reductions in `splits` ranges per output, one invocation each,
  // then folds the partial results in a second pass: enough parallel work for few
  // outputs, and no barriers.
  let splits = 1;
  if (!workgroup && strategy === 'auto' && R >= 1024 && outN < 4096) {
    splits = Math.min(Math.ceil(R / 256), Math.ceil(4096 / outN));
  }
  const chunk = Math.ceil(R / splits);
  splits = Math.ceil(R / chunk);
  const words = new Words()
    .u32(outN, kept.length, outerR.length, innerG.size, innerG.st, R / innerG.size, splits, chunk)
    .f32(op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity)
    .vec4s(kept.map((g) => g.size), 1)
    .vec4s(kept.map((g) => g.st), 1)
    .vec4s(outerR.map((g) => g.size), 1)
    .vec4s(outerR.map((g) => g.st), 1)
    .buffer();
  const target = splits > 1 ? be.out(outN * splits) : o;
  be.rt.dispatch({
    key: `reduce:${code}:${workgroup ? 'wg' : 't'}`,
    code: workgroup ? reduceWgSrc : reduceSrc,
    constants: { OP: code },
    buffers: [be.buf(x), target.buffer],
    uniforms: words,
    workgroups: workgroup ? outN : Math.ceil((outN * splits) / 64),
  });
  if (splits > 1) {
    be.free(o);
    const folded = be.reduceWith('thread', op, target, [outN, splits], [1]);
    be.free(target);
    return folded;
  }
  return o;
}

export function argmax(be: WebGPUBackend, x: Storage, shape: readonly number[], axis: number): Storage {
  const ax = axis < 0 ? axis + shape.length : axis;
  const outer = prod(shape.slice(0, ax));
  const len = shape[ax];
  const inner = prod(shape.slice(ax + 1));
  const n = outer * inner;
  const o = be.out(n);
  if (n === 0) return o;
  if (len === 0) throw new Error('webgpu backend: argmax over an empty axis');
  be.rt.dispatch({
    key: 'argmax',
    code: argmaxSrc,
    buffers: [be.buf(x), o.buffer],
    uniforms: new Words().u32(n, len, inner).buffer(),
    workgroups: Math.ceil(n / 64),
  });
  return o;
}

/** WebGPU cross-entropy from logits, forward (with the optional in-place tally) and backward. */
import type { CrossEntropyParams, Storage } from '../backend';
import type { WebGPUBackend } from './index';
import { Words } from './runtime';
import forwardRaw from '../../../shaders/cross-entropy.wgsl?raw';
import backwardRaw from '../../../shaders/cross-entropy-backward.wgsl?raw';
import { wgsl } from './wgsl';

const forwardSrc = wgsl(forwardRaw);
const backwardSrc = wgsl(backwardRaw);

export function crossEntropy(be: WebGPUBackend, logits: Storage, labels: Storage, p: CrossEntropyParams, tally: Storage | null): Storage {
  const perRow = p.reduction === 'none';
  const o = be.out(perRow ? p.n : 1);
  if (p.n === 0) {
    if (!perRow) be.fillInto(o, p.reduction === 'mean' ? NaN : 0);
    return o;
  }
  be.rt.dispatch({
    key: `cross-entropy:${perRow ? 0 : 1}`,
    code: forwardSrc,
    constants: { REDUCE: perRow ? 0 : 1 },
    buffers: [be.buf(logits), be.buf(labels), o.buffer, tally ? be.buf(tally) : be.dummy],
    uniforms: new Words().u32(p.n, p.c, p.reduction === 'mean' ? 1 : 0, tally ? 1 : 0).buffer(),
    workgroups: perRow ? Math.ceil(p.n / 256) : 1,
  });
  if (perRow && tally) {
    // Per-row losses with a tally: fold the tally in with a reducing pass of its own.
    const folded = crossEntropy(be, logits, labels, { ...p, reduction: 'sum' }, tally);
    be.free(folded);
  }
  return o;
}

export function crossEntropyBackward(be: WebGPUBackend, logits: Storage, labels: Storage, g: Storage, p: CrossEntropyParams): Storage {
  const o = be.out(p.n * p.c);
  be.rt.dispatch({
    key: 'cross-entropy-backward',
    code: backwardSrc,
    buffers: [be.buf(logits), be.buf(labels), be.buf(g), o.buffer],
    uniforms: new Words().u32(p.n, p.c, p.reduction === 'mean' ? 0 : p.reduction === 'sum' ? 1 : 2).buffer(),
    workgroups: Math.ceil(p.n / 64),
  });
  return o;
}

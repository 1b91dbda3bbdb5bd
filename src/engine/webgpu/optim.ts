/**
 * The optimizers' in-place updates on WebGPU. SGD updates as many parameters per
 * dispatch as the device's storage-buffer bindings allow (a model's whole parameter
 * list in a handful of dispatches instead of one each); Adam one parameter per dispatch.
 */
import type { AdamParams, SgdItem, SgdParams } from '../backend';
import type { WebGPUBackend } from './index';
import { Words } from './runtime';
import sgdRaw from '../../../shaders/sgd-step.wgsl?raw';
import adamRaw from '../../../shaders/adam-step.wgsl?raw';
import { wgsl } from './wgsl';

const sgdTemplate = wgsl(sgdRaw);
const adamSrc = wgsl(adamRaw);

/** At most this many parameters per SGD dispatch (the uniform holds 16 segment ends). */
const MAX_PER_DISPATCH = 16;
/** Parameters of at least this many elements are updated one per dispatch. */
const LARGE_PARAM = 1 << 16;

const sources = new Map<string, string>();

/** The SGD shader for `count` parameters, with or without momentum buffers. */
function sgdSource(count: number, momentum: boolean): string {
  const key = `${count}:${momentum}`;
  let code = sources.get(key);
  if (code) return code;
  const per = momentum ? 3 : 2;
  const bindings: string[] = [];
  const segments: string[] = [];
  for (let k = 0; k < count; k++) {
    bindings.push(`@group(0) @binding(${k * per}) var<storage, read_write> p${k}: array<f32>;`);
    bindings.push(`@group(0) @binding(${k * per + 1}) var<storage, read> g${k}: array<f32>;`);
    if (momentum) bindings.push(`@group(0) @binding(${k * per + 2}) var<storage, read_write> m${k}: array<f32>;`);
    const end = `u.ends[${k >> 2}][${k & 3}]`;
    const start = k === 0 ? '0u' : `u.ends[${(k - 1) >> 2}][${(k - 1) & 3}]`;
    const j = `i - ${start}`;
    segments.push(
      `  ${k === 0 ? '' : 'else '}if (i < ${end}) {`,
      `    let j = ${j};`,
      `    let r = sgd(p${k}[j], g${k}[j], ${momentum ? `m${k}[j]` : '0.0'});`,
      `    p${k}[j] = r.x;`,
      ...(momentum ? [`    m${k}[j] = r.y;`] : []),
      '  }',
    );
  }
  bindings.push(`@group(0) @binding(${count * per}) var<uniform> u: Params;`);
  code = sgdTemplate.replace(/^\/\/@bindings$/m, bindings.join('\n')).replace(/^\/\/@segments$/m, segments.join('\n'));
  sources.set(key, code);
  return code;
}

export function sgdStep(be: WebGPUBackend, items: readonly SgdItem[], p: SgdParams): void {
  const live = items.filter((it) => it.param.size > 0);
  const momentum = p.momentum !== 0;
  for (const it of live) {
    const pb = be.buf(it.param);
    if (pb === be.buf(it.grad) || (momentum && it.momentumBuf && pb === be.buf(it.momentumBuf))) {
      throw new Error('webgpu backend: sgdStep operands must be distinct storages');
    }
    if (momentum && !it.momentumBuf) throw new Error('webgpu backend: SGD with momentum needs a momentum buffer for every parameter');
  }
  const per = momentum ? 3 : 2;
  const fit = Math.max(1, Math.min(MAX_PER_DISPATCH, Math.floor(be.rt.maxStorageBuffers / per)));
  // Each invocation picks its parameter through a chain of branches, and an adapter that
  // runs invocations as SIMD lanes of a CPU pays for every branch (on SwiftShader a
  // 6-parameter dispatch costs 5x six single ones per element): a large parameter gets
  // a dispatch of its own, the small ones share.
  const large = live.filter((it) => it.param.size >= LARGE_PARAM);
  const small = live.filter((it) => it.param.size < LARGE_PARAM);
  const chunks = large.map((it) => [it]);
  for (let at = 0; at < small.length; at += fit) chunks.push(small.slice(at, at + fit));
  for (const chunk of chunks) {
    const ends: number[] = [];
    let total = 0;
    for (const it of chunk) ends.push((total += it.param.size));
    be.rt.dispatch({
      key: `sgd-step:${chunk.length}:${momentum ? 1 : 0}`,
      code: sgdSource(chunk.length, momentum),
      buffers: chunk.flatMap((it) => [be.buf(it.param), be.buf(it.grad), ...(momentum ? [be.buf(it.momentumBuf!)] : [])]),
      uniforms: new Words()
        .u32(momentum ? 1 : 0, p.nesterov ? 1 : 0, p.firstStep ? 1 : 0, total)
        .f32(p.lr, p.momentum, p.weightDecay, p.dampening)
        .vec4s(ends, 4)
        .buffer(),
      workgroups: Math.ceil(total / 256),
    });
  }
}

export function adamStep(be: WebGPUBackend, param: import('../backend').Storage, grad: import('../backend').Storage, m: import('../backend').Storage, v: import('../backend').Storage, p: AdamParams): void {
  const n = param.size;
  if (n === 0) return;
  const bufs = [be.buf(param), be.buf(grad), be.buf(m), be.buf(v)];
  if (new Set(bufs).size !== 4) throw new Error('webgpu backend: adamStep operands must be distinct storages');
  const bc1 = 1 - Math.pow(p.beta1, p.step);
  const bc2 = 1 - Math.pow(p.beta2, p.step);
  be.rt.dispatch({
    key: 'adam-step',
    code: adamSrc,
    buffers: bufs,
    uniforms: new Words()
      .u32(n)
      .f32(p.beta1, p.beta2, p.eps, p.weightDecay, p.lr / bc1, Math.sqrt(bc2))
      .buffer(),
    workgroups: Math.ceil(n / 256),
  });
}

/**
 * WebGPU pooling (max and average, forward and backward, with a fast path for average
 * pools whose windows tile the input) and bilinear resizing.
 */
import type { Pool2dParams, Storage } from '../backend';
import type { WebGPUBackend } from './index';
import { Words } from './runtime';
import avgPoolTilesRaw from '../../../shaders/avg-pool2d-tiles.wgsl?raw';
import avgPoolTilesBackwardRaw from '../../../shaders/avg-pool2d-tiles-backward.wgsl?raw';
import pool2dRaw from '../../../shaders/pool2d.wgsl?raw';
import pool2dBackwardRaw from '../../../shaders/pool2d-backward.wgsl?raw';
import pool2dArgmaxRaw from '../../../shaders/pool2d-argmax.wgsl?raw';
import resizeRaw from '../../../shaders/resize-bilinear.wgsl?raw';
import { wgsl } from './wgsl';

const avgPoolTilesSrc = wgsl(avgPoolTilesRaw);
const avgPoolTilesBackwardSrc = wgsl(avgPoolTilesBackwardRaw);
const pool2dSrc = wgsl(pool2dRaw);
const pool2dBackwardSrc = wgsl(pool2dBackwardRaw);
const pool2dArgmaxSrc = wgsl(pool2dArgmaxRaw);
const resizeSrc = wgsl(resizeRaw);

function poolWords(be: WebGPUBackend, p: Pool2dParams, n: number): ArrayBuffer {
  return new Words().u32(n, p.n * p.c, p.h, p.w, p.kH, p.kW, p.strideH, p.strideW, p.padH, p.padW, p.outH, p.outW).f32(-Infinity).buffer();
}

/** Average pooling whose windows tile the input exactly: no padding, stride = kernel, no remainder. */
function tiles(p: Pool2dParams): boolean {
  return (
    p.mode === 'avg' && p.padH === 0 && p.padW === 0 && p.strideH === p.kH && p.strideW === p.kW &&
    p.h === p.outH * p.kH && p.w === p.outW * p.kW && p.kH * p.kW <= 16
  );
}

/** The exact-tiling average pool (forward, or backward from `gy`), one invocation per output. */
function avgPoolTiles(be: WebGPUBackend, src: Storage, p: Pool2dParams, backward: boolean): Storage {
  const n = p.n * p.c * p.outH * p.outW;
  const o = be.out(backward ? p.n * p.c * p.h * p.w : n);
  if (n === 0) return o;
  be.rt.dispatch({
    key: `avg-pool2d-tiles:${backward ? 'b' : 'f'}:${p.kH}x${p.kW}`,
    code: backward ? avgPoolTilesBackwardSrc : avgPoolTilesSrc,
    constants: { KH: p.kH, KW: p.kW },
    buffers: [be.buf(src), o.buffer],
    uniforms: new Words().u32(n, p.outH, p.outW).buffer(),
    workgroups: Math.ceil(n / 64),
  });
  return o;
}

export function pool2d(be: WebGPUBackend, x: Storage, p: Pool2dParams): Storage {
  if (tiles(p)) return avgPoolTiles(be, x, p, false);
  const n = p.n * p.c * p.outH * p.outW;
  const o = be.out(n);
  if (n === 0) return o;
  const mode = p.mode === 'max' ? 0 : 1;
  be.rt.dispatch({
    key: `pool2d:${mode}`,
    code: pool2dSrc,
    constants: { MODE: mode },
    buffers: [be.buf(x), o.buffer],
    uniforms: poolWords(be, p, n),
    workgroups: Math.ceil(n / 64),
  });
  return o;
}

export function pool2dBackward(be: WebGPUBackend, x: Storage, gy: Storage, p: Pool2dParams): Storage {
  if (tiles(p)) return avgPoolTiles(be, gy, p, true);
  const n = p.n * p.c * p.h * p.w;
  const o = be.out(n);
  if (n === 0) return o;
  const mode = p.mode === 'max' ? 0 : 1;
  // Max pooling: each window's first maximum, found once (not by every input it covers).
  const outs = p.n * p.c * p.outH * p.outW;
  const arg = mode === 0 ? be.out(outs) : null;
  if (arg) {
    be.rt.dispatch({
      key: 'pool2d-argmax',
      code: pool2dArgmaxSrc,
      buffers: [be.buf(x), arg.buffer],
      uniforms: poolWords(be, p, outs),
      workgroups: Math.ceil(outs / 64),
    });
  }
  be.rt.dispatch({
    key: `pool2dBackward:${mode}`,
    code: pool2dBackwardSrc,
    constants: { MODE: mode },
    buffers: [arg ? arg.buffer : be.buf(x), be.buf(gy), o.buffer],
    uniforms: poolWords(be, p, n),
    workgroups: Math.ceil(n / 64),
  });
  if (arg) be.free(arg);
  return o;
}

export function resizeBilinear(be: WebGPUBackend, x: Storage, n: number, c: number, h: number, w: number, outH: number, outW: number): Storage {
  const total = n * c * outH * outW;
  const o = be.out(total);
  if (total === 0) return o;
  be.rt.dispatch({
    key: 'resize-bilinear',
    code: resizeSrc,
    buffers: [be.buf(x), o.buffer],
    uniforms: new Words().u32(total, h, w, outH, outW).f32(h / outH, w / outW).buffer(),
    workgroups: Math.ceil(total / 64),
  });
  return o;
}

// Conv2d forward for stride 1, register-blocked along output rows: each invocation
// computes 8 output channels x P neighbouring output pixels of one row (P = 8; 4 or 2
// for rows that narrow). Each stored value goes through act() (see gemm.ts). For each input
// row (ci, ky) it loads the input values its pixels need once and uses each for every
// kernel column it meets; the weights come pre-packed in an rgba32float texture, texel
// (co / 4, k) holding channels co..co+3 of tap k = (ci, ky, kx) (co padded to a
// multiple of 8), so the 8 channels of one tap are two texel fetches (on CPU-backed
// adapters a fetch brings four floats per invocation where a storage load gathers one).
// No workgroup memory and no barriers. The backward-input pass of a stride-1
// convolution is this same kernel run on dL/dy with flipped, transposed weights (see
// conv2d-pack-weights.wgsl).
// A template: src/engine/webgpu/conv-rows-source.ts fills the marked lines with the
// first pixel of the invocation's segment, the vec4 accumulators, the column taps (a sliding window for any kW, or fully unrolled
// for a given kW) and the stores, since WGSL has neither macros nor indexable registers.

struct Params {
  n: u32, cIn: u32, h: u32, w: u32,
  cOut: u32, kH: u32, kW: u32, padH: u32,
  padW: u32, outH: u32, outW: u32, segs: u32,
  coBlocks: u32, coPad4: u32, threads: u32, hasBias: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var wt: texture_2d<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;

//#include "main-1d" (I = t, N = u.threads, WG = 64)
  let seg = t % u.segs;
  let r1 = t / u.segs;
  let oy = r1 % u.outH;
  let r2 = r1 / u.outH;
  let cb = r2 % u.coBlocks;
  let b = r2 / u.coBlocks;
//@origin
  let W = i32(u.w);
  let ixs = i32(ox0) - i32(u.padW);
  let wq = cb * 2u;

//@accumulators
  for (var ci = 0u; ci < u.cIn; ci++) {
    for (var ky = 0u; ky < u.kH; ky++) {
      let iy = i32(oy + ky) - i32(u.padH);
      if (iy < 0 || iy >= i32(u.h)) { continue; }
      let rowBase = i32(((b * u.cIn + ci) * u.h) * u.w) + iy * W;
//@taps
    }
  }
  let co0 = cb * 8u;
  let plane = u.outH * u.outW;
  let outRow = (b * u.cOut) * plane + oy * u.outW;
  var bias0 = vec4<f32>(0.0);
  var bias1 = vec4<f32>(0.0);
  if (u.hasBias != 0u) {
    bias0 = vec4<f32>(bias[min(co0 + 0u, u.cOut - 1u)], bias[min(co0 + 1u, u.cOut - 1u)], bias[min(co0 + 2u, u.cOut - 1u)], bias[min(co0 + 3u, u.cOut - 1u)]);
    bias1 = vec4<f32>(bias[min(co0 + 4u, u.cOut - 1u)], bias[min(co0 + 5u, u.cOut - 1u)], bias[min(co0 + 6u, u.cOut - 1u)], bias[min(co0 + 7u, u.cOut - 1u)]);
  }
//@stores
}

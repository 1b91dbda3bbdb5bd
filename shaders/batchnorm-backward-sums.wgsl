// First pass of the batch-norm backward: per channel, the sum of the output gradient
// (dL/dbias) and the sum of g * xhat (dL/dweight). LANES invocations share a channel and
// WG / LANES channels share a workgroup, as in batchnorm-stats.wgsl (LANES = 1: no barriers).
// With ACT = 1 the layer's output y went through an activation: g is first taken through
// the engine's prepended `fn derivative(v: f32, g: f32) -> f32` at v = y, and with
// KEEP_G = 1 that gradient is also stored (it is the residual's, when one was added).
// With split > 1, a lane group sums one chunk of its channel, as in batchnorm-stats.wgsl,
// and stores the two sums (g * xhat without the 1 / sigma) at [channel * split + chunk] for
// batchnorm-fold.wgsl.
override WG: u32 = 256u;
override LANES: u32 = 256u;
override ACT: u32 = 0u;
override KEEP_G: u32 = 0u;

struct Params { n: u32, c: u32, hw: u32, eps: f32, split: u32, len: u32 }

@group(0) @binding(0) var<storage, read> g: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read> variance: array<f32>;
@group(0) @binding(4) var<storage, read_write> dBias: array<f32>;
@group(0) @binding(5) var<storage, read_write> dWeight: array<f32>;
@group(0) @binding(6) var<storage, read> y: array<f32>;
@group(0) @binding(7) var<storage, read_write> gOut: array<f32>;
@group(0) @binding(8) var<uniform> u: Params;

var<workgroup> partialG: array<f32, WG>;
var<workgroup> partialGX: array<f32, WG>;

//#include "channel-chunk"

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let part = channelChunk(wid, nwg, lid);
  let ch = part.ch;
  let lane = part.lane;
  let m = select(0.0, mean[min(ch, u.c - 1u)], part.live);
  var sg = 0.0;
  var sgx = 0.0;
  for (var i = part.start + lane; i < part.end; i += LANES) {
    let k = channelIndex(ch, i);
    var gk = g[k];
    if (ACT != 0u) {
      gk = derivative(y[k], gk);
      if (KEEP_G != 0u) { gOut[k] = gk; }
    }
    sg += gk;
    sgx += gk * (x[k] - m);
  }
  if (LANES > 1u) {
    partialG[lid] = sg;
    partialGX[lid] = sgx;
    workgroupBarrier();
    for (var s = LANES / 2u; s > 0u; s = s >> 1u) {
      if (lane < s) {
        partialG[lid] += partialG[lid + s];
        partialGX[lid] += partialGX[lid + s];
      }
      workgroupBarrier();
    }
    sg = partialG[lid];
    sgx = partialGX[lid];
  }
  if (part.live && lane == 0u) {
    if (u.split > 1u) {
      dBias[part.group] = sg;
      dWeight[part.group] = sgx;
      return;
    }
    dBias[ch] = sg;
    dWeight[ch] = sgx * inverseSqrt(variance[ch] + u.eps);
  }
}

// First pass of the batch-norm backward: per channel (one workgroup each), the sum of
// the output gradient (dL/dbias) and the sum of g * xhat (dL/dweight).
struct Params { n: u32, c: u32, hw: u32, eps: f32 }

@group(0) @binding(0) var<storage, read> g: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read> variance: array<f32>;
@group(0) @binding(4) var<storage, read_write> dBias: array<f32>;
@group(0) @binding(5) var<storage, read_write> dWeight: array<f32>;
@group(0) @binding(6) var<uniform> u: Params;

var<workgroup> partialG: array<f32, 256>;
var<workgroup> partialGX: array<f32, 256>;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let ch = (wid.z * nwg.y + wid.y) * nwg.x + wid.x;
  if (ch >= u.c) { return; }
  let count = u.n * u.hw;
  let m = mean[ch];
  var sg = 0.0;
  var sgx = 0.0;
  for (var i = lid; i < count; i += 256u) {
    let b = i / u.hw;
    let k = (b * u.c + ch) * u.hw + i - b * u.hw;
    sg += g[k];
    sgx += g[k] * (x[k] - m);
  }
  partialG[lid] = sg;
  partialGX[lid] = sgx;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s >> 1u) {
    if (lid < s) {
      partialG[lid] += partialG[lid + s];
      partialGX[lid] += partialGX[lid + s];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    dBias[ch] = partialG[0];
    dWeight[ch] = partialGX[0] * inverseSqrt(variance[ch] + u.eps);
  }
}

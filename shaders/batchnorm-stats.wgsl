// Batch-norm statistics: one workgroup of 256 invocations per channel computes the
// channel's mean, then its biased variance from the centred values (two passes, as
// exact as the data allow). x is [n, c, hw].
struct Params { n: u32, c: u32, hw: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> meanOut: array<f32>;
@group(0) @binding(2) var<storage, read_write> varOut: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

var<workgroup> partial: array<f32, 256>;

fn total(lid: u32, v: f32) -> f32 {
  partial[lid] = v;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s >> 1u) {
    if (lid < s) { partial[lid] += partial[lid + s]; }
    workgroupBarrier();
  }
  let t = partial[0];
  workgroupBarrier();
  return t;
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let ch = (wid.z * nwg.y + wid.y) * nwg.x + wid.x;
  if (ch >= u.c) { return; }
  let count = u.n * u.hw;
  var s = 0.0;
  for (var i = lid; i < count; i += 256u) {
    let b = i / u.hw;
    s += x[(b * u.c + ch) * u.hw + i - b * u.hw];
  }
  let mean = total(lid, s) / f32(count);
  var q = 0.0;
  for (var i = lid; i < count; i += 256u) {
    let b = i / u.hw;
    let d = x[(b * u.c + ch) * u.hw + i - b * u.hw] - mean;
    q += d * d;
  }
  let variance = total(lid, q) / f32(count);
  if (lid == 0u) {
    meanOut[ch] = mean;
    varOut[ch] = variance;
  }
}

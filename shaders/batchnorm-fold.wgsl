// Second pass of the split per-channel reductions (batchnorm-stats.wgsl and
// batchnorm-backward-sums.wgsl with split > 1): one workgroup a channel folds its `split`
// chunks' partial results. Chunk s holds n_s = min(len, n * hw - s * len) values.
// SUMS = 0, the statistics: a chunk gave its mean m_s and its sum of squares about it q_s;
// Chan's formula joins them without cancellation:
//   mean = sum(n_s m_s) / N,  variance = sum(q_s + n_s (m_s - mean)^2) / N,
// then RUNNING updates the running statistics as batchnorm-stats.wgsl does.
// SUMS = 1, the backward sums: dBias = sum(a_s), dWeight = sum(b_s) / sqrt(variance + eps).
override SUMS: u32 = 0u;
override RUNNING: bool = false;
override WG: u32 = 64u;
override LANES: u32 = 64u;

struct Params { c: u32, split: u32, len: u32, count: u32, momentum: f32, unbias: f32, eps: f32 }

@group(0) @binding(0) var<storage, read> partA: array<f32>;
@group(0) @binding(1) var<storage, read> partB: array<f32>;
@group(0) @binding(2) var<storage, read_write> outA: array<f32>;
@group(0) @binding(3) var<storage, read_write> outB: array<f32>;
@group(0) @binding(4) var<storage, read_write> runningMean: array<f32>;
@group(0) @binding(5) var<storage, read_write> runningVar: array<f32>;
@group(0) @binding(6) var<storage, read> variance: array<f32>;
@group(0) @binding(7) var<uniform> u: Params;

var<workgroup> partial: array<f32, WG>;

//#include "lane-total"

fn chunkCount(s: u32) -> f32 {
  return f32(min(u.len, u.count - s * u.len));
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let ch = (wid.z * nwg.y + wid.y) * nwg.x + wid.x;
  if (ch >= u.c) { return; }
  let base = ch * u.split;
  var a = 0.0;
  var b = 0.0;
  if (SUMS != 0u) {
    for (var s = lid; s < u.split; s += WG) {
      a += partA[base + s];
      b += partB[base + s];
    }
    let sa = total(lid, a);
    let sb = total(lid, b);
    if (lid == 0u) {
      outA[ch] = sa;
      outB[ch] = sb * inverseSqrt(variance[ch] + u.eps);
    }
    return;
  }
  let n = f32(u.count);
  for (var s = lid; s < u.split; s += WG) { a += chunkCount(s) * partA[base + s]; }
  let mean = total(lid, a) / n;
  for (var s = lid; s < u.split; s += WG) {
    let d = partA[base + s] - mean;
    b += partB[base + s] + chunkCount(s) * d * d;
  }
  let v = total(lid, b) / n;
  if (lid == 0u) {
    outA[ch] = mean;
    outB[ch] = v;
    if (RUNNING) {
      runningMean[ch] = (1.0 - u.momentum) * runningMean[ch] + u.momentum * mean;
      runningVar[ch] = (1.0 - u.momentum) * runningVar[ch] + u.momentum * v * u.unbias;
    }
  }
}

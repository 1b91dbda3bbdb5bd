// Adds up the split-K partial sums of two results in one pass (a weight gradient and its
// bias gradient): out0[i] = sum_s p0[s * n0 + i] for i < n0, and
// out1[j] = sum_s p1[s * n1 + j] for the next n1 invocations.
struct Params { n0: u32, n1: u32, splits: u32 }

@group(0) @binding(0) var<storage, read> p0: array<f32>;
@group(0) @binding(1) var<storage, read> p1: array<f32>;
@group(0) @binding(2) var<storage, read_write> out0: array<f32>;
@group(0) @binding(3) var<storage, read_write> out1: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;

//#include "main-1d" (I = t, N = u.n0 + u.n1, WG = 64)
  if (t < u.n0) {
    var acc = 0.0;
    for (var s = 0u; s < u.splits; s++) { acc += p0[s * u.n0 + t]; }
    out0[t] = acc;
  } else {
    let j = t - u.n0;
    var acc = 0.0;
    for (var s = 0u; s < u.splits; s++) { acc += p1[s * u.n1 + j]; }
    out1[j] = acc;
  }
}

// Reduction, one workgroup of 256 invocations per output (for long reduced extents).
// Same parameters as reduce.wgsl (splits must be 1); each invocation folds every 256th reduced element,
// then the workgroup combines the 256 partial results as a tree.
// OP: 0 sum, 1 max, 2 min.
override OP: u32;

//#include "reduce-params"

var<workgroup> partial: array<f32, 256>;

//#include "reduce-combine"

//#include "split-offset"

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = (wid.z * nwg.y + wid.y) * nwg.x + wid.x;
  if (o >= u.n) { return; }
  let base = splitOffset(o, u.nk, u.keptShape, u.keptStrides);
  let total = u.rOuter * u.inner;
  var acc = u.identity;
  // Walk r = lid, lid + 256, ... keeping r = q * inner + j without dividing each step.
  var q = lid / u.inner;
  var j = lid - q * u.inner;
  var start = base + splitOffset(q, u.nr, u.redShape, u.redStrides);
  for (var r = lid; r < total; r += 256u) {
    acc = combine(acc, x[start + j * u.innerStride]);
    j += 256u;
    if (j >= u.inner) {
      q += j / u.inner;
      j = j % u.inner;
      start = base + splitOffset(q, u.nr, u.redShape, u.redStrides);
    }
  }
  partial[lid] = acc;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (lid < s) {
      partial[lid] = combine(partial[lid], partial[lid + s]);
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    out[o] = partial[0];
  }
}

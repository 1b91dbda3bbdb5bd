// Reduction, one workgroup of 256 invocations per output (for long reduced extents).
// Same parameters as reduce.wgsl (splits must be 1); each invocation folds every 256th reduced element,
// then the workgroup combines the 256 partial results as a tree.
// OP: 0 sum, 1 max, 2 min.
override OP: u32;

struct Params {
  n: u32,
  nk: u32,
  nr: u32,
  inner: u32,
  innerStride: u32,
  rOuter: u32,
  splits: u32,
  chunk: u32,
  // The op's identity: 0, -inf or +inf (infinities cannot be WGSL constants).
  identity: f32,
  keptShape: vec4<u32>,
  keptStrides: vec4<u32>,
  redShape: vec4<u32>,
  redStrides: vec4<u32>,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

var<workgroup> partial: array<f32, 256>;

fn combine(acc: f32, v: f32) -> f32 {
  switch OP {
    case 1u: { return select(acc, v, v > acc || v != v); }
    case 2u: { return select(acc, v, v < acc || v != v); }
    default: { return acc + v; }
  }
}

fn splitOffset(index: u32, count: u32, shape: vec4<u32>, strides: vec4<u32>) -> u32 {
  var rest = index;
  var off = 0u;
  for (var d = i32(count) - 1; d >= 0; d--) {
    let s = shape[d];
    off += (rest % s) * strides[d];
    rest = rest / s;
  }
  return off;
}

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

// Reduction, one invocation per output. The input's axes are coalesced into kept and
// reduced groups: an output index splits over the kept groups (keptShape/keptStrides)
// to give its base offset; the reduced elements are walked as `rOuter` outer steps
// (split over redShape/redStrides) times `inner` steps of `innerStride`.
// OP: 0 sum, 1 max, 2 min.
override OP: u32;

struct Params {
  n: u32,
  nk: u32,
  nr: u32,
  inner: u32,
  innerStride: u32,
  rOuter: u32,
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

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = ((wid.z * nwg.y + wid.y) * nwg.x + wid.x) * 64u + lid;
  if (o >= u.n) { return; }
  let base = splitOffset(o, u.nk, u.keptShape, u.keptStrides);
  var acc = u.identity;
  for (var q = 0u; q < u.rOuter; q++) {
    let start = base + splitOffset(q, u.nr, u.redShape, u.redStrides);
    for (var j = 0u; j < u.inner; j++) {
      acc = combine(acc, x[start + j * u.innerStride]);
    }
  }
  out[o] = acc;
}

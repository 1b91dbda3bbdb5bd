// Reduction, one invocation per (output, split). The input's axes are coalesced into
// kept and reduced groups: an output index splits over the kept groups
// (keptShape/keptStrides) to give its base offset; the reduced elements are numbered
// r = q * inner + j and read at base + offset(q) + j * innerStride, where offset(q)
// splits q over redShape/redStrides. With `splits` > 1 each invocation folds only the
// range [s * chunk, (s + 1) * chunk) of r and writes out[o * splits + s]; a second
// pass folds the splits (so long reductions need no barriers, which are costly on
// CPU-backed adapters). OP: 0 sum, 1 max, 2 min.
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
  let t = ((wid.z * nwg.y + wid.y) * nwg.x + wid.x) * 64u + lid;
  if (t >= u.n * u.splits) { return; }
  let o = t / u.splits;
  let s = t - o * u.splits;
  let base = splitOffset(o, u.nk, u.keptShape, u.keptStrides);
  let r0 = s * u.chunk;
  let r1 = min(r0 + u.chunk, u.rOuter * u.inner);
  var acc = u.identity;
  var q = r0 / u.inner;
  var j0 = r0 - q * u.inner;
  var r = r0;
  while (r < r1) {
    let start = base + splitOffset(q, u.nr, u.redShape, u.redStrides);
    let j1 = min(u.inner, j0 + (r1 - r));
    for (var j = j0; j < j1; j++) {
      acc = combine(acc, x[start + j * u.innerStride]);
    }
    r += j1 - j0;
    q++;
    j0 = 0u;
  }
  out[t] = acc;
}

// Broadcasting binary op. OP picks the function; BROADCAST = 0 when both inputs are
// laid out like the output (plain element-wise), else each output index is split over
// up to 8 (coalesced) axes and the inputs are read through their own strides
// (stride 0 on stretched axes).
override OP: u32;
override BROADCAST: u32 = 1u;

struct Params {
  n: u32,
  ndim: u32,
  shape: array<vec4<u32>, 2>,
  aStrides: array<vec4<u32>, 2>,
  bStrides: array<vec4<u32>, 2>,
}

@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

fn powf(x: f32, y: f32) -> f32 {
  if (y == 0.0) { return 1.0; }
  if (y == 1.0) { return x; }
  if (y == 2.0) { return x * x; }
  if (y == 0.5) { return sqrt(x); }
  let r = exp2(y * log2(abs(x)));
  if (x < 0.0) {
    // A negative base needs an integer exponent; odd exponents keep the sign.
    if (floor(y) != y) { return sqrt(-1.0 - abs(x)); } // NaN, made at run time
    let half = y * 0.5;
    return select(r, -r, floor(half) != half);
  }
  return r;
}

fn apply(p: f32, q: f32) -> f32 {
  switch OP {
    case 0u: { return p + q; }
    case 1u: { return p - q; }
    case 2u: { return p * q; }
    case 3u: { return p / q; }
    case 4u: { return max(p, q); }
    case 5u: { return min(p, q); }
    case 6u: { return powf(p, q); }
    case 7u: { return select(0.0, 1.0, p > q); }
    case 8u: { return select(0.0, 1.0, p >= q); }
    case 9u: { return select(0.0, 1.0, p < q); }
    case 10u: { return select(0.0, 1.0, p <= q); }
    case 11u: { return select(0.0, 1.0, p == q); }
    default: { return p; }
  }
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = ((wid.z * nwg.y + wid.y) * nwg.x + wid.x) * 256u + lid;
  if (i >= u.n) { return; }
  if (BROADCAST == 0u) {
    out[i] = apply(a[i], b[i]);
    return;
  }
  var rest = i;
  var ai = 0u;
  var bi = 0u;
  for (var d = i32(u.ndim) - 1; d >= 0; d--) {
    let s = u.shape[d / 4][d % 4];
    let c = rest % s;
    rest = rest / s;
    ai += c * u.aStrides[d / 4][d % 4];
    bi += c * u.bStrides[d / 4][d % 4];
  }
  out[i] = apply(a[ai], b[bi]);
}

// Broadcasting binary op. The engine prepends the op's `fn apply(a: f32, b: f32) -> f32`
// from its entry in src/engine/ops/elementwise.ts. BROADCAST = 0 when both inputs are
// laid out like the output (plain element-wise), else each output index is split over
// up to 8 (coalesced) axes and the inputs are read through their own strides
// (stride 0 on stretched axes).
override BROADCAST: u32 = 1u;

struct Params {
  n: u32,
  ndim: u32,
  shape: array<vec4<u32>, 2>,
  aStrides: array<vec4<u32>, 2>,
  bStrides: array<vec4<u32>, 2>,
}

@group(0) @binding(0) var<storage, read> lhs: array<f32>;
@group(0) @binding(1) var<storage, read> rhs: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

//#include "main-1d" (I = i, N = u.n, WG = 256)
  if (BROADCAST == 0u) {
    out[i] = apply(lhs[i], rhs[i]);
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
  out[i] = apply(lhs[ai], rhs[bi]);
}

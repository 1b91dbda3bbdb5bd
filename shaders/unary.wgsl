// Element-wise unary op. The engine prepends the op's `fn apply(x: f32) -> f32`, made
// from its entry in src/engine/ops/elementwise.ts (one pipeline per op).

struct Params { n: u32 }

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

//#include "main-1d" (I = i, N = u.n, WG = 256)
  out[i] = apply(src[i]);
}

// A unary op's fused gradient g * f'(v) in one pass. The engine prepends the op's
// `fn derivative(v: f32, g: f32) -> f32` from its entry in src/engine/ops/elementwise.ts;
// v is the op's input or its output, as the entry says.

struct Params { n: u32 }

@group(0) @binding(0) var<storage, read> values: array<f32>;
@group(0) @binding(1) var<storage, read> grads: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

//#include "main-1d" (I = i, N = u.n, WG = 256)
  out[i] = derivative(values[i], grads[i]);
}

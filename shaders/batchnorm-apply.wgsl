// Batch normalisation of x [n, c, hw]: (x - mean) / sqrt(var + eps) * weight + bias,
// one invocation per element (weight and bias optional). Its epilogue, as each output
// is stored: + residual (RESIDUAL = 1; a tensor of x's shape), then the engine's
// prepended `fn act(x: f32) -> f32` (the identity when there is no activation).
override RESIDUAL: u32 = 0u;

struct Params { total: u32, c: u32, hw: u32, hasWeight: u32, hasBias: u32, eps: f32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> mean: array<f32>;
@group(0) @binding(2) var<storage, read> variance: array<f32>;
@group(0) @binding(3) var<storage, read> weight: array<f32>;
@group(0) @binding(4) var<storage, read> bias: array<f32>;
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<storage, read> residual: array<f32>;
@group(0) @binding(7) var<uniform> u: Params;

//#include "main-1d" (I = i, N = u.total, WG = 256)
  let ch = (i / u.hw) % u.c;
  var scale = inverseSqrt(variance[ch] + u.eps);
  if (u.hasWeight != 0u) { scale = scale * weight[ch]; }
  var shift = 0.0;
  if (u.hasBias != 0u) { shift = bias[ch]; }
  var y = (x[i] - mean[ch]) * scale + shift;
  if (RESIDUAL != 0u) { y = y + residual[i]; }
  out[i] = act(y);
}

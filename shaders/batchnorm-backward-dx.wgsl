// Second pass of the batch-norm backward, one invocation per element. With the batch's
// own statistics (BATCH_STATS = 1) the gradient also flows through the mean and the
// variance: dx = w inv / M (M g - sum g - xhat sum g xhat); with running statistics
// dx = g w inv. With the template variable ACT = 1, g is first taken through the
// activation's prepended `fn derivative(v: f32, g: f32) -> f32` at v = y, the layer's
// output. Only that form declares y: without it the kernel binds eight storage buffers,
// WebGPU's least maxStorageBuffersPerShaderStage, which every adapter allows.
override BATCH_STATS: u32;

struct Params { total: u32, c: u32, hw: u32, count: u32, hasWeight: u32, eps: f32 }

@group(0) @binding(0) var<storage, read> g: array<f32>;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read> variance: array<f32>;
@group(0) @binding(4) var<storage, read> weight: array<f32>;
@group(0) @binding(5) var<storage, read> dBias: array<f32>;
@group(0) @binding(6) var<storage, read> dWeight: array<f32>;
@group(0) @binding(7) var<storage, read_write> dx: array<f32>;
//#for a in 0..ACT
@group(0) @binding(8) var<storage, read> y: array<f32>;
//#end
@group(0) @binding(9) var<uniform> u: Params;

//#include "main-1d" (I = i, N = u.total, WG = 256)
  let ch = (i / u.hw) % u.c;
  let inv = inverseSqrt(variance[ch] + u.eps);
  var k = inv;
  if (u.hasWeight != 0u) { k = k * weight[ch]; }
  var gi = g[i];
//#for a in 0..ACT
  gi = derivative(y[i], gi);
//#end
  if (BATCH_STATS == 0u) {
    dx[i] = gi * k;
    return;
  }
  let m = f32(u.count);
  let xhat = (x[i] - mean[ch]) * inv;
  dx[i] = (k / m) * (m * gi - dBias[ch] - xhat * dWeight[ch]);
}

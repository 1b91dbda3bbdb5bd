// Running statistics of batch norm, updated in place: running = (1 - m) running + m batch,
// with the batch variance made unbiased (PyTorch).
struct Params { c: u32, momentum: f32, unbias: f32 }

@group(0) @binding(0) var<storage, read_write> runningMean: array<f32>;
@group(0) @binding(1) var<storage, read_write> runningVar: array<f32>;
@group(0) @binding(2) var<storage, read> mean: array<f32>;
@group(0) @binding(3) var<storage, read> variance: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;

//#include "main-1d" (I = ch, N = u.c, WG = 64)
  runningMean[ch] = (1.0 - u.momentum) * runningMean[ch] + u.momentum * mean[ch];
  runningVar[ch] = (1.0 - u.momentum) * runningVar[ch] + u.momentum * variance[ch] * u.unbias;
}

// Average pooling whose windows tile the input exactly (stride = kernel, no padding,
// h = outH * KH, w = outW * KW), one invocation per output; KH and KW are constants so
// the window loop has a fixed length. Sums in row-major order and divides by KH * KW,
// like the general pool2d kernel.
//#include "avg-pool2d-tiles-params"

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

//#include "main-1d" (I = o, N = u.n, WG = 64)
//#include "avg-pool2d-tiles-window" (I = o)
  var sum = 0.0;
  for (var ky = 0u; ky < KH; ky++) {
    for (var kx = 0u; kx < KW; kx++) {
      sum += x[base + ky * w + kx];
    }
  }
  y[o] = sum / f32(KH * KW);
}

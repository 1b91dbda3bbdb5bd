// dL/dx of average pooling whose windows tile the input exactly (stride = kernel, no
// padding, h = outH * KH, w = outW * KW): one invocation per output gradient writes
// its share g / (KH * KW) to the KH x KW inputs of its window.
//#include "avg-pool2d-tiles-params"

@group(0) @binding(0) var<storage, read> gy: array<f32>;
@group(0) @binding(1) var<storage, read_write> gx: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

//#include "main-1d" (I = o, N = u.n, WG = 64)
//#include "avg-pool2d-tiles-window" (I = o)
  let v = gy[o] * (1.0 / f32(KH * KW));
  for (var ky = 0u; ky < KH; ky++) {
    for (var kx = 0u; kx < KW; kx++) {
      gx[base + ky * w + kx] = v;
    }
  }
}

// Max or average pooling over NCHW, one invocation per output. MODE 0 = max (padding
// counts as -inf), MODE 1 = average (divides by the full window, padding included).
override MODE: u32;

//#include "is-nan"

struct Params {
//#include "pool-shape"
  // -inf (infinities cannot be WGSL constants).
  negInf: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

//#include "main-1d" (I = o, N = u.n, WG = 64)
//#include "split-plane" (I = o, H = u.outH, W = u.outW, AREA = oPlane, P = plane, Y = oy, X = ox)
  let y0 = i32(oy * u.strideH) - i32(u.padH);
  let x0 = i32(ox * u.strideW) - i32(u.padW);
  let xb = plane * u.h * u.w;
  var best = u.negInf;
  var sum = 0.0;
  for (var ky = 0u; ky < u.kH; ky++) {
    let iy = y0 + i32(ky);
    if (iy < 0 || iy >= i32(u.h)) { continue; }
    for (var kx = 0u; kx < u.kW; kx++) {
      let ix = x0 + i32(kx);
      if (ix < 0 || ix >= i32(u.w)) { continue; }
      let v = x[xb + u32(iy) * u.w + u32(ix)];
      if (v > best || isNan(v)) { best = v; }
      sum += v;
    }
  }
  if (MODE == 0u) {
    y[o] = best;
  } else {
    y[o] = sum / f32(u.kH * u.kW);
  }
}

// Conv2d forward as an implicit GEMM, register-blocked. The GEMM rows are output
// channels, the columns are output pixels (b, oy, ox) over the whole batch, and the
// reduction runs over (ci, ky, kx); input patches are read straight from x (no im2col
// buffer). Each invocation computes 4 channels x 4 pixels in registers, channels WGY
// apart and pixels WGX apart. Out-of-image taps read as 0 (zero padding).
override WGX: u32 = 16u;
override WGY: u32 = 4u;

struct Params {
//#include "conv-shape"
  pixels: u32, tilesN: u32, tiles: u32, hasBias: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> wt: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;

//#include "main-tiles"
  let tileM = wg / u.tilesN;
//#include "reg-block" (R = co, C = p, M = u.cOut, N = u.pixels)
  let pc = min(ps, vec4<u32>(u.pixels - 1u));
//#include "split-plane" (I = pc, H = u.outH, W = u.outW, AREA = plane, P = b, Y = oy, X = ox)
  let iy0 = vec4<i32>(oy * u.strideH) - i32(u.padH);
  let ix0 = vec4<i32>(ox * u.strideW) - i32(u.padW);
  let hw = u.h * u.w;
  let xBase = vec4<i32>(b * u.cIn * hw);
  let kArea = u.kH * u.kW;
  let wBase = min(cos, vec4<u32>(u.cOut - 1u)) * (u.cIn * kArea);
  let H = i32(u.h);
  let W = i32(u.w);

//#for i in 0..4
  var acc{i} = vec4<f32>(0.0);
//#end
  for (var ci = 0u; ci < u.cIn; ci++) {
    let xPlane = xBase + i32(ci * hw);
    for (var ky = 0u; ky < u.kH; ky++) {
      let iy = iy0 + i32(ky);
      let rowOk = (iy >= vec4<i32>(0)) & (iy < vec4<i32>(H));
      let xRow = xPlane + iy * W;
      let wRow = (ci * u.kH + ky) * u.kW;
      for (var kx = 0u; kx < u.kW; kx++) {
        let ix = ix0 + i32(kx);
        let ok = rowOk & (ix >= vec4<i32>(0)) & (ix < vec4<i32>(W));
        let idx = vec4<u32>(select(vec4<i32>(0), xRow + ix, ok));
        let xv = select(vec4<f32>(0.0), vec4<f32>(x[idx.x], x[idx.y], x[idx.z], x[idx.w]), ok);
        let wo = wRow + kx;
        let wv = vec4<f32>(wt[wBase.x + wo], wt[wBase.y + wo], wt[wBase.z + wo], wt[wBase.w + wo]);
//#for i in 0..4
        acc{i} += wv.{xyzw[i]} * xv;
//#end
      }
    }
  }

  let accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    let co = cos[i];
    if (co < u.cOut) {
      var bv = 0.0;
      if (u.hasBias != 0u) { bv = bias[co]; }
      for (var j = 0u; j < 4u; j++) {
        if (ps[j] < u.pixels) {
          y[((b[j] * u.cOut + co) * u.outH + oy[j]) * u.outW + ox[j]] = act(accs[i][j] + bv);
        }
      }
    }
  }
}

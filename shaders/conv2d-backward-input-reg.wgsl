// dL/dx of conv2d as an implicit GEMM, register-blocked. GEMM rows are input channels,
// columns are input pixels (b, iy, ix) over the batch, and the reduction runs over
// (co, ky, kx): input pixel (iy, ix) received tap (ky, kx) from output pixel
// ((iy + padH - ky) / strideH, (ix + padW - kx) / strideW) when that division is exact
// and lands inside the output. Each invocation computes 4 channels x 4 pixels.
override WGX: u32 = 16u;
override WGY: u32 = 4u;

struct Params {
//#include "conv-shape"
  pixels: u32, tilesN: u32, tiles: u32,
}

@group(0) @binding(0) var<storage, read> gy: array<f32>;
@group(0) @binding(1) var<storage, read> wt: array<f32>;
@group(0) @binding(2) var<storage, read_write> gx: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

//#include "main-tiles"
  let tileM = wg / u.tilesN;
//#include "reg-block" (R = ci, C = p, M = u.cIn, N = u.pixels)
  let pc = min(ps, vec4<u32>(u.pixels - 1u));
//#include "split-plane" (I = pc, H = u.h, W = u.w, AREA = hw, P = b, Y = iy, X = ix)
  let ty0 = vec4<i32>(iy + u.padH);
  let tx0 = vec4<i32>(ix + u.padW);
  let SH = vec4<i32>(i32(u.strideH));
  let SW = vec4<i32>(i32(u.strideW));
  let OH = vec4<i32>(i32(u.outH));
  let OW = vec4<i32>(i32(u.outW));
  let zero = vec4<i32>(0);
  let kArea = u.kH * u.kW;
  let wCi = min(cis, vec4<u32>(u.cIn - 1u)) * kArea;
  let oPlane = u.outH * u.outW;

//#for i in 0..4
  var acc{i} = vec4<f32>(0.0);
//#end
  for (var co = 0u; co < u.cOut; co++) {
    let gPlane = vec4<i32>((b * u.cOut + co) * oPlane);
    let wCo = co * u.cIn * kArea;
    for (var ky = 0u; ky < u.kH; ky++) {
      let ty = ty0 - i32(ky);
      let oy = ty / SH;
      let rowOk = (ty >= zero) & (oy * SH == ty) & (oy < OH);
      let gRow = gPlane + oy * OW;
      for (var kx = 0u; kx < u.kW; kx++) {
        let tx = tx0 - i32(kx);
        let ox = tx / SW;
        let ok = rowOk & (tx >= zero) & (ox * SW == tx) & (ox < OW);
        let idx = vec4<u32>(select(zero, gRow + ox, ok));
        let gv = select(vec4<f32>(0.0), vec4<f32>(gy[idx.x], gy[idx.y], gy[idx.z], gy[idx.w]), ok);
        let wo = wCo + ky * u.kW + kx;
        let wv = vec4<f32>(wt[wCi.x + wo], wt[wCi.y + wo], wt[wCi.z + wo], wt[wCi.w + wo]);
//#for i in 0..4
        acc{i} += wv.{xyzw[i]} * gv;
//#end
      }
    }
  }

  let accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    let ci = cis[i];
    if (ci < u.cIn) {
      for (var j = 0u; j < 4u; j++) {
        if (ps[j] < u.pixels) {
          gx[((b[j] * u.cIn + ci) * u.h + iy[j]) * u.w + ix[j]] = accs[i][j];
        }
      }
    }
  }
}

// Folds columns back into an image, adding what overlaps: the inverse placement of
// im2col.wgsl. dx[b, ci, iy, ix] = sum over the taps (ky, kx) that reach it from an
// output pixel (oy, ox) = ((iy + padH - ky) / strideH, (ix + padW - kx) / strideW),
// where the division is exact and the pixel exists, of cols[(ci, ky, kx)][b][(oy, ox)].
// With cols = W^T @ dL/dy (webgpu/im2col.ts) this is conv2d's input gradient, for any
// stride.
struct Params {
//#include "conv-shape"
  total: u32, taps: u32, pixels: u32,
}

@group(0) @binding(0) var<storage, read> cols: array<f32>;
@group(0) @binding(1) var<storage, read_write> dx: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

//#include "main-1d" (I = i, N = u.total, WG = 256)
  let ix = i % u.w;
  let r = i / u.w;
  let iy = r % u.h;
  let r2 = r / u.h;
  let ci = r2 % u.cIn;
  let b = r2 / u.cIn;
  // cols[k][b][q] for k = (ci, ky, kx): rows of n * pixels floats, this image's at b * pixels.
  let row = u.n * u.pixels;
  let colBase = ci * u.kH * u.kW * row + b * u.pixels;
  var s = 0.0;
  for (var ky = 0u; ky < u.kH; ky++) {
    let ty = i32(iy + u.padH) - i32(ky);
    if (ty < 0 || ty % i32(u.strideH) != 0) { continue; }
    let oy = u32(ty) / u.strideH;
    if (oy >= u.outH) { continue; }
    for (var kx = 0u; kx < u.kW; kx++) {
      let tx = i32(ix + u.padW) - i32(kx);
      if (tx < 0 || tx % i32(u.strideW) != 0) { continue; }
      let ox = u32(tx) / u.strideW;
      if (ox >= u.outW) { continue; }
      s += cols[colBase + (ky * u.kW + kx) * row + oy * u.outW + ox];
    }
  }
  dx[i] = s;
}

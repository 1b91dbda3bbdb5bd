// Unfolds x [n, cIn, h, w] into the columns of a convolution: cols[k][b][q] with
// k = (ci, ky, kx) the tap, b the image and q = (oy, ox) the output pixel, holding
// x[b, ci, oy * strideH + ky - padH, ox * strideW + kx - padW] (0 outside the image).
// Then conv2d is one product W [cOut, K] @ cols [K, n * oh * ow] over the whole batch
// (webgpu/im2col.ts), which the matmul kernels run at their full rate where the row
// kernels would leave lanes idle (narrow outputs) or only handle stride 1.
struct Params {
//#include "conv-shape"
  total: u32, taps: u32, pixels: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> cols: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

//#include "main-1d" (I = i, N = u.total, WG = 256)
  let q = i % u.pixels;
  let r = i / u.pixels;
  let b = r % u.n;
  let k = r / u.n;
  let kx = k % u.kW;
  let r2 = k / u.kW;
  let ky = r2 % u.kH;
  let ci = r2 / u.kH;
  let ox = q % u.outW;
  let oy = q / u.outW;
  let iy = i32(oy * u.strideH + ky) - i32(u.padH);
  let ix = i32(ox * u.strideW + kx) - i32(u.padW);
  let inside = iy >= 0 && iy < i32(u.h) && ix >= 0 && ix < i32(u.w);
  let at = ((b * u.cIn + ci) * u.h + u32(clamp(iy, 0, i32(u.h) - 1))) * u.w + u32(clamp(ix, 0, i32(u.w) - 1));
  cols[i] = select(0.0, x[at], inside);
}

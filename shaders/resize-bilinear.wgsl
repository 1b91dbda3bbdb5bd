// Bilinear resize of NCHW planes with align_corners=false (PyTorch): the source
// coordinate is (dst + 0.5) * in/out - 0.5, clamped below at 0; the upper neighbour
// is clamped to the last row/column.
struct Params {
  n: u32, h: u32, w: u32, outH: u32,
  outW: u32, scaleY: f32, scaleX: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

//#include "main-1d" (I = o, N = u.n, WG = 64)
//#include "split-plane" (I = o, H = u.outH, W = u.outW, AREA = oPlane, P = plane, Y = oy, X = ox)
  let sy = max((f32(oy) + 0.5) * u.scaleY - 0.5, 0.0);
  let sx = max((f32(ox) + 0.5) * u.scaleX - 0.5, 0.0);
  let y0 = min(u32(floor(sy)), u.h - 1u);
  let x0 = min(u32(floor(sx)), u.w - 1u);
  let y1 = min(y0 + 1u, u.h - 1u);
  let x1 = min(x0 + 1u, u.w - 1u);
  let ly = sy - f32(y0);
  let lx = sx - f32(x0);
  let b = plane * u.h * u.w;
  let top = (1.0 - lx) * x[b + y0 * u.w + x0] + lx * x[b + y0 * u.w + x1];
  let bot = (1.0 - lx) * x[b + y1 * u.w + x0] + lx * x[b + y1 * u.w + x1];
  y[o] = (1.0 - ly) * top + ly * bot;
}

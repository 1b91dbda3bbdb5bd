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

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = ((wid.z * nwg.y + wid.y) * nwg.x + wid.x) * 64u + lid;
  if (o >= u.n) { return; }
  let oPlane = u.outH * u.outW;
  let plane = o / oPlane;
  let rem = o - plane * oPlane;
  let oy = rem / u.outW;
  let ox = rem - oy * u.outW;
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

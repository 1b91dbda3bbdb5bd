// Conv2d forward as an implicit GEMM, register-blocked. The GEMM rows are output
// channels, the columns are output pixels (b, oy, ox) over the whole batch, and the
// reduction runs over (ci, ky, kx); input patches are read straight from x (no im2col
// buffer). Each invocation computes 4 channels x 4 pixels in registers, channels WGY
// apart and pixels WGX apart. Out-of-image taps read as 0 (zero padding).
override WGX: u32 = 16u;
override WGY: u32 = 4u;

struct Params {
  n: u32, cIn: u32, h: u32, w: u32,
  cOut: u32, kH: u32, kW: u32, strideH: u32,
  strideW: u32, padH: u32, padW: u32, outH: u32,
  outW: u32, pixels: u32, tilesN: u32, tiles: u32,
  hasBias: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> wt: array<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;

@compute @workgroup_size(WGX, WGY)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>) {
  let wg = (wid.z * nwg.y + wid.y) * nwg.x + wid.x;
  if (wg >= u.tiles) { return; }
  let tileN = wg % u.tilesN;
  let tileM = wg / u.tilesN;
  let co0 = tileM * WGY * 4u + lid.y;
  let p0 = tileN * WGX * 4u + lid.x;
  if (co0 >= u.cOut || p0 >= u.pixels) { return; }

  let cos = vec4<u32>(co0, co0 + WGY, co0 + 2u * WGY, co0 + 3u * WGY);
  let ps = vec4<u32>(p0, p0 + WGX, p0 + 2u * WGX, p0 + 3u * WGX);
  let pc = min(ps, vec4<u32>(u.pixels - 1u));
  let plane = u.outH * u.outW;
  let b = pc / plane;
  let rem = pc - b * plane;
  let oy = rem / u.outW;
  let ox = rem - oy * u.outW;
  let iy0 = vec4<i32>(oy * u.strideH) - i32(u.padH);
  let ix0 = vec4<i32>(ox * u.strideW) - i32(u.padW);
  let hw = u.h * u.w;
  let xBase = vec4<i32>(b * u.cIn * hw);
  let kArea = u.kH * u.kW;
  let wBase = min(cos, vec4<u32>(u.cOut - 1u)) * (u.cIn * kArea);
  let H = i32(u.h);
  let W = i32(u.w);

  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
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
        acc0 += wv.x * xv;
        acc1 += wv.y * xv;
        acc2 += wv.z * xv;
        acc3 += wv.w * xv;
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
          y[((b[j] * u.cOut + co) * u.outH + oy[j]) * u.outW + ox[j]] = accs[i][j] + bv;
        }
      }
    }
  }
}

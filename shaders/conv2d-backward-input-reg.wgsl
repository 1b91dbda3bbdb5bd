// dL/dx of conv2d as an implicit GEMM, register-blocked. GEMM rows are input channels,
// columns are input pixels (b, iy, ix) over the batch, and the reduction runs over
// (co, ky, kx): input pixel (iy, ix) received tap (ky, kx) from output pixel
// ((iy + padH - ky) / strideH, (ix + padW - kx) / strideW) when that division is exact
// and lands inside the output. Each invocation computes 4 channels x 4 pixels.
override WGX: u32 = 16u;
override WGY: u32 = 4u;

struct Params {
  n: u32, cIn: u32, h: u32, w: u32,
  cOut: u32, kH: u32, kW: u32, strideH: u32,
  strideW: u32, padH: u32, padW: u32, outH: u32,
  outW: u32, pixels: u32, tilesN: u32, tiles: u32,
}

@group(0) @binding(0) var<storage, read> gy: array<f32>;
@group(0) @binding(1) var<storage, read> wt: array<f32>;
@group(0) @binding(2) var<storage, read_write> gx: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

@compute @workgroup_size(WGX, WGY)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>) {
  let wg = (wid.z * nwg.y + wid.y) * nwg.x + wid.x;
  if (wg >= u.tiles) { return; }
  let tileN = wg % u.tilesN;
  let tileM = wg / u.tilesN;
  let ci0 = tileM * WGY * 4u + lid.y;
  let p0 = tileN * WGX * 4u + lid.x;
  if (ci0 >= u.cIn || p0 >= u.pixels) { return; }

  let cis = vec4<u32>(ci0, ci0 + WGY, ci0 + 2u * WGY, ci0 + 3u * WGY);
  let ps = vec4<u32>(p0, p0 + WGX, p0 + 2u * WGX, p0 + 3u * WGX);
  let pc = min(ps, vec4<u32>(u.pixels - 1u));
  let hw = u.h * u.w;
  let b = pc / hw;
  let rem = pc - b * hw;
  let iy = rem / u.w;
  let ix = rem - iy * u.w;
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

  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
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
        acc0 += wv.x * gv;
        acc1 += wv.y * gv;
        acc2 += wv.z * gv;
        acc3 += wv.w * gv;
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

// dL/dw of conv2d as an implicit GEMM with split K, register-blocked. GEMM rows are
// output channels, columns are weight taps (ci, ky, kx), and the reduction runs over
// output pixels (b, oy, ox). The batch's output rows (b, oy) are split into `splits`
// ranges of `rowsPerSplit`; workgroup slice s writes its partial sums to
// out[s * cOut * taps + ...] and a reduction adds the slices when splits > 1.
// Each invocation computes 4 channels x 4 taps.
override WGX: u32 = 8u;
override WGY: u32 = 2u;

struct Params {
//#include "conv-shape"
  taps: u32, tilesN: u32, tilesM: u32, tiles: u32, rowsPerSplit: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> gy: array<f32>;
@group(0) @binding(2) var<storage, read_write> gw: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

//#include "main-tiles"
  let rest = wg / u.tilesN;
  let tileM = rest % u.tilesM;
  let split = rest / u.tilesM;
//#include "reg-block" (R = co, C = t, M = u.cOut, N = u.taps)
  let tc = min(ts, vec4<u32>(u.taps - 1u));
  let coc = min(cos, vec4<u32>(u.cOut - 1u));
  let kArea = u.kH * u.kW;
  let ci = tc / kArea;
  let kr = tc - ci * kArea;
  let ky = kr / u.kW;
  let kx = kr - ky * u.kW;
  let H = vec4<i32>(i32(u.h));
  let W = vec4<i32>(i32(u.w));
  let zero = vec4<i32>(0);
  let kxOff = vec4<i32>(kx) - i32(u.padW);
  let kyOff = vec4<i32>(ky) - i32(u.padH);
  let hw = u.h * u.w;
  let oPlane = u.outH * u.outW;

  let totalRows = u.n * u.outH;
  let r0 = split * u.rowsPerSplit;
  let r1 = min(totalRows, r0 + u.rowsPerSplit);

//#for i in 0..4
  var acc{i} = vec4<f32>(0.0);
//#end
  for (var r = r0; r < r1; r++) {
    let b = r / u.outH;
    let oy = r - b * u.outH;
    let iy = i32(oy * u.strideH) + kyOff;
    let rowOk = (iy >= zero) & (iy < H);
    let xRow = vec4<i32>((b * u.cIn + ci) * hw) + iy * W;
    let gRow = (b * u.cOut + coc) * oPlane + oy * u.outW;
    for (var ox = 0u; ox < u.outW; ox++) {
      let ix = i32(ox * u.strideW) + kxOff;
      let ok = rowOk & (ix >= zero) & (ix < W);
      let idx = vec4<u32>(select(zero, xRow + ix, ok));
      let xv = select(vec4<f32>(0.0), vec4<f32>(x[idx.x], x[idx.y], x[idx.z], x[idx.w]), ok);
      let gv = vec4<f32>(gy[gRow.x + ox], gy[gRow.y + ox], gy[gRow.z + ox], gy[gRow.w + ox]);
//#for i in 0..4
      acc{i} += gv.{xyzw[i]} * xv;
//#end
    }
  }

  let base = split * u.cOut * u.taps;
  let accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    let co = cos[i];
    if (co < u.cOut) {
      for (var j = 0u; j < 4u; j++) {
        if (ts[j] < u.taps) {
          gw[base + co * u.taps + ts[j]] = accs[i][j];
        }
      }
    }
  }
}

// dL/dw of a stride-1 conv2d, register-blocked along output rows with split K. Each
// invocation owns 8 output channels x one input row tap (ci, ky) x up to 8 column taps
// kx (kW <= 8), and a range of `rowsPerSplit` output rows (b, oy). Sweeping a row, it
// slides a window of 8 input values along ox (one new load per pixel) and loads the 8
// channels of dL/dy at that pixel, so each pixel costs 9 loads for 64 multiply-adds.
// Split s writes its partial sums to gw[s][co][ci][ky][kx]; the backend adds the splits.
// The 8 x 8 block is unrolled by hand (16 vec4 accumulators over channels).
// With HAS_BIAS = 1 the same sweep also sums dL/dy per channel (dL/dbias): the invocations
// of tap row ky = padH visit every output row (the backend checks 2 padH < kH), and those
// of input channel 0 write their sums to gb[s][co].
override HAS_BIAS: u32 = 0u;

struct Params {
  n: u32, cIn: u32, h: u32, w: u32,
  cOut: u32, kH: u32, kW: u32, padH: u32,
  padW: u32, outH: u32, outW: u32, coBlocks: u32,
  threads: u32, rowsPerSplit: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> gy: array<f32>;
@group(0) @binding(2) var<storage, read_write> gw: array<f32>;
@group(0) @binding(3) var<storage, read_write> gb: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;

//#include "main-1d" (I = t, N = u.threads, WG = 64)
  let ky = t % u.kH;
  let r1 = t / u.kH;
  let ci = r1 % u.cIn;
  let r2 = r1 / u.cIn;
  let cb = r2 % u.coBlocks;
  let split = r2 / u.coBlocks;
  let co0 = cb * 8u;
  let W = i32(u.w);
  let plane = u.outH * u.outW;
  let totalRows = u.n * u.outH;
  let rStart = split * u.rowsPerSplit;
  let rEnd = min(totalRows, rStart + u.rowsPerSplit);
  let cm = u.cOut - 1u;
  // Offsets of the 8 channels' planes in dL/dy (clamped; extra channels are not written).
  let gOff0 = vec4<u32>(min(co0, cm), min(co0 + 1u, cm), min(co0 + 2u, cm), min(co0 + 3u, cm)) * plane;
  let gOff1 = vec4<u32>(min(co0 + 4u, cm), min(co0 + 5u, cm), min(co0 + 6u, cm), min(co0 + 7u, cm)) * plane;
  let xs = -i32(u.padW);

//#for k in 0..8
  var a{k}0 = vec4<f32>(0.0);
  var a{k}1 = vec4<f32>(0.0);
//#end
  var s0 = vec4<f32>(0.0);
  var s1 = vec4<f32>(0.0);
  for (var r = rStart; r < rEnd; r++) {
    let b = r / u.outH;
    let oy = r - b * u.outH;
    let iy = i32(oy + ky) - i32(u.padH);
    if (iy < 0 || iy >= i32(u.h)) { continue; }
    let xRow = i32(((b * u.cIn + ci) * u.h) * u.w) + iy * W;
    let gRow = b * u.cOut * plane + oy * u.outW;
//#for k in 0..8
    var v{k} = select(0.0, x[u32(xRow + clamp(xs + {k}, 0, W - 1))], xs + {k} >= 0 && xs + {k} < W);
//#end
    for (var ox = 0u; ox < u.outW; ox++) {
      let gi = gRow + ox;
      let g0 = vec4<f32>(gy[gi + gOff0.x], gy[gi + gOff0.y], gy[gi + gOff0.z], gy[gi + gOff0.w]);
      let g1 = vec4<f32>(gy[gi + gOff1.x], gy[gi + gOff1.y], gy[gi + gOff1.z], gy[gi + gOff1.w]);
      if (HAS_BIAS != 0u) {
        s0 += g0;
        s1 += g1;
      }
//#for k in 0..8
      a{k}0 += v{k} * g0;
      a{k}1 += v{k} * g1;
//#end
//#for k in 0..7
      v{k} = v{k+1};
//#end
      let nx = xs + i32(ox) + 8;
      v7 = select(0.0, x[u32(xRow + clamp(nx, 0, W - 1))], nx >= 0 && nx < W);
    }
  }
  if (HAS_BIAS != 0u && ci == 0u && ky == u.padH) {
    let sums = array<f32, 8>(s0.x, s0.y, s0.z, s0.w, s1.x, s1.y, s1.z, s1.w);
    for (var j = 0u; j < 8u; j++) {
      if (co0 + j < u.cOut) { gb[split * u.cOut + co0 + j] = sums[j]; }
    }
  }
  let taps = u.cIn * u.kH * u.kW;
  let base = split * u.cOut * taps + (ci * u.kH + ky) * u.kW;
//#for k in 0..8
  if ({k}u < u.kW) {
//#for j in 0..8
    if (co0 + {j}u < u.cOut) { gw[base + (co0 + {j}u) * taps + {k}u] = a{k}{j/4}.{xyzw[j%4]}; }
//#end
  }
//#end
}

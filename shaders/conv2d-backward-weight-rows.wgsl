// dL/dw of a stride-1 conv2d, register-blocked along output rows with split K. Each
// invocation owns 8 output channels x KT kernel rows (ky0 .. ky0 + KT - 1) x all KW
// kernel columns of one input channel ci, and a range of `rowsPerSplit` output rows
// (b, oy). KT and KW are fixed when the shader is built (conv-backward-source in
// gemm.ts): KT = kH for small kernels (3x3: 72 multiply-adds per pixel for 8 loads of
// dL/dy and 3 of x), else 1. Sweeping a row, it slides a window of KW input values per
// kernel row along ox (one new load each per pixel) and loads the 8 channels of dL/dy
// at that pixel. Split s writes its partial sums to gw[s][co][ci][ky][kx]; the backend
// adds the splits.
// With HAS_BIAS = 1 the same sweep also sums dL/dy per channel (dL/dbias): the
// invocations whose kernel rows include ky = padH visit every output row (the backend
// checks 2 padH < kH), and those of input channel 0 write their sums to gb[s][co].
override HAS_BIAS: u32 = 0u;

struct Params {
  n: u32, cIn: u32, h: u32, w: u32,
  cOut: u32, kH: u32, kW: u32, padH: u32,
  padW: u32, outH: u32, outW: u32, coBlocks: u32,
  threads: u32, rowsPerSplit: u32, kyBlocks: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> gy: array<f32>;
@group(0) @binding(2) var<storage, read_write> gw: array<f32>;
@group(0) @binding(3) var<storage, read_write> gb: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;

//#include "main-1d" (I = t, N = u.threads, WG = 64)
  let kb = t % u.kyBlocks;
  let r1 = t / u.kyBlocks;
  let ci = r1 % u.cIn;
  let r2 = r1 / u.cIn;
  let cb = r2 % u.coBlocks;
  let split = r2 / u.coBlocks;
  let ky0 = kb * {KT}u;
  let co0 = cb * 8u;
  let W = i32(u.w);
  let H = i32(u.h);
  let plane = u.outH * u.outW;
  let totalRows = u.n * u.outH;
  let rStart = split * u.rowsPerSplit;
  let rEnd = min(totalRows, rStart + u.rowsPerSplit);
  let cm = u.cOut - 1u;
  // Offsets of the 8 channels' planes in dL/dy (clamped; extra channels are not written).
  let gOff0 = vec4<u32>(min(co0, cm), min(co0 + 1u, cm), min(co0 + 2u, cm), min(co0 + 3u, cm)) * plane;
  let gOff1 = vec4<u32>(min(co0 + 4u, cm), min(co0 + 5u, cm), min(co0 + 6u, cm), min(co0 + 7u, cm)) * plane;
  let xs = -i32(u.padW);

//#for y in 0..KT
//#for k in 0..KW
  var a{y}_{k}0 = vec4<f32>(0.0);
  var a{y}_{k}1 = vec4<f32>(0.0);
//#end
//#end
  var s0 = vec4<f32>(0.0);
  var s1 = vec4<f32>(0.0);
  for (var r = rStart; r < rEnd; r++) {
    let b = r / u.outH;
    let oy = r - b * u.outH;
    let xPlane = i32((b * u.cIn + ci) * u.h) * W;
//#for y in 0..KT
    let iy{y} = i32(oy + ky0 + {y}u) - i32(u.padH);
    let ok{y} = iy{y} >= 0 && iy{y} < H;
    let xRow{y} = xPlane + clamp(iy{y}, 0, H - 1) * W;
//#end
    // A row that meets none of this invocation's kernel rows adds nothing.
    if (!(false
//#for y in 0..KT
      || ok{y}
//#end
    )) { continue; }
    let gRow = b * u.cOut * plane + oy * u.outW;
//#for y in 0..KT
//#for k in 0..KW
    var v{y}_{k} = select(0.0, x[u32(xRow{y} + clamp(xs + {k}, 0, W - 1))], ok{y} && xs + {k} >= 0 && xs + {k} < W);
//#end
//#end
    for (var ox = 0u; ox < u.outW; ox++) {
      let gi = gRow + ox;
      let g0 = vec4<f32>(gy[gi + gOff0.x], gy[gi + gOff0.y], gy[gi + gOff0.z], gy[gi + gOff0.w]);
      let g1 = vec4<f32>(gy[gi + gOff1.x], gy[gi + gOff1.y], gy[gi + gOff1.z], gy[gi + gOff1.w]);
      if (HAS_BIAS != 0u) {
        s0 += g0;
        s1 += g1;
      }
      let nx = xs + i32(ox) + {KW};
      let nxOk = nx >= 0 && nx < W;
      let nxc = clamp(nx, 0, W - 1);
//#for y in 0..KT
//#for k in 0..KW
      a{y}_{k}0 += v{y}_{k} * g0;
      a{y}_{k}1 += v{y}_{k} * g1;
//#end
//#for k in 0..KW-1
      v{y}_{k} = v{y}_{k+1};
//#end
      v{y}_{KW-1} = select(0.0, x[u32(xRow{y} + nxc)], ok{y} && nxOk);
//#end
    }
  }
  if (HAS_BIAS != 0u && ci == 0u && ky0 <= u.padH && u.padH < ky0 + {KT}u) {
    let sums = array<f32, 8>(s0.x, s0.y, s0.z, s0.w, s1.x, s1.y, s1.z, s1.w);
    for (var j = 0u; j < 8u; j++) {
      if (co0 + j < u.cOut) { gb[split * u.cOut + co0 + j] = sums[j]; }
    }
  }
  let taps = u.cIn * u.kH * u.kW;
  let base = split * u.cOut * taps + (ci * u.kH + ky0) * u.kW;
//#for y in 0..KT
//#for k in 0..KW
//#for j in 0..8
  if (co0 + {j}u < u.cOut) { gw[base + (co0 + {j}u) * taps + {y*KW+k}u] = a{y}_{k}{j/4}.{xyzw[j%4]}; }
//#end
//#end
//#end
}

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

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = ((wid.z * nwg.y + wid.y) * nwg.x + wid.x) * 64u + lid;
  if (t >= u.threads) { return; }
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

  var a00 = vec4<f32>(0.0);
  var a01 = vec4<f32>(0.0);
  var a10 = vec4<f32>(0.0);
  var a11 = vec4<f32>(0.0);
  var a20 = vec4<f32>(0.0);
  var a21 = vec4<f32>(0.0);
  var a30 = vec4<f32>(0.0);
  var a31 = vec4<f32>(0.0);
  var a40 = vec4<f32>(0.0);
  var a41 = vec4<f32>(0.0);
  var a50 = vec4<f32>(0.0);
  var a51 = vec4<f32>(0.0);
  var a60 = vec4<f32>(0.0);
  var a61 = vec4<f32>(0.0);
  var a70 = vec4<f32>(0.0);
  var a71 = vec4<f32>(0.0);
  var s0 = vec4<f32>(0.0);
  var s1 = vec4<f32>(0.0);
  for (var r = rStart; r < rEnd; r++) {
    let b = r / u.outH;
    let oy = r - b * u.outH;
    let iy = i32(oy + ky) - i32(u.padH);
    if (iy < 0 || iy >= i32(u.h)) { continue; }
    let xRow = i32(((b * u.cIn + ci) * u.h) * u.w) + iy * W;
    let gRow = b * u.cOut * plane + oy * u.outW;
    var v0 = select(0.0, x[u32(xRow + clamp(xs + 0, 0, W - 1))], xs + 0 >= 0 && xs + 0 < W);
    var v1 = select(0.0, x[u32(xRow + clamp(xs + 1, 0, W - 1))], xs + 1 >= 0 && xs + 1 < W);
    var v2 = select(0.0, x[u32(xRow + clamp(xs + 2, 0, W - 1))], xs + 2 >= 0 && xs + 2 < W);
    var v3 = select(0.0, x[u32(xRow + clamp(xs + 3, 0, W - 1))], xs + 3 >= 0 && xs + 3 < W);
    var v4 = select(0.0, x[u32(xRow + clamp(xs + 4, 0, W - 1))], xs + 4 >= 0 && xs + 4 < W);
    var v5 = select(0.0, x[u32(xRow + clamp(xs + 5, 0, W - 1))], xs + 5 >= 0 && xs + 5 < W);
    var v6 = select(0.0, x[u32(xRow + clamp(xs + 6, 0, W - 1))], xs + 6 >= 0 && xs + 6 < W);
    var v7 = select(0.0, x[u32(xRow + clamp(xs + 7, 0, W - 1))], xs + 7 >= 0 && xs + 7 < W);
    for (var ox = 0u; ox < u.outW; ox++) {
      let gi = gRow + ox;
      let g0 = vec4<f32>(gy[gi + gOff0.x], gy[gi + gOff0.y], gy[gi + gOff0.z], gy[gi + gOff0.w]);
      let g1 = vec4<f32>(gy[gi + gOff1.x], gy[gi + gOff1.y], gy[gi + gOff1.z], gy[gi + gOff1.w]);
      if (HAS_BIAS != 0u) {
        s0 += g0;
        s1 += g1;
      }
      a00 += v0 * g0;
      a01 += v0 * g1;
      a10 += v1 * g0;
      a11 += v1 * g1;
      a20 += v2 * g0;
      a21 += v2 * g1;
      a30 += v3 * g0;
      a31 += v3 * g1;
      a40 += v4 * g0;
      a41 += v4 * g1;
      a50 += v5 * g0;
      a51 += v5 * g1;
      a60 += v6 * g0;
      a61 += v6 * g1;
      a70 += v7 * g0;
      a71 += v7 * g1;
      v0 = v1;
      v1 = v2;
      v2 = v3;
      v3 = v4;
      v4 = v5;
      v5 = v6;
      v6 = v7;
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
  if (0u < u.kW) {
    if (co0 + 0u < u.cOut) { gw[base + (co0 + 0u) * taps + 0u] = a00.x; }
    if (co0 + 1u < u.cOut) { gw[base + (co0 + 1u) * taps + 0u] = a00.y; }
    if (co0 + 2u < u.cOut) { gw[base + (co0 + 2u) * taps + 0u] = a00.z; }
    if (co0 + 3u < u.cOut) { gw[base + (co0 + 3u) * taps + 0u] = a00.w; }
    if (co0 + 4u < u.cOut) { gw[base + (co0 + 4u) * taps + 0u] = a01.x; }
    if (co0 + 5u < u.cOut) { gw[base + (co0 + 5u) * taps + 0u] = a01.y; }
    if (co0 + 6u < u.cOut) { gw[base + (co0 + 6u) * taps + 0u] = a01.z; }
    if (co0 + 7u < u.cOut) { gw[base + (co0 + 7u) * taps + 0u] = a01.w; }
  }
  if (1u < u.kW) {
    if (co0 + 0u < u.cOut) { gw[base + (co0 + 0u) * taps + 1u] = a10.x; }
    if (co0 + 1u < u.cOut) { gw[base + (co0 + 1u) * taps + 1u] = a10.y; }
    if (co0 + 2u < u.cOut) { gw[base + (co0 + 2u) * taps + 1u] = a10.z; }
    if (co0 + 3u < u.cOut) { gw[base + (co0 + 3u) * taps + 1u] = a10.w; }
    if (co0 + 4u < u.cOut) { gw[base + (co0 + 4u) * taps + 1u] = a11.x; }
    if (co0 + 5u < u.cOut) { gw[base + (co0 + 5u) * taps + 1u] = a11.y; }
    if (co0 + 6u < u.cOut) { gw[base + (co0 + 6u) * taps + 1u] = a11.z; }
    if (co0 + 7u < u.cOut) { gw[base + (co0 + 7u) * taps + 1u] = a11.w; }
  }
  if (2u < u.kW) {
    if (co0 + 0u < u.cOut) { gw[base + (co0 + 0u) * taps + 2u] = a20.x; }
    if (co0 + 1u < u.cOut) { gw[base + (co0 + 1u) * taps + 2u] = a20.y; }
    if (co0 + 2u < u.cOut) { gw[base + (co0 + 2u) * taps + 2u] = a20.z; }
    if (co0 + 3u < u.cOut) { gw[base + (co0 + 3u) * taps + 2u] = a20.w; }
    if (co0 + 4u < u.cOut) { gw[base + (co0 + 4u) * taps + 2u] = a21.x; }
    if (co0 + 5u < u.cOut) { gw[base + (co0 + 5u) * taps + 2u] = a21.y; }
    if (co0 + 6u < u.cOut) { gw[base + (co0 + 6u) * taps + 2u] = a21.z; }
    if (co0 + 7u < u.cOut) { gw[base + (co0 + 7u) * taps + 2u] = a21.w; }
  }
  if (3u < u.kW) {
    if (co0 + 0u < u.cOut) { gw[base + (co0 + 0u) * taps + 3u] = a30.x; }
    if (co0 + 1u < u.cOut) { gw[base + (co0 + 1u) * taps + 3u] = a30.y; }
    if (co0 + 2u < u.cOut) { gw[base + (co0 + 2u) * taps + 3u] = a30.z; }
    if (co0 + 3u < u.cOut) { gw[base + (co0 + 3u) * taps + 3u] = a30.w; }
    if (co0 + 4u < u.cOut) { gw[base + (co0 + 4u) * taps + 3u] = a31.x; }
    if (co0 + 5u < u.cOut) { gw[base + (co0 + 5u) * taps + 3u] = a31.y; }
    if (co0 + 6u < u.cOut) { gw[base + (co0 + 6u) * taps + 3u] = a31.z; }
    if (co0 + 7u < u.cOut) { gw[base + (co0 + 7u) * taps + 3u] = a31.w; }
  }
  if (4u < u.kW) {
    if (co0 + 0u < u.cOut) { gw[base + (co0 + 0u) * taps + 4u] = a40.x; }
    if (co0 + 1u < u.cOut) { gw[base + (co0 + 1u) * taps + 4u] = a40.y; }
    if (co0 + 2u < u.cOut) { gw[base + (co0 + 2u) * taps + 4u] = a40.z; }
    if (co0 + 3u < u.cOut) { gw[base + (co0 + 3u) * taps + 4u] = a40.w; }
    if (co0 + 4u < u.cOut) { gw[base + (co0 + 4u) * taps + 4u] = a41.x; }
    if (co0 + 5u < u.cOut) { gw[base + (co0 + 5u) * taps + 4u] = a41.y; }
    if (co0 + 6u < u.cOut) { gw[base + (co0 + 6u) * taps + 4u] = a41.z; }
    if (co0 + 7u < u.cOut) { gw[base + (co0 + 7u) * taps + 4u] = a41.w; }
  }
  if (5u < u.kW) {
    if (co0 + 0u < u.cOut) { gw[base + (co0 + 0u) * taps + 5u] = a50.x; }
    if (co0 + 1u < u.cOut) { gw[base + (co0 + 1u) * taps + 5u] = a50.y; }
    if (co0 + 2u < u.cOut) { gw[base + (co0 + 2u) * taps + 5u] = a50.z; }
    if (co0 + 3u < u.cOut) { gw[base + (co0 + 3u) * taps + 5u] = a50.w; }
    if (co0 + 4u < u.cOut) { gw[base + (co0 + 4u) * taps + 5u] = a51.x; }
    if (co0 + 5u < u.cOut) { gw[base + (co0 + 5u) * taps + 5u] = a51.y; }
    if (co0 + 6u < u.cOut) { gw[base + (co0 + 6u) * taps + 5u] = a51.z; }
    if (co0 + 7u < u.cOut) { gw[base + (co0 + 7u) * taps + 5u] = a51.w; }
  }
  if (6u < u.kW) {
    if (co0 + 0u < u.cOut) { gw[base + (co0 + 0u) * taps + 6u] = a60.x; }
    if (co0 + 1u < u.cOut) { gw[base + (co0 + 1u) * taps + 6u] = a60.y; }
    if (co0 + 2u < u.cOut) { gw[base + (co0 + 2u) * taps + 6u] = a60.z; }
    if (co0 + 3u < u.cOut) { gw[base + (co0 + 3u) * taps + 6u] = a60.w; }
    if (co0 + 4u < u.cOut) { gw[base + (co0 + 4u) * taps + 6u] = a61.x; }
    if (co0 + 5u < u.cOut) { gw[base + (co0 + 5u) * taps + 6u] = a61.y; }
    if (co0 + 6u < u.cOut) { gw[base + (co0 + 6u) * taps + 6u] = a61.z; }
    if (co0 + 7u < u.cOut) { gw[base + (co0 + 7u) * taps + 6u] = a61.w; }
  }
  if (7u < u.kW) {
    if (co0 + 0u < u.cOut) { gw[base + (co0 + 0u) * taps + 7u] = a70.x; }
    if (co0 + 1u < u.cOut) { gw[base + (co0 + 1u) * taps + 7u] = a70.y; }
    if (co0 + 2u < u.cOut) { gw[base + (co0 + 2u) * taps + 7u] = a70.z; }
    if (co0 + 3u < u.cOut) { gw[base + (co0 + 3u) * taps + 7u] = a70.w; }
    if (co0 + 4u < u.cOut) { gw[base + (co0 + 4u) * taps + 7u] = a71.x; }
    if (co0 + 5u < u.cOut) { gw[base + (co0 + 5u) * taps + 7u] = a71.y; }
    if (co0 + 6u < u.cOut) { gw[base + (co0 + 6u) * taps + 7u] = a71.z; }
    if (co0 + 7u < u.cOut) { gw[base + (co0 + 7u) * taps + 7u] = a71.w; }
  }
}

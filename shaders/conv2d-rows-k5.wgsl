// Conv2d forward for stride 1 and kW = 5: conv2d-rows.wgsl with the 5 column taps
// unrolled. For each input row (ci, ky) an invocation loads the 12 input values its
// 8 output pixels need into registers once and uses each for up to 5 taps, so no
// window has to slide through variables. Same parameters and weight packing as
// conv2d-rows.wgsl (8 output channels x 8 neighbouring pixels per invocation).

struct Params {
  n: u32, cIn: u32, h: u32, w: u32,
  cOut: u32, kH: u32, kW: u32, padH: u32,
  padW: u32, outH: u32, outW: u32, segs: u32,
  coBlocks: u32, coPad4: u32, threads: u32, hasBias: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var wt: texture_2d<f32>;
@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> y: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let t = ((wid.z * nwg.y + wid.y) * nwg.x + wid.x) * 64u + lid;
  if (t >= u.threads) { return; }
  let seg = t % u.segs;
  let r1 = t / u.segs;
  let oy = r1 % u.outH;
  let r2 = r1 / u.outH;
  let cb = r2 % u.coBlocks;
  let b = r2 / u.coBlocks;
  let ox0 = seg * 8u;
  let W = i32(u.w);
  let ixs = i32(ox0) - i32(u.padW);
  let wq = cb * 2u;

  var c00 = vec4<f32>(0.0);
  var c01 = vec4<f32>(0.0);
  var c10 = vec4<f32>(0.0);
  var c11 = vec4<f32>(0.0);
  var c20 = vec4<f32>(0.0);
  var c21 = vec4<f32>(0.0);
  var c30 = vec4<f32>(0.0);
  var c31 = vec4<f32>(0.0);
  var c40 = vec4<f32>(0.0);
  var c41 = vec4<f32>(0.0);
  var c50 = vec4<f32>(0.0);
  var c51 = vec4<f32>(0.0);
  var c60 = vec4<f32>(0.0);
  var c61 = vec4<f32>(0.0);
  var c70 = vec4<f32>(0.0);
  var c71 = vec4<f32>(0.0);
  for (var ci = 0u; ci < u.cIn; ci++) {
    for (var ky = 0u; ky < u.kH; ky++) {
      let iy = i32(oy + ky) - i32(u.padH);
      if (iy < 0 || iy >= i32(u.h)) { continue; }
      let rowBase = i32(((b * u.cIn + ci) * u.h) * u.w) + iy * W;
      let v0 = select(0.0, x[u32(rowBase + clamp(ixs + 0, 0, W - 1))], ixs + 0 >= 0 && ixs + 0 < W);
      let v1 = select(0.0, x[u32(rowBase + clamp(ixs + 1, 0, W - 1))], ixs + 1 >= 0 && ixs + 1 < W);
      let v2 = select(0.0, x[u32(rowBase + clamp(ixs + 2, 0, W - 1))], ixs + 2 >= 0 && ixs + 2 < W);
      let v3 = select(0.0, x[u32(rowBase + clamp(ixs + 3, 0, W - 1))], ixs + 3 >= 0 && ixs + 3 < W);
      let v4 = select(0.0, x[u32(rowBase + clamp(ixs + 4, 0, W - 1))], ixs + 4 >= 0 && ixs + 4 < W);
      let v5 = select(0.0, x[u32(rowBase + clamp(ixs + 5, 0, W - 1))], ixs + 5 >= 0 && ixs + 5 < W);
      let v6 = select(0.0, x[u32(rowBase + clamp(ixs + 6, 0, W - 1))], ixs + 6 >= 0 && ixs + 6 < W);
      let v7 = select(0.0, x[u32(rowBase + clamp(ixs + 7, 0, W - 1))], ixs + 7 >= 0 && ixs + 7 < W);
      let v8 = select(0.0, x[u32(rowBase + clamp(ixs + 8, 0, W - 1))], ixs + 8 >= 0 && ixs + 8 < W);
      let v9 = select(0.0, x[u32(rowBase + clamp(ixs + 9, 0, W - 1))], ixs + 9 >= 0 && ixs + 9 < W);
      let v10 = select(0.0, x[u32(rowBase + clamp(ixs + 10, 0, W - 1))], ixs + 10 >= 0 && ixs + 10 < W);
      let v11 = select(0.0, x[u32(rowBase + clamp(ixs + 11, 0, W - 1))], ixs + 11 >= 0 && ixs + 11 < W);
      let k0 = (ci * u.kH + ky) * 5u;
      let w00 = textureLoad(wt, vec2<u32>(wq, k0 + 0u), 0);
      let w01 = textureLoad(wt, vec2<u32>(wq + 1u, k0 + 0u), 0);
      let w10 = textureLoad(wt, vec2<u32>(wq, k0 + 1u), 0);
      let w11 = textureLoad(wt, vec2<u32>(wq + 1u, k0 + 1u), 0);
      let w20 = textureLoad(wt, vec2<u32>(wq, k0 + 2u), 0);
      let w21 = textureLoad(wt, vec2<u32>(wq + 1u, k0 + 2u), 0);
      let w30 = textureLoad(wt, vec2<u32>(wq, k0 + 3u), 0);
      let w31 = textureLoad(wt, vec2<u32>(wq + 1u, k0 + 3u), 0);
      let w40 = textureLoad(wt, vec2<u32>(wq, k0 + 4u), 0);
      let w41 = textureLoad(wt, vec2<u32>(wq + 1u, k0 + 4u), 0);
      c00 += v0 * w00 + v1 * w10 + v2 * w20 + v3 * w30 + v4 * w40;
      c01 += v0 * w01 + v1 * w11 + v2 * w21 + v3 * w31 + v4 * w41;
      c10 += v1 * w00 + v2 * w10 + v3 * w20 + v4 * w30 + v5 * w40;
      c11 += v1 * w01 + v2 * w11 + v3 * w21 + v4 * w31 + v5 * w41;
      c20 += v2 * w00 + v3 * w10 + v4 * w20 + v5 * w30 + v6 * w40;
      c21 += v2 * w01 + v3 * w11 + v4 * w21 + v5 * w31 + v6 * w41;
      c30 += v3 * w00 + v4 * w10 + v5 * w20 + v6 * w30 + v7 * w40;
      c31 += v3 * w01 + v4 * w11 + v5 * w21 + v6 * w31 + v7 * w41;
      c40 += v4 * w00 + v5 * w10 + v6 * w20 + v7 * w30 + v8 * w40;
      c41 += v4 * w01 + v5 * w11 + v6 * w21 + v7 * w31 + v8 * w41;
      c50 += v5 * w00 + v6 * w10 + v7 * w20 + v8 * w30 + v9 * w40;
      c51 += v5 * w01 + v6 * w11 + v7 * w21 + v8 * w31 + v9 * w41;
      c60 += v6 * w00 + v7 * w10 + v8 * w20 + v9 * w30 + v10 * w40;
      c61 += v6 * w01 + v7 * w11 + v8 * w21 + v9 * w31 + v10 * w41;
      c70 += v7 * w00 + v8 * w10 + v9 * w20 + v10 * w30 + v11 * w40;
      c71 += v7 * w01 + v8 * w11 + v9 * w21 + v10 * w31 + v11 * w41;
    }
  }
  let co0 = cb * 8u;
  let plane = u.outH * u.outW;
  let outRow = (b * u.cOut) * plane + oy * u.outW;
  var bias0 = vec4<f32>(0.0);
  var bias1 = vec4<f32>(0.0);
  if (u.hasBias != 0u) {
    bias0 = vec4<f32>(bias[min(co0 + 0u, u.cOut - 1u)], bias[min(co0 + 1u, u.cOut - 1u)], bias[min(co0 + 2u, u.cOut - 1u)], bias[min(co0 + 3u, u.cOut - 1u)]);
    bias1 = vec4<f32>(bias[min(co0 + 4u, u.cOut - 1u)], bias[min(co0 + 5u, u.cOut - 1u)], bias[min(co0 + 6u, u.cOut - 1u)], bias[min(co0 + 7u, u.cOut - 1u)]);
  }
  if (ox0 + 0u < u.outW) {
    let s00 = c00 + bias0;
    let s01 = c01 + bias1;
    if (co0 + 0u < u.cOut) { y[outRow + (co0 + 0u) * plane + ox0 + 0u] = s00.x; }
    if (co0 + 1u < u.cOut) { y[outRow + (co0 + 1u) * plane + ox0 + 0u] = s00.y; }
    if (co0 + 2u < u.cOut) { y[outRow + (co0 + 2u) * plane + ox0 + 0u] = s00.z; }
    if (co0 + 3u < u.cOut) { y[outRow + (co0 + 3u) * plane + ox0 + 0u] = s00.w; }
    if (co0 + 4u < u.cOut) { y[outRow + (co0 + 4u) * plane + ox0 + 0u] = s01.x; }
    if (co0 + 5u < u.cOut) { y[outRow + (co0 + 5u) * plane + ox0 + 0u] = s01.y; }
    if (co0 + 6u < u.cOut) { y[outRow + (co0 + 6u) * plane + ox0 + 0u] = s01.z; }
    if (co0 + 7u < u.cOut) { y[outRow + (co0 + 7u) * plane + ox0 + 0u] = s01.w; }
  }
  if (ox0 + 1u < u.outW) {
    let s10 = c10 + bias0;
    let s11 = c11 + bias1;
    if (co0 + 0u < u.cOut) { y[outRow + (co0 + 0u) * plane + ox0 + 1u] = s10.x; }
    if (co0 + 1u < u.cOut) { y[outRow + (co0 + 1u) * plane + ox0 + 1u] = s10.y; }
    if (co0 + 2u < u.cOut) { y[outRow + (co0 + 2u) * plane + ox0 + 1u] = s10.z; }
    if (co0 + 3u < u.cOut) { y[outRow + (co0 + 3u) * plane + ox0 + 1u] = s10.w; }
    if (co0 + 4u < u.cOut) { y[outRow + (co0 + 4u) * plane + ox0 + 1u] = s11.x; }
    if (co0 + 5u < u.cOut) { y[outRow + (co0 + 5u) * plane + ox0 + 1u] = s11.y; }
    if (co0 + 6u < u.cOut) { y[outRow + (co0 + 6u) * plane + ox0 + 1u] = s11.z; }
    if (co0 + 7u < u.cOut) { y[outRow + (co0 + 7u) * plane + ox0 + 1u] = s11.w; }
  }
  if (ox0 + 2u < u.outW) {
    let s20 = c20 + bias0;
    let s21 = c21 + bias1;
    if (co0 + 0u < u.cOut) { y[outRow + (co0 + 0u) * plane + ox0 + 2u] = s20.x; }
    if (co0 + 1u < u.cOut) { y[outRow + (co0 + 1u) * plane + ox0 + 2u] = s20.y; }
    if (co0 + 2u < u.cOut) { y[outRow + (co0 + 2u) * plane + ox0 + 2u] = s20.z; }
    if (co0 + 3u < u.cOut) { y[outRow + (co0 + 3u) * plane + ox0 + 2u] = s20.w; }
    if (co0 + 4u < u.cOut) { y[outRow + (co0 + 4u) * plane + ox0 + 2u] = s21.x; }
    if (co0 + 5u < u.cOut) { y[outRow + (co0 + 5u) * plane + ox0 + 2u] = s21.y; }
    if (co0 + 6u < u.cOut) { y[outRow + (co0 + 6u) * plane + ox0 + 2u] = s21.z; }
    if (co0 + 7u < u.cOut) { y[outRow + (co0 + 7u) * plane + ox0 + 2u] = s21.w; }
  }
  if (ox0 + 3u < u.outW) {
    let s30 = c30 + bias0;
    let s31 = c31 + bias1;
    if (co0 + 0u < u.cOut) { y[outRow + (co0 + 0u) * plane + ox0 + 3u] = s30.x; }
    if (co0 + 1u < u.cOut) { y[outRow + (co0 + 1u) * plane + ox0 + 3u] = s30.y; }
    if (co0 + 2u < u.cOut) { y[outRow + (co0 + 2u) * plane + ox0 + 3u] = s30.z; }
    if (co0 + 3u < u.cOut) { y[outRow + (co0 + 3u) * plane + ox0 + 3u] = s30.w; }
    if (co0 + 4u < u.cOut) { y[outRow + (co0 + 4u) * plane + ox0 + 3u] = s31.x; }
    if (co0 + 5u < u.cOut) { y[outRow + (co0 + 5u) * plane + ox0 + 3u] = s31.y; }
    if (co0 + 6u < u.cOut) { y[outRow + (co0 + 6u) * plane + ox0 + 3u] = s31.z; }
    if (co0 + 7u < u.cOut) { y[outRow + (co0 + 7u) * plane + ox0 + 3u] = s31.w; }
  }
  if (ox0 + 4u < u.outW) {
    let s40 = c40 + bias0;
    let s41 = c41 + bias1;
    if (co0 + 0u < u.cOut) { y[outRow + (co0 + 0u) * plane + ox0 + 4u] = s40.x; }
    if (co0 + 1u < u.cOut) { y[outRow + (co0 + 1u) * plane + ox0 + 4u] = s40.y; }
    if (co0 + 2u < u.cOut) { y[outRow + (co0 + 2u) * plane + ox0 + 4u] = s40.z; }
    if (co0 + 3u < u.cOut) { y[outRow + (co0 + 3u) * plane + ox0 + 4u] = s40.w; }
    if (co0 + 4u < u.cOut) { y[outRow + (co0 + 4u) * plane + ox0 + 4u] = s41.x; }
    if (co0 + 5u < u.cOut) { y[outRow + (co0 + 5u) * plane + ox0 + 4u] = s41.y; }
    if (co0 + 6u < u.cOut) { y[outRow + (co0 + 6u) * plane + ox0 + 4u] = s41.z; }
    if (co0 + 7u < u.cOut) { y[outRow + (co0 + 7u) * plane + ox0 + 4u] = s41.w; }
  }
  if (ox0 + 5u < u.outW) {
    let s50 = c50 + bias0;
    let s51 = c51 + bias1;
    if (co0 + 0u < u.cOut) { y[outRow + (co0 + 0u) * plane + ox0 + 5u] = s50.x; }
    if (co0 + 1u < u.cOut) { y[outRow + (co0 + 1u) * plane + ox0 + 5u] = s50.y; }
    if (co0 + 2u < u.cOut) { y[outRow + (co0 + 2u) * plane + ox0 + 5u] = s50.z; }
    if (co0 + 3u < u.cOut) { y[outRow + (co0 + 3u) * plane + ox0 + 5u] = s50.w; }
    if (co0 + 4u < u.cOut) { y[outRow + (co0 + 4u) * plane + ox0 + 5u] = s51.x; }
    if (co0 + 5u < u.cOut) { y[outRow + (co0 + 5u) * plane + ox0 + 5u] = s51.y; }
    if (co0 + 6u < u.cOut) { y[outRow + (co0 + 6u) * plane + ox0 + 5u] = s51.z; }
    if (co0 + 7u < u.cOut) { y[outRow + (co0 + 7u) * plane + ox0 + 5u] = s51.w; }
  }
  if (ox0 + 6u < u.outW) {
    let s60 = c60 + bias0;
    let s61 = c61 + bias1;
    if (co0 + 0u < u.cOut) { y[outRow + (co0 + 0u) * plane + ox0 + 6u] = s60.x; }
    if (co0 + 1u < u.cOut) { y[outRow + (co0 + 1u) * plane + ox0 + 6u] = s60.y; }
    if (co0 + 2u < u.cOut) { y[outRow + (co0 + 2u) * plane + ox0 + 6u] = s60.z; }
    if (co0 + 3u < u.cOut) { y[outRow + (co0 + 3u) * plane + ox0 + 6u] = s60.w; }
    if (co0 + 4u < u.cOut) { y[outRow + (co0 + 4u) * plane + ox0 + 6u] = s61.x; }
    if (co0 + 5u < u.cOut) { y[outRow + (co0 + 5u) * plane + ox0 + 6u] = s61.y; }
    if (co0 + 6u < u.cOut) { y[outRow + (co0 + 6u) * plane + ox0 + 6u] = s61.z; }
    if (co0 + 7u < u.cOut) { y[outRow + (co0 + 7u) * plane + ox0 + 6u] = s61.w; }
  }
  if (ox0 + 7u < u.outW) {
    let s70 = c70 + bias0;
    let s71 = c71 + bias1;
    if (co0 + 0u < u.cOut) { y[outRow + (co0 + 0u) * plane + ox0 + 7u] = s70.x; }
    if (co0 + 1u < u.cOut) { y[outRow + (co0 + 1u) * plane + ox0 + 7u] = s70.y; }
    if (co0 + 2u < u.cOut) { y[outRow + (co0 + 2u) * plane + ox0 + 7u] = s70.z; }
    if (co0 + 3u < u.cOut) { y[outRow + (co0 + 3u) * plane + ox0 + 7u] = s70.w; }
    if (co0 + 4u < u.cOut) { y[outRow + (co0 + 4u) * plane + ox0 + 7u] = s71.x; }
    if (co0 + 5u < u.cOut) { y[outRow + (co0 + 5u) * plane + ox0 + 7u] = s71.y; }
    if (co0 + 6u < u.cOut) { y[outRow + (co0 + 6u) * plane + ox0 + 7u] = s71.z; }
    if (co0 + 7u < u.cOut) { y[outRow + (co0 + 7u) * plane + ox0 + 7u] = s71.w; }
  }
}

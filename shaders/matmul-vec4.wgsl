// Batched matrix product, register-blocked with vec4 loads: each invocation computes
// an 8x8 block of the output (8 rows x two vec4 columns), stepping k by 4 per loop
// iteration, with no workgroup memory and no barriers. This is the fast path for
// CPU-backed adapters (SwiftShader) where a big block per invocation amortises the
// per-load and loop costs. The statements are unrolled by hand: the block lives in
// 16 vec4 registers, never in an indexed array.
//
// Requires k % 4 == 0 and n % 4 == 0 (and m % 4 == 0 when TRANS_A), so every vec4
// load is aligned; the backend falls back to matmul-reg.wgsl otherwise.
// TRANS_A: A is stored [k, m]; TRANS_B: B is stored [n, k]. Batch strides of 0
// broadcast an operand over the batch. Strides below are in vec4 units.
override WGX: u32 = 8u;
override WGY: u32 = 8u;
override TRANS_A: bool = false;
override TRANS_B: bool = false;

struct Params {
  m: u32,
  n: u32,
  k: u32,
  tilesN: u32,
  tilesM: u32,
  tiles: u32,
  aBatchStride: u32,
  bBatchStride: u32,
}

@group(0) @binding(0) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> B: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> C: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> u: Params;

@compute @workgroup_size(WGX, WGY)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>) {
  let wg = (wid.z * nwg.y + wid.y) * nwg.x + wid.x;
  if (wg >= u.tiles) { return; }
  let tileN = wg % u.tilesN;
  let rest = wg / u.tilesN;
  let tileM = rest % u.tilesM;
  let batch = rest / u.tilesM;
  let row0 = (tileM * WGY + lid.y) * 8u;
  let colv0 = (tileN * WGX + lid.x) * 2u;
  let nv = u.n / 4u;
  if (row0 >= u.m || colv0 >= nv) { return; }
  let kv = u.k / 4u;
  let mv = u.m / 4u;
  let aBase = batch * u.aBatchStride;
  let bBase = batch * u.bBatchStride;
  // Clamped rows / vec4 columns keep loads in bounds; their results are not written.
  let r0 = min(row0 + 0u, u.m - 1u);
  let r1 = min(row0 + 1u, u.m - 1u);
  let r2 = min(row0 + 2u, u.m - 1u);
  let r3 = min(row0 + 3u, u.m - 1u);
  let r4 = min(row0 + 4u, u.m - 1u);
  let r5 = min(row0 + 5u, u.m - 1u);
  let r6 = min(row0 + 6u, u.m - 1u);
  let r7 = min(row0 + 7u, u.m - 1u);
  let cv0 = min(colv0 + 0u, nv - 1u);
  let cv1 = min(colv0 + 1u, nv - 1u);
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
  for (var kk = 0u; kk < kv; kk++) {
    // a{i}: rows r{i}, k = 4kk..4kk+3
    var a0: vec4<f32>;
    var a1: vec4<f32>;
    var a2: vec4<f32>;
    var a3: vec4<f32>;
    var a4: vec4<f32>;
    var a5: vec4<f32>;
    var a6: vec4<f32>;
    var a7: vec4<f32>;
    if (TRANS_A) {
      // A is [k, m]: row 4kk+q holds m contiguous; load two vec4 of rows per k.
      let rv = row0 / 4u;
      let t00 = A[aBase + (4u * kk + 0u) * mv + min(rv, mv - 1u)];
      let t01 = A[aBase + (4u * kk + 0u) * mv + min(rv + 1u, mv - 1u)];
      let t10 = A[aBase + (4u * kk + 1u) * mv + min(rv, mv - 1u)];
      let t11 = A[aBase + (4u * kk + 1u) * mv + min(rv + 1u, mv - 1u)];
      let t20 = A[aBase + (4u * kk + 2u) * mv + min(rv, mv - 1u)];
      let t21 = A[aBase + (4u * kk + 2u) * mv + min(rv + 1u, mv - 1u)];
      let t30 = A[aBase + (4u * kk + 3u) * mv + min(rv, mv - 1u)];
      let t31 = A[aBase + (4u * kk + 3u) * mv + min(rv + 1u, mv - 1u)];
      a0 = vec4<f32>(t00.x, t10.x, t20.x, t30.x);
      a1 = vec4<f32>(t00.y, t10.y, t20.y, t30.y);
      a2 = vec4<f32>(t00.z, t10.z, t20.z, t30.z);
      a3 = vec4<f32>(t00.w, t10.w, t20.w, t30.w);
      a4 = vec4<f32>(t01.x, t11.x, t21.x, t31.x);
      a5 = vec4<f32>(t01.y, t11.y, t21.y, t31.y);
      a6 = vec4<f32>(t01.z, t11.z, t21.z, t31.z);
      a7 = vec4<f32>(t01.w, t11.w, t21.w, t31.w);
    } else {
      a0 = A[aBase + r0 * kv + kk];
      a1 = A[aBase + r1 * kv + kk];
      a2 = A[aBase + r2 * kv + kk];
      a3 = A[aBase + r3 * kv + kk];
      a4 = A[aBase + r4 * kv + kk];
      a5 = A[aBase + r5 * kv + kk];
      a6 = A[aBase + r6 * kv + kk];
      a7 = A[aBase + r7 * kv + kk];
    }
    // b{q}{j}: k = 4kk+q, vec4 column cv{j}
    var b00: vec4<f32>;
    var b01: vec4<f32>;
    var b10: vec4<f32>;
    var b11: vec4<f32>;
    var b20: vec4<f32>;
    var b21: vec4<f32>;
    var b30: vec4<f32>;
    var b31: vec4<f32>;
    if (TRANS_B) {
      // B is [n, k]: column c holds k contiguous; load one vec4 of k per column.
      let s00 = B[bBase + (cv0 * 4u + 0u) * kv + kk];
      let s01 = B[bBase + (cv0 * 4u + 1u) * kv + kk];
      let s02 = B[bBase + (cv0 * 4u + 2u) * kv + kk];
      let s03 = B[bBase + (cv0 * 4u + 3u) * kv + kk];
      let s10 = B[bBase + (cv1 * 4u + 0u) * kv + kk];
      let s11 = B[bBase + (cv1 * 4u + 1u) * kv + kk];
      let s12 = B[bBase + (cv1 * 4u + 2u) * kv + kk];
      let s13 = B[bBase + (cv1 * 4u + 3u) * kv + kk];
      b00 = vec4<f32>(s00.x, s01.x, s02.x, s03.x);
      b01 = vec4<f32>(s10.x, s11.x, s12.x, s13.x);
      b10 = vec4<f32>(s00.y, s01.y, s02.y, s03.y);
      b11 = vec4<f32>(s10.y, s11.y, s12.y, s13.y);
      b20 = vec4<f32>(s00.z, s01.z, s02.z, s03.z);
      b21 = vec4<f32>(s10.z, s11.z, s12.z, s13.z);
      b30 = vec4<f32>(s00.w, s01.w, s02.w, s03.w);
      b31 = vec4<f32>(s10.w, s11.w, s12.w, s13.w);
    } else {
      b00 = B[bBase + (4u * kk + 0u) * nv + cv0];
      b01 = B[bBase + (4u * kk + 0u) * nv + cv1];
      b10 = B[bBase + (4u * kk + 1u) * nv + cv0];
      b11 = B[bBase + (4u * kk + 1u) * nv + cv1];
      b20 = B[bBase + (4u * kk + 2u) * nv + cv0];
      b21 = B[bBase + (4u * kk + 2u) * nv + cv1];
      b30 = B[bBase + (4u * kk + 3u) * nv + cv0];
      b31 = B[bBase + (4u * kk + 3u) * nv + cv1];
    }
    c00 += a0.x * b00 + a0.y * b10 + a0.z * b20 + a0.w * b30;
    c01 += a0.x * b01 + a0.y * b11 + a0.z * b21 + a0.w * b31;
    c10 += a1.x * b00 + a1.y * b10 + a1.z * b20 + a1.w * b30;
    c11 += a1.x * b01 + a1.y * b11 + a1.z * b21 + a1.w * b31;
    c20 += a2.x * b00 + a2.y * b10 + a2.z * b20 + a2.w * b30;
    c21 += a2.x * b01 + a2.y * b11 + a2.z * b21 + a2.w * b31;
    c30 += a3.x * b00 + a3.y * b10 + a3.z * b20 + a3.w * b30;
    c31 += a3.x * b01 + a3.y * b11 + a3.z * b21 + a3.w * b31;
    c40 += a4.x * b00 + a4.y * b10 + a4.z * b20 + a4.w * b30;
    c41 += a4.x * b01 + a4.y * b11 + a4.z * b21 + a4.w * b31;
    c50 += a5.x * b00 + a5.y * b10 + a5.z * b20 + a5.w * b30;
    c51 += a5.x * b01 + a5.y * b11 + a5.z * b21 + a5.w * b31;
    c60 += a6.x * b00 + a6.y * b10 + a6.z * b20 + a6.w * b30;
    c61 += a6.x * b01 + a6.y * b11 + a6.z * b21 + a6.w * b31;
    c70 += a7.x * b00 + a7.y * b10 + a7.z * b20 + a7.w * b30;
    c71 += a7.x * b01 + a7.y * b11 + a7.z * b21 + a7.w * b31;
  }
  let cBase = batch * u.m * nv;
  if (row0 + 0u < u.m) {
    C[cBase + (row0 + 0u) * nv + colv0] = c00;
    if (colv0 + 1u < nv) { C[cBase + (row0 + 0u) * nv + colv0 + 1u] = c01; }
  }
  if (row0 + 1u < u.m) {
    C[cBase + (row0 + 1u) * nv + colv0] = c10;
    if (colv0 + 1u < nv) { C[cBase + (row0 + 1u) * nv + colv0 + 1u] = c11; }
  }
  if (row0 + 2u < u.m) {
    C[cBase + (row0 + 2u) * nv + colv0] = c20;
    if (colv0 + 1u < nv) { C[cBase + (row0 + 2u) * nv + colv0 + 1u] = c21; }
  }
  if (row0 + 3u < u.m) {
    C[cBase + (row0 + 3u) * nv + colv0] = c30;
    if (colv0 + 1u < nv) { C[cBase + (row0 + 3u) * nv + colv0 + 1u] = c31; }
  }
  if (row0 + 4u < u.m) {
    C[cBase + (row0 + 4u) * nv + colv0] = c40;
    if (colv0 + 1u < nv) { C[cBase + (row0 + 4u) * nv + colv0 + 1u] = c41; }
  }
  if (row0 + 5u < u.m) {
    C[cBase + (row0 + 5u) * nv + colv0] = c50;
    if (colv0 + 1u < nv) { C[cBase + (row0 + 5u) * nv + colv0 + 1u] = c51; }
  }
  if (row0 + 6u < u.m) {
    C[cBase + (row0 + 6u) * nv + colv0] = c60;
    if (colv0 + 1u < nv) { C[cBase + (row0 + 6u) * nv + colv0 + 1u] = c61; }
  }
  if (row0 + 7u < u.m) {
    C[cBase + (row0 + 7u) * nv + colv0] = c70;
    if (colv0 + 1u < nv) { C[cBase + (row0 + 7u) * nv + colv0 + 1u] = c71; }
  }
}

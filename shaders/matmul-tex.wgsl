// Matrix product C = A B with both operands read through textureLoad from rgba32float
// textures (one texel = four consecutive floats of a row), for one matrix (batch 1,
// neither operand transposed). Each invocation computes an 8x8 block of C (8 rows x
// two vec4 columns) in registers, stepping k by 4, as matmul-vec4.wgsl does.
//
// Why textures: on CPU-backed adapters (SwiftShader) a storage-buffer load whose
// address differs per invocation becomes a per-lane gather of single floats, while a
// texel fetch brings in four floats per lane at once. The backend packs A and B into
// textures first (pack-texture.wgsl); this costs O(n^2) against the product's O(n^3).
//
// A: texture [k/4 wide, m high]; B: texture [n/4 wide, k high]; requires k % 4 == 0
// and n % 4 == 0. Out-of-range rows / columns are clamped for the loads and not written.
override WGX: u32 = 8u;
override WGY: u32 = 8u;

struct Params {
  m: u32,
  n: u32,
  k: u32,
  tilesN: u32,
  tilesM: u32,
  tiles: u32,
}

@group(0) @binding(0) var A: texture_2d<f32>;
@group(0) @binding(1) var B: texture_2d<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> u: Params;

@compute @workgroup_size(WGX, WGY)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>) {
  let wg = (wid.z * nwg.y + wid.y) * nwg.x + wid.x;
  if (wg >= u.tiles) { return; }
  let tileN = wg % u.tilesN;
  let tileM = wg / u.tilesN;
  let row0 = (tileM * WGY + lid.y) * 8u;
  let colv0 = (tileN * WGX + lid.x) * 2u;
  let nv = u.n / 4u;
  if (row0 >= u.m || colv0 >= nv) { return; }
  let kv = u.k / 4u;
  let r0 = min(row0 + 0u, u.m - 1u);
  let r1 = min(row0 + 1u, u.m - 1u);
  let r2 = min(row0 + 2u, u.m - 1u);
  let r3 = min(row0 + 3u, u.m - 1u);
  let r4 = min(row0 + 4u, u.m - 1u);
  let r5 = min(row0 + 5u, u.m - 1u);
  let r6 = min(row0 + 6u, u.m - 1u);
  let r7 = min(row0 + 7u, u.m - 1u);
  let cv0 = colv0;
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
    // a{i}: row r{i}, k = 4kk..4kk+3; b{q}{j}: k = 4kk+q, vec4 column cv{j}
    let a0 = textureLoad(A, vec2<u32>(kk, r0), 0);
    let a1 = textureLoad(A, vec2<u32>(kk, r1), 0);
    let a2 = textureLoad(A, vec2<u32>(kk, r2), 0);
    let a3 = textureLoad(A, vec2<u32>(kk, r3), 0);
    let a4 = textureLoad(A, vec2<u32>(kk, r4), 0);
    let a5 = textureLoad(A, vec2<u32>(kk, r5), 0);
    let a6 = textureLoad(A, vec2<u32>(kk, r6), 0);
    let a7 = textureLoad(A, vec2<u32>(kk, r7), 0);
    let b00 = textureLoad(B, vec2<u32>(cv0, 4u * kk + 0u), 0);
    let b01 = textureLoad(B, vec2<u32>(cv1, 4u * kk + 0u), 0);
    let b10 = textureLoad(B, vec2<u32>(cv0, 4u * kk + 1u), 0);
    let b11 = textureLoad(B, vec2<u32>(cv1, 4u * kk + 1u), 0);
    let b20 = textureLoad(B, vec2<u32>(cv0, 4u * kk + 2u), 0);
    let b21 = textureLoad(B, vec2<u32>(cv1, 4u * kk + 2u), 0);
    let b30 = textureLoad(B, vec2<u32>(cv0, 4u * kk + 3u), 0);
    let b31 = textureLoad(B, vec2<u32>(cv1, 4u * kk + 3u), 0);
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
  if (row0 + 0u < u.m) {
    C[(row0 + 0u) * nv + colv0] = c00;
    if (colv0 + 1u < nv) { C[(row0 + 0u) * nv + colv0 + 1u] = c01; }
  }
  if (row0 + 1u < u.m) {
    C[(row0 + 1u) * nv + colv0] = c10;
    if (colv0 + 1u < nv) { C[(row0 + 1u) * nv + colv0 + 1u] = c11; }
  }
  if (row0 + 2u < u.m) {
    C[(row0 + 2u) * nv + colv0] = c20;
    if (colv0 + 1u < nv) { C[(row0 + 2u) * nv + colv0 + 1u] = c21; }
  }
  if (row0 + 3u < u.m) {
    C[(row0 + 3u) * nv + colv0] = c30;
    if (colv0 + 1u < nv) { C[(row0 + 3u) * nv + colv0 + 1u] = c31; }
  }
  if (row0 + 4u < u.m) {
    C[(row0 + 4u) * nv + colv0] = c40;
    if (colv0 + 1u < nv) { C[(row0 + 4u) * nv + colv0 + 1u] = c41; }
  }
  if (row0 + 5u < u.m) {
    C[(row0 + 5u) * nv + colv0] = c50;
    if (colv0 + 1u < nv) { C[(row0 + 5u) * nv + colv0 + 1u] = c51; }
  }
  if (row0 + 6u < u.m) {
    C[(row0 + 6u) * nv + colv0] = c60;
    if (colv0 + 1u < nv) { C[(row0 + 6u) * nv + colv0 + 1u] = c61; }
  }
  if (row0 + 7u < u.m) {
    C[(row0 + 7u) * nv + colv0] = c70;
    if (colv0 + 1u < nv) { C[(row0 + 7u) * nv + colv0 + 1u] = c71; }
  }
}

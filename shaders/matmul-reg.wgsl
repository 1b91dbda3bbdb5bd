// Batched matrix product, register-blocked: each invocation computes a 4x4 block of
// the output in registers, with no workgroup memory and no barriers. A workgroup of
// WGX x WGY invocations covers a (4 WGY) x (4 WGX) tile; an invocation's rows are
// interleaved WGY apart and its columns WGX apart, so neighbouring invocations read
// neighbouring addresses. Operands are addressed through strides, which covers the
// transposed layouts and batch broadcasting (batch stride 0).
override WGX: u32 = 16u;
override WGY: u32 = 16u;

struct Params {
  m: u32,
  n: u32,
  k: u32,
  tilesN: u32,
  tilesM: u32,
  tiles: u32,
  aBatchStride: u32,
  bBatchStride: u32,
  aRowStride: u32,
  aKStride: u32,
  bKStride: u32,
  bColStride: u32,
}

@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
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
  let row0 = tileM * WGY * 4u + lid.y;
  let col0 = tileN * WGX * 4u + lid.x;
  if (row0 >= u.m || col0 >= u.n) { return; }

  let rows = vec4<u32>(row0, row0 + WGY, row0 + 2u * WGY, row0 + 3u * WGY);
  let cols = vec4<u32>(col0, col0 + WGX, col0 + 2u * WGX, col0 + 3u * WGX);
  // Clamped indices keep every load in bounds; the extra results are not written.
  let aOff = batch * u.aBatchStride + min(rows, vec4<u32>(u.m - 1u)) * u.aRowStride;
  let bOff = batch * u.bBatchStride + min(cols, vec4<u32>(u.n - 1u)) * u.bColStride;

  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  var ka = 0u;
  var kb = 0u;
  for (var kk = 0u; kk < u.k; kk++) {
    let a = vec4<f32>(A[aOff.x + ka], A[aOff.y + ka], A[aOff.z + ka], A[aOff.w + ka]);
    let b = vec4<f32>(B[bOff.x + kb], B[bOff.y + kb], B[bOff.z + kb], B[bOff.w + kb]);
    acc0 += a.x * b;
    acc1 += a.y * b;
    acc2 += a.z * b;
    acc3 += a.w * b;
    ka += u.aKStride;
    kb += u.bKStride;
  }

  let base = batch * u.m * u.n;
  let accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    let r = rows[i];
    if (r < u.m) {
      for (var j = 0u; j < 4u; j++) {
        let c = cols[j];
        if (c < u.n) { C[base + r * u.n + c] = accs[i][j]; }
      }
    }
  }
}

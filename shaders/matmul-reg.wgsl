// Batched matrix product, register-blocked: each invocation computes a 4x4 block of
// the output in registers, with no workgroup memory and no barriers. A workgroup of
// WGX x WGY invocations covers a (4 WGY) x (4 WGX) tile; an invocation's rows are
// interleaved WGY apart and its columns WGX apart, so neighbouring invocations read
// neighbouring addresses. Operands are addressed through strides, which covers the
// transposed layouts and batch broadcasting (batch stride 0).
override WGX: u32 = 16u;
override WGY: u32 = 16u;

//#include "matmul-strided"

//#include "main-tiles"
  let rest = wg / u.tilesN;
  let tileM = rest % u.tilesM;
  let batch = rest / u.tilesM;
//#include "reg-block" (R = row, C = col, M = u.m, N = u.n)
  // Clamped indices keep every load in bounds; the extra results are not written.
  let aOff = batch * u.aBatchStride + min(rows, vec4<u32>(u.m - 1u)) * u.aRowStride;
  let bOff = batch * u.bBatchStride + min(cols, vec4<u32>(u.n - 1u)) * u.bColStride;

//#for i in 0..4
  var acc{i} = vec4<f32>(0.0);
//#end
  var ka = 0u;
  var kb = 0u;
  for (var kk = 0u; kk < u.k; kk++) {
    let a = vec4<f32>(A[aOff.x + ka], A[aOff.y + ka], A[aOff.z + ka], A[aOff.w + ka]);
    let b = vec4<f32>(B[bOff.x + kb], B[bOff.y + kb], B[bOff.z + kb], B[bOff.w + kb]);
//#for i in 0..4
    acc{i} += a.{xyzw[i]} * b;
//#end
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
        if (c < u.n) { C[base + outAt(r, c, u.m, u.n)] = epilogue(accs[i][j], r, c); }
      }
    }
  }
}

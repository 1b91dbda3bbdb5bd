// Batched matrix product, workgroup-tiled for discrete GPUs: 128 x 128 output tiles, an
// 8 x 8 block an invocation (or 64 x 128 tiles and 4 x 8 blocks), from double-buffered
// 8-deep tiles of A and B in workgroup memory (lib/tiled-block.wgsl). Same parameters, bindings, strided addressing and
// epilogue as matmul-tiled.wgsl (any m, n, k, transposes, batch strides incl. 0).

//#include "matmul-strided"

fn aAlongK() -> bool { return u.aKStride == 1u; }
fn bAlongK() -> bool { return u.bKStride == 1u; }

// Where rows row .. row + 3 of op(A) start (batch offset included), and the first row.
struct ASetup { o: u32, row: u32 }
struct BSetup { o: u32, col: u32 }

fn aSetup(batch: u32, row: u32, k: u32) -> ASetup { return ASetup(batch * u.aBatchStride + row * u.aRowStride, row); }
fn bSetup(batch: u32, col: u32, k: u32) -> BSetup { return BSetup(batch * u.bBatchStride + col * u.bColStride, col); }

fn loadA(sp: ptr<function, ASetup>, k: u32) -> vec4<f32> {
  let s = *sp;
  var v = vec4<f32>(0.0);
  if (k < u.k) {
    let o = s.o + k * u.aKStride;
//#for j in 0..4
    if (s.row + {j}u < u.m) { v.{xyzw[j]} = A[o + {j}u * u.aRowStride]; }
//#end
  }
  return v;
}

fn loadB(sp: ptr<function, BSetup>, k: u32) -> vec4<f32> {
  let s = *sp;
  var v = vec4<f32>(0.0);
  if (k < u.k) {
    let o = s.o + k * u.bKStride;
//#for j in 0..4
    if (s.col + {j}u < u.n) { v.{xyzw[j]} = B[o + {j}u * u.bColStride]; }
//#end
  }
  return v;
}

fn store(batch: u32, row: u32, col: u32, v: f32) {
  C[batch * u.m * u.n + outAt(row, col, u.m, u.n)] = epilogue(v, row, col);
}

//#include "tiled-block"

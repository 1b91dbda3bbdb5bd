// Conv2d forward as an implicit GEMM on the 128 x 128 or 64 x 128 workgroup tiles of
// lib/tiled-block.wgsl:
// Y[cOut, (b, oy, ox)] = W[cOut, (ci, ky, kx)] X[(ci, ky, kx), (b, oy, ox)], where X's
// columns are the input windows, read from x as the tiles load them (zero padding outside
// the image). Bias per output channel and the activation on the way out; stored NCHW.
// Where the reduction is cut into slices (sliced()), batch entry s of the product sums
// terms s u.k .. (s + 1) u.k - 1 into partial products P[s, cOut, (b, oy, ox)], which
// matmul-split-sum.wgsl adds up, with the bias, the activation and the NCHW store.

//#include "conv-igemm"
//#include "matmul-epilogue"

fn aAlongK() -> bool { return true; }
fn bAlongK() -> bool { return false; }

// Where the rows' terms of this slice start in the weights, and the first row.
struct ASetup { o: u32, row: u32 }
// Per column: the image's offset in x and the window's top-left corner (OUTSIDE past the
// edge); the term being loaded as (input channel, ky, kx).
struct BSetup { base: vec4<i32>, iy0: vec4<i32>, ix0: vec4<i32>, t: Walk }

fn aSetup(batch: u32, row: u32, k: u32) -> ASetup { return ASetup(row * u.kTotal + batch * u.k, row); }

fn bSetup(batch: u32, col: u32, k: u32) -> BSetup {
  let cs = vec4<u32>(col) + vec4<u32>(0u, 1u, 2u, 3u);
//#include "split-plane" (I = cs, H = u.outH, W = u.outW, AREA = ohw, P = b, Y = oy, X = ox)
  let valid = cs < vec4<u32>(u.n);
  return BSetup(
    vec4<i32>(b * (u.cIn * u.h * u.w)),
    select(vec4<i32>(OUTSIDE), vec4<i32>(oy * u.strideH) - i32(u.padH), valid),
    vec4<i32>(ox * u.strideW) - i32(u.padW),
    walkFrom(batch * u.k + k, u.kH, u.kW),
  );
}

// Weights are row-major [cOut, cIn kH kW]: rows u.kTotal apart.
fn loadA(sp: ptr<function, ASetup>, k: u32) -> vec4<f32> {
  let s = *sp;
  var v = vec4<f32>(0.0);
  if (k < u.k) {
    let o = s.o + k;
//#for j in 0..4
    if (s.row + {j}u < u.m) { v.{xyzw[j]} = A[o + {j}u * u.kTotal]; }
//#end
  }
  return v;
}

fn loadB(sp: ptr<function, BSetup>, k: u32) -> vec4<f32> {
  let s = *sp;
  (*sp).t = walkOn(s.t, u.kH, u.kW);
  if (k >= u.k) { return vec4<f32>(0.0); }
  let iy = s.iy0 + i32(s.t.mid);
  let ix = s.ix0 + i32(s.t.lo);
  return gather(s.base + i32(s.t.hi * u.h * u.w) + iy * i32(u.w) + ix, inside(iy, ix, u.h, u.w));
}

fn store(batch: u32, row: u32, col: u32, v: f32) {
  if (sliced()) {
    C[(batch * u.m + row) * u.n + col] = v;
  } else {
    C[nchwAt(row, col, u.outH * u.outW)] = epilogue(v, row, col);
  }
}

//#include "tiled-block"

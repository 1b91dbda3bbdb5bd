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
// The slice's first term; per column: the image's offset in x and the window's top-left
// corner (OUTSIDE past the edge).
struct BSetup { k0: u32, base: vec4<i32>, iy0: vec4<i32>, ix0: vec4<i32> }

fn aSetup(batch: u32, row: u32) -> ASetup { return ASetup(row * u.kTotal + batch * u.k, row); }

fn bSetup(batch: u32, col: u32) -> BSetup {
  let cs = vec4<u32>(col) + vec4<u32>(0u, 1u, 2u, 3u);
//#include "split-plane" (I = cs, H = u.outH, W = u.outW, AREA = ohw, P = b, Y = oy, X = ox)
  let valid = cs < vec4<u32>(u.n);
  return BSetup(
    batch * u.k,
    vec4<i32>(b * (u.cIn * u.h * u.w)),
    select(vec4<i32>(OUTSIDE), vec4<i32>(oy * u.strideH) - i32(u.padH), valid),
    vec4<i32>(ox * u.strideW) - i32(u.padW),
  );
}

// Weights are row-major [cOut, cIn kH kW]: rows u.kTotal apart.
fn loadA(s: ASetup, k: u32) -> vec4<f32> {
  var v = vec4<f32>(0.0);
  if (k < u.k) {
    let o = s.o + k;
//#for j in 0..4
    if (s.row + {j}u < u.m) { v.{xyzw[j]} = A[o + {j}u * u.kTotal]; }
//#end
  }
  return v;
}

fn loadB(s: BSetup, k: u32) -> vec4<f32> {
  if (k >= u.k) { return vec4<f32>(0.0); }
  let kk = u.kH * u.kW;
  let kg = s.k0 + k;
  let ci = kg / kk;
  let r = kg - ci * kk;
  let ky = r / u.kW;
  let kx = r - ky * u.kW;
  let iy = s.iy0 + i32(ky);
  let ix = s.ix0 + i32(kx);
  return gather(s.base + i32(ci * u.h * u.w) + iy * i32(u.w) + ix, inside(iy, ix, u.h, u.w));
}

fn store(batch: u32, row: u32, col: u32, v: f32) {
  if (sliced()) {
    C[(batch * u.m + row) * u.n + col] = v;
  } else {
    C[nchwAt(row, col, u.outH * u.outW)] = epilogue(v, row, col);
  }
}

//#include "tiled-block"

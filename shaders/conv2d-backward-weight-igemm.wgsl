// dL/dw of conv2d as an implicit GEMM on the 128 x 128 or 64 x 128 workgroup tiles of
// lib/tiled-block.wgsl:
// dW[cOut, (ci, ky, kx)] = G[cOut, (b, oy, ox)] X[(b, oy, ox), (ci, ky, kx)], G being dL/dy
// and X the input windows, gathered from x as the tiles load them. The reduction runs
// over the whole batch's output pixels (u.kTotal), in slices of u.k: batch entry s of the
// product sums slice s into partial sums P[s, cOut, cIn kH kW], which the caller adds up.

//#include "conv-igemm"

fn aAlongK() -> bool { return true; }
fn bAlongK() -> bool { return true; }

// The first row, the term being loaded, and that term as (image, output pixel).
struct ASetup { row: u32, j: u32, t: Walk }
// Per column: the input channel's offset and the tap's shift (OUTSIDE past the edge); the
// term being loaded, and that term as (image, oy, ox).
struct BSetup { ci: vec4<i32>, dy: vec4<i32>, dx: vec4<i32>, j: u32, t: Walk }

fn aSetup(batch: u32, row: u32, k: u32) -> ASetup {
  let j = batch * u.k + k;
  return ASetup(row, j, walkFrom(j, 1u, u.outH * u.outW));
}

fn bSetup(batch: u32, col: u32, k: u32) -> BSetup {
  let cs = vec4<u32>(col) + vec4<u32>(0u, 1u, 2u, 3u);
//#include "split-plane" (I = cs, H = u.kH, W = u.kW, AREA = kk, P = ci, Y = ky, X = kx)
  let valid = cs < vec4<u32>(u.n);
  let j = batch * u.k + k;
  return BSetup(
    vec4<i32>(ci * (u.h * u.w)),
    select(vec4<i32>(OUTSIDE), vec4<i32>(ky) - i32(u.padH), valid),
    vec4<i32>(kx) - i32(u.padW),
    j,
    walkFrom(j, u.outH, u.outW),
  );
}

// dL/dy of output pixel j (image b, pixel p) for rows (channels) row .. row + 3: ohw apart.
fn loadA(sp: ptr<function, ASetup>, k: u32) -> vec4<f32> {
  let s = *sp;
  let ohw = u.outH * u.outW;
  (*sp).j = s.j + TK;
  (*sp).t = walkOn(s.t, 1u, ohw);
  var v = vec4<f32>(0.0);
  if (k < u.k && s.j < u.kTotal) {
    let o = (s.t.hi * u.cOut + s.row) * ohw + s.t.lo;
//#for q in 0..4
    if (s.row + {q}u < u.m) { v.{xyzw[q]} = A[o + {q}u * ohw]; }
//#end
  }
  return v;
}

fn loadB(sp: ptr<function, BSetup>, k: u32) -> vec4<f32> {
  let s = *sp;
  (*sp).j = s.j + TK;
  (*sp).t = walkOn(s.t, u.outH, u.outW);
  if (k >= u.k || s.j >= u.kTotal) { return vec4<f32>(0.0); }
  let iy = vec4<i32>(i32(s.t.mid * u.strideH)) + s.dy;
  let ix = vec4<i32>(i32(s.t.lo * u.strideW)) + s.dx;
  return gather(vec4<i32>(i32(s.t.hi * u.cIn * u.h * u.w)) + s.ci + iy * i32(u.w) + ix, inside(iy, ix, u.h, u.w));
}

fn store(batch: u32, row: u32, col: u32, v: f32) {
  C[(batch * u.m + row) * u.n + col] = v;
}

//#include "tiled-block"

// dL/dx of conv2d as an implicit GEMM on the 128 x 128 or 64 x 128 workgroup tiles of
// lib/tiled-block.wgsl:
// dX[cIn, (b, iy, ix)] = W'[cIn, (co, ky, kx)] G[(co, ky, kx), (b, iy, ix)], where W' is
// the weight with its channel axes swapped and G gathers dL/dy: input pixel (iy, ix)
// received tap (ky, kx) from output pixel ((iy + padH - ky) / strideH, (ix + padW - kx) /
// strideW) when both divisions are exact and land inside the output, else nothing.
// Stored NCHW; where the reduction is cut into slices (sliced()), as partial products
// P[s, cIn, (b, iy, ix)] of terms s u.k .. (s + 1) u.k - 1, which matmul-split-sum.wgsl adds up.

//#include "conv-igemm"

fn aAlongK() -> bool { return true; }
fn bAlongK() -> bool { return false; }

// The first row's offset in W' (at co = 0) and the first row; the term being loaded as
// (co, tap).
struct ASetup { o: u32, row: u32, t: Walk }
// Per column: the image's offset in dL/dy and the input pixel shifted by the padding
// (OUTSIDE past the edge); the term being loaded as (co, ky, kx).
struct BSetup { base: vec4<i32>, ty0: vec4<i32>, tx0: vec4<i32>, t: Walk }

fn aSetup(batch: u32, row: u32, k: u32) -> ASetup {
  return ASetup(row * u.kH * u.kW, row, walkFrom(batch * u.k + k, 1u, u.kH * u.kW));
}

fn bSetup(batch: u32, col: u32, k: u32) -> BSetup {
  let cs = vec4<u32>(col) + vec4<u32>(0u, 1u, 2u, 3u);
//#include "split-plane" (I = cs, H = u.h, W = u.w, AREA = hw, P = b, Y = iy, X = ix)
  let valid = cs < vec4<u32>(u.n);
  return BSetup(
    vec4<i32>(b * (u.cOut * u.outH * u.outW)),
    select(vec4<i32>(OUTSIDE), vec4<i32>(iy + u.padH), valid),
    vec4<i32>(ix + u.padW),
    walkFrom(batch * u.k + k, u.kH, u.kW),
  );
}

// Element (ci, (co, ky, kx)) of W' is W[co, ci, ky, kx]: rows kH kW apart.
fn loadA(sp: ptr<function, ASetup>, k: u32) -> vec4<f32> {
  let s = *sp;
  let kk = u.kH * u.kW;
  (*sp).t = walkOn(s.t, 1u, kk);
  var v = vec4<f32>(0.0);
  if (k < u.k) {
    let o = s.t.hi * u.cIn * kk + s.o + s.t.lo;
//#for j in 0..4
    if (s.row + {j}u < u.m) { v.{xyzw[j]} = A[o + {j}u * kk]; }
//#end
  }
  return v;
}

fn loadB(sp: ptr<function, BSetup>, k: u32) -> vec4<f32> {
  let s = *sp;
  (*sp).t = walkOn(s.t, u.kH, u.kW);
  if (k >= u.k) { return vec4<f32>(0.0); }
  let co = s.t.hi;
  let ky = s.t.mid;
  let kx = s.t.lo;
  let ty = s.ty0 - i32(ky);
  let tx = s.tx0 - i32(kx);
  var oy = ty;
  var ox = tx;
  var ok = inside(ty, tx, u.outH, u.outW);
  // Strided layers divide, eight divisions a load, so stride 1 (a uniform branch) skips them.
  if (u.strideH != 1u || u.strideW != 1u) {
    let sh = vec4<i32>(i32(u.strideH));
    let sw = vec4<i32>(i32(u.strideW));
    // (A negative t fails the test below, whatever its quotient.)
    oy = ty / sh;
    ox = tx / sw;
    ok = inside(oy, ox, u.outH, u.outW) & (ty >= vec4<i32>(0)) & (tx >= vec4<i32>(0)) & (oy * sh == ty) & (ox * sw == tx);
  }
  return gather(s.base + i32(co * u.outH * u.outW) + oy * i32(u.outW) + ox, ok);
}

fn store(batch: u32, row: u32, col: u32, v: f32) {
  if (sliced()) {
    C[(batch * u.m + row) * u.n + col] = v;
  } else {
    C[nchwAt(row, col, u.h * u.w)] = v;
  }
}

//#include "tiled-block"

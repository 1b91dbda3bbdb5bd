// dL/dw of conv2d as an implicit GEMM on the 128 x 128 or 64 x 128 workgroup tiles of
// lib/tiled-block.wgsl:
// dW[cOut, (ci, ky, kx)] = G[cOut, (b, oy, ox)] X[(b, oy, ox), (ci, ky, kx)], G being dL/dy
// and X the input windows, gathered from x as the tiles load them. The reduction runs
// over the whole batch's output pixels (u.kTotal), in slices of u.k: batch entry s of the
// product sums slice s into partial sums P[s, cOut, cIn kH kW], which the caller adds up.

//#include "conv-igemm"

fn aAlongK() -> bool { return true; }
fn bAlongK() -> bool { return true; }

// The slice's first term, and the first row.
struct ASetup { k0: u32, row: u32 }
// The slice's first term; per column: the input channel's offset and the tap's shift (OUTSIDE past the edge).
struct BSetup { k0: u32, ci: vec4<i32>, dy: vec4<i32>, dx: vec4<i32> }

fn aSetup(batch: u32, row: u32) -> ASetup { return ASetup(batch * u.k, row); }

fn bSetup(batch: u32, col: u32) -> BSetup {
  let cs = vec4<u32>(col) + vec4<u32>(0u, 1u, 2u, 3u);
//#include "split-plane" (I = cs, H = u.kH, W = u.kW, AREA = kk, P = ci, Y = ky, X = kx)
  let valid = cs < vec4<u32>(u.n);
  return BSetup(
    batch * u.k,
    vec4<i32>(ci * (u.h * u.w)),
    select(vec4<i32>(OUTSIDE), vec4<i32>(ky) - i32(u.padH), valid),
    vec4<i32>(kx) - i32(u.padW),
  );
}

// dL/dy of output pixel j (image b, pixel p) for rows (channels) row .. row + 3: ohw apart.
fn loadA(s: ASetup, k: u32) -> vec4<f32> {
  var v = vec4<f32>(0.0);
  let j = s.k0 + k;
  if (k < u.k && j < u.kTotal) {
    let ohw = u.outH * u.outW;
    let b = j / ohw;
    let o = (b * u.cOut + s.row) * ohw + j - b * ohw;
//#for q in 0..4
    if (s.row + {q}u < u.m) { v.{xyzw[q]} = A[o + {q}u * ohw]; }
//#end
  }
  return v;
}

fn loadB(s: BSetup, k: u32) -> vec4<f32> {
  let j = s.k0 + k;
  if (k >= u.k || j >= u.kTotal) { return vec4<f32>(0.0); }
  let ohw = u.outH * u.outW;
  let b = j / ohw;
  let pix = j - b * ohw;
  let oy = pix / u.outW;
  let ox = pix - oy * u.outW;
  let iy = vec4<i32>(i32(oy * u.strideH)) + s.dy;
  let ix = vec4<i32>(i32(ox * u.strideW)) + s.dx;
  return gather(vec4<i32>(i32(b * u.cIn * u.h * u.w)) + s.ci + iy * i32(u.w) + ix, inside(iy, ix, u.h, u.w));
}

fn store(batch: u32, row: u32, col: u32, v: f32) {
  C[(batch * u.m + row) * u.n + col] = v;
}

//#include "tiled-block"

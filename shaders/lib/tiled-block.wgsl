// The body of the workgroup-tiled product kernels (matmul-tiled-128.wgsl and the
// implicit-GEMM convolutions conv2d-*-igemm.wgsl), from the workgroup memory to the end of
// the entry point. It is built in two heights, MH (a template variable) = 2 or 1 halves
// of 64 rows: 16 x 16 invocations compute a (64 MH) x 128 output tile, each a (4 MH) x 8 block of it in MH
// 4-row groups (rows 4 ty .. 4 ty + 3, and 64 + 4 ty .. 64 + 4 ty + 3 when MH = 2) by two
// 4-column groups (columns 4 tx .., 64 + 4 tx ..), so that its operand fragments are MH
// vec4s of A and two of B per k. The 64-row tiles are for products with few rows (a
// convolution's 64 output channels: half of a 128-row tile would be padding) and for
// shapes with too few 128 x 128 tiles to fill a large GPU. K advances 8 at a time through
// 8 x (64 MH) tiles of A and 8 x 128 tiles of B in workgroup memory, double-buffered
// (8 + 8 MH KB: within the default 16 KB), with one barrier per step: the global loads of
// step t + 1 are in flight in registers while step t computes.
//
// The tiles are stored k-major as vec4s of 4 consecutive rows (columns of B): groups
// g of 4 rows at k in slot G k + (g ^ k), G the tile's groups (16 MH for A, 32 for B).
// Each invocation fills at most one slot of each tile per step with one vec4 store (never a
// store to one component: some backends make that a read-modify-write of the vec4, a race
// between invocations); with MH = 1 half of the invocations load A. The XOR (which stays
// inside each 16-group half, k < 8) spreads the stores of a k-walking load over all banks.
//
// The including kernel declares the uniforms `u` (m, n, k, tilesN, tilesM, tiles first:
// the product's shape, k of one batch entry) and says how operands are read and results
// stored, with its own setup types ASetup and BSetup:
//   fn aAlongK() -> bool              A's contiguous axis is k (else its rows)
//   fn bAlongK() -> bool              B's contiguous axis is k (else its columns)
//   fn aSetup(batch, row, k) -> ASetup   once per invocation: rows row .. row + 3 of entry
//                                        batch, whose loads start at term k
//   fn loadA(s: ptr<function, ASetup>, k) -> vec4
//                                        those rows of op(A) at k (zeros outside the
//                                        product); called with the setup's k, then k + TK,
//                                        k + 2 TK, ... in turn, so a load may keep state in
//                                        its setup (lib/walk.wgsl: no divisions per load)
//   fn bSetup(batch, col, k) -> BSetup   likewise for columns col .. col + 3 of op(B)
//   fn loadB(s: ptr<function, BSetup>, k) -> vec4
//   fn store(batch, row, col, v)      one output element (row < u.m, col < u.n)
const TK: u32 = 8u;

// Two buffers of 8 k x (16 MH) vec4s (A) and of 8 k x 32 vec4s (B).
var<workgroup> As: array<vec4<f32>, {256*MH}>;
var<workgroup> Bs: array<vec4<f32>, 512>;

//#include "main-tiled"
  let rowBase = tileM * {64*MH}u;
  let colBase = tileN * 128u;

  // The slot of each 8-deep tile this invocation loads: k and the group g of 4 rows
  // (columns). Consecutive invocations walk the operand's contiguous axis where it is k
  // (row-major A, transposed B: 8 invocations read 8 consecutive floats of a row), else
  // the rows (columns), so the global loads coalesce. Invocations past A's slots load no A.
  let loadsA = li < {128*MH}u;
  let aK = select(li / {16*MH}u, li % 8u, aAlongK());
  let aG = select(li % {16*MH}u, li / 8u, aAlongK());
  let bK = select(li / 32u, li % 8u, bAlongK());
  let bG = select(li % 32u, li / 8u, bAlongK());
  let aSlot = aK * {16*MH}u + (aG ^ aK);
  let bSlot = bK * 32u + (bG ^ bK);
  var sa = aSetup(batch, rowBase + 4u * aG, aK);
  var sb = bSetup(batch, colBase + 4u * bG, bK);

//#for i in 0..4*MH
  var c{i}0 = vec4<f32>(0.0);
  var c{i}1 = vec4<f32>(0.0);
//#end

  let tilesK = (u.k + TK - 1u) / TK;
  // Step 0's operands; the loop stores each step's and loads the next's.
  var pa = vec4<f32>(0.0);
  if (loadsA) { pa = loadA(&sa, aK); }
  var pb = loadB(&sb, bK);
  for (var t = 0u; t < tilesK; t++) {
    let bufA = (t & 1u) * {128*MH}u;
    let bufB = (t & 1u) * 256u;
    if (loadsA) { As[bufA + aSlot] = pa; }
    Bs[bufB + bSlot] = pb;
    if (t + 1u < tilesK) {
      let k0 = (t + 1u) * TK;
      if (loadsA) { pa = loadA(&sa, k0 + aK); }
      pb = loadB(&sb, k0 + bK);
    }
    // Step t's tiles are whole, and (the same barrier, one step later) every read of the
    // other buffer in step t - 1 is done before step t + 1 overwrites it.
    workgroupBarrier();
//#for kk in 0..8
    {
//#for h in 0..MH
      let a{h} = As[bufA + {16*MH*kk+16*h}u + (lid.y ^ {kk}u)];
//#end
      let b0 = Bs[bufB + {32*kk}u + (lid.x ^ {kk}u)];
      let b1 = Bs[bufB + {32*kk+16}u + (lid.x ^ {kk}u)];
//#for h in 0..MH
//#for i in 0..4
      c{4*h+i}0 += a{h}.{xyzw[i]} * b0;
      c{4*h+i}1 += a{h}.{xyzw[i]} * b1;
//#end
//#end
    }
//#end
  }

  // The stores loop over a copy of the block: indexed only here, once per tile, and a third
  // less code than unrolled stores (SwiftShader's compile time grows with it).
  let block = array<vec4<f32>, {8*MH}>(
//#for i in 0..4*MH
    c{i}0, c{i}1,
//#end
  );
  for (var i = 0u; i < {4*MH}u; i++) {
    let r = rowBase + 64u * (i / 4u) + i % 4u + 4u * lid.y;
    if (r < u.m) {
      for (var j = 0u; j < 8u; j++) {
        let c = colBase + 64u * (j / 4u) + j % 4u + 4u * lid.x;
        if (c < u.n) { store(batch, r, c, block[2u * i + j / 4u][j % 4u]); }
      }
    }
  }
}

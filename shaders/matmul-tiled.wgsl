// Batched matrix product, workgroup-tiled: 16x16 invocations share 64x16 tiles of A
// and 16x64 tiles of B in workgroup memory; each invocation accumulates a 4x4 block
// of the 64x64 output tile (rows and columns interleaved 16 apart). Same parameters
// and strided addressing as matmul-reg.wgsl.
const TILE: u32 = 64u;
const TK: u32 = 16u;

//#include "matmul-strided"

// Both tiles are stored k-major: As[kk * TILE + row], Bs[kk * TILE + col].
var<workgroup> As: array<f32, 1024>;
var<workgroup> Bs: array<f32, 1024>;

//#include "main-tiled"
  let rowBase = tileM * TILE;
  let colBase = tileN * TILE;
  let aBase = batch * u.aBatchStride;
  let bBase = batch * u.bBatchStride;

//#for i in 0..4
  var acc{i} = vec4<f32>(0.0);
//#end

  for (var k0 = 0u; k0 < u.k; k0 += TK) {
    // Each invocation loads 4 elements of each tile.
    for (var q = 0u; q < 4u; q++) {
      let e = li + 256u * q;
      // A tile element (row r, k kk); consecutive e walk k when A is row-major.
      let ar = e / TK;
      let ak = e % TK;
      let gr = rowBase + ar;
      let gk = k0 + ak;
      var av = 0.0;
      if (gr < u.m && gk < u.k) { av = A[aBase + gr * u.aRowStride + gk * u.aKStride]; }
      As[ak * TILE + ar] = av;
      // B tile element (k kk, column c); consecutive e walk columns.
      let bk = e / TILE;
      let bc = e % TILE;
      let gc = colBase + bc;
      let gk2 = k0 + bk;
      var bv = 0.0;
      if (gc < u.n && gk2 < u.k) { bv = B[bBase + gk2 * u.bKStride + gc * u.bColStride]; }
      Bs[bk * TILE + bc] = bv;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      let ao = kk * TILE + lid.y;
      let bo = kk * TILE + lid.x;
      let a = vec4<f32>(As[ao], As[ao + 16u], As[ao + 32u], As[ao + 48u]);
      let b = vec4<f32>(Bs[bo], Bs[bo + 16u], Bs[bo + 32u], Bs[bo + 48u]);
//#for i in 0..4
      acc{i} += a.{xyzw[i]} * b;
//#end
    }
    workgroupBarrier();
  }

  let base = batch * u.m * u.n;
  let accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    let r = rowBase + lid.y + 16u * i;
    if (r < u.m) {
      for (var j = 0u; j < 4u; j++) {
        let c = colBase + lid.x + 16u * j;
        if (c < u.n) { C[base + outAt(r, c, u.m, u.n)] = epilogue(accs[i][j], r, c); }
      }
    }
  }
}

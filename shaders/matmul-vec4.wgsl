// Batched matrix product, register-blocked with vec4 loads: each invocation computes
// an 8x8 block of the output (8 rows x two vec4 columns), stepping k by 4 per loop
// iteration, with no workgroup memory and no barriers. This is the fast path for
// CPU-backed adapters (SwiftShader) where a big block per invocation amortises the
// per-load and loop costs. The statements are unrolled (#for loops, see wgsl.ts): the
// block lives in 16 vec4 registers, never in an indexed array.
//
// Requires k % 4 == 0 and n % 4 == 0 (and m % 4 == 0 when TRANS_A), so every vec4
// load is aligned; the backend falls back to matmul-reg.wgsl otherwise.
// TRANS_A: A is stored [k, m]; TRANS_B: B is stored [n, k]. Batch strides of 0
// broadcast an operand over the batch. Strides below are in vec4 units.
override WGX: u32 = 8u;
override WGY: u32 = 8u;
override TRANS_A: bool = false;
override TRANS_B: bool = false;

struct Params {
//#include "matmul-shape"
  aBatchStride: u32,
  bBatchStride: u32,
}

@group(0) @binding(0) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> B: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> C: array<vec4<f32>>;
@group(0) @binding(4) var<uniform> u: Params;
//#include "matmul-epilogue"

//#include "main-tiles"
  let rest = wg / u.tilesN;
  let tileM = rest % u.tilesM;
  let batch = rest / u.tilesM;
//#include "block-8x8"
  let mv = u.m / 4u;
  let aBase = batch * u.aBatchStride;
  let bBase = batch * u.bBatchStride;
  // Clamped rows / vec4 columns keep loads in bounds; their results are not written.
//#for i in 0..8
  let r{i} = min(row0 + {i}u, u.m - 1u);
//#end
  let cv0 = min(colv0 + 0u, nv - 1u);
  let cv1 = min(colv0 + 1u, nv - 1u);
//#for i in 0..8
  var c{i}0 = vec4<f32>(0.0);
  var c{i}1 = vec4<f32>(0.0);
//#end
  for (var kk = 0u; kk < kv; kk++) {
    // a{i}: rows r{i}, k = 4kk..4kk+3
//#for i in 0..8
    var a{i}: vec4<f32>;
//#end
    if (TRANS_A) {
      // A is [k, m]: row 4kk+q holds m contiguous; load two vec4 of rows per k.
      let rv = row0 / 4u;
//#for q in 0..4
      let t{q}0 = A[aBase + (4u * kk + {q}u) * mv + min(rv, mv - 1u)];
      let t{q}1 = A[aBase + (4u * kk + {q}u) * mv + min(rv + 1u, mv - 1u)];
//#end
//#for j in 0..2
//#for q in 0..4
      a{4*j+q} = vec4<f32>(t0{j}.{xyzw[q]}, t1{j}.{xyzw[q]}, t2{j}.{xyzw[q]}, t3{j}.{xyzw[q]});
//#end
//#end
    } else {
//#for i in 0..8
      a{i} = A[aBase + r{i} * kv + kk];
//#end
    }
    // b{q}{j}: k = 4kk+q, vec4 column cv{j}
//#for q in 0..4
    var b{q}0: vec4<f32>;
    var b{q}1: vec4<f32>;
//#end
    if (TRANS_B) {
      // B is [n, k]: column c holds k contiguous; load one vec4 of k per column.
//#for j in 0..2
//#for q in 0..4
      let s{j}{q} = B[bBase + (cv{j} * 4u + {q}u) * kv + kk];
//#end
//#end
//#for q in 0..4
      b{q}0 = vec4<f32>(s00.{xyzw[q]}, s01.{xyzw[q]}, s02.{xyzw[q]}, s03.{xyzw[q]});
      b{q}1 = vec4<f32>(s10.{xyzw[q]}, s11.{xyzw[q]}, s12.{xyzw[q]}, s13.{xyzw[q]});
//#end
    } else {
//#for q in 0..4
      b{q}0 = B[bBase + (4u * kk + {q}u) * nv + cv0];
      b{q}1 = B[bBase + (4u * kk + {q}u) * nv + cv1];
//#end
    }
//#for i in 0..8
    c{i}0 += a{i}.x * b00 + a{i}.y * b10 + a{i}.z * b20 + a{i}.w * b30;
    c{i}1 += a{i}.x * b01 + a{i}.y * b11 + a{i}.z * b21 + a{i}.w * b31;
//#end
  }
  let cBase = batch * u.m * nv;
//#for i in 0..8
  if (row0 + {i}u < u.m) {
    C[cBase + outAt(row0 + {i}u, 4u * colv0, u.m, u.n) / 4u] = epilogue4(c{i}0, row0 + {i}u, colv0);
    if (colv0 + 1u < nv) { C[cBase + outAt(row0 + {i}u, 4u * colv0 + 4u, u.m, u.n) / 4u] = epilogue4(c{i}1, row0 + {i}u, colv0 + 1u); }
  }
//#end
}

// The parameters and bindings of the matmul kernels that address A and B through
// strides (matmul-reg.wgsl, matmul-tiled.wgsl): C[b] = op(A[b]) op(B[b]) with element
// (r, k) of A at b * aBatchStride + r * aRowStride + k * aKStride, likewise for B.
// Stores go through epilogue() (matmul-epilogue.wgsl).
struct Params {
//#include "matmul-shape"
  aBatchStride: u32,
  bBatchStride: u32,
  aRowStride: u32,
  aKStride: u32,
  bKStride: u32,
  bColStride: u32,
}

@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;
//#include "matmul-epilogue"

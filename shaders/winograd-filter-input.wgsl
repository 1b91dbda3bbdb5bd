// Winograd F(MxM, 3x3) (M x M outputs a tile, A = M + 2 points), the two transforms
// before the products of a forward pass or an input gradient, in one dispatch: the first
// u.k.count invocations transform the kernels, the rest the input's patches (dataTile,
// winograd-data.wgsl). A batch run in chunks transforms its kernels with the first chunk
// only (count 0 after it).
//
// Kernels: every 3x3 kernel w becomes G w G^T, stored as A*A matrices U[xi] of rows x
// cols (xi = A i + j), the A operand of the products. Forward: rows are output channels,
// cols input channels, the kernel is w[r][q]. For the input gradient (FLIP = 1), rows are
// input channels, cols output channels, and the kernel is w[q][r] turned by 180 degrees
// (the gradient is a convolution of dL/dy with the flipped kernels).
//#include "winograd-maps"
override FLIP: u32;

struct Kernels { count: u32, rows: u32, cols: u32 }
struct Params { d: Tiles, k: Kernels }

@group(0) @binding(0) var<storage, read> w: array<f32>;
@group(0) @binding(1) var<storage, read_write> uu: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;

//#include "winograd-data"

//#include "main-1d" (I = idx, N = u.k.count + u.d.c * u.d.tiles, WG = 64)
  if (idx < u.k.count) { kernelTile(idx); } else { dataTile(idx - u.k.count); }
}

fn tap(base: u32, k: u32) -> f32 {
  if (FLIP == 1u) { return w[base + 8u - k]; }
  return w[base + k];
}

fn kernelTile(idx: u32) {
  let r = idx / u.k.cols;
  let q = idx % u.k.cols;
  var base = idx * 9u;
  if (FLIP == 1u) { base = (q * u.k.rows + r) * 9u; }
  // G down each column of the kernel, then along each row of that.
//#for j in 0..3
  let t{j} = g{M}(array<f32, 3>(tap(base, {j}u), tap(base, {3+j}u), tap(base, {6+j}u)));
//#end
  let stride = u.k.count;
//#for i in 0..A
  let e{i} = g{M}(array<f32, 3>(t0[{i}], t1[{i}], t2[{i}]));
//#for j in 0..A
  uu[{A*i+j}u * stride + idx] = e{i}[{j}];
//#end
//#end
}

// Winograd F(MxM, RxR) (M x M outputs a tile, A = M + R - 1 points), the two transforms
// before the products of a forward pass or an input gradient, in one dispatch: the first
// u.k.count invocations transform the kernels, the rest the input's patches (dataTile,
// winograd-data.wgsl). A batch run in chunks transforms its kernels with the first chunk
// only (count 0 after it).
//
// Kernels: every R x R kernel w becomes G w G^T, stored as A*A matrices U[xi] of rows x
// cols (xi = A i + j), the A operand of the products. Forward: rows are output channels,
// cols input channels, the kernel is w[r][q]. For the input gradient (FLIP = 1), rows are
// input channels, cols output channels, and the kernel is w[q][r] turned by 180 degrees
// (the gradient is a convolution of dL/dy with the flipped kernels).
//#include "winograd-maps"
override FLIP: u32;

struct Kernels { count: u32, rows: u32, cols: u32 }
struct Params { d: Tiles, k: Kernels }

//#include "winograd-pair" (SRC = w, DST = uu, COUNT = u.k.count, FIRST = kernelTile)

fn tap(base: u32, k: u32) -> f32 {
  if (FLIP == 1u) { return w[base + {R*R-1}u - k]; }
  return w[base + k];
}

fn kernelTile(idx: u32) {
  let row = idx / u.k.cols;
  let col = idx % u.k.cols;
  var base = idx * {R*R}u;
  if (FLIP == 1u) { base = (col * u.k.rows + row) * {R*R}u; }
  // G down each column of the kernel, then along each row of that.
//#for j in 0..R
  var c{j}: array<f32, {R}>;
//#for i in 0..R
  c{j}[{i}] = tap(base, {R*i+j}u);
//#end
  let t{j} = g{M}{R}(c{j});
//#end
  let stride = u.k.count;
//#include "winograd-rows" (F = g{M}{R}, K = {R}, OUT = uu)
}

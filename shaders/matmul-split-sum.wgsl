// The last step of a split-K product: adds up the slices' partial products P[s, m, n]
// (slice s covers one range of k) and stores each sum through the matmul epilogue (bias,
// activation, NCHW store), as the product's kernel would have stored an unsplit result.
// The bindings are the matmul kernels' (lib/matmul-epilogue.wgsl fixes C at 2 and the
// bias at 3), with the partial products in A's place and none in B's.
struct Params { m: u32, n: u32, splits: u32 }

@group(0) @binding(0) var<storage, read> P: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;
//#include "matmul-epilogue"

//#include "main-1d" (I = t, N = u.m * u.n, WG = 256)
  let size = u.m * u.n;
  var acc = 0.0;
  for (var s = 0u; s < u.splits; s++) { acc += P[s * size + t]; }
  let row = t / u.n;
  let col = t - row * u.n;
  C[outAt(row, col, u.m, u.n)] = epilogue(acc, row, col);
}

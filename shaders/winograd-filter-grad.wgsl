// Winograd F(MxM, RxR) for the weight gradient, the last step (M x M outputs a tile,
// A = M + R - 1 points): the products' A*A entries of one (output channel, input channel)
// pair, s (summed over the tiles), become the R x R gradient G^T s G. ACC = 1 adds it to
// what dw holds (a batch done in chunks).
//#include "winograd-maps"
override ACC: u32;

struct Params { count: u32 }

@group(0) @binding(0) var<storage, read> s: array<f32>;
@group(0) @binding(1) var<storage, read_write> dw: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

//#include "main-1d" (I = idx, N = u.count, WG = 64)
  let stride = u.count;
  // G^T down each column of s, then along each row of that.
//#for j in 0..A
  var c{j}: array<f32, {A}>;
//#for i in 0..A
  c{j}[{i}] = s[{A*i+j}u * stride + idx];
//#end
  let t{j} = gt{M}{R}(c{j});
//#end
  let base = idx * {R*R}u;
//#for i in 0..R
  var r{i}: array<f32, {A}>;
//#for j in 0..A
  r{i}[{j}] = t{j}[{i}];
//#end
  let e{i} = gt{M}{R}(r{i});
//#for j in 0..R
  if (ACC == 1u) { dw[base + {R*i+j}u] += e{i}[{j}]; } else { dw[base + {R*i+j}u] = e{i}[{j}]; }
//#end
//#end
}

// Winograd F(MxM, RxR), the output transform (M x M outputs a tile, A = M + R - 1 points;
// act() comes first): the products' A*A entries of one channel and tile, m, become the
// M x M output tile A^T m A, stored with the bias and act() where it lies inside the
// output. Tiles as in winograd-data.wgsl.
//#include "winograd-maps"
struct Params { c: u32, h: u32, w: u32, tilesH: u32, tilesW: u32, tiles: u32, n0: u32, hasBias: u32 }

@group(0) @binding(0) var<storage, read> m: array<f32>;
@group(0) @binding(1) var<storage, read> bias: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

//#include "main-1d" (I = idx, N = u.c * u.tiles, WG = 64)
  outputTile(idx);
}

//#include "winograd-tile" (NAME = outputTile, P = u, T = u)
  // A^T down each column of m, then along each row of that.
//#for j in 0..A
  var c{j}: array<f32, {A}>;
//#for i in 0..A
  c{j}[{i}] = m[{A*i+j}u * stride + idx];
//#end
  let t{j} = at{M}{R}(c{j});
//#end
  var b = 0.0;
  if (u.hasBias == 1u) { b = bias[c]; }
  let oy = {M}u * ty;
  let ox = {M}u * tx;
//#for i in 0..M
  var r{i}: array<f32, {A}>;
//#for j in 0..A
  r{i}[{j}] = t{j}[{i}];
//#end
  let o{i} = at{M}{R}(r{i});
  if (oy + {i}u < u.h) {
//#for j in 0..M
    if (ox + {j}u < u.w) { y[plane + (oy + {i}u) * u.w + ox + {j}u] = act(o{i}[{j}] + b); }
//#end
  }
//#end
}

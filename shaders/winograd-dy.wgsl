// Winograd F(MxM, 3x3) for the weight gradient (M x M outputs a tile, A = M + 2 points),
// the transform of dL/dy: each M x M tile dy of the output gradient (zero beyond its
// edge) becomes A dy A^T, stored as A*A matrices Z[xi] of channels x tiles (xi = A i + j),
// the A operand of the products with the data transform V (winograd-input.wgsl) of the
// same tiles. Tiles as there.
//#include "winograd-maps"
struct Params { c: u32, h: u32, w: u32, tilesH: u32, tilesW: u32, tiles: u32, n0: u32 }

@group(0) @binding(0) var<storage, read> gy: array<f32>;
@group(0) @binding(1) var<storage, read_write> z: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

fn px(plane: u32, y: u32, xx: u32) -> f32 {
  if (y >= u.h || xx >= u.w) { return 0.0; }
  return gy[plane + y * u.w + xx];
}

//#include "winograd-tile"
  let y0 = {M}u * ty;
  let x0 = {M}u * tx;
  // A down each column of the tile, then along each row of that.
//#for j in 0..M
  var c{j}: array<f32, {M}>;
//#for i in 0..M
  c{j}[{i}] = px(plane, y0 + {i}u, x0 + {j}u);
//#end
  let t{j} = a{M}(c{j});
//#end
//#include "winograd-rows" (F = a{M}, K = {M}, OUT = z)
}

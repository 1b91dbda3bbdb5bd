// Winograd F(MxM, RxR) for the weight gradient (M x M outputs a tile, A = M + R - 1 points),
// the two transforms before the products, in one dispatch: the first u.g.count
// invocations transform dL/dy, the rest the input's patches of the same tiles (dataTile,
// winograd-data.wgsl). Each M x M tile dy of the output gradient (zero beyond its edge)
// becomes A dy A^T, stored as A*A matrices Z[xi] of channels x tiles (xi = A i + j), the A
// operand of the products with the data transform V.
//#include "winograd-maps"
struct Grads { count: u32, c: u32, h: u32, w: u32 }
struct Params { d: Tiles, g: Grads }

//#include "winograd-pair" (SRC = gy, DST = z, COUNT = u.g.count, FIRST = gradTile)

fn pxDy(plane: u32, y: u32, xx: u32) -> f32 {
  if (y >= u.g.h || xx >= u.g.w) { return 0.0; }
  return gy[plane + y * u.g.w + xx];
}

//#include "winograd-tile" (NAME = gradTile, P = u.g, T = u.d)
  let y0 = {M}u * ty;
  let x0 = {M}u * tx;
  // A down each column of the tile, then along each row of that.
//#for j in 0..M
  var c{j}: array<f32, {M}>;
//#for i in 0..M
  c{j}[{i}] = pxDy(plane, y0 + {i}u, x0 + {j}u);
//#end
  let t{j} = a{M}{R}(c{j});
//#end
//#include "winograd-rows" (F = a{M}{R}, K = {M}, OUT = z)
}

// Winograd F(MxM, 3x3), the data transform (M x M outputs a tile, A = M + 2 points):
// each A x A patch d of the input (the patches of neighbouring tiles overlap by two
// pixels; pixels outside the input are zero) becomes B^T d B, stored as A*A matrices
// V[xi] of channels x tiles (xi = A i + j): the B operand of the products that
// winograd.ts runs. Tiles are numbered image by image, row by row, from image n0 on.
//#include "winograd-maps"
struct Params { c: u32, h: u32, w: u32, pad: u32, tilesH: u32, tilesW: u32, tiles: u32, n0: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> v: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

fn px(plane: u32, y: i32, xx: i32) -> f32 {
  if (y < 0 || y >= i32(u.h) || xx < 0 || xx >= i32(u.w)) { return 0.0; }
  return x[plane + u32(y) * u.w + u32(xx)];
}

//#include "winograd-tile"
  let y0 = i32({M}u * ty) - i32(u.pad);
  let x0 = i32({M}u * tx) - i32(u.pad);
  // B^T down each column of the patch, then along each row of that.
//#for j in 0..A
  var c{j}: array<f32, {A}>;
//#for i in 0..A
  c{j}[{i}] = px(plane, y0 + {i}, x0 + {j});
//#end
  let t{j} = bt{M}(c{j});
//#end
//#include "winograd-rows" (F = bt{M}, K = {A}, OUT = v)
}

// Winograd F(MxM, RxR), the data transform (M x M outputs a tile, A = M + R - 1 points),
// as fn dataTile(idx): each A x A patch d of the input x (the patches of neighbouring
// tiles overlap by R - 1 pixels; pixels outside the input are zero) becomes B^T d B, stored in v
// as A*A matrices V[xi] of channels x tiles (xi = A i + j): the B operand of the products
// that winograd.ts runs. Tiles are numbered image by image, row by row, from image n0 on.
// The including kernel declares x, v and the uniform u, whose member d is a Tiles.
struct Tiles { c: u32, h: u32, w: u32, pad: u32, tilesH: u32, tilesW: u32, tiles: u32, n0: u32 }

fn pxIn(plane: u32, y: i32, xx: i32) -> f32 {
  if (y < 0 || y >= i32(u.d.h) || xx < 0 || xx >= i32(u.d.w)) { return 0.0; }
  return x[plane + u32(y) * u.d.w + u32(xx)];
}

//#include "winograd-tile" (NAME = dataTile, P = u.d, T = u.d)
  let y0 = i32({M}u * ty) - i32(u.d.pad);
  let x0 = i32({M}u * tx) - i32(u.d.pad);
  // B^T down each column of the patch, then along each row of that.
//#for j in 0..A
  var c{j}: array<f32, {A}>;
//#for i in 0..A
  c{j}[{i}] = pxIn(plane, y0 + {i}, x0 + {j});
//#end
  let t{j} = bt{A}(c{j});
//#end
//#include "winograd-rows" (F = bt{A}, K = {A}, OUT = v)
}

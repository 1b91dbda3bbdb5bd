// Winograd F(2x2, 3x3), the data transform: each 4x4 patch d of the input (2x2 output
// tiles overlap by two pixels; pixels outside the input are zero) becomes B^T d B, stored
// as 16 matrices V[xi] of channels x tiles (xi = 4 a + b): the B operand of the 16
// products that winograd.ts runs. Tiles are numbered image by image, row by row, from
// image n0 on (a chunk of the batch).
struct Params { c: u32, h: u32, w: u32, pad: u32, tilesH: u32, tilesW: u32, tiles: u32, n0: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> v: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

// One axis of B^T: (d0 - d2, d1 + d2, d2 - d1, d1 - d3).
fn bt(d: vec4<f32>) -> vec4<f32> { return vec4<f32>(d.x - d.z, d.y + d.z, d.z - d.y, d.y - d.w); }

fn at(plane: u32, y: i32, x0: i32) -> vec4<f32> {
  var r = vec4<f32>(0.0);
  if (y < 0 || y >= i32(u.h)) { return r; }
  let row = plane + u32(y) * u.w;
  for (var j = 0; j < 4; j++) {
    let xx = x0 + j;
    if (xx >= 0 && xx < i32(u.w)) { r[j] = x[row + u32(xx)]; }
  }
  return r;
}

//#include "main-1d" (I = i, N = u.c * u.tiles, WG = 64)
  let c = i / u.tiles;
  let t = i % u.tiles;
  let perImage = u.tilesH * u.tilesW;
  let n = u.n0 + t / perImage;
  let ty = (t % perImage) / u.tilesW;
  let tx = t % u.tilesW;
  let plane = (n * u.c + c) * u.h * u.w;
  let y0 = i32(2u * ty) - i32(u.pad);
  let x0 = i32(2u * tx) - i32(u.pad);
  let d0 = at(plane, y0, x0);
  let d1 = at(plane, y0 + 1, x0);
  let d2 = at(plane, y0 + 2, x0);
  let d3 = at(plane, y0 + 3, x0);
  // B^T along the columns (combining rows), then along each row.
  let e0 = bt(d0 - d2);
  let e1 = bt(d1 + d2);
  let e2 = bt(d2 - d1);
  let e3 = bt(d1 - d3);
  let stride = u.c * u.tiles;
//#for a in 0..4
//#for b in 0..4
  v[{4*a+b}u * stride + i] = e{a}.{xyzw[b]};
//#end
//#end
}

// Winograd F(2x2, 3x3) for the weight gradient, the transform of dL/dy: each 2x2 tile dy
// of the output gradient (zero beyond its edge) becomes A dy A^T, stored as 16 matrices
// Z[xi] of channels x tiles (xi = 4 a + b), the A operand of the products with the data
// transform V (winograd-input.wgsl) of the same tiles. Tiles as there.
struct Params { c: u32, h: u32, w: u32, tilesH: u32, tilesW: u32, tiles: u32, n0: u32 }

@group(0) @binding(0) var<storage, read> gy: array<f32>;
@group(0) @binding(1) var<storage, read_write> z: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

// One axis of A: (y0, y0 + y1, y0 - y1, -y1).
fn a4(v: vec2<f32>) -> vec4<f32> { return vec4<f32>(v.x, v.x + v.y, v.x - v.y, -v.y); }

fn pair(plane: u32, y: u32, x0: u32) -> vec2<f32> {
  var r = vec2<f32>(0.0);
  if (y >= u.h) { return r; }
  r.x = gy[plane + y * u.w + x0];
  if (x0 + 1u < u.w) { r.y = gy[plane + y * u.w + x0 + 1u]; }
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
  let y0 = pair(plane, 2u * ty, 2u * tx);
  let y1 = pair(plane, 2u * ty + 1u, 2u * tx);
  let e0 = a4(y0);
  let e1 = a4(y0 + y1);
  let e2 = a4(y0 - y1);
  let e3 = a4(-y1);
  let stride = u.c * u.tiles;
//#for a in 0..4
//#for b in 0..4
  z[{4*a+b}u * stride + i] = e{a}.{xyzw[b]};
//#end
//#end
}

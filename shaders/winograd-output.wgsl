// Winograd F(2x2, 3x3), the output transform: the 16 products' entries of one channel and
// tile, m, become the 2x2 output tile A^T m A, stored with the bias and act() (prepended)
// where it lies inside the output. Tiles as in winograd-input.wgsl.
struct Params { c: u32, h: u32, w: u32, tilesH: u32, tilesW: u32, tiles: u32, n0: u32, hasBias: u32 }

@group(0) @binding(0) var<storage, read> m: array<f32>;
@group(0) @binding(1) var<storage, read> bias: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

// One axis of A^T: (m0 + m1 + m2, m1 - m2 - m3).
fn at(v: vec4<f32>) -> vec2<f32> { return vec2<f32>(v.x + v.y + v.z, v.y - v.z - v.w); }

//#include "main-1d" (I = i, N = u.c * u.tiles, WG = 64)
  let c = i / u.tiles;
  let t = i % u.tiles;
  let perImage = u.tilesH * u.tilesW;
  let n = u.n0 + t / perImage;
  let ty = (t % perImage) / u.tilesW;
  let tx = t % u.tilesW;
  let stride = u.c * u.tiles;
//#for a in 0..4
  let r{a} = vec4<f32>(m[{4*a}u * stride + i], m[{4*a+1}u * stride + i], m[{4*a+2}u * stride + i], m[{4*a+3}u * stride + i]);
//#end
  let f0 = at(r0 + r1 + r2);
  let f1 = at(r1 - r2 - r3);
  var b = 0.0;
  if (u.hasBias == 1u) { b = bias[c]; }
  let oy = 2u * ty;
  let ox = 2u * tx;
  let plane = (n * u.c + c) * u.h * u.w;
  let wide = ox + 1u < u.w;
  y[plane + oy * u.w + ox] = act(f0.x + b);
  if (wide) { y[plane + oy * u.w + ox + 1u] = act(f0.y + b); }
  if (oy + 1u < u.h) {
    y[plane + (oy + 1u) * u.w + ox] = act(f1.x + b);
    if (wide) { y[plane + (oy + 1u) * u.w + ox + 1u] = act(f1.y + b); }
  }
}

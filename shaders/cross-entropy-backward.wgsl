// Gradient of cross-entropy from logits [n, c], one invocation per row:
// (softmax(z) - onehot(label)) times the upstream gradient (g[row] per row, or g[0],
// divided by n for the mean). Rows whose label is not a class index get 0.
struct Params { n: u32, c: u32, mode: u32 }

@group(0) @binding(0) var<storage, read> z: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<f32>;
@group(0) @binding(2) var<storage, read> g: array<f32>;
@group(0) @binding(3) var<storage, read_write> dz: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;

//#include "main-1d" (I = r, N = u.n, WG = 64)
  let base = r * u.c;
  let l = labels[r];
  let valid = l >= 0.0 && l < f32(u.c) && floor(l) == l;
  // mode 0: mean, 1: sum, 2: none.
  var scale = g[0];
  if (u.mode == 0u) { scale = g[0] / f32(u.n); }
  if (u.mode == 2u) { scale = g[r]; }
  var m = z[base];
  for (var j = 1u; j < u.c; j++) { m = max(m, z[base + j]); }
  var s = 0.0;
  for (var j = 0u; j < u.c; j++) { s += exp(z[base + j] - m); }
  let lse = m + log(s);
  for (var j = 0u; j < u.c; j++) {
    if (!valid) { dz[base + j] = 0.0; continue; }
    let p = exp(z[base + j] - lse);
    dz[base + j] = (p - select(0.0, 1.0, j == u32(l))) * scale;
  }
}

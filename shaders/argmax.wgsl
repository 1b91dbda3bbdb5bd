// Index of the first maximum along an axis: the input is [outer, len, inner] and the
// output [outer, inner] holds the index as a float. A NaN counts as the maximum.
//#include "is-nan"

struct Params { n: u32, len: u32, inner: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

//#include "main-1d" (I = o, N = u.n, WG = 64)
  let outer = o / u.inner;
  let i = o - outer * u.inner;
  let base = outer * u.len * u.inner + i;
  var best = x[base];
  var at = 0u;
  for (var j = 1u; j < u.len; j++) {
    let v = x[base + j * u.inner];
    if (v > best || (isNan(v) && !isNan(best))) {
      best = v;
      at = j;
    }
  }
  out[o] = f32(at);
}

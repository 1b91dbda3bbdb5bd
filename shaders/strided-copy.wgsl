// Strided gather (transpose and slice): out[i] = x[offset + sum_k coord_k(i) * strides[k]],
// where coord(i) splits i over the output shape (up to 8 coalesced axes).
struct Params {
  n: u32,
  ndim: u32,
  offset: u32,
  shape: array<vec4<u32>, 2>,
  strides: array<vec4<u32>, 2>,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

//#include "main-1d" (I = i, N = u.n, WG = 256)
  var rest = i;
  var src = u.offset;
  for (var d = i32(u.ndim) - 1; d >= 0; d--) {
    let s = u.shape[d / 4][d % 4];
    src += (rest % s) * u.strides[d / 4][d % 4];
    rest = rest / s;
  }
  out[i] = x[src];
}

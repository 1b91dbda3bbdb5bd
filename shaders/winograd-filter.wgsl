// Winograd F(2x2, 3x3), the filter transform: every 3x3 kernel g becomes G g G^T, stored
// as 16 matrices U[xi] of rows x cols (xi = 4 a + b): the A operand of the 16 products.
// Forward: rows are output channels, cols input channels, g = w[r][q]. For the input
// gradient (FLIP = 1), rows are input channels, cols output channels, and g is w[q][r]
// turned by 180 degrees (the gradient is a convolution of dL/dy with the flipped kernels).
override FLIP: u32;

struct Params { rows: u32, cols: u32 }

@group(0) @binding(0) var<storage, read> w: array<f32>;
@group(0) @binding(1) var<storage, read_write> uu: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

// One axis of G: (g0, (g0 + g1 + g2) / 2, (g0 - g1 + g2) / 2, g2).
fn gt(g: vec3<f32>) -> vec4<f32> { return vec4<f32>(g.x, 0.5 * (g.x + g.y + g.z), 0.5 * (g.x - g.y + g.z), g.z); }

fn tap(base: u32, k: u32) -> f32 {
  if (FLIP == 1u) { return w[base + 8u - k]; }
  return w[base + k];
}

//#include "main-1d" (I = i, N = u.rows * u.cols, WG = 64)
  let r = i / u.cols;
  let q = i % u.cols;
  var base = i * 9u;
  if (FLIP == 1u) { base = (q * u.rows + r) * 9u; }
  let g0 = vec3<f32>(tap(base, 0u), tap(base, 1u), tap(base, 2u));
  let g1 = vec3<f32>(tap(base, 3u), tap(base, 4u), tap(base, 5u));
  let g2 = vec3<f32>(tap(base, 6u), tap(base, 7u), tap(base, 8u));
  let e0 = gt(g0);
  let e1 = gt(0.5 * (g0 + g1 + g2));
  let e2 = gt(0.5 * (g0 - g1 + g2));
  let e3 = gt(g2);
  let stride = u.rows * u.cols;
//#for a in 0..4
//#for b in 0..4
  uu[{4*a+b}u * stride + i] = e{a}.{xyzw[b]};
//#end
//#end
}

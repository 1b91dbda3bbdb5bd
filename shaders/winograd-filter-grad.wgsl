// Winograd F(2x2, 3x3) for the weight gradient, the last step: the 16 products' entries of
// one (output channel, input channel) pair, s (summed over the tiles), become the 3x3
// gradient G^T s G. ACC = 1 adds it to what dw holds (a batch done in chunks).
override ACC: u32;

struct Params { count: u32 }

@group(0) @binding(0) var<storage, read> s: array<f32>;
@group(0) @binding(1) var<storage, read_write> dw: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

// One axis of G^T: (s0 + (s1 + s2) / 2, (s1 - s2) / 2, (s1 + s2) / 2 + s3).
fn g3(v: vec4<f32>) -> vec3<f32> { return vec3<f32>(v.x + 0.5 * (v.y + v.z), 0.5 * (v.y - v.z), 0.5 * (v.y + v.z) + v.w); }

//#include "main-1d" (I = i, N = u.count, WG = 64)
  let stride = u.count;
//#for a in 0..4
  let r{a} = vec4<f32>(s[{4*a}u * stride + i], s[{4*a+1}u * stride + i], s[{4*a+2}u * stride + i], s[{4*a+3}u * stride + i]);
//#end
  let k0 = g3(r0 + 0.5 * (r1 + r2));
  let k1 = g3(0.5 * (r1 - r2));
  let k2 = g3(0.5 * (r1 + r2) + r3);
  let base = i * 9u;
//#for v in 0..3
  dw[base + {v}u] = k0.{xyzw[v]} + select(0.0, dw[base + {v}u], ACC == 1u);
  dw[base + {3+v}u] = k1.{xyzw[v]} + select(0.0, dw[base + {3+v}u], ACC == 1u);
  dw[base + {6+v}u] = k2.{xyzw[v]} + select(0.0, dw[base + {6+v}u], ACC == 1u);
//#end
}

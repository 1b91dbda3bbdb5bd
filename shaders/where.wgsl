// out = cond != 0 ? a : b, element-wise.
struct Params { n: u32 }

@group(0) @binding(0) var<storage, read> cond: array<f32>;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;

//#include "main-1d" (I = i, N = u.n, WG = 256)
  out[i] = select(b[i], a[i], cond[i] != 0.0);
}

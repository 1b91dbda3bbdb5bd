// out[i] = value for every element.
struct Params { n: u32, value: f32 }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<uniform> u: Params;

//#include "main-1d" (I = i, N = u.n, WG = 256)
  out[i] = u.value;
}

// Element-wise unary op; OP picks the function (the numbering is in kernels.ts).
override OP: u32;

struct Params { n: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

fn apply(v: f32) -> f32 {
  switch OP {
    case 0u: { return -v; }
    case 1u: { return exp(v); }
    case 2u: { return log(v); }
    case 3u: { return sqrt(v); }
    case 4u: { return 1.0 / sqrt(v); }
    case 5u: { return abs(v); }
    case 6u: { return v * v; }
    case 7u: { return 1.0 / v; }
    case 8u: { return select(0.0, v, v > 0.0); }
    case 9u: {
      // Neither branch overflows: exp of a non-positive number only.
      let e = exp(-abs(v));
      return select(e / (1.0 + e), 1.0 / (1.0 + e), v >= 0.0);
    }
    case 10u: {
      if (abs(v) < 4.0) { return tanh(v); }
      // tanh(v) = sign(v) (1 - e) / (1 + e) with e = exp(-2|v|): no overflow.
      let e = exp(-2.0 * abs(v));
      let t = (1.0 - e) / (1.0 + e);
      return select(t, -t, v < 0.0);
    }
    case 11u: { return select(0.0, 1.0, v > 0.0); }
    case 12u: { return select(select(v, -1.0, v < 0.0), 1.0, v > 0.0); }
    default: { return v; }
  }
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = ((wid.z * nwg.y + wid.y) * nwg.x + wid.x) * 256u + lid;
  if (i >= u.n) { return; }
  out[i] = apply(x[i]);
}

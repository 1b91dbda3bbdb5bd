// The gradient through an activation in one pass: OP 0 sigmoid g * (y * (1 - y)),
// OP 1 tanh g * (1 - y * y) (v is the output y), OP 2 relu g * step(x) (v is the input).
override OP: u32;

struct Params { n: u32 }

@group(0) @binding(0) var<storage, read> v: array<f32>;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = ((wid.z * nwg.y + wid.y) * nwg.x + wid.x) * 256u + lid;
  if (i >= u.n) { return; }
  let y = v[i];
  var d: f32;
  switch OP {
    case 0u: { d = y * (1.0 - y); }
    case 1u: { d = 1.0 - y * y; }
    default: { d = select(0.0, 1.0, y > 0.0); }
  }
  out[i] = g[i] * d;
}

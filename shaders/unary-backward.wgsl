// A unary op's fused gradient g * f'(v) in one pass. The engine prepends the op's
// `fn derivative(v: f32, g: f32) -> f32` from its entry in src/engine/ops/elementwise.ts;
// v is the op's input or its output, as the entry says.

struct Params { n: u32 }

@group(0) @binding(0) var<storage, read> values: array<f32>;
@group(0) @binding(1) var<storage, read> grads: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = ((wid.z * nwg.y + wid.y) * nwg.x + wid.x) * 256u + lid;
  if (i >= u.n) { return; }
  out[i] = derivative(values[i], grads[i]);
}

// Diagnostics probe: out[i] = 2 * in[i] + 1. Proves the WebGPU pipeline end to end.
@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i < arrayLength(&src)) {
    dst[i] = 2.0 * src[i] + 1.0;
  }
}

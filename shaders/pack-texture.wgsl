// Copies `height` rows of `width` vec4s, row-major from a storage buffer, into an
// rgba32float texture: texel (x, y) = src[y * width + x].
// Kernels then read the matrix with textureLoad (see matmul-tex.wgsl).
struct Params {
  width: u32,
  height: u32,
}

@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(1) var dst: texture_storage_2d<rgba32float, write>;
@group(0) @binding(2) var<uniform> u: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = ((wid.z * nwg.y + wid.y) * nwg.x + wid.x) * 64u + lid;
  if (i >= u.width * u.height) { return; }
  textureStore(dst, vec2<u32>(i % u.width, i / u.width), src[i]);
}

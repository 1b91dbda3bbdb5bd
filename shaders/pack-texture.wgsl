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

//#include "main-1d" (I = i, N = u.width * u.height, WG = 64)
  textureStore(dst, vec2<u32>(i % u.width, i / u.width), src[i]);
}

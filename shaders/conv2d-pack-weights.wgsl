// Packs conv weights [cOut, cIn, kH, kW] for conv2d-rows.wgsl into an rgba32float
// texture: texel (q, k) holds output channels 4q..4q+3 of tap k, where k runs over
// (ci, ky, kx) of the convolution being computed and channels past cOut are zeros
// (co is padded to a multiple of 8). With FLIP = 1 it packs the weights of the
// backward-input pass instead: that pass convolves dL/dy (channels cOut) into dL/dx
// (channels cIn) with the kernel flipped, so its channel co at tap (o, ky, kx) is
// w[o, co, kH-1-ky, kW-1-kx].
struct Params { texels: u32, coPad4: u32, cIn: u32, cOut: u32, kH: u32, kW: u32, flip: u32 }

@group(0) @binding(0) var<storage, read> w: array<f32>;
@group(0) @binding(1) var wt: texture_storage_2d<rgba32float, write>;
@group(0) @binding(2) var<uniform> u: Params;

/** Weight of packed channel `co` at tap `k` (zero past the channel count). */
fn weight(k: u32, co: u32) -> f32 {
  let area = u.kH * u.kW;
  if (u.flip == 0u) {
    // Forward: output channel co, tap k = (ci, ky, kx).
    return select(0.0, w[min(co, u.cOut - 1u) * u.cIn * area + k], co < u.cOut);
  }
  // Backward input: "output" channel co is an input channel ci; k = (cOut index, ky, kx).
  let o = k / area;
  let tap = k - o * area;
  let ky = tap / u.kW;
  let kx = tap - ky * u.kW;
  let src = ((o * u.cIn + min(co, u.cIn - 1u)) * u.kH + (u.kH - 1u - ky)) * u.kW + (u.kW - 1u - kx);
  return select(0.0, w[src], co < u.cIn);
}

//#include "main-1d" (I = i, N = u.texels, WG = 64)
  let k = i / u.coPad4;
  let q = i - k * u.coPad4;
  let co = q * 4u;
  textureStore(wt, vec2<u32>(q, k), vec4<f32>(weight(k, co), weight(k, co + 1u), weight(k, co + 2u), weight(k, co + 3u)));
}

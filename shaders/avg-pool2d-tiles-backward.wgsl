// dL/dx of average pooling whose windows tile the input exactly (stride = kernel, no
// padding, h = outH * KH, w = outW * KW): one invocation per output gradient writes
// its share g / (KH * KW) to the KH x KW inputs of its window.
override KH: u32;
override KW: u32;

struct Params { n: u32, outH: u32, outW: u32 }

@group(0) @binding(0) var<storage, read> gy: array<f32>;
@group(0) @binding(1) var<storage, read_write> gx: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = ((wid.z * nwg.y + wid.y) * nwg.x + wid.x) * 64u + lid;
  if (o >= u.n) { return; }
  let row = o / u.outW;
  let ox = o - row * u.outW;
  let w = u.outW * KW;
  let base = row * KH * w + ox * KW;
  let v = gy[o] * (1.0 / f32(KH * KW));
  for (var ky = 0u; ky < KH; ky++) {
    for (var kx = 0u; kx < KW; kx++) {
      gx[base + ky * w + kx] = v;
    }
  }
}

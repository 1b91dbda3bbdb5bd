// Packs conv weights [cOut, cIn, kH, kW] as wt[k][co] for conv2d-rows.wgsl: k runs over
// (ci, ky, kx) of the convolution being computed and co is padded with zeros to a
// multiple of 8. With FLIP = 1 it packs the weights of the backward-input pass
// instead: that pass convolves dL/dy (channels cOut) into dL/dx (channels cIn) with
// the kernel flipped, so wt[(co, ky, kx)][ci] = w[co, ci, kH-1-ky, kW-1-kx].
struct Params { n: u32, coPad: u32, cIn: u32, cOut: u32, kH: u32, kW: u32, flip: u32 }

@group(0) @binding(0) var<storage, read> w: array<f32>;
@group(0) @binding(1) var<storage, read_write> wt: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = ((wid.z * nwg.y + wid.y) * nwg.x + wid.x) * 64u + lid;
  if (i >= u.n) { return; }
  let k = i / u.coPad;
  let co = i - k * u.coPad;
  let area = u.kH * u.kW;
  if (u.flip == 0u) {
    // Forward: output channel co, tap k = (ci, ky, kx).
    wt[i] = select(0.0, w[min(co, u.cOut - 1u) * u.cIn * area + k], co < u.cOut);
  } else {
    // Backward input: "output" channel co is an input channel ci; k = (cOut index, ky, kx).
    let o = k / area;
    let tap = k - o * area;
    let ky = tap / u.kW;
    let kx = tap - ky * u.kW;
    let src = ((o * u.cIn + min(co, u.cIn - 1u)) * u.kH + (u.kH - 1u - ky)) * u.kW + (u.kW - 1u - kx);
    wt[i] = select(0.0, w[src], co < u.cIn);
  }
}

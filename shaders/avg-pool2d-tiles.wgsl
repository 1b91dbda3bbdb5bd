// Average pooling whose windows tile the input exactly (stride = kernel, no padding,
// h = outH * KH, w = outW * KW), one invocation per output; KH and KW are constants so
// the window loop has a fixed length. Sums in row-major order and divides by KH * KW,
// like the general pool2d kernel.
override KH: u32;
override KW: u32;

struct Params { n: u32, outH: u32, outW: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = ((wid.z * nwg.y + wid.y) * nwg.x + wid.x) * 64u + lid;
  if (o >= u.n) { return; }
  // Output row r (over all planes) covers input rows r*KH .. r*KH+KH-1 of width outW*KW.
  let row = o / u.outW;
  let ox = o - row * u.outW;
  let w = u.outW * KW;
  let base = row * KH * w + ox * KW;
  var sum = 0.0;
  for (var ky = 0u; ky < KH; ky++) {
    for (var kx = 0u; kx < KW; kx++) {
      sum += x[base + ky * w + kx];
    }
  }
  y[o] = sum / f32(KH * KW);
}

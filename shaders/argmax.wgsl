// Index of the first maximum along an axis: the input is [outer, len, inner] and the
// output [outer, inner] holds the index as a float. A NaN counts as the maximum.
struct Params { n: u32, len: u32, inner: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let o = ((wid.z * nwg.y + wid.y) * nwg.x + wid.x) * 64u + lid;
  if (o >= u.n) { return; }
  let outer = o / u.inner;
  let i = o - outer * u.inner;
  let base = outer * u.len * u.inner + i;
  var best = x[base];
  var at = 0u;
  for (var j = 1u; j < u.len; j++) {
    let v = x[base + j * u.inner];
    if (v > best || (v != v && best == best)) {
      best = v;
      at = j;
    }
  }
  out[o] = f32(at);
}

// Copies one concat input into its place in the output: the input is [outer, chunk]
// and lands at columns [dstOffset, dstOffset + chunk) of the [outer, outChunk] output.
struct Params { n: u32, chunk: u32, outChunk: u32, dstOffset: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = ((wid.z * nwg.y + wid.y) * nwg.x + wid.x) * 256u + lid;
  if (i >= u.n) { return; }
  let row = i / u.chunk;
  let col = i - row * u.chunk;
  out[row * u.outChunk + u.dstOffset + col] = x[i];
}

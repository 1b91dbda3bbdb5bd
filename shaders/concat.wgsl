// Copies one concat input into its place in the output: the input is [outer, chunk]
// and lands at columns [dstOffset, dstOffset + chunk) of the [outer, outChunk] output.
struct Params { n: u32, chunk: u32, outChunk: u32, dstOffset: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

//#include "main-1d" (I = i, N = u.n, WG = 256)
  let row = i / u.chunk;
  let col = i - row * u.chunk;
  out[row * u.outChunk + u.dstOffset + col] = x[i];
}

// The parameters and bindings of reduce.wgsl and reduce-workgroup.wgsl (reduce.ts fills
// the uniforms): x is read through the kept and reduced axis groups into out.
struct Params {
  n: u32,
  nk: u32,
  nr: u32,
  inner: u32,
  innerStride: u32,
  rOuter: u32,
  splits: u32,
  chunk: u32,
  // The op's identity: 0, -inf or +inf (infinities cannot be WGSL constants).
  identity: f32,
  keptShape: vec4<u32>,
  keptStrides: vec4<u32>,
  redShape: vec4<u32>,
  redStrides: vec4<u32>,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> u: Params;

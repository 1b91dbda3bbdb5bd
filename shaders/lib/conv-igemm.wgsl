// The uniforms and bindings of the implicit-GEMM convolutions (conv2d-*-igemm.wgsl), which
// run the product of lib/tiled-block.wgsl on operands they gather from the NCHW tensors as
// they load them, so no im2col matrix is ever written. The product's shape comes first
// (k: the reduction of one batch entry, a split-K slice where the kernel has slices),
// then the convolution's, then the whole reduction.
struct Params {
  m: u32, n: u32, k: u32, tilesN: u32, tilesM: u32, tiles: u32,
  batchN: u32, cIn: u32, h: u32, w: u32, cOut: u32, kH: u32, kW: u32,
  strideH: u32, strideW: u32, padH: u32, padW: u32, outH: u32, outW: u32,
  kTotal: u32,
}

//#include "walk"

@group(0) @binding(0) var<storage, read> A: array<f32>;
@group(0) @binding(1) var<storage, read> B: array<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;

// Whether the product has more than one batch entry: the reduction cut into slices of u.k
// terms (dividing u.kTotal exactly), whose partial products the caller adds up.
fn sliced() -> bool { return u.tiles > u.tilesM * u.tilesN; }

// A coordinate that no bounds check accepts: columns past the product's edge read zeros.
const OUTSIDE: i32 = -1073741824;

// Four gathered floats: B[idx] where ok, zero elsewhere (never an out-of-range read).
fn gather(idx: vec4<i32>, ok: vec4<bool>) -> vec4<f32> {
  let i = vec4<u32>(select(vec4<i32>(0), idx, ok));
  return select(vec4<f32>(0.0), vec4<f32>(B[i.x], B[i.y], B[i.z], B[i.w]), ok);
}

// Where element (row, col) of an m x (images x plane) product goes in an NCHW tensor:
// rows are channels, columns (image, pixel).
fn nchwAt(row: u32, col: u32, plane: u32) -> u32 {
  let b = col / plane;
  return (b * u.m + row) * plane + col - b * plane;
}

// Whether (y, x) lies inside a plane of hgt x wid.
fn inside(y: vec4<i32>, x: vec4<i32>, hgt: u32, wid: u32) -> vec4<bool> {
  return (y >= vec4<i32>(0)) & (y < vec4<i32>(i32(hgt))) & (x >= vec4<i32>(0)) & (x < vec4<i32>(i32(wid)));
}

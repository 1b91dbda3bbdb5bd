// Matrix product C = A B with both operands read through textureLoad from rgba32float
// textures (one texel = four consecutive floats of a row), for one matrix (batch 1,
// neither operand transposed). Each invocation computes an 8x8 block of C (8 rows x
// two vec4 columns) in registers, stepping k by 4, as matmul-vec4.wgsl does.
//
// Why textures: on CPU-backed adapters (SwiftShader) a storage-buffer load whose
// address differs per invocation becomes a per-lane gather of single floats, while a
// texel fetch brings in four floats per lane at once. The backend packs A and B into
// textures first (pack-texture.wgsl); this costs O(n^2) against the product's O(n^3).
//
// A: texture [k/4 wide, m high]; B: texture [n/4 wide, k high]; requires k % 4 == 0
// and n % 4 == 0. Out-of-range rows / columns are clamped for the loads and not written.
override WGX: u32 = 8u;
override WGY: u32 = 8u;

struct Params {
//#include "matmul-shape"
}

@group(0) @binding(0) var A: texture_2d<f32>;
@group(0) @binding(1) var B: texture_2d<f32>;
@group(0) @binding(2) var<storage, read_write> C: array<vec4<f32>>;
@group(0) @binding(4) var<uniform> u: Params;
//#include "matmul-epilogue"

//#include "main-tiles"
  let tileM = wg / u.tilesN;
//#include "block-8x8"
//#for i in 0..8
  let r{i} = min(row0 + {i}u, u.m - 1u);
//#end
  let cv0 = colv0;
  let cv1 = min(colv0 + 1u, nv - 1u);
//#for i in 0..8
  var c{i}0 = vec4<f32>(0.0);
  var c{i}1 = vec4<f32>(0.0);
//#end
  for (var kk = 0u; kk < kv; kk++) {
    // a{i}: row r{i}, k = 4kk..4kk+3; b{q}{j}: k = 4kk+q, vec4 column cv{j}
//#for i in 0..8
    let a{i} = textureLoad(A, vec2<u32>(kk, r{i}), 0);
//#end
//#for q in 0..4
    let b{q}0 = textureLoad(B, vec2<u32>(cv0, 4u * kk + {q}u), 0);
    let b{q}1 = textureLoad(B, vec2<u32>(cv1, 4u * kk + {q}u), 0);
//#end
//#for i in 0..8
    c{i}0 += a{i}.x * b00 + a{i}.y * b10 + a{i}.z * b20 + a{i}.w * b30;
    c{i}1 += a{i}.x * b01 + a{i}.y * b11 + a{i}.z * b21 + a{i}.w * b31;
//#end
  }
//#for i in 0..8
  if (row0 + {i}u < u.m) {
    C[outAt(row0 + {i}u, 4u * colv0, u.m, u.n) / 4u] = epilogue4(c{i}0, row0 + {i}u, colv0);
    if (colv0 + 1u < nv) { C[outAt(row0 + {i}u, 4u * colv0 + 4u, u.m, u.n) / 4u] = epilogue4(c{i}1, row0 + {i}u, colv0 + 1u); }
  }
//#end
}

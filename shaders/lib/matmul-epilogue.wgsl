// What a matmul kernel does to a product element as it stores it. A plain product
// stores it as is; a fused layer adds a bias (HAS_BIAS), one per output column (a Linear
// layer, Backend.linear) or with BIAS_ROWS one per output row (a convolution run as
// W @ im2col(x), whose rows are channels), and applies the activation act(), which the
// backend prepends to the shader (`fn act(x: f32) -> f32`, the identity for a plain product).
// OUT_PLANE = P > 0 stores the [m, nb * P] product as [nb, m, P] (a convolution's rows are
// channels and its columns (image, pixel): this is NCHW), else row-major.
override HAS_BIAS: bool = false;
override BIAS_ROWS: bool = false;
override OUT_PLANE: u32 = 0u;

/** Where element (row, col) of an m x n product goes in C (in floats). */
fn outAt(row: u32, col: u32, m: u32, n: u32) -> u32 {
  if (OUT_PLANE == 0u) { return row * n + col; }
  // (max: a constant division by zero would not compile even where it never runs.)
  let plane = max(OUT_PLANE, 1u);
  let b = col / plane;
  return (b * m + row) * plane + col - b * plane;
}
@group(0) @binding(3) var<storage, read> bias: array<f32>;

fn epilogue(v: f32, row: u32, col: u32) -> f32 {
  if (HAS_BIAS) { return act(v + bias[select(col, row, BIAS_ROWS)]); }
  return act(v);
}

// Four consecutive columns 4 colv .. 4 colv + 3 of one row (the vec4 kernels; n % 4 == 0).
fn epilogue4(v: vec4<f32>, row: u32, colv: u32) -> vec4<f32> {
  var s = v;
  if (HAS_BIAS) {
    let c = 4u * colv;
    if (BIAS_ROWS) {
      s += vec4<f32>(bias[row]);
    } else {
      s += vec4<f32>(bias[c], bias[c + 1u], bias[c + 2u], bias[c + 3u]);
    }
  }
  return vec4<f32>(act(s.x), act(s.y), act(s.z), act(s.w));
}

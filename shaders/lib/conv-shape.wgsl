  // The convolution's shape, the first words of every conv2d-*-reg kernel's uniforms
  // (convWords in gemm.ts).
  n: u32, cIn: u32, h: u32, w: u32,
  cOut: u32, kH: u32, kW: u32, strideH: u32,
  strideW: u32, padH: u32, padW: u32, outH: u32,
  outW: u32,

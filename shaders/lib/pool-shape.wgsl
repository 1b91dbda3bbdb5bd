  // The pooling's shape, the first words of every pool2d kernel's uniforms (poolWords in
  // pool.ts): n invocations, over planes = batch x channels planes of h x w pixels.
  n: u32, planes: u32, h: u32, w: u32,
  kH: u32, kW: u32, strideH: u32, strideW: u32,
  padH: u32, padW: u32, outH: u32, outW: u32,

  // The product's shape and its grid of output tiles, the first words of every matmul
  // kernel's uniforms (gemm.ts writes them in this order).
  m: u32,
  n: u32,
  k: u32,
  tilesN: u32,
  tilesM: u32,
  tiles: u32,

// The entry point of a Winograd transform with one invocation (idx) per channel c and
// tile t of a chunk of images (Params: c, h, w, tilesH, tilesW, tiles, n0), up to its
// first own statement: the tile's image n and place (ty, tx), the channel's plane in
// the NCHW tensor, and the stride between the A*A transformed matrices (xi = A i + j).
//#include "main-1d" (I = idx, N = u.c * u.tiles, WG = 64)
  let c = idx / u.tiles;
  let t = idx % u.tiles;
  let perImage = u.tilesH * u.tilesW;
  let n = u.n0 + t / perImage;
  let ty = (t % perImage) / u.tilesW;
  let tx = t % u.tilesW;
  let plane = (n * u.c + c) * u.h * u.w;
  let stride = u.c * u.tiles;

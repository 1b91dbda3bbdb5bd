// The head of a Winograd transform over tiles, fn {NAME}(idx), up to its first own
// statement: idx numbers a channel c and a tile t of a chunk of images; the channels'
// planes are {P}.c x {P}.h x {P}.w in an NCHW tensor and the tiling is {T} (tilesH,
// tilesW, tiles, n0). It gives the tile's image n and place (ty, tx), the channel's
// plane, and the stride between the A*A transformed matrices (xi = A i + j).
fn {NAME}(idx: u32) {
  let c = idx / {T}.tiles;
  let t = idx % {T}.tiles;
  let perImage = {T}.tilesH * {T}.tilesW;
  let n = {T}.n0 + t / perImage;
  let ty = (t % perImage) / {T}.tilesW;
  let tx = t % {T}.tilesW;
  let plane = (n * {P}.c + c) * {P}.h * {P}.w;
  let stride = {P}.c * {T}.tiles;

// The entry point of the workgroup-tiled matmul kernels (16 x 16 invocations a tile),
// up to its first statement: wg numbers the workgroups (runtime.ts lays a large dispatch
// out over x, y and z, x fastest), those with wg >= u.tiles return at once, and the tile
// is (tileM, tileN) of matrix `batch`. The including kernel goes on with the body and
// closes it.
@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  let wg = (wid.z * nwg.y + wid.y) * nwg.x + wid.x;
  if (wg >= u.tiles) { return; }
  let tileN = wg % u.tilesN;
  let rest = wg / u.tilesN;
  let tileM = rest % u.tilesM;
  let batch = rest / u.tilesM;

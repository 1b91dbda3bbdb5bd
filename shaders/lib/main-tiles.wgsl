// The entry point of a kernel whose WGX x WGY workgroups each compute one tile of the
// output, up to its first statement: wg numbers the workgroups (runtime.ts lays a large
// dispatch out over x, y and z, x fastest), those with wg >= u.tiles return at once,
// and tileN is the tile's column among u.tilesN. The including kernel goes on with the
// body and closes it.
@compute @workgroup_size(WGX, WGY)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>) {
  let wg = (wid.z * nwg.y + wid.y) * nwg.x + wid.x;
  if (wg >= u.tiles) { return; }
  let tileN = wg % u.tilesN;

// The entry point of a kernel with one invocation per item, up to its first statement:
// {I} numbers the invocations in workgroups of {WG} (runtime.ts lays a large dispatch
// out over x, y and z, x fastest) and the invocations with {I} >= {N} return at once.
// The including kernel goes on with the body and closes it.
@compute @workgroup_size({WG})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let {I} = ((wid.z * nwg.y + wid.y) * nwg.x + wid.x) * {WG}u + lid;
  if ({I} >= {N}) { return; }

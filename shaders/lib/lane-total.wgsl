// The sum of v over the LANES invocations of a lane group (LANES a power of two up to WG,
// overrides of the including kernel, which also declares `var<workgroup> partial:
// array<f32, WG>`); every invocation of the group gets it. LANES = 1: no barrier at all.
fn total(lid: u32, v: f32) -> f32 {
  if (LANES == 1u) { return v; }
  partial[lid] = v;
  workgroupBarrier();
  let lane = lid % LANES;
  for (var s = LANES / 2u; s > 0u; s = s >> 1u) {
    if (lane < s) { partial[lid] += partial[lid + s]; }
    workgroupBarrier();
  }
  let t = partial[lid - lane];
  workgroupBarrier();
  return t;
}

// The part of a channel that the calling invocation's lane group reduces, for the
// per-channel reductions (batchnorm-stats.wgsl, batchnorm-backward-sums.wgsl): LANES
// invocations a group, WG / LANES groups a workgroup (overrides of the including kernel),
// and each channel's n * hw values cut into u.split chunks of u.len (the last may be
// shorter; split = 1: the whole channel). The including kernel's uniform `u` has n, c, hw,
// split and len. `group` is the chunk's index, channel * split + chunk; a group past the
// last channel is not live and gets an empty range (it still takes part in the barriers).
struct Chunk { group: u32, ch: u32, lane: u32, live: bool, start: u32, end: u32 }

fn channelChunk(wid: vec3<u32>, nwg: vec3<u32>, lid: u32) -> Chunk {
  let group = ((wid.z * nwg.y + wid.y) * nwg.x + wid.x) * (WG / LANES) + lid / LANES;
  let ch = group / u.split;
  let live = ch < u.c;
  let start = select(0u, (group % u.split) * u.len, live);
  let end = select(0u, min(u.n * u.hw, start + u.len), live);
  return Chunk(group, ch, lid % LANES, live, start, end);
}

// Where the i-th value of channel ch (images in order, then positions) lies in [n, c, hw].
fn channelIndex(ch: u32, i: u32) -> u32 {
  let b = i / u.hw;
  return (b * u.c + ch) * u.hw + i - b * u.hw;
}

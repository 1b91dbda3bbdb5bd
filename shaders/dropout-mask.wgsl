// Dropout mask: element i keeps (value `scale`) when hash(i, seed) >= threshold, where
// threshold = ceil(p * 2^32), so a kept element has probability 1 - p. The hash is the
// one the CPU backend uses (murmur3's finaliser), so both give the same mask.
struct Params { n: u32, seedHash: u32, threshold: u32, dropAll: u32, scale: f32 }

@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<uniform> u: Params;

fn hash32(v: u32) -> u32 {
  var h = (v ^ (v >> 16u)) * 0x85ebca6bu;
  h = (h ^ (h >> 13u)) * 0xc2b2ae35u;
  return h ^ (h >> 16u);
}

//#include "main-1d" (I = i, N = u.n, WG = 256)
  let h = hash32((i * 0x9e3779b1u) ^ u.seedHash);
  out[i] = select(0.0, u.scale, u.dropAll == 0u && h >= u.threshold);
}

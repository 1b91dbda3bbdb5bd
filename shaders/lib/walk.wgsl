// A term k of an implicit GEMM's reduction as three digits, k = (hi rMid + mid) rLo + lo
// (a convolution's (channel, ky, kx) or (image, oy, ox); rMid = 1 for two digits), kept by
// additions as k advances TK at a time: the tiled loads (lib/tiled-block.wgsl) walk their
// terms in steps of TK, so only the first term costs divisions. The step's own digits are
// stored beside the walk (uniform values, which a GPU may keep in scalar registers).
struct Walk { hi: u32, mid: u32, lo: u32, dHi: u32, dMid: u32, dLo: u32 }

fn walkFrom(k: u32, rMid: u32, rLo: u32) -> Walk {
  let area = rMid * rLo;
  let hi = k / area;
  let r = k - hi * area;
  let mid = r / rLo;
  let dHi = TK / area;
  let dr = TK - dHi * area;
  let dMid = dr / rLo;
  return Walk(hi, mid, r - mid * rLo, dHi, dMid, dr - dMid * rLo);
}

// The next term, TK on: each digit plus its step, with at most one carry each (a digit and
// its step are both below its radix).
fn walkOn(w: Walk, rMid: u32, rLo: u32) -> Walk {
  var n = w;
  n.lo += w.dLo;
  n.mid += w.dMid;
  n.hi += w.dHi;
  if (n.lo >= rLo) { n.lo -= rLo; n.mid += 1u; }
  if (n.mid >= rMid) { n.mid -= rMid; n.hi += 1u; }
  return n;
}

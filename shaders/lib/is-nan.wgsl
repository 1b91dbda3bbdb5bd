// Whether v is a NaN, read from its bits. WGSL lets a compiler assume that floats are
// never NaN, so `v != v` may be folded to false (fast-math back ends do); an integer test
// may not be.
fn isNan(v: f32) -> bool {
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
}

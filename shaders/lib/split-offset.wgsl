// The offset of the `index`-th element of a group of up to 4 coalesced axes: index split
// over shape[0..count) (last axis fastest) and dotted with strides.
fn splitOffset(index: u32, count: u32, shape: vec4<u32>, strides: vec4<u32>) -> u32 {
  var rest = index;
  var off = 0u;
  for (var d = i32(count) - 1; d >= 0; d--) {
    let s = shape[d];
    off += (rest % s) * strides[d];
    rest = rest / s;
  }
  return off;
}

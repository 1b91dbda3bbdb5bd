// Folds v into acc by the op OP (an override of the including kernel): 0 sum, 1 max,
// 2 min; a NaN wins max and min, as in PyTorch.
//#include "is-nan"
fn combine(acc: f32, v: f32) -> f32 {
  switch OP {
    case 1u: { return select(acc, v, v > acc || isNan(v)); }
    case 2u: { return select(acc, v, v < acc || isNan(v)); }
    default: { return acc + v; }
  }
}

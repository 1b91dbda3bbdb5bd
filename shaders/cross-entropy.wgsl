// Cross-entropy from logits [n, c], one invocation per row: a stable log-sum-exp, the
// label's logit, the first arg-maximum. REDUCE 1 (mean or sum): one workgroup walks all
// rows and folds them into out[0] (and, with a tally, adds the summed loss and the
// correct count to tally[0] and tally[1] in place); REDUCE 0: out[row] per row.
override REDUCE: u32;

//#include "is-nan"

struct Params { n: u32, c: u32, mean: u32, hasTally: u32 }

@group(0) @binding(0) var<storage, read> z: array<f32>;
@group(0) @binding(1) var<storage, read> labels: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<storage, read_write> tally: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;

var<workgroup> lossPart: array<f32, 256>;
var<workgroup> hitPart: array<f32, 256>;

/** The row's loss (0 for a label that is not a class index) and 1 when its first maximum is the label. */
fn rowLoss(r: u32) -> vec2<f32> {
  let l = labels[r];
  if (!(l >= 0.0 && l < f32(u.c) && floor(l) == l)) { return vec2<f32>(0.0, 0.0); }
  let base = r * u.c;
  var m = z[base];
  var arg = 0u;
  for (var j = 1u; j < u.c; j++) {
    let v = z[base + j];
    if (v > m || (isNan(v) && !isNan(m))) { m = v; arg = j; }
  }
  var s = 0.0;
  for (var j = 0u; j < u.c; j++) { s += exp(z[base + j] - m); }
  let li = u32(l);
  return vec2<f32>(m + log(s) - z[base + li], select(0.0, 1.0, arg == li));
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  if (REDUCE == 0u) {
    let r = ((wid.z * nwg.y + wid.y) * nwg.x + wid.x) * 256u + lid;
    if (r < u.n) { out[r] = rowLoss(r).x; }
    return;
  }
  var acc = vec2<f32>(0.0, 0.0);
  for (var r = lid; r < u.n; r += 256u) { acc += rowLoss(r); }
  lossPart[lid] = acc.x;
  hitPart[lid] = acc.y;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s = s >> 1u) {
    if (lid < s) {
      lossPart[lid] += lossPart[lid + s];
      hitPart[lid] += hitPart[lid + s];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    out[0] = select(lossPart[0], lossPart[0] / f32(u.n), u.mean != 0u);
    if (u.hasTally != 0u) {
      tally[0] += lossPart[0];
      tally[1] += hitPart[0];
    }
  }
}

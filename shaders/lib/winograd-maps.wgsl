// Winograd's one-axis maps for 3x3 kernels, each named with its tile size M (outputs a
// tile along one axis; A = M + 2 points, r = 3 taps): btM: B^T (A -> A), gM: G (r -> A),
// atM: A^T (A -> M), and the transposes that the weight gradient runs, aM: A (M -> A),
// gtM: G^T (A -> r). The winograd-*.wgsl kernels call them as bt{M}, ... .
//
// F(2x2, 3x3): the points 0, 1, -1 and infinity.
fn bt2(d: array<f32, 4>) -> array<f32, 4> { return array<f32, 4>(d[0] - d[2], d[1] + d[2], d[2] - d[1], d[1] - d[3]); }
fn g2(w: array<f32, 3>) -> array<f32, 4> {
  return array<f32, 4>(w[0], 0.5 * (w[0] + w[1] + w[2]), 0.5 * (w[0] - w[1] + w[2]), w[2]);
}
fn at2(v: array<f32, 4>) -> array<f32, 2> { return array<f32, 2>(v[0] + v[1] + v[2], v[1] - v[2] - v[3]); }
fn a2(y: array<f32, 2>) -> array<f32, 4> { return array<f32, 4>(y[0], y[0] + y[1], y[0] - y[1], -y[1]); }
fn gt2(v: array<f32, 4>) -> array<f32, 3> {
  return array<f32, 3>(v[0] + 0.5 * (v[1] + v[2]), 0.5 * (v[1] - v[2]), 0.5 * (v[1] + v[2]) + v[3]);
}

// F(4x4, 3x3): the points 0, 1, -1, 2, -2 and infinity. Exact in real numbers; in float32
// it rounds about ten times more than F(2x2, 3x3) (the larger points), which is why it
// runs only at the 'high' convolution precision.
fn bt4(d: array<f32, 6>) -> array<f32, 6> {
  return array<f32, 6>(
    4.0 * d[0] - 5.0 * d[2] + d[4],
    -4.0 * (d[1] + d[2]) + d[3] + d[4],
    4.0 * (d[1] - d[2]) - d[3] + d[4],
    -2.0 * (d[1] - d[3]) - d[2] + d[4],
    2.0 * (d[1] - d[3]) - d[2] + d[4],
    4.0 * d[1] - 5.0 * d[3] + d[5],
  );
}
fn g4(w: array<f32, 3>) -> array<f32, 6> {
  let s = w[0] + w[2];
  return array<f32, 6>(
    0.25 * w[0],
    -(s + w[1]) / 6.0,
    -(s - w[1]) / 6.0,
    w[0] / 24.0 + w[1] / 12.0 + w[2] / 6.0,
    w[0] / 24.0 - w[1] / 12.0 + w[2] / 6.0,
    w[2],
  );
}
fn at4(v: array<f32, 6>) -> array<f32, 4> {
  let p1 = v[1] + v[2];
  let m1 = v[1] - v[2];
  let p2 = v[3] + v[4];
  let m2 = v[3] - v[4];
  return array<f32, 4>(v[0] + p1 + p2, m1 + 2.0 * m2, p1 + 4.0 * p2, m1 + 8.0 * m2 + v[5]);
}
fn a4(y: array<f32, 4>) -> array<f32, 6> {
  let e = y[0] + y[2];
  let o = y[1] + y[3];
  let e2 = y[0] + 4.0 * y[2];
  let o2 = 2.0 * y[1] + 8.0 * y[3];
  return array<f32, 6>(y[0], e + o, e - o, e2 + o2, e2 - o2, y[3]);
}
fn gt4(v: array<f32, 6>) -> array<f32, 3> {
  let p = v[1] + v[2];
  let m = v[1] - v[2];
  let q = v[3] + v[4];
  let n = v[3] - v[4];
  return array<f32, 3>(0.25 * v[0] - p / 6.0 + q / 24.0, -m / 6.0 + n / 12.0, -p / 6.0 + q / 6.0 + v[5]);
}

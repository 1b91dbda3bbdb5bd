// Winograd's one-axis maps for F(M, R) (M outputs a tile along one axis from A = M + R - 1
// points, R taps): btA: B^T (A -> A, the same for every tiling of A points), gMR: G
// (R -> A), atMR: A^T (A -> M), and the transposes that the weight gradient runs, aMR: A
// (M -> A), gtMR: G^T (A -> R). The winograd-*.wgsl kernels call them as bt{A}, g{M}{R}, ...
//
// F(2x2, 3x3): the points 0, 1, -1 and infinity.
fn bt4(d: array<f32, 4>) -> array<f32, 4> { return array<f32, 4>(d[0] - d[2], d[1] + d[2], d[2] - d[1], d[1] - d[3]); }
fn g23(w: array<f32, 3>) -> array<f32, 4> {
  return array<f32, 4>(w[0], 0.5 * (w[0] + w[1] + w[2]), 0.5 * (w[0] - w[1] + w[2]), w[2]);
}
fn at23(v: array<f32, 4>) -> array<f32, 2> { return array<f32, 2>(v[0] + v[1] + v[2], v[1] - v[2] - v[3]); }
fn a23(y: array<f32, 2>) -> array<f32, 4> { return array<f32, 4>(y[0], y[0] + y[1], y[0] - y[1], -y[1]); }
fn gt23(v: array<f32, 4>) -> array<f32, 3> {
  return array<f32, 3>(v[0] + 0.5 * (v[1] + v[2]), 0.5 * (v[1] - v[2]), 0.5 * (v[1] + v[2]) + v[3]);
}

// Six points: 0, 1, -1, 2, -2 and infinity, for F(4x4, 3x3) and F(2x2, 5x5). Exact in real
// numbers; in float32 they round about ten times more than F(2x2, 3x3) (the larger
// points), which is why they run only at the 'high' convolution precision. Row i of G is
// s_i (1, p, p^2, ...) for the point p_i, s = 1/4, -1/6, -1/6, 1/24, 1/24 (the last row
// picks the last tap); row j of A^T is p^j over the points (infinity: 1 in the last row).
fn bt6(d: array<f32, 6>) -> array<f32, 6> {
  return array<f32, 6>(
    4.0 * d[0] - 5.0 * d[2] + d[4],
    -4.0 * (d[1] + d[2]) + d[3] + d[4],
    4.0 * (d[1] - d[2]) - d[3] + d[4],
    -2.0 * (d[1] - d[3]) - d[2] + d[4],
    2.0 * (d[1] - d[3]) - d[2] + d[4],
    4.0 * d[1] - 5.0 * d[3] + d[5],
  );
}
fn g43(w: array<f32, 3>) -> array<f32, 6> {
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
fn at43(v: array<f32, 6>) -> array<f32, 4> {
  let p1 = v[1] + v[2];
  let m1 = v[1] - v[2];
  let p2 = v[3] + v[4];
  let m2 = v[3] - v[4];
  return array<f32, 4>(v[0] + p1 + p2, m1 + 2.0 * m2, p1 + 4.0 * p2, m1 + 8.0 * m2 + v[5]);
}
fn a43(y: array<f32, 4>) -> array<f32, 6> {
  let e = y[0] + y[2];
  let o = y[1] + y[3];
  let e2 = y[0] + 4.0 * y[2];
  let o2 = 2.0 * y[1] + 8.0 * y[3];
  return array<f32, 6>(y[0], e + o, e - o, e2 + o2, e2 - o2, y[3]);
}
fn gt43(v: array<f32, 6>) -> array<f32, 3> {
  let p = v[1] + v[2];
  let m = v[1] - v[2];
  let q = v[3] + v[4];
  let n = v[3] - v[4];
  return array<f32, 3>(0.25 * v[0] - p / 6.0 + q / 24.0, -m / 6.0 + n / 12.0, -p / 6.0 + q / 6.0 + v[5]);
}

// F(2x2, 5x5): B^T is bt6.
fn g25(w: array<f32, 5>) -> array<f32, 6> {
  let e = w[0] + w[2] + w[4];
  let o = w[1] + w[3];
  let e2 = w[0] + 4.0 * w[2] + 16.0 * w[4];
  let o2 = 2.0 * w[1] + 8.0 * w[3];
  return array<f32, 6>(0.25 * w[0], -(e + o) / 6.0, -(e - o) / 6.0, (e2 + o2) / 24.0, (e2 - o2) / 24.0, w[4]);
}
fn at25(v: array<f32, 6>) -> array<f32, 2> {
  return array<f32, 2>(v[0] + v[1] + v[2] + v[3] + v[4], v[1] - v[2] + 2.0 * (v[3] - v[4]) + v[5]);
}
fn a25(y: array<f32, 2>) -> array<f32, 6> {
  return array<f32, 6>(y[0], y[0] + y[1], y[0] - y[1], y[0] + 2.0 * y[1], y[0] - 2.0 * y[1], y[1]);
}
fn gt25(v: array<f32, 6>) -> array<f32, 5> {
  let p = -(v[1] + v[2]) / 6.0;
  let m = -(v[1] - v[2]) / 6.0;
  let q = v[3] + v[4];
  let n = v[3] - v[4];
  return array<f32, 5>(0.25 * v[0] + p + q / 24.0, m + n / 12.0, p + q / 6.0, m + n / 3.0, p + 2.0 * q / 3.0 + v[5]);
}

/*
 * Stride-1 convolutions by Winograd's minimal filtering F(m x m, r x r): each m x m
 * block of outputs comes from an a x a block of inputs (a = m + r - 1) with a^2
 * multiplications instead of m^2 r^2.
 *
 *   Y = A^T [ (G g G^T) (.) (B^T d B) ] A    per a x a input tile d and r x r filter g.
 *
 * Three tilings, all with the points 0, 1, -1 (and 2, -2 for a = 6) and infinity:
 *   F(2x2, 3x3), a = 4:  B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1],
 *                        G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1], A^T = [1 1 1 0; 0 1 -1 -1];
 *   F(4x4, 3x3), a = 6:  16 outputs from 36 products instead of 144;
 *   F(2x2, 5x5), a = 6:  4 outputs from 36 products instead of 100;
 * the last two share B^T (rows 4 0 -5 0 1 0 / 0 -4 -4 1 1 0 / 0 4 -4 -1 1 0 /
 * 0 -2 -1 2 1 0 / 0 2 -1 -2 1 0 / 0 4 0 -5 0 1); row i of G is s_i (1, p, p^2, ...) for
 * the point p_i with s = 1/4, -1/6, -1/6, 1/24, 1/24 (the last row picks the filter's last
 * tap), and row j of A^T is (p^j) over the points (the last column: 1 in the last row).
 *
 * A 5x5 filter may also run as four 3x3 blocks of its zero-padded 6x6 square, each
 * applied to the input shifted by 0 or 3 rows and columns: four F(2x2, 3x3)
 * convolutions whose sum is the 5x5 one. Channel ci with block q is then the virtual
 * input channel 4 ci + q, and everything below runs over virtual channels (one per
 * channel when the filter is one block).
 *
 * Summed over input channels, the element-wise products become a^2 matrix products,
 * one per position xi of the transformed tile:
 *   M[xi] (cOut x T) = U[xi] (cOut x cIn) V[xi] (cIn x T),
 * with U the transformed filters, V the transformed input tiles and T a set of tiles.
 *
 * The same kernel gives the input gradient: for stride 1, dX is the convolution of dY
 * with the filters turned by 180 degrees and their channels swapped, padded by
 * k - 1 - pad. The weight gradient follows from the same algebra:
 *   dU[xi] = sum over tiles of (A dY A^T)[xi] V[xi]^T,   dW = G^T dU G.
 *
 * Both run over blocks of tiles that the threads claim one by one: several whole
 * images, or some tile rows of one image when an image has more tiles than a block
 * holds. A block's transformed tiles are sized to stay in one core's cache, and the
 * transforms write them straight into the packed forms that the matrix product's
 * microkernel reads, so the products run on them as they lie.
 *
 * The forward pass first writes U in the product's packed form (panels of four output
 * channels). A block then goes from input planes to output planes on one thread: its
 * tiles' transforms into V (four tiles at once, in f32x4 lanes), the a^2 products into
 * M, and the outputs from M.
 *
 * The weight gradient transforms a block's dY and x tiles four channels at a time (in
 * lanes), into the packed forms of M and V^T, and adds the a^2 products into dU. Each
 * thread has a dU of its own whose sum makes dW; where those copies would take too much
 * memory, the threads share one dU instead and each task takes some output channels
 * over all the blocks.
 *
 * The transforms read zero-padded copies of the block's rows of each plane, so that no
 * tile needs bounds checks.
 *
 * Parameter block (32-bit integers), in forward form (the caller swaps the roles for
 * the input gradient):
 *   [0] n [1] cIn [2] h [3] w [4] cOut [5] padH [6] padW [7] outH [8] outW
 *   [9] x [10] weight (or dW) [11] bias or 0 [12] y (or dY) [13] images per block
 *   [14] tile rows per block, 0 for whole images [15] a block's tiles rounded up to 8
 *   [16] scratch [17] scratch floats per thread [18] tasks (1: all on the calling
 *   thread) [19] threads (scratch areas) [20] U (forward: a^2 x cOut rounded up to 4 x
 *   the virtual input channels, and a little; see XI_PAD), or the weight gradient's
 *   shared dU, or 0 for a dU per thread [21] flags: 1 = weight is [cIn][cOut] and
 *   turned (input gradient), 2 = add into dW [22] k, the filter's side (3 or 5)
 *   [23] m, the output tile's side (2 or 4) [24] r, the side of the filter's blocks
 *   (3, or 5 for a 5x5 filter in one block); (m, r) is (2, 3), (4, 3) or (2, 5)
 */
#include "kernels.h"

enum {
  WG_N, WG_CIN, WG_H, WG_W, WG_COUT, WG_PH, WG_PW, WG_OH, WG_OW, WG_X, WG_WEIGHT, WG_BIAS, WG_Y,
  WG_IMAGES, WG_ROWS, WG_TILES, WG_SCRATCH, WG_SCRATCH_FLOATS, WG_TASKS, WG_THREADS, WG_U, WG_FLAGS, WG_K, WG_M, WG_R
};
enum { FLAG_FLIPPED = 1, FLAG_ACCUMULATE = 2 };

/* Floats between one xi's part of U, V or M and the next beyond its size, so that the parts of a tile do not fall into one cache set. */
#define XI_PAD 16

/* The hot loops take the tiling as constants: each task picks its tiling once and the transforms unroll. */
#define INLINE static inline __attribute__((always_inline))

#define ADD wasm_f32x4_add
#define SUB wasm_f32x4_sub
#define MUL wasm_f32x4_mul
#define SPLAT wasm_f32x4_splat

/* Runs a phase of `count` tasks: over the threads, or in turn when the call stays on one thread. */
static void phase(task_fn task, const int32_t *a, int count) {
  if (a[WG_TASKS] > 1) {
    parallel_for(task, a, count);
    return;
  }
  for (int t = 0; t < count; t++) task(a, t, count, 0);
}

/*
 * A tiling: m x m outputs per tile, filter blocks of r x r, a = m + r - 1. A k x k filter
 * is s x s such blocks (s = 2 only for a 5x5 filter as 3x3 blocks), block q applied to the
 * input shifted by r (q / s) rows and r (q % s) columns: the input channel ci with block q
 * is the virtual channel ci s^2 + q, and the products sum over the virtual channels. A
 * tile then reads `halo` more rows and columns of input.
 */
typedef struct {
  int k, m, r, a, nxi, s, halo;
} tiling_t;

INLINE tiling_t tiling(int k, int m, int r) {
  tiling_t g;
  g.k = k;
  g.m = m;
  g.r = r;
  g.a = m + r - 1;
  g.nxi = g.a * g.a;
  g.s = (k + r - 1) / r;
  g.halo = r * (g.s - 1);
  return g;
}

INLINE int virtual_cin(const int32_t *p, tiling_t g) { return p[WG_CIN] * g.s * g.s; }

/* Where block q's input tile starts, relative to the whole tile's, in planes `wp` floats a row. */
INLINE int shift_of(tiling_t g, int q, int wp) { return g.r * (q / g.s) * wp + g.r * (q % g.s); }

/* Tile rows and columns of the output. */
INLINE int tiles_h(const int32_t *p, tiling_t g) { return (p[WG_OH] + g.m - 1) / g.m; }

INLINE int tiles_w(const int32_t *p, tiling_t g) { return (p[WG_OW] + g.m - 1) / g.m; }

/*
 * Runs body(p, t, count, thread, tiling) with the call's tiling as a constant, so that
 * each of the three tilings gets loops of its own.
 */
#define BY_TILING(name, body)                                                              \
  static void name(const int32_t *p, int t, int count, int thread) {                       \
    if (p[WG_M] == 4) body(p, t, count, thread, tiling(3, 4, 3));                           \
    else if (p[WG_R] == 5) body(p, t, count, thread, tiling(5, 2, 5));                      \
    else if (p[WG_K] == 5) body(p, t, count, thread, tiling(5, 2, 3));                      \
    else body(p, t, count, thread, tiling(3, 2, 3));                                        \
  }

/* ---- the transforms, one axis at a time (x[i xs] in, y[j ys] out; four tiles or channels in lanes) ---- */

/* y = B^T x over a points. */
INLINE void op_bt(tiling_t g, const v128_t *x, int xs, v128_t *y, int ys) {
  if (g.a == 4) {
    const v128_t x0 = x[0], x1 = x[xs], x2 = x[2 * xs], x3 = x[3 * xs];
    y[0] = SUB(x0, x2);
    y[ys] = ADD(x1, x2);
    y[2 * ys] = SUB(x2, x1);
    y[3 * ys] = SUB(x1, x3);
    return;
  }
  const v128_t x0 = x[0], x1 = x[xs], x2 = x[2 * xs], x3 = x[3 * xs], x4 = x[4 * xs], x5 = x[5 * xs];
  const v128_t two = SPLAT(2.0f), four = SPLAT(4.0f), five = SPLAT(5.0f);
  const v128_t d42 = SUB(x4, x2), d31 = MUL(two, SUB(x3, x1));
  y[0] = ADD(SUB(MUL(four, x0), MUL(five, x2)), x4);
  y[ys] = SUB(ADD(x3, x4), MUL(four, ADD(x1, x2)));
  y[2 * ys] = ADD(SUB(x4, x3), MUL(four, SUB(x1, x2)));
  y[3 * ys] = ADD(d42, d31);
  y[4 * ys] = SUB(d42, d31);
  y[5 * ys] = ADD(SUB(MUL(four, x1), MUL(five, x3)), x5);
}

/* y = A^T x: a points to m outputs. */
INLINE void op_at(tiling_t g, const v128_t *x, int xs, v128_t *y, int ys) {
  if (g.a == 4) {
    y[0] = ADD(ADD(x[0], x[xs]), x[2 * xs]);
    y[ys] = SUB(SUB(x[xs], x[2 * xs]), x[3 * xs]);
    return;
  }
  const v128_t x1 = x[xs], x2 = x[2 * xs], x3 = x[3 * xs], x4 = x[4 * xs];
  const v128_t s12 = ADD(x1, x2), d12 = SUB(x1, x2), s34 = ADD(x3, x4), d34 = SUB(x3, x4);
  y[0] = ADD(ADD(x[0], s12), s34);
  if (g.m == 2) {
    y[ys] = ADD(ADD(d12, MUL(SPLAT(2.0f), d34)), x[5 * xs]);
    return;
  }
  y[ys] = ADD(d12, MUL(SPLAT(2.0f), d34));
  y[2 * ys] = ADD(s12, MUL(SPLAT(4.0f), s34));
  y[3 * ys] = ADD(ADD(d12, MUL(SPLAT(8.0f), d34)), x[5 * xs]);
}

/* y = A x: m values to a points (the transpose of op_at). */
INLINE void op_a(tiling_t g, const v128_t *x, int xs, v128_t *y, int ys) {
  if (g.a == 4) {
    const v128_t x0 = x[0], x1 = x[xs];
    y[0] = x0;
    y[ys] = ADD(x0, x1);
    y[2 * ys] = SUB(x0, x1);
    y[3 * ys] = wasm_f32x4_neg(x1);
    return;
  }
  /* Even and odd powers of the points 1 (e, o) and 2 (e2, o2); m = 2 has no x2 and x3. */
  const v128_t x0 = x[0], x1 = x[xs];
  v128_t e = x0, o = x1, e2 = x0, o2 = MUL(SPLAT(2.0f), x1), last = x1;
  if (g.m == 4) {
    const v128_t x2 = x[2 * xs], x3 = x[3 * xs];
    e = ADD(x0, x2);
    o = ADD(x1, x3);
    e2 = ADD(x0, MUL(SPLAT(4.0f), x2));
    o2 = ADD(o2, MUL(SPLAT(8.0f), x3));
    last = x3;
  }
  y[0] = x0;
  y[ys] = ADD(e, o);
  y[2 * ys] = SUB(e, o);
  y[3 * ys] = ADD(e2, o2);
  y[4 * ys] = SUB(e2, o2);
  y[5 * ys] = last;
}

/* y = G x: r filter taps to a points. */
INLINE void op_g(tiling_t g, const v128_t *x, int xs, v128_t *y, int ys) {
  if (g.a == 4) {
    const v128_t half = SPLAT(0.5f), x0 = x[0], x1 = x[xs], x2 = x[2 * xs], e = ADD(x0, x2);
    y[0] = x0;
    y[ys] = MUL(half, ADD(e, x1));
    y[2 * ys] = MUL(half, SUB(e, x1));
    y[3 * ys] = x2;
    return;
  }
  v128_t e, o, e2, o2;
  const v128_t x0 = x[0], x1 = x[xs], x2 = x[2 * xs];
  if (g.r == 3) {
    e = ADD(x0, x2);
    o = x1;
    e2 = ADD(x0, MUL(SPLAT(4.0f), x2));
    o2 = MUL(SPLAT(2.0f), x1);
  } else {
    const v128_t x3 = x[3 * xs], x4 = x[4 * xs];
    e = ADD(ADD(x0, x2), x4);
    o = ADD(x1, x3);
    e2 = ADD(ADD(x0, MUL(SPLAT(4.0f), x2)), MUL(SPLAT(16.0f), x4));
    o2 = ADD(MUL(SPLAT(2.0f), x1), MUL(SPLAT(8.0f), x3));
  }
  const v128_t sixth = SPLAT(-1.0f / 6.0f), twentyfourth = SPLAT(1.0f / 24.0f);
  y[0] = MUL(SPLAT(0.25f), x0);
  y[ys] = MUL(sixth, ADD(e, o));
  y[2 * ys] = MUL(sixth, SUB(e, o));
  y[3 * ys] = MUL(twentyfourth, ADD(e2, o2));
  y[4 * ys] = MUL(twentyfourth, SUB(e2, o2));
  y[5 * ys] = x[(g.r - 1) * xs];
}

/* y = G^T x: a points to r filter taps (the transpose of op_g). */
INLINE void op_gt(tiling_t g, const v128_t *x, int xs, v128_t *y, int ys) {
  const v128_t half = SPLAT(0.5f);
  if (g.a == 4) {
    const v128_t mid = MUL(half, ADD(x[xs], x[2 * xs]));
    y[0] = ADD(x[0], mid);
    y[ys] = MUL(half, SUB(x[xs], x[2 * xs]));
    y[2 * ys] = ADD(mid, x[3 * xs]);
    return;
  }
  const v128_t x1 = x[xs], x2 = x[2 * xs], x3 = x[3 * xs], x4 = x[4 * xs];
  const v128_t p = MUL(SPLAT(-1.0f / 6.0f), ADD(x1, x2)), q = MUL(SPLAT(-1.0f / 6.0f), SUB(x1, x2));
  const v128_t s = ADD(x3, x4), d = SUB(x3, x4);
  y[0] = ADD(ADD(MUL(SPLAT(0.25f), x[0]), p), MUL(SPLAT(1.0f / 24.0f), s));
  y[ys] = ADD(q, MUL(SPLAT(1.0f / 12.0f), d));
  if (g.r == 3) {
    y[2 * ys] = ADD(ADD(p, MUL(SPLAT(1.0f / 6.0f), s)), x[5 * xs]);
    return;
  }
  y[2 * ys] = ADD(p, MUL(SPLAT(1.0f / 6.0f), s));
  y[3 * ys] = ADD(q, MUL(SPLAT(1.0f / 3.0f), d));
  y[4 * ys] = ADD(ADD(p, MUL(SPLAT(2.0f / 3.0f), s)), x[5 * xs]);
}

/* A transform along one axis, as the op_ functions above are. */
typedef void (*axis_op_t)(tiling_t g, const v128_t *x, int xs, v128_t *y, int ys);

/*
 * y = T x T^T for the 1-D transform T of `op` (n values to n2), x n x n and y n2 x n2
 * row by row: along the columns of x into an n2 x n middle, then along its rows.
 */
INLINE void two_sided(axis_op_t op, tiling_t g, int n, int n2, const v128_t *x, v128_t *y) {
  v128_t mid[36];
  for (int j = 0; j < n; j++) op(g, x + j, n, mid + j, n);
  for (int i = 0; i < n2; i++) op(g, mid + i * n, 1, y + i * n2, 1);
}

/* (B^T d B) of four a x a tiles: d[a i + j] holds element (i, j) of each tile (lanes), res likewise. */
INLINE void input_transform(tiling_t g, const v128_t *d, v128_t *res) { two_sided(op_bt, g, g.a, g.a, d, res); }

/* (A^T q A): a x a to m x m. */
INLINE void output_transform(tiling_t g, const v128_t *q, v128_t *out) { two_sided(op_at, g, g.a, g.m, q, out); }

/* (A d A^T) of m x m output-gradient tiles: to a x a. */
INLINE void grad_transform(tiling_t g, const v128_t *d, v128_t *res) { two_sided(op_a, g, g.m, g.a, d, res); }

/* (G w G^T) of r x r filter blocks: to a x a. */
INLINE void filter_transform(tiling_t g, const v128_t *w, v128_t *res) { two_sided(op_g, g, g.r, g.a, w, res); }

/* (G^T u G): a x a to r x r filter taps. */
INLINE void weight_transform(tiling_t g, const v128_t *u, v128_t *res) { two_sided(op_gt, g, g.a, g.r, u, res); }

/* ---- tiles ------------------------------------------------------------------------- */

/*
 * Elements 0 and 1 after p0 .. p3, as two vectors whose lanes are the four: four 8-byte
 * loads and four shuffles instead of eight lone loads.
 */
INLINE void pairs4(const float *p0, const float *p1, const float *p2, const float *p3, v128_t *first, v128_t *second) {
  const v128_t a = wasm_v128_load64_zero(p0), b = wasm_v128_load64_zero(p1);
  const v128_t c = wasm_v128_load64_zero(p2), d = wasm_v128_load64_zero(p3);
  const v128_t ab = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5), cd = wasm_i32x4_shuffle(c, d, 0, 4, 1, 5);
  *first = wasm_i32x4_shuffle(ab, cd, 0, 1, 4, 5);
  *second = wasm_i32x4_shuffle(ab, cd, 2, 3, 6, 7);
}

/*
 * Four side x side tiles (side 2, 4 or 6) whose first elements are at p[0..3], rows
 * `wp` floats apart, into d[side i + j] with tile l in lane l.
 */
INLINE void load_tiles(int side, const float *const p[4], int wp, v128_t *d) {
  for (int i = 0; i < side; i++) {
    const int e = i * wp;
    v128_t *row = d + i * side;
    if (side == 2) {
      pairs4(p[0] + e, p[1] + e, p[2] + e, p[3] + e, &row[0], &row[1]);
      continue;
    }
    v128_t t0 = wasm_v128_load(p[0] + e), t1 = wasm_v128_load(p[1] + e);
    v128_t t2 = wasm_v128_load(p[2] + e), t3 = wasm_v128_load(p[3] + e);
    TRANSPOSE4(t0, t1, t2, t3);
    row[0] = t0;
    row[1] = t1;
    row[2] = t2;
    row[3] = t3;
    if (side == 6) pairs4(p[0] + e + 4, p[1] + e + 4, p[2] + e + 4, p[3] + e + 4, &row[4], &row[5]);
  }
}

/*
 * Rows [row0, row0 + rows) of plane src ([h, w]) into dst, `stride` floats a row and
 * starting at column `col`, zero wherever src has nothing (rows outside it, the
 * columns around it); a null src gives all zeros.
 */
static void pad_rows(float *dst, int rows, int stride, int col, const float *src, int h, int w, int row0) {
  zero_floats(dst, rows * stride);
  if (!src) return;
  for (int r = 0; r < rows; r++) {
    const int y = row0 + r;
    if (y >= 0 && y < h) copy_floats(dst + (size_t)r * stride + col, src + (size_t)y * w, w);
  }
}

/* ---- blocks -------------------------------------------------------------------------- */

/* A block: tile rows [y0, y1) of images [i0, i1). */
typedef struct {
  int i0, i1, y0, y1;
} block_t;

static int block_count(const int32_t *a, int th) {
  const int rows = a[WG_ROWS];
  return rows > 0 ? a[WG_N] * ((th + rows - 1) / rows) : (a[WG_N] + a[WG_IMAGES] - 1) / a[WG_IMAGES];
}

static block_t block_of(const int32_t *a, int th, int t) {
  block_t b;
  const int rows = a[WG_ROWS];
  if (rows > 0) {
    const int chunks = (th + rows - 1) / rows;
    b.i0 = t / chunks;
    b.i1 = b.i0 + 1;
    b.y0 = t % chunks * rows;
    b.y1 = imin(th, b.y0 + rows);
  } else {
    b.i0 = t * a[WG_IMAGES];
    b.i1 = imin(a[WG_N], b.i0 + a[WG_IMAGES]);
    b.y0 = 0;
    b.y1 = th;
  }
  return b;
}

/* The tile rows of output, which the host passes as the (m-dependent) count of the call's blocks. */
static int th_of(const int32_t *a) { return (a[WG_OH] + a[WG_M] - 1) / a[WG_M]; }

/* ---- the forward pass ------------------------------------------------------------------ */

/*
 * The s^2 r x r blocks of one k x k filter (turned by 180 degrees when flipped), cut at
 * k and padded with zeros, into dst[4 (r^2 q + tap)] for block q (lane stride 4).
 */
INLINE void gather_blocks(tiling_t g, const float *src, int flipped, float *dst) {
  /* Tap (i, j) is src[i k + j]; turned, src[k^2 - 1 - (i k + j)]. */
  const int k = g.k, r = g.r;
  const float *base = flipped ? src + k * k - 1 : src;
  const int step = flipped ? -1 : 1;
  if (g.s == 1) {
    /* One whole block, nothing cut: a straight copy. */
    for (int tap = 0; tap < k * k; tap++) dst[4 * tap] = base[step * tap];
    return;
  }
  for (int qr = 0; qr < g.s; qr++)
    for (int qc = 0; qc < g.s; qc++, dst += 4 * r * r)
      for (int i = 0; i < r; i++)
        for (int j = 0; j < r; j++) {
          const int y = r * qr + i, x = r * qc + j;
          dst[4 * (r * i + j)] = y < k && x < k ? base[step * (y * k + x)] : 0.0f;
        }
}

/*
 * U in the product's packed form, filled for the panels (four output channels each) of
 * [first, last): U[xi][panel][v][l] = (G w G^T)[xi] of block q of the filter
 * (4 panel + l, ci), v = ci s^2 + q, zero past cOut. A panel of U[xi] is then the
 * product's A operand as it stands.
 */
INLINE void filter_body(const int32_t *a, int t, int count, int thread, tiling_t g) {
  const int cin = a[WG_CIN], cout = a[WG_COUT], flipped = a[WG_FLAGS] & FLAG_FLIPPED, k = g.k, rr = g.r * g.r;
  const int panels = (cout + 3) >> 2, vcin = virtual_cin(a, g), sq = g.s * g.s;
  const float *w = (const float *)a[WG_WEIGHT];
  const size_t stride = (size_t)panels * vcin * 4 + XI_PAD; /* from U[xi] to U[xi + 1] */
  /* The panel's taps by virtual channel, [vcin][r^2][4], staged in the thread's room for V (free until the blocks run). */
  float *taps = (float *)a[WG_SCRATCH] + (size_t)thread * a[WG_SCRATCH_FLOATS];
  int first, last;
  share(panels, t, count, &first, &last);
  for (int pn = first; pn < last; pn++) {
    for (int l = 0; l < 4; l++) {
      const int co = 4 * pn + l;
      if (co >= cout) {
        for (int v = 0; v < vcin; v++)
          for (int tap = 0; tap < rr; tap++) taps[((size_t)v * rr + tap) * 4 + l] = 0.0f;
        continue;
      }
      for (int ci = 0; ci < cin; ci++) {
        /* The input gradient's filter (co, ci) is the forward filter (ci, co) turned by 180 degrees. */
        const float *src = flipped ? w + ((size_t)ci * cout + co) * k * k : w + ((size_t)co * cin + ci) * k * k;
        gather_blocks(g, src, flipped, taps + (size_t)ci * sq * rr * 4 + l);
      }
    }
    float *dst = (float *)a[WG_U] + (size_t)pn * vcin * 4;
    for (int v = 0; v < vcin; v++, dst += 4) {
      v128_t f[25], u[36];
      for (int tap = 0; tap < rr; tap++) f[tap] = wasm_v128_load(taps + ((size_t)v * rr + tap) * 4);
      filter_transform(g, f, u);
      for (int xi = 0; xi < g.nxi; xi++) wasm_v128_store(dst + xi * stride, u[xi]);
    }
  }
}
BY_TILING(filter_task, filter_body)

/*
 * A thread's scratch in the forward pass (tiles = the block's tiles rounded up to 8):
 * V in the product's packed form, [a^2][tiles / 8][vcin][8]; M, [a^2][cOut rounded up to
 * 4][tiles]; the zero-padded rows of the block's planes of one channel; and per tile,
 * where its input starts in those planes, where its outputs go, and how many of its
 * rows and columns fall inside the output.
 */
typedef struct {
  float *v, *m, *planes;
  int32_t *from, *to, *edge;
  int th, tw, wp;
} block_scratch_t;

INLINE block_scratch_t block_scratch(const int32_t *a, int thread, tiling_t g) {
  const int tiles = a[WG_TILES], vcin = virtual_cin(a, g), cout4 = (a[WG_COUT] + 3) & ~3, rows = a[WG_ROWS];
  block_scratch_t s;
  s.th = tiles_h(a, g);
  s.tw = tiles_w(a, g);
  s.wp = g.m * s.tw + g.a - g.m + g.halo;
  s.v = (float *)a[WG_SCRATCH] + (size_t)thread * a[WG_SCRATCH_FLOATS];
  s.m = s.v + (size_t)g.nxi * (vcin * tiles + XI_PAD);
  s.planes = s.m + (size_t)g.nxi * (cout4 * tiles + XI_PAD);
  s.from = (int32_t *)(s.planes + (size_t)(rows > 0 ? 1 : a[WG_IMAGES]) * (g.m * (rows > 0 ? rows : s.th) + g.a - g.m + g.halo) * s.wp);
  s.to = s.from + tiles;
  s.edge = s.to + tiles;
  return s;
}

/* A tile's edge: 0 when all its outputs lie inside the output, else (rows inside) << 8 | (columns inside). */
INLINE int32_t edge_of(int m, int rows, int cols) { return rows >= m && cols >= m ? 0 : imin(m, rows) << 8 | imin(m, cols); }

/*
 * The outputs of four tiles of one output channel from M (rows `stride` apart), with
 * the bias, to y + to[l]; only the first `lanes` tiles are real.
 */
INLINE void scatter_tiles(tiling_t g, const float *m, size_t stride, const int32_t *to, const int32_t *edges, float *y, int ow, float bias, int lanes) {
  v128_t q[36], o[16];
  for (int xi = 0; xi < g.nxi; xi++) q[xi] = wasm_v128_load(m + xi * stride);
  output_transform(g, q, o);
  const v128_t vb = SPLAT(bias);
  for (int i = 0; i < g.m * g.m; i++) o[i] = ADD(o[i], vb);
  if (g.m == 2) {
    /* Then lane l of o[0..3] are tile l's outputs (0, 0), (0, 1), (1, 0), (1, 1). */
    TRANSPOSE4(o[0], o[1], o[2], o[3]);
    for (int l = 0; l < lanes; l++) {
      float *p = y + to[l];
      const int edge = edges[l];
      if (!edge) {
        wasm_v128_store64_lane(p, o[l], 0);
        wasm_v128_store64_lane(p + ow, o[l], 1);
        continue;
      }
      float v[4];
      wasm_v128_store(v, o[l]);
      const int rows = edge >> 8, cols = edge & 255;
      for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) p[i * ow + j] = v[2 * i + j];
    }
    return;
  }
  for (int i = 0; i < 4; i++) {
    /* Row i of the four tiles, tile l's in o[4 i + l]. */
    TRANSPOSE4(o[4 * i], o[4 * i + 1], o[4 * i + 2], o[4 * i + 3]);
    for (int l = 0; l < lanes; l++) {
      float *p = y + to[l] + i * ow;
      const int edge = edges[l];
      if (!edge) {
        wasm_v128_store(p, o[4 * i + l]);
        continue;
      }
      const int rows = edge >> 8, cols = edge & 255;
      if (i >= rows) continue;
      float v[4];
      wasm_v128_store(v, o[4 * i + l]);
      for (int j = 0; j < cols; j++) p[j] = v[j];
    }
  }
}

/*
 * One block of the forward pass, from input planes to output planes: the tiles of
 * every input channel into V (through a zero-padded copy of the block's rows), the a^2
 * products M[xi] = U[xi] V[xi] straight from the packed operands, and the outputs of
 * every output channel from M. V and M stay in the thread's caches.
 */
INLINE void block_body(const int32_t *a, int t, int count, int thread, tiling_t g) {
  (void)count;
  const int cin = a[WG_CIN], cout = a[WG_COUT], h = a[WG_H], w = a[WG_W], oh = a[WG_OH], ow = a[WG_OW];
  const int ph = a[WG_PH], pw = a[WG_PW], cout4 = (cout + 3) & ~3, vcin = virtual_cin(a, g), sq = g.s * g.s, m = g.m;
  const size_t in_plane = (size_t)h * w, out_plane = (size_t)oh * ow;
  const block_scratch_t s = block_scratch(a, thread, g);
  const block_t b = block_of(a, s.th, t);
  const int seg_rows = m * (b.y1 - b.y0) + g.a - m + g.halo;
  const size_t seg = (size_t)seg_rows * s.wp;

  /* Where each tile's input and output are. */
  int n = 0;
  for (int i = b.i0; i < b.i1; i++)
    for (int ty = b.y0; ty < b.y1; ty++)
      for (int tx = 0; tx < s.tw; tx++, n++) {
        s.from[n] = (int32_t)((size_t)(i - b.i0) * seg + (size_t)(m * (ty - b.y0)) * s.wp + m * tx);
        s.to[n] = (int32_t)((size_t)i * cout * out_plane + (size_t)(m * ty) * ow + m * tx);
        s.edge[n] = edge_of(m, oh - m * ty, ow - m * tx);
      }
  /* The product runs on whole panels of eight tiles; the extra ones repeat the last tile. */
  const int tiles = (n + 7) & ~7, stride = a[WG_TILES];
  for (int j = n; j < tiles; j++) s.from[j] = s.from[n - 1];

  const float *x = (const float *)a[WG_X];
  const size_t v_xi = (size_t)vcin * stride + XI_PAD;
  for (int ci = 0; ci < cin; ci++) {
    for (int i = b.i0; i < b.i1; i++) {
      pad_rows(s.planes + (size_t)(i - b.i0) * seg, seg_rows, s.wp, pw, x + ((size_t)i * cin + ci) * in_plane, h, w, m * b.y0 - ph);
    }
    /* Four tiles at a time (lanes 0-3 or 4-7 of a panel of eight), for each block of the filter. */
    for (int q = 0; q < sq; q++) {
      const int v = ci * sq + q;
      const float *planes = s.planes + shift_of(g, q, s.wp);
      for (int j = 0; j < tiles; j += 4) {
        const float *p[4] = {planes + s.from[j], planes + s.from[j + 1], planes + s.from[j + 2], planes + s.from[j + 3]};
        v128_t d[36], res[36];
        load_tiles(g.a, p, s.wp, d);
        input_transform(g, d, res);
        float *dst = s.v + (size_t)(j >> 3) * vcin * 8 + (size_t)v * 8 + (j & 7);
        for (int xi = 0; xi < g.nxi; xi++) wasm_v128_store(dst + xi * v_xi, res[xi]);
      }
    }
  }

  const int panels = cout4 >> 2;
  for (int xi = 0; xi < g.nxi; xi++) {
    const float *u = (const float *)a[WG_U] + (size_t)xi * ((size_t)panels * vcin * 4 + XI_PAD);
    const float *v = s.v + (size_t)xi * v_xi;
    float *mx = s.m + (size_t)xi * (cout4 * stride + XI_PAD);
    for (int pn = 0; pn < panels; pn++)
      for (int j = 0; j < tiles; j += 8) gemm_kernel_4x8(vcin, u + (size_t)pn * vcin * 4, v + (size_t)j * vcin, 8, mx + (size_t)4 * pn * stride + j, stride, 0, 0);
  }

  const float *bias = (const float *)a[WG_BIAS];
  float *y = (float *)a[WG_Y];
  const size_t m_stride = (size_t)cout4 * stride + XI_PAD;
  for (int co = 0; co < cout; co++) {
    const float *mc = s.m + (size_t)co * stride;
    float *yc = y + (size_t)co * out_plane;
    const float bc = bias ? bias[co] : 0.0f;
    for (int j = 0; j < n; j += 4) scatter_tiles(g, mc + j, m_stride, s.to + j, s.edge + j, yc, ow, bc, imin(4, n - j));
  }
}
BY_TILING(block_task, block_body)

/* ---- the weight gradient by blocks of tiles --------------------------------------------- */

/*
 * dU is [a^2][cOut rounded up to 4][cIn rounded up to 8]. Either each thread adds its
 * blocks' products into a dU of its own, at the start of its scratch, and dW comes
 * from the sum of those copies; or (where the copies would take too much memory, a
 * non-zero [20]) the threads share one dU, each task taking some output channels over
 * all the blocks.
 */
/* The virtual input channels rounded up to a panel of eight. */
INLINE int cin8_of(const int32_t *a, tiling_t g) { return (virtual_cin(a, g) + 7) & ~7; }

static int cout4_of(const int32_t *a) { return (a[WG_COUT] + 3) & ~3; }

INLINE size_t du_xi_stride(const int32_t *a, tiling_t g) { return (size_t)cout4_of(a) * cin8_of(a, g) + XI_PAD; }

/*
 * Where dW's transformed sums lie: the element (xi, co, v) of dU (v a virtual input
 * channel) is the sum over `copies` copies, `copy` floats apart, of
 * base[xi * xi_stride + co * row + v].
 */
typedef struct {
  const float *base;
  size_t xi_stride, copy;
  int row, copies;
} du_source_t;

INLINE du_source_t du_source(const int32_t *a, tiling_t g) {
  du_source_t s;
  s.xi_stride = du_xi_stride(a, g);
  s.row = cin8_of(a, g);
  if (a[WG_U]) {
    s.base = (const float *)a[WG_U];
    s.copies = 1;
    s.copy = 0;
  } else {
    s.base = (const float *)a[WG_SCRATCH];
    s.copies = a[WG_THREADS];
    s.copy = (size_t)a[WG_SCRATCH_FLOATS];
  }
  return s;
}

/*
 * dW = G^T dU G for output channels [first, last), four virtual input channels at a
 * time; each r x r result is its block of the k x k filter, cut at k (added into dW
 * with FLAG_ACCUMULATE).
 */
INLINE void weight_body(const int32_t *a, int t, int count, int thread, tiling_t g) {
  (void)thread;
  const int cin = a[WG_CIN], k = g.k, r = g.r, accumulate = a[WG_FLAGS] & FLAG_ACCUMULATE;
  const int vcin = virtual_cin(a, g), sq = g.s * g.s;
  const du_source_t du = du_source(a, g);
  float *dw = (float *)a[WG_WEIGHT];
  float taps[100];
  int first, last;
  share(a[WG_COUT], t, count, &first, &last);
  for (int co = first; co < last; co++) {
    const float *src = du.base + (size_t)co * du.row;
    /* Rows of dU are padded to eight, so four lanes can always be read. */
    for (int v0 = 0; v0 < vcin; v0 += 4) {
      v128_t u[36], f[25];
      for (int xi = 0; xi < g.nxi; xi++) {
        const float *p = src + xi * du.xi_stride + v0;
        u[xi] = wasm_v128_load(p);
        for (int c = 1; c < du.copies; c++) u[xi] = ADD(u[xi], wasm_v128_load(p + c * du.copy));
      }
      weight_transform(g, u, f);
      for (int tap = 0; tap < r * r; tap++) wasm_v128_store(taps + 4 * tap, f[tap]);
      if (g.s == 1) {
        /* Four whole filters, one after the other in dW: a k^2 x 4 transpose. */
        float *out = dw + ((size_t)co * cin + v0) * k * k;
        const int lanes = imin(4, vcin - v0);
        for (int l = 0; l < lanes; l++)
          for (int tap = 0; tap < k * k; tap++) {
            float *o = out + k * k * l + tap;
            *o = accumulate ? *o + taps[tap * 4 + l] : taps[tap * 4 + l];
          }
        continue;
      }
      /* Each lane's r x r result is its block of its filter, cut at k. */
      for (int l = 0; l < 4 && v0 + l < vcin; l++) {
        const int ci = (v0 + l) / sq, q = (v0 + l) % sq;
        const int r0 = r * (q / g.s), c0 = r * (q % g.s);
        float *out = dw + ((size_t)co * cin + ci) * k * k;
        for (int i = 0; i < r && r0 + i < k; i++)
          for (int j = 0; j < r && c0 + j < k; j++) {
            float *o = out + (r0 + i) * k + c0 + j;
            *o = accumulate ? *o + taps[(r * i + j) * 4 + l] : taps[(r * i + j) * 4 + l];
          }
      }
    }
  }
}
BY_TILING(weight_task, weight_body)

/*
 * A thread's scratch in the weight gradient: its dU (without a shared one); M and V
 * of a block in the product's packed forms, [a^2][cOut4 / 4][tiles][4] and
 * [a^2][cIn8 / 8][tiles][8]; the zero-padded planes of four channels of the block's
 * input, and of its output gradient; where each tile starts in those planes.
 */
typedef struct {
  float *du, *m, *v, *xp, *gp;
  int32_t *from_x, *from_g;
  size_t m_xi, v_xi, x_channel, g_channel;
  int th, tw, wp;
} wblock_scratch_t;

INLINE wblock_scratch_t wblock_scratch(const int32_t *a, int thread, tiling_t g) {
  const int tiles = a[WG_TILES], rows = a[WG_ROWS], segs = rows > 0 ? 1 : a[WG_IMAGES];
  wblock_scratch_t s;
  s.th = tiles_h(a, g);
  s.tw = tiles_w(a, g);
  s.wp = g.m * s.tw + g.a - g.m + g.halo;
  const int block_rows = rows > 0 ? rows : s.th;
  s.m_xi = (size_t)cout4_of(a) * tiles + XI_PAD;
  s.v_xi = (size_t)cin8_of(a, g) * tiles + XI_PAD;
  s.x_channel = (size_t)segs * (g.m * block_rows + g.a - g.m + g.halo) * s.wp;
  s.g_channel = (size_t)segs * (g.m * block_rows) * (g.m * s.tw);
  s.du = (float *)a[WG_SCRATCH] + (size_t)thread * a[WG_SCRATCH_FLOATS];
  s.m = s.du + (a[WG_U] ? 0 : g.nxi * du_xi_stride(a, g));
  s.v = s.m + g.nxi * s.m_xi;
  s.xp = s.v + g.nxi * s.v_xi;
  s.gp = s.xp + 4 * s.x_channel;
  s.from_x = (int32_t *)(s.gp + 4 * s.g_channel);
  s.from_g = s.from_x + tiles;
  return s;
}

/*
 * Block t of the weight gradient for output channels [c0, c1) (multiples of 4): their
 * output-gradient tiles into M and the input tiles of every input channel into V, four
 * channels at a time (lanes) so that they land in the product's packed forms, then
 * dU[xi] += M[xi] V[xi]^T over the block's tiles by the product's microkernel.
 */
INLINE void weight_block(const int32_t *a, tiling_t g, const wblock_scratch_t *s, int t, int c0, int c1, float *du) {
  const int cin = a[WG_CIN], cout = a[WG_COUT], h = a[WG_H], w = a[WG_W], oh = a[WG_OH], ow = a[WG_OW];
  const int ph = a[WG_PH], pw = a[WG_PW], cin8 = cin8_of(a, g), vcin = virtual_cin(a, g), sq = g.s * g.s, m = g.m;
  const block_t b = block_of(a, s->th, t);
  const int rows = b.y1 - b.y0, gw = m * s->tw, xrows = m * rows + g.a - m + g.halo;
  const size_t xseg = (size_t)xrows * s->wp, gseg = (size_t)(m * rows) * gw;

  int n = 0;
  for (int i = b.i0; i < b.i1; i++)
    for (int ty = b.y0; ty < b.y1; ty++)
      for (int tx = 0; tx < s->tw; tx++, n++) {
        s->from_x[n] = (int32_t)((size_t)(i - b.i0) * xseg + (size_t)(m * (ty - b.y0)) * s->wp + m * tx);
        s->from_g[n] = (int32_t)((size_t)(i - b.i0) * gseg + (size_t)(m * (ty - b.y0)) * gw + m * tx);
      }

  /* Output-gradient tiles: panel (c - c0) / 4 of M[xi] is [tile][4 channels]. */
  const float *dy = (const float *)a[WG_Y];
  for (int c = c0; c < c1; c += 4) {
    for (int l = 0; l < 4; l++)
      for (int i = b.i0; i < b.i1; i++) {
        const float *src = c + l < cout ? dy + ((size_t)i * cout + c + l) * oh * ow : 0;
        pad_rows(s->gp + l * s->g_channel + (size_t)(i - b.i0) * gseg, m * rows, gw, 0, src, oh, ow, m * b.y0);
      }
    float *dst = s->m + (size_t)(c - c0) * n;
    for (int j = 0; j < n; j++, dst += 4) {
      const float *p0 = s->gp + s->from_g[j];
      const float *p[4] = {p0, p0 + s->g_channel, p0 + 2 * s->g_channel, p0 + 3 * s->g_channel};
      v128_t d[16], res[36];
      load_tiles(m, p, gw, d);
      grad_transform(g, d, res);
      for (int xi = 0; xi < g.nxi; xi++) wasm_v128_store(dst + xi * s->m_xi, res[xi]);
    }
  }

  /*
   * Input tiles: panel v / 8 of V[xi] is [tile][8 virtual channels], filled four at a
   * time; lane l reads the padded plane of its channel (one of at most four, slot
   * ci - ci0) where its block of the filter starts.
   */
  const float *x = (const float *)a[WG_X];
  for (int v = 0; v < cin8; v += 4) {
    const int ci0 = v / sq, planes = (v + 3) / sq - ci0 + 1;
    for (int l = 0; l < planes; l++)
      for (int i = b.i0; i < b.i1; i++) {
        const int ci = ci0 + l;
        const float *src = ci < cin ? x + ((size_t)i * cin + ci) * h * w : 0;
        pad_rows(s->xp + l * s->x_channel + (size_t)(i - b.i0) * xseg, xrows, s->wp, pw, src, h, w, m * b.y0 - ph);
      }
    const float *lane[4];
    for (int l = 0; l < 4; l++) {
      /* Virtual channels past vcin read a zero plane (their channel is past cIn). */
      const int q = v + l < vcin ? (v + l) % sq : 0;
      lane[l] = s->xp + ((v + l) / sq - ci0) * s->x_channel + shift_of(g, q, s->wp);
    }
    float *dst = s->v + (size_t)(v >> 3) * n * 8 + (v & 7);
    for (int j = 0; j < n; j++, dst += 8) {
      const int at = s->from_x[j];
      const float *p[4] = {lane[0] + at, lane[1] + at, lane[2] + at, lane[3] + at};
      v128_t d[36], res[36];
      load_tiles(g.a, p, s->wp, d);
      input_transform(g, d, res);
      for (int xi = 0; xi < g.nxi; xi++) wasm_v128_store(dst + xi * s->v_xi, res[xi]);
    }
  }

  const size_t du_xi = du_xi_stride(a, g);
  for (int xi = 0; xi < g.nxi; xi++) {
    const float *mx = s->m + xi * s->m_xi, *vx = s->v + xi * s->v_xi;
    float *dux = du + xi * du_xi;
    for (int c = c0; c < c1; c += 4)
      for (int q = 0; q < cin8; q += 8) gemm_kernel_4x8(n, mx + (size_t)(c - c0) * n, vx + (size_t)q * n, 8, dux + (size_t)c * cin8 + q, cin8, 0, 1);
  }
}

/* Zeroes thread t's dU. */
INLINE void zero_du_body(const int32_t *a, int t, int count, int thread, tiling_t g) {
  (void)count;
  (void)thread;
  zero_floats(wblock_scratch(a, t, g).du, (int)(g.nxi * du_xi_stride(a, g)));
}
BY_TILING(zero_du_task, zero_du_body)

/* Block t into the calling thread's dU. */
INLINE void weight_block_body(const int32_t *a, int t, int count, int thread, tiling_t g) {
  (void)count;
  const wblock_scratch_t s = wblock_scratch(a, thread, g);
  weight_block(a, g, &s, t, 0, cout4_of(a), s.du);
}
BY_TILING(weight_block_task, weight_block_body)

/* A share of the output channels (whole panels of four) over every block, into the shared dU; one task per thread, since each transforms all of x. */
INLINE void weight_channels_body(const int32_t *a, int t, int count, int thread, tiling_t g) {
  const wblock_scratch_t s = wblock_scratch(a, thread, g);
  int first, last;
  share(cout4_of(a) >> 2, t, count, &first, &last);
  if (first == last) return;
  float *du = (float *)a[WG_U];
  const size_t du_xi = du_xi_stride(a, g);
  const int cin8 = cin8_of(a, g);
  for (int xi = 0; xi < g.nxi; xi++) zero_floats(du + xi * du_xi + (size_t)4 * first * cin8, 4 * (last - first) * cin8);
  const int blocks = block_count(a, s.th);
  for (int b = 0; b < blocks; b++) weight_block(a, g, &s, b, 4 * first, 4 * last, du);
}
BY_TILING(weight_channels_task, weight_channels_body)

EXPORT(winograd_forward)
void winograd_forward(const int32_t *a) {
  phase(filter_task, a, imin(a[WG_TASKS], (a[WG_COUT] + 3) >> 2));
  phase(block_task, a, block_count(a, th_of(a)));
}

EXPORT(winograd_backward_weight)
void winograd_backward_weight(const int32_t *a) {
  if (a[WG_U]) {
    phase(weight_channels_task, a, imin(a[WG_THREADS], cout4_of(a) >> 2));
  } else {
    phase(zero_du_task, a, a[WG_THREADS]);
    phase(weight_block_task, a, block_count(a, th_of(a)));
  }
  phase(weight_task, a, imin(a[WG_TASKS], a[WG_COUT]));
}

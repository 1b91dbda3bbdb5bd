/*
 * What the two passes of Winograd's convolutions share: winograd.c runs the forward
 * pass (and so the input gradient), winograd-weight.c the weight gradient.
 *
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
#ifndef WINOGRAD_H
#define WINOGRAD_H

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
static inline void phase(task_fn task, const int32_t *a, int count) {
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
 * Task `name`: body(p, t, count, thread, tiling) with the call's tiling as a constant, so
 * that each tiling gets loops of its own, each in a function of its own: the engine
 * compiles a function's optimised code once it runs hot, and one tiling's body compiles
 * in a quarter of the time all four together took.
 */
#define BY_TILING(name, body)                                                                          \
  static NOINLINE void name##_f23(const int32_t *p, int t, int count, int thread) { body(p, t, count, thread, tiling(3, 2, 3)); } \
  static NOINLINE void name##_f23x4(const int32_t *p, int t, int count, int thread) { body(p, t, count, thread, tiling(5, 2, 3)); } \
  static NOINLINE void name##_f43(const int32_t *p, int t, int count, int thread) { body(p, t, count, thread, tiling(3, 4, 3)); } \
  static NOINLINE void name##_f25(const int32_t *p, int t, int count, int thread) { body(p, t, count, thread, tiling(5, 2, 5)); } \
  static void name(const int32_t *p, int t, int count, int thread) {                                   \
    if (p[WG_M] == 4) name##_f43(p, t, count, thread);                                                 \
    else if (p[WG_R] == 5) name##_f25(p, t, count, thread);                                            \
    else if (p[WG_K] == 5) name##_f23x4(p, t, count, thread);                                          \
    else name##_f23(p, t, count, thread);                                                              \
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
static inline void pad_rows(float *dst, int rows, int stride, int col, const float *src, int h, int w, int row0) {
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

static inline int block_count(const int32_t *a, int th) {
  const int rows = a[WG_ROWS];
  return rows > 0 ? a[WG_N] * ((th + rows - 1) / rows) : (a[WG_N] + a[WG_IMAGES] - 1) / a[WG_IMAGES];
}

static inline block_t block_of(const int32_t *a, int th, int t) {
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
static inline int th_of(const int32_t *a) { return (a[WG_OH] + a[WG_M] - 1) / a[WG_M]; }

#endif

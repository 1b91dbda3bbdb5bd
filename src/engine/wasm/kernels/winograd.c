/*
 * 3x3, stride-1 convolutions by Winograd's minimal filtering F(2x2, 3x3): each 2x2 block
 * of outputs comes from a 4x4 block of inputs with 16 multiplications instead of 36.
 *
 *   Y = A^T [ (G g G^T) (.) (B^T d B) ] A    per 4x4 input tile d and 3x3 filter g, where
 *   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1],
 *   A^T = [1 1 1 0; 0 1 -1 -1].
 *
 * Summed over input channels, the element-wise products become 16 matrix products, one
 * per position xi of the 4x4 transformed tile:
 *   M[xi] (cOut x T) = U[xi] (cOut x cIn) V[xi] (cIn x T),
 * with U the transformed filters, V the transformed input tiles and T a set of tiles.
 *
 * The same kernel gives the input gradient: for stride 1, dX is the convolution of dY
 * with the filters turned by 180 degrees and their channels swapped, padded by 2 - pad.
 * The weight gradient follows from the same algebra:
 *   dU[xi] = sum over tiles of (A dY A^T)[xi] V[xi]^T,   dW = G^T dU G.
 *
 * The forward pass first writes U in the product's packed form (panels of four output
 * channels), then runs blocks of tiles: whole images, or tile rows of one image when
 * an image has more tiles than a block holds. A block goes from input planes to output
 * planes on one thread, its V and M sized to stay in that core's cache: the tiles'
 * transforms go straight into the product's packed form of V, the 16 products run the
 * matrix product's microkernel on U and V as they lie, and the outputs come from M.
 *
 * The weight gradient goes in rounds of images, each in three phases over the threads:
 * the transforms of the round's input and output-gradient planes into V and M, then the
 * 16 products (one task each, so dU[xi] has one writer), and at the end dW from dU.
 *
 * Transforms work on four tiles at once (f32x4 lanes), from zero-padded copies of the
 * planes so that no tile needs bounds checks.
 *
 * Parameter block (32-bit integers), in forward form (the caller swaps the roles for
 * the input gradient):
 *   [0] n [1] cIn [2] h [3] w [4] cOut [5] padH [6] padW [7] outH [8] outW
 *   [9] x [10] weight (or dW) [11] bias or 0 [12] y (or dY) [13] images per round
 *   (weight gradient) or per block (forward) [14] scratch [15] scratch floats per
 *   thread [16] tasks of a phase (1: all on the calling thread) [17] threads (scratch
 *   areas) [18] U (forward: 16 x cOut rounded up to 4 x cIn floats) or dU (16 cOut cIn)
 *   [19] flags: 1 = weight is [cIn][cOut] and turned (input gradient), 2 = add into dW
 *   [20] V (16 cIn x the round's tiles) [21] M (16 cOut x the round's tiles), both for
 *   the weight gradient [22] tile rows per block, 0 for whole images [23] a block's
 *   tiles rounded up to 8 (both forward)
 */
#include "kernels.h"

enum {
  WG_N, WG_CIN, WG_H, WG_W, WG_COUT, WG_PH, WG_PW, WG_OH, WG_OW,
  WG_X, WG_WEIGHT, WG_BIAS, WG_Y, WG_ROUND, WG_SCRATCH, WG_SCRATCH_FLOATS, WG_TASKS, WG_THREADS, WG_U, WG_FLAGS, WG_V, WG_M,
  WG_ROWS, WG_TILES,
  /* Set by the kernel for each round: its first image, its images, whether dU starts from zero. */
  WG_FIRST, WG_COUNT, WG_FRESH, WG_ARGS
};
enum { FLAG_FLIPPED = 1, FLAG_ACCUMULATE = 2 };

/* Floats between one xi's part of U, V or M and the next beyond its size, so that the 16 parts of a tile do not fall into one cache set. */
#define XI_PAD 16

typedef struct {
  int th, tw;  /* tiles down and across one image */
  int tw4;     /* tw rounded up to a multiple of 4 */
  int hp, wp;  /* the padded plane */
} geometry_t;

static geometry_t geometry(const int32_t *a) {
  geometry_t g;
  g.th = (a[WG_OH] + 1) >> 1;
  g.tw = (a[WG_OW] + 1) >> 1;
  g.tw4 = (g.tw + 3) & ~3;
  g.hp = 2 * g.th + 2;
  g.wp = 2 * g.tw4 + 2;
  return g;
}

/* A thread's scratch in the weight gradient: the product's panels and one padded plane. */
typedef struct {
  float *gemm, *plane;
} scratch_t;

static scratch_t thread_scratch(const int32_t *a, int thread) {
  scratch_t s;
  s.gemm = (float *)a[WG_SCRATCH] + (size_t)thread * a[WG_SCRATCH_FLOATS];
  s.plane = s.gemm + gemm_scratch_floats();
  return s;
}

/* Runs a phase of `count` tasks: over the threads, or in turn when the call stays on one thread. */
static void phase(task_fn task, const int32_t *a, int count) {
  if (a[WG_TASKS] > 1) {
    parallel_for(task, a, count);
    return;
  }
  for (int t = 0; t < count; t++) task(a, t, count, 0);
}

/* ---- tiles ------------------------------------------------------------------------- */

/* Copies plane src [h, w] into the zero-padded plane (top-left padding ph, pw). */
static void pad_plane(const geometry_t *geo, const float *src, int h, int w, int ph, int pw, float *dst) {
  zero_floats(dst, geo->hp * geo->wp);
  const int rows = imin(h, geo->hp - ph), cols = imin(w, geo->wp - pw);
  for (int y = 0; y < rows; y++) copy_floats(dst + (size_t)(y + ph) * geo->wp + pw, src + (size_t)y * w, cols);
}

/* The 16 transformed values of four tiles (lanes) into rows `stride` apart; only `lanes` tiles when fewer are left in the row. */
static inline void store_tiles(const v128_t *res, float *out, size_t stride, int lanes) {
  if (lanes == 4) {
    for (int xi = 0; xi < 16; xi++) wasm_v128_store(out + xi * stride, res[xi]);
    return;
  }
  for (int xi = 0; xi < 16; xi++) {
    float tmp[4];
    wasm_v128_store(tmp, res[xi]);
    for (int l = 0; l < lanes; l++) out[xi * stride + l] = tmp[l];
  }
}

#define SHUF_EVEN(x, y) wasm_i32x4_shuffle(x, y, 0, 2, 4, 6)
#define SHUF_ODD(x, y) wasm_i32x4_shuffle(x, y, 1, 3, 5, 7)

/* (B^T d B) of four 4x4 tiles at once: d[r][j] holds element (r, j) of each tile (lanes), res[4 i + j] element (i, j) of its transform. */
static inline void input_tile_transform(const v128_t d[4][4], v128_t res[16]) {
  v128_t c[4][4]; /* c[r][j]: (d B)[r][j] */
  for (int r = 0; r < 4; r++) {
    c[r][0] = wasm_f32x4_sub(d[r][0], d[r][2]);
    c[r][1] = wasm_f32x4_add(d[r][1], d[r][2]);
    c[r][2] = wasm_f32x4_sub(d[r][2], d[r][1]);
    c[r][3] = wasm_f32x4_sub(d[r][1], d[r][3]);
  }
  for (int j = 0; j < 4; j++) {
    res[j] = wasm_f32x4_sub(c[0][j], c[2][j]);
    res[4 + j] = wasm_f32x4_add(c[1][j], c[2][j]);
    res[8 + j] = wasm_f32x4_sub(c[2][j], c[1][j]);
    res[12 + j] = wasm_f32x4_sub(c[1][j], c[3][j]);
  }
}

/*
 * V[xi][*][tile] = (B^T d B)[xi] for every tile of one padded plane; v points at the
 * plane's channel row of V[0], tiles of the image start at column t0, and V[xi] rows
 * are `stride` floats apart (cIn T).
 */
static void input_transform(const geometry_t *geo, const float *pp, float *v, size_t stride) {
  for (int ty = 0; ty < geo->th; ty++) {
    const float *row = pp + (size_t)(2 * ty) * geo->wp;
    float *out = v + (size_t)ty * geo->tw;
    for (int tx = 0; tx < geo->tw; tx += 4) {
      /* Four neighbouring tiles: columns 2 tx + 2 l + j of the tile row, split into even and odd ones. */
      v128_t d[4][4];
      for (int r = 0; r < 4; r++) {
        const float *p = row + (size_t)r * geo->wp + 2 * tx;
        const v128_t v0 = wasm_v128_load(p), v1 = wasm_v128_load(p + 4);
        const v128_t v2 = wasm_v128_load(p + 2), v3 = wasm_v128_load(p + 6);
        d[r][0] = SHUF_EVEN(v0, v1);
        d[r][1] = SHUF_ODD(v0, v1);
        d[r][2] = SHUF_EVEN(v2, v3);
        d[r][3] = SHUF_ODD(v2, v3);
      }
      v128_t res[16];
      input_tile_transform(d, res);
      store_tiles(res, out + tx, stride, imin(4, geo->tw - tx));
    }
  }
}

/* (A dY A^T) of four 2x2 output-gradient tiles at once: d[r][j] holds element (r, j) of each tile (lanes). */
static inline void grad_tile_transform(const v128_t d[2][2], v128_t res[16]) {
  v128_t t[2][4]; /* t[r][j] = (dY A^T)[r][j] */
  for (int r = 0; r < 2; r++) {
    t[r][0] = d[r][0];
    t[r][1] = wasm_f32x4_add(d[r][0], d[r][1]);
    t[r][2] = wasm_f32x4_sub(d[r][0], d[r][1]);
    t[r][3] = wasm_f32x4_neg(d[r][1]);
  }
  for (int j = 0; j < 4; j++) {
    res[j] = t[0][j];
    res[4 + j] = wasm_f32x4_add(t[0][j], t[1][j]);
    res[8 + j] = wasm_f32x4_sub(t[0][j], t[1][j]);
    res[12 + j] = wasm_f32x4_neg(t[1][j]);
  }
}

/*
 * (A dY A^T) of every tile of one output-gradient plane, from its zero-padded copy
 * ([2 th, 2 tw4], rows geo->wp - 2 apart), into M rows `stride` apart.
 */
static void grad_transform(const geometry_t *geo, const float *pp, float *m, size_t stride) {
  const int wq = geo->wp - 2;
  for (int ty = 0; ty < geo->th; ty++) {
    const float *row0 = pp + (size_t)(2 * ty) * wq, *row1 = row0 + wq;
    float *out = m + (size_t)ty * geo->tw;
    for (int tx = 0; tx < geo->tw; tx += 4) {
      const v128_t p0 = wasm_v128_load(row0 + 2 * tx), p1 = wasm_v128_load(row0 + 2 * tx + 4);
      const v128_t q0 = wasm_v128_load(row1 + 2 * tx), q1 = wasm_v128_load(row1 + 2 * tx + 4);
      const v128_t d[2][2] = {{SHUF_EVEN(p0, p1), SHUF_ODD(p0, p1)}, {SHUF_EVEN(q0, q1), SHUF_ODD(q0, q1)}};
      v128_t res[16];
      grad_tile_transform(d, res);
      store_tiles(res, out + tx, stride, imin(4, geo->tw - tx));
    }
  }
}

/* ---- phases --------------------------------------------------------------------------- */

/* The round's input planes (image-major) into V. */
static void input_task(const int32_t *a, int t, int count, int thread) {
  const int cin = a[WG_CIN], h = a[WG_H], w = a[WG_W], b0 = a[WG_FIRST];
  const geometry_t geo = geometry(a);
  const scratch_t s = thread_scratch(a, thread);
  const float *x = (const float *)a[WG_X];
  float *v = (float *)a[WG_V];
  const int per_image = geo.th * geo.tw;
  const size_t tiles = (size_t)a[WG_COUNT] * per_image;
  int first, last;
  share(a[WG_COUNT] * cin, t, count, &first, &last);
  for (int p = first; p < last; p++) {
    const int i = p / cin, ci = p % cin;
    pad_plane(&geo, x + ((size_t)(b0 + i) * cin + ci) * h * w, h, w, a[WG_PH], a[WG_PW], s.plane);
    input_transform(&geo, s.plane, v + ci * tiles + (size_t)i * per_image, (size_t)cin * tiles + XI_PAD);
  }
}

/* The round's output-gradient planes into M (weight gradient). */
static void grad_task(const int32_t *a, int t, int count, int thread) {
  const int cout = a[WG_COUT], oh = a[WG_OH], ow = a[WG_OW], b0 = a[WG_FIRST];
  const geometry_t geo = geometry(a);
  const scratch_t s = thread_scratch(a, thread);
  const float *dy = (const float *)a[WG_Y];
  float *m = (float *)a[WG_M];
  const int per_image = geo.th * geo.tw, wq = geo.wp - 2;
  const size_t tiles = (size_t)a[WG_COUNT] * per_image;
  int first, last;
  share(a[WG_COUNT] * cout, t, count, &first, &last);
  for (int p = first; p < last; p++) {
    const int i = p / cout, co = p % cout;
    const float *src = dy + ((size_t)(b0 + i) * cout + co) * oh * ow;
    zero_floats(s.plane, 2 * geo.th * wq);
    for (int r = 0; r < oh; r++) copy_floats(s.plane + (size_t)r * wq, src + (size_t)r * ow, ow);
    grad_transform(&geo, s.plane, m + co * tiles + (size_t)i * per_image, (size_t)cout * tiles + XI_PAD);
  }
}

/* Product xi of the round: dU[xi] (+)= M[xi] V[xi]^T. */
static void weight_product_task(const int32_t *a, int xi, int count, int thread) {
  (void)count;
  const int cin = a[WG_CIN], cout = a[WG_COUT];
  const geometry_t geo = geometry(a);
  const int tiles = a[WG_COUNT] * geo.th * geo.tw;
  gemm_t g;
  g.m = cout;
  g.n = cin;
  g.k = tiles;
  g.a = (const float *)a[WG_M] + (size_t)xi * ((size_t)cout * tiles + XI_PAD);
  g.rsa = tiles;
  g.csa = 1;
  g.b = (const float *)a[WG_V] + (size_t)xi * ((size_t)cin * tiles + XI_PAD); /* V^T: element (t, ci) is V[ci][t] */
  g.rsb = 1;
  g.csb = tiles;
  g.c = (float *)a[WG_U] + (size_t)xi * cout * cin;
  g.ldc = cin;
  g.bias = 0;
  g.accumulate = !a[WG_FRESH];
  gemm_serial(&g, thread_scratch(a, thread).gemm);
}

/*
 * Where dW's transformed sums lie: the element (xi, co, ci) of dU is the sum over
 * `copies` copies, `copy` floats apart, of base[xi * xi_stride + co * row + ci].
 */
typedef struct {
  const float *base;
  size_t xi_stride, copy;
  int row, copies;
} du_source_t;

static du_source_t du_source(const int32_t *a);

/* dW = G^T dU G for output channels [first, last), four input channels at a time (added into dW with FLAG_ACCUMULATE). */
static void weight_task(const int32_t *a, int t, int count, int thread) {
  (void)thread;
  const int cin = a[WG_CIN], accumulate = a[WG_FLAGS] & FLAG_ACCUMULATE;
  const du_source_t du = du_source(a);
  float *dw = (float *)a[WG_WEIGHT];
  float taps[36];
  const v128_t half = wasm_f32x4_splat(0.5f);
  int first, last;
  share(a[WG_COUT], t, count, &first, &last);
  for (int co = first; co < last; co++) {
    const float *src = du.base + (size_t)co * du.row;
    int ci = 0;
    for (; ci + 4 <= cin; ci += 4) {
      v128_t u[16], r[3][4];
      for (int xi = 0; xi < 16; xi++) {
        const float *p = src + xi * du.xi_stride + ci;
        u[xi] = wasm_v128_load(p);
        for (int c = 1; c < du.copies; c++) u[xi] = wasm_f32x4_add(u[xi], wasm_v128_load(p + c * du.copy));
      }
      for (int j = 0; j < 4; j++) {
        const v128_t mid = wasm_f32x4_mul(half, wasm_f32x4_add(u[4 + j], u[8 + j]));
        r[0][j] = wasm_f32x4_add(u[j], mid);
        r[1][j] = wasm_f32x4_mul(half, wasm_f32x4_sub(u[4 + j], u[8 + j]));
        r[2][j] = wasm_f32x4_add(mid, u[12 + j]);
      }
      for (int i = 0; i < 3; i++) {
        const v128_t mid = wasm_f32x4_mul(half, wasm_f32x4_add(r[i][1], r[i][2]));
        wasm_v128_store(taps + (3 * i) * 4, wasm_f32x4_add(r[i][0], mid));
        wasm_v128_store(taps + (3 * i + 1) * 4, wasm_f32x4_mul(half, wasm_f32x4_sub(r[i][1], r[i][2])));
        wasm_v128_store(taps + (3 * i + 2) * 4, wasm_f32x4_add(mid, r[i][3]));
      }
      float *out = dw + ((size_t)co * cin + ci) * 9;
      for (int l = 0; l < 4; l++)
        for (int k = 0; k < 9; k++) out[l * 9 + k] = accumulate ? out[l * 9 + k] + taps[k * 4 + l] : taps[k * 4 + l];
    }
    for (; ci < cin; ci++) {
      float u[16], r[3][4];
      for (int xi = 0; xi < 16; xi++) {
        const float *p = src + xi * du.xi_stride + ci;
        u[xi] = p[0];
        for (int c = 1; c < du.copies; c++) u[xi] += p[c * du.copy];
      }
      for (int j = 0; j < 4; j++) {
        const float mid = 0.5f * (u[4 + j] + u[8 + j]);
        r[0][j] = u[j] + mid;
        r[1][j] = 0.5f * (u[4 + j] - u[8 + j]);
        r[2][j] = mid + u[12 + j];
      }
      float *out = dw + ((size_t)co * cin + ci) * 9;
      for (int i = 0; i < 3; i++) {
        const float mid = 0.5f * (r[i][1] + r[i][2]);
        const float k[3] = {r[i][0] + mid, 0.5f * (r[i][1] - r[i][2]), mid + r[i][3]};
        for (int j = 0; j < 3; j++) out[3 * i + j] = accumulate ? out[3 * i + j] + k[j] : k[j];
      }
    }
  }
}

/* ---- the forward pass: blocks of tiles ------------------------------------------------ */


/*
 * U in the product's packed form, filled for the panels (four output channels each) of
 * [first, last): U[xi][panel][ci][l] = (G g G^T)[xi] of the filter (4 panel + l, ci),
 * zero past cOut. A panel of U[xi] is then the product's A operand as it stands.
 */
static void filter_task(const int32_t *a, int t, int count, int thread) {
  const int cin = a[WG_CIN], cout = a[WG_COUT], flipped = a[WG_FLAGS] & FLAG_FLIPPED;
  const int panels = (cout + 3) >> 2;
  const float *w = (const float *)a[WG_WEIGHT];
  const size_t stride = (size_t)panels * cin * 4 + XI_PAD; /* from U[xi] to U[xi + 1] */
  /* The panel's taps by channel, [cIn][9][4], staged in the thread's room for V (free until the blocks run). */
  float *taps = (float *)a[WG_SCRATCH] + (size_t)thread * a[WG_SCRATCH_FLOATS];
  const v128_t half = wasm_f32x4_splat(0.5f);
  int first, last;
  share(panels, t, count, &first, &last);
  for (int pn = first; pn < last; pn++) {
    for (int l = 0; l < 4; l++) {
      const int co = 4 * pn + l;
      for (int ci = 0; ci < cin; ci++) {
        /* The input gradient's filter (co, ci) is the forward filter (ci, co) turned by 180 degrees. */
        const float *src = co >= cout ? 0 : flipped ? w + ((size_t)ci * cout + co) * 9 : w + ((size_t)co * cin + ci) * 9;
        float *dst = taps + (size_t)ci * 36 + l;
        for (int k = 0; k < 9; k++) dst[4 * k] = src ? src[flipped ? 8 - k : k] : 0.0f;
      }
    }
    float *dst = (float *)a[WG_U] + (size_t)pn * cin * 4;
    for (int ci = 0; ci < cin; ci++, dst += 4) {
      v128_t g[9], r[4][3];
      for (int k = 0; k < 9; k++) g[k] = wasm_v128_load(taps + (size_t)ci * 36 + 4 * k);
      for (int j = 0; j < 3; j++) {
        r[0][j] = g[j];
        r[1][j] = wasm_f32x4_mul(half, wasm_f32x4_add(wasm_f32x4_add(g[j], g[3 + j]), g[6 + j]));
        r[2][j] = wasm_f32x4_mul(half, wasm_f32x4_add(wasm_f32x4_sub(g[j], g[3 + j]), g[6 + j]));
        r[3][j] = g[6 + j];
      }
      for (int i = 0; i < 4; i++) {
        wasm_v128_store(dst + (4 * i + 0) * stride, r[i][0]);
        wasm_v128_store(dst + (4 * i + 1) * stride, wasm_f32x4_mul(half, wasm_f32x4_add(wasm_f32x4_add(r[i][0], r[i][1]), r[i][2])));
        wasm_v128_store(dst + (4 * i + 2) * stride, wasm_f32x4_mul(half, wasm_f32x4_add(wasm_f32x4_sub(r[i][0], r[i][1]), r[i][2])));
        wasm_v128_store(dst + (4 * i + 3) * stride, r[i][2]);
      }
    }
  }
}

/* A block of the forward pass: tile rows [y0, y1) of images [i0, i1). */
typedef struct {
  int i0, i1, y0, y1;
} block_t;

static int block_count(const int32_t *a, int th) {
  const int rows = a[WG_ROWS];
  return rows > 0 ? a[WG_N] * ((th + rows - 1) / rows) : (a[WG_N] + a[WG_ROUND] - 1) / a[WG_ROUND];
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
    b.i0 = t * a[WG_ROUND];
    b.i1 = imin(a[WG_N], b.i0 + a[WG_ROUND]);
    b.y0 = 0;
    b.y1 = th;
  }
  return b;
}

/*
 * A thread's scratch in the forward pass (tiles = the block's tiles rounded up to 8):
 * V in the product's packed form, [16][tiles / 8][cIn][8]; M, [16][cOut rounded up to
 * 4][tiles]; the zero-padded rows of the block's planes of one channel; and per tile,
 * where its input starts in those planes, where its outputs go, and which of its
 * second row and column fall outside the output.
 */
typedef struct {
  float *v, *m, *planes;
  int32_t *from, *to, *edge;
  int th, tw, wp;
} block_scratch_t;

enum { EDGE_ROW = 1, EDGE_COL = 2 };


static block_scratch_t block_scratch(const int32_t *a, int thread) {
  const int tiles = a[WG_TILES], cin = a[WG_CIN], cout4 = (a[WG_COUT] + 3) & ~3, rows = a[WG_ROWS];
  block_scratch_t s;
  s.th = (a[WG_OH] + 1) >> 1;
  s.tw = (a[WG_OW] + 1) >> 1;
  s.wp = 2 * s.tw + 2;
  s.v = (float *)a[WG_SCRATCH] + (size_t)thread * a[WG_SCRATCH_FLOATS];
  s.m = s.v + (size_t)16 * (cin * tiles + XI_PAD);
  s.planes = s.m + (size_t)16 * (cout4 * tiles + XI_PAD);
  s.from = (int32_t *)(s.planes + (size_t)(rows > 0 ? 1 : a[WG_ROUND]) * (2 * (rows > 0 ? rows : s.th) + 2) * s.wp);
  s.to = s.from + tiles;
  s.edge = s.to + tiles;
  return s;
}

/* The transforms of four tiles whose 4x4 inputs start at planes + from[l], rows wp apart, into V[xi] rows `stride` apart. */
static inline void gather_tiles(const float *planes, const int32_t *from, int wp, float *v, size_t stride) {
  v128_t d[4][4];
  for (int r = 0; r < 4; r++) {
    v128_t t0 = wasm_v128_load(planes + from[0] + r * wp), t1 = wasm_v128_load(planes + from[1] + r * wp);
    v128_t t2 = wasm_v128_load(planes + from[2] + r * wp), t3 = wasm_v128_load(planes + from[3] + r * wp);
    TRANSPOSE4(t0, t1, t2, t3);
    d[r][0] = t0;
    d[r][1] = t1;
    d[r][2] = t2;
    d[r][3] = t3;
  }
  v128_t res[16];
  input_tile_transform(d, res);
  for (int xi = 0; xi < 16; xi++) wasm_v128_store(v + xi * stride, res[xi]);
}

/*
 * The outputs of four tiles of one output channel from M (rows `stride` apart), with
 * the bias, to y + to[l]; only the first `lanes` tiles are real.
 */
static inline void scatter_tiles(const float *m, size_t stride, const int32_t *to, const int32_t *edges, float *y, int ow, float bias, int lanes) {
  v128_t q[16];
  for (int xi = 0; xi < 16; xi++) q[xi] = wasm_v128_load(m + xi * stride);
  v128_t s0[4], s1[4];
  for (int j = 0; j < 4; j++) {
    s0[j] = wasm_f32x4_add(wasm_f32x4_add(q[j], q[4 + j]), q[8 + j]);
    s1[j] = wasm_f32x4_sub(wasm_f32x4_sub(q[4 + j], q[8 + j]), q[12 + j]);
  }
  const v128_t vb = wasm_f32x4_splat(bias);
  v128_t t[4] = {
      wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(s0[0], s0[1]), s0[2]), vb),
      wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_sub(s0[1], s0[2]), s0[3]), vb),
      wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(s1[0], s1[1]), s1[2]), vb),
      wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_sub(s1[1], s1[2]), s1[3]), vb),
  };
  /* Now t[l] holds tile l's outputs (0, 0), (0, 1), (1, 0), (1, 1). */
  TRANSPOSE4(t[0], t[1], t[2], t[3]);
  for (int l = 0; l < lanes; l++) {
    float *p = y + to[l];
    const int edge = edges[l];
    if (!edge) {
      wasm_v128_store64_lane(p, t[l], 0);
      wasm_v128_store64_lane(p + ow, t[l], 1);
      continue;
    }
    float o[4];
    wasm_v128_store(o, t[l]);
    p[0] = o[0];
    if (!(edge & EDGE_COL)) p[1] = o[1];
    if (!(edge & EDGE_ROW)) {
      p[ow] = o[2];
      if (!(edge & EDGE_COL)) p[ow + 1] = o[3];
    }
  }
}

/*
 * One block of the forward pass, from input planes to output planes: the tiles of
 * every input channel into V (through a zero-padded copy of the block's rows), the 16
 * products M[xi] = U[xi] V[xi] straight from the packed operands, and the outputs of
 * every output channel from M. V and M stay in the thread's caches.
 */
static void block_task(const int32_t *a, int t, int count, int thread) {
  (void)count;
  const int cin = a[WG_CIN], cout = a[WG_COUT], h = a[WG_H], w = a[WG_W], oh = a[WG_OH], ow = a[WG_OW];
  const int ph = a[WG_PH], pw = a[WG_PW], cout4 = (cout + 3) & ~3;
  const size_t in_plane = (size_t)h * w, out_plane = (size_t)oh * ow;
  const block_scratch_t s = block_scratch(a, thread);
  const block_t b = block_of(a, s.th, t);
  const int seg_rows = 2 * (b.y1 - b.y0) + 2;
  const size_t seg = (size_t)seg_rows * s.wp;

  /* Where each tile's input and output are. */
  int n = 0;
  for (int i = b.i0; i < b.i1; i++)
    for (int ty = b.y0; ty < b.y1; ty++)
      for (int tx = 0; tx < s.tw; tx++, n++) {
        s.from[n] = (int32_t)((size_t)(i - b.i0) * seg + (size_t)(2 * (ty - b.y0)) * s.wp + 2 * tx);
        s.to[n] = (int32_t)((size_t)i * cout * out_plane + (size_t)(2 * ty) * ow + 2 * tx);
        s.edge[n] = (2 * ty + 1 >= oh ? EDGE_ROW : 0) | (2 * tx + 1 >= ow ? EDGE_COL : 0);
      }
  /* The product runs on whole panels of eight tiles; the extra ones repeat the last tile. */
  const int tiles = (n + 7) & ~7, stride = a[WG_TILES];
  for (int j = n; j < tiles; j++) s.from[j] = s.from[n - 1];

  const float *x = (const float *)a[WG_X];
  for (int ci = 0; ci < cin; ci++) {
    for (int i = b.i0; i < b.i1; i++) {
      float *dst = s.planes + (size_t)(i - b.i0) * seg;
      const float *src = x + ((size_t)i * cin + ci) * in_plane;
      zero_floats(dst, (int)seg);
      for (int r = 0; r < seg_rows; r++) {
        const int yy = 2 * b.y0 + r - ph;
        if (yy >= 0 && yy < h) copy_floats(dst + (size_t)r * s.wp + pw, src + (size_t)yy * w, w);
      }
    }
    /* Four tiles at a time: lanes 0-3 or 4-7 of a panel of eight. */
    for (int j = 0; j < tiles; j += 4) gather_tiles(s.planes, s.from + j, s.wp, s.v + (size_t)(j >> 3) * cin * 8 + (size_t)ci * 8 + (j & 7), (size_t)cin * stride + XI_PAD);
  }

  const int panels = cout4 >> 2;
  for (int xi = 0; xi < 16; xi++) {
    const float *u = (const float *)a[WG_U] + (size_t)xi * ((size_t)panels * cin * 4 + XI_PAD);
    const float *v = s.v + (size_t)xi * (cin * stride + XI_PAD);
    float *m = s.m + (size_t)xi * (cout4 * stride + XI_PAD);
    for (int pn = 0; pn < panels; pn++)
      for (int j = 0; j < tiles; j += 8) gemm_kernel_4x8(cin, u + (size_t)pn * cin * 4, v + (size_t)j * cin, 8, m + (size_t)4 * pn * stride + j, stride, 0, 0);
  }

  const float *bias = (const float *)a[WG_BIAS];
  float *y = (float *)a[WG_Y];
  const size_t m_stride = (size_t)cout4 * stride + XI_PAD;
  for (int co = 0; co < cout; co++) {
    const float *m = s.m + (size_t)co * stride;
    float *yc = y + (size_t)co * out_plane;
    const float bc = bias ? bias[co] : 0.0f;
    for (int j = 0; j < n; j += 4) scatter_tiles(m + j, m_stride, s.to + j, s.edge + j, yc, ow, bc, imin(4, n - j));
  }
}

/* ---- the weight gradient by blocks of tiles --------------------------------------------- */

/*
 * Where dU is summed in the weight gradient by blocks: each thread adds its blocks'
 * products into a dU of its own, [16][cOut rounded up to 4][cIn rounded up to 8], at
 * the start of its scratch; dW then comes from the sum of those copies.
 */
static int cin8_of(const int32_t *a) { return (a[WG_CIN] + 7) & ~7; }

static int cout4_of(const int32_t *a) { return (a[WG_COUT] + 3) & ~3; }

static size_t du_xi_stride(const int32_t *a) { return (size_t)cout4_of(a) * cin8_of(a) + XI_PAD; }

static du_source_t du_source(const int32_t *a) {
  du_source_t s;
  if (a[WG_TILES] > 0) {
    s.base = (const float *)a[WG_SCRATCH];
    s.xi_stride = du_xi_stride(a);
    s.row = cin8_of(a);
    s.copies = a[WG_THREADS];
    s.copy = (size_t)a[WG_SCRATCH_FLOATS];
  } else {
    s.base = (const float *)a[WG_U];
    s.xi_stride = (size_t)a[WG_COUT] * a[WG_CIN];
    s.row = a[WG_CIN];
    s.copies = 1;
    s.copy = 0;
  }
  return s;
}

/*
 * A thread's scratch in the weight gradient by blocks: its dU; M and V of a block in
 * the product's packed forms, [16][cOut4 / 4][tiles][4] and [16][cIn8 / 8][tiles][8];
 * the zero-padded planes of four channels of the block's input, and of its output
 * gradient; where each tile starts in those planes.
 */
typedef struct {
  float *du, *m, *v, *xp, *gp;
  int32_t *from_x, *from_g;
  size_t m_xi, v_xi, x_channel, g_channel;
  int th, tw, wp;
} wblock_scratch_t;

static wblock_scratch_t wblock_scratch(const int32_t *a, int thread) {
  const int tiles = a[WG_TILES], rows = a[WG_ROWS], segs = rows > 0 ? 1 : a[WG_ROUND];
  wblock_scratch_t s;
  s.th = (a[WG_OH] + 1) >> 1;
  s.tw = (a[WG_OW] + 1) >> 1;
  s.wp = 2 * s.tw + 2;
  const int block_rows = rows > 0 ? rows : s.th;
  s.m_xi = (size_t)cout4_of(a) * tiles + XI_PAD;
  s.v_xi = (size_t)cin8_of(a) * tiles + XI_PAD;
  s.x_channel = (size_t)segs * (2 * block_rows + 2) * s.wp;
  s.g_channel = (size_t)segs * (2 * block_rows) * (2 * s.tw);
  s.du = (float *)a[WG_SCRATCH] + (size_t)thread * a[WG_SCRATCH_FLOATS];
  s.m = s.du + 16 * du_xi_stride(a);
  s.v = s.m + 16 * s.m_xi;
  s.xp = s.v + 16 * s.v_xi;
  s.gp = s.xp + 4 * s.x_channel;
  s.from_x = (int32_t *)(s.gp + 4 * s.g_channel);
  s.from_g = s.from_x + tiles;
  return s;
}

/* Zeroes thread t's dU. */
static void zero_du_task(const int32_t *a, int t, int count, int thread) {
  (void)count;
  (void)thread;
  zero_floats(wblock_scratch(a, t).du, (int)(16 * du_xi_stride(a)));
}

/* One vector of element k of four planes `stride` floats apart. */
static inline v128_t lanes4(const float *p, size_t stride) { return wasm_f32x4_make(p[0], p[stride], p[2 * stride], p[3 * stride]); }

/*
 * One block of the weight gradient: the output-gradient tiles of every output channel
 * into M and the input tiles of every input channel into V, four channels at a time
 * (lanes) so that they land in the product's packed forms, then dU[xi] += M[xi] V[xi]^T
 * over the block's tiles by the product's microkernel, into the thread's dU.
 */
static void weight_block_task(const int32_t *a, int t, int count, int thread) {
  (void)count;
  const int cin = a[WG_CIN], cout = a[WG_COUT], h = a[WG_H], w = a[WG_W], oh = a[WG_OH], ow = a[WG_OW];
  const int ph = a[WG_PH], pw = a[WG_PW], cin8 = cin8_of(a), cout4 = cout4_of(a);
  const wblock_scratch_t s = wblock_scratch(a, thread);
  const block_t b = block_of(a, s.th, t);
  const int rows = b.y1 - b.y0, gw = 2 * s.tw;
  const size_t xseg = (size_t)(2 * rows + 2) * s.wp, gseg = (size_t)(2 * rows) * gw;

  int n = 0;
  for (int i = b.i0; i < b.i1; i++)
    for (int ty = b.y0; ty < b.y1; ty++)
      for (int tx = 0; tx < s.tw; tx++, n++) {
        s.from_x[n] = (int32_t)((size_t)(i - b.i0) * xseg + (size_t)(2 * (ty - b.y0)) * s.wp + 2 * tx);
        s.from_g[n] = (int32_t)((size_t)(i - b.i0) * gseg + (size_t)(2 * (ty - b.y0)) * gw + 2 * tx);
      }

  /* Output-gradient tiles: panel c4 / 4 of M[xi] is [tile][4 channels]. */
  const float *dy = (const float *)a[WG_Y];
  for (int c4 = 0; c4 < cout4; c4 += 4) {
    for (int l = 0; l < 4; l++)
      for (int i = b.i0; i < b.i1; i++) {
        float *dst = s.gp + l * s.g_channel + (size_t)(i - b.i0) * gseg;
        zero_floats(dst, (int)gseg);
        if (c4 + l >= cout) continue;
        const float *src = dy + ((size_t)i * cout + c4 + l) * oh * ow;
        for (int r = 0; r < 2 * rows && 2 * b.y0 + r < oh; r++) copy_floats(dst + (size_t)r * gw, src + (size_t)(2 * b.y0 + r) * ow, ow);
      }
    float *dst = s.m + (size_t)c4 * n;
    for (int j = 0; j < n; j++, dst += 4) {
      const float *p = s.gp + s.from_g[j];
      const v128_t d[2][2] = {{lanes4(p, s.g_channel), lanes4(p + 1, s.g_channel)}, {lanes4(p + gw, s.g_channel), lanes4(p + gw + 1, s.g_channel)}};
      v128_t res[16];
      grad_tile_transform(d, res);
      for (int xi = 0; xi < 16; xi++) wasm_v128_store(dst + xi * s.m_xi, res[xi]);
    }
  }

  /* Input tiles: panel c / 8 of V[xi] is [tile][8 channels], filled four channels at a time. */
  const float *x = (const float *)a[WG_X];
  for (int c = 0; c < cin8; c += 4) {
    for (int l = 0; l < 4; l++)
      for (int i = b.i0; i < b.i1; i++) {
        float *dst = s.xp + l * s.x_channel + (size_t)(i - b.i0) * xseg;
        zero_floats(dst, (int)xseg);
        if (c + l >= cin) continue;
        const float *src = x + ((size_t)i * cin + c + l) * h * w;
        for (int r = 0; r < 2 * rows + 2; r++) {
          const int yy = 2 * b.y0 + r - ph;
          if (yy >= 0 && yy < h) copy_floats(dst + (size_t)r * s.wp + pw, src + (size_t)yy * w, w);
        }
      }
    float *dst = s.v + (size_t)(c >> 3) * n * 8 + (c & 7);
    for (int j = 0; j < n; j++, dst += 8) {
      const float *p = s.xp + s.from_x[j];
      v128_t d[4][4];
      for (int r = 0; r < 4; r++)
        for (int k = 0; k < 4; k++) d[r][k] = lanes4(p + r * s.wp + k, s.x_channel);
      v128_t res[16];
      input_tile_transform(d, res);
      for (int xi = 0; xi < 16; xi++) wasm_v128_store(dst + xi * s.v_xi, res[xi]);
    }
  }

  const size_t du_xi = du_xi_stride(a);
  for (int xi = 0; xi < 16; xi++) {
    const float *m = s.m + xi * s.m_xi, *v = s.v + xi * s.v_xi;
    float *du = s.du + xi * du_xi;
    for (int p = 0; p < cout4; p += 4)
      for (int q = 0; q < cin8; q += 8) gemm_kernel_4x8(n, m + (size_t)p * n, v + (size_t)q * n, 8, du + (size_t)p * cin8 + q, cin8, 0, 1);
  }
}

EXPORT(winograd_forward)
void winograd_forward(const int32_t *a) {
  phase(filter_task, a, imin(a[WG_TASKS], (a[WG_COUT] + 3) >> 2));
  phase(block_task, a, block_count(a, (a[WG_OH] + 1) >> 1));
}

/* A copy of the parameter block with room for the round's fields (the workers read it from the caller's stack). */
static void round_args(const int32_t *a, int32_t *r) {
  for (int i = 0; i < WG_FIRST; i++) r[i] = a[i];
}

EXPORT(winograd_backward_weight)
void winograd_backward_weight(const int32_t *a) {
  if (a[WG_TILES] > 0) {
    phase(zero_du_task, a, a[WG_THREADS]);
    phase(weight_block_task, a, block_count(a, (a[WG_OH] + 1) >> 1));
    phase(weight_task, a, imin(a[WG_TASKS], a[WG_COUT]));
    return;
  }
  int32_t r[WG_ARGS];
  round_args(a, r);
  const int tasks = a[WG_TASKS], per_round = a[WG_ROUND];
  for (int b0 = 0; b0 < a[WG_N]; b0 += per_round) {
    r[WG_FIRST] = b0;
    r[WG_COUNT] = imin(per_round, a[WG_N] - b0);
    r[WG_FRESH] = b0 == 0;
    phase(input_task, r, tasks);
    phase(grad_task, r, tasks);
    phase(weight_product_task, r, 16);
  }
  phase(weight_task, r, imin(tasks, a[WG_COUT]));
}

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
 * with U the transformed filters, V the transformed input tiles and T the tiles of a
 * round of images (tile-major within an image, image after image).
 *
 * The same kernel gives the input gradient: for stride 1, dX is the convolution of dY
 * with the filters turned by 180 degrees and their channels swapped, padded by 2 - pad.
 * The weight gradient follows from the same algebra:
 *   dU[xi] = sum over tiles of (A dY A^T)[xi] V[xi]^T,   dW = G^T dU G.
 *
 * Images go in rounds sized so that V and M stay a few megabytes. Each round runs in
 * three phases over the threads: the transforms of the round's planes, the 16 products
 * (one task each, so each U[xi] is packed once and dU[xi] has one writer), and the
 * output transforms. Transforms work on four tiles of a tile row at once (f32x4 lanes),
 * from a zero-padded copy of each plane so that no tile needs bounds checks; the
 * filter transforms on four channels at once.
 *
 * Parameter block (32-bit integers), in forward form (the caller swaps the roles for
 * the input gradient):
 *   [0] n [1] cIn [2] h [3] w [4] cOut [5] padH [6] padW [7] outH [8] outW
 *   [9] x [10] weight (or dW) [11] bias or 0 [12] y (or dY) [13] images per round
 *   [14] scratch [15] scratch floats per thread [16] tasks of a transform phase (1: all
 *   on the calling thread) [17] threads (scratch areas) [18] U (or dU: 16 cOut cIn
 *   floats) [19] flags: 1 = weight is [cIn][cOut] and turned (input gradient), 2 = add
 *   into dW [20] V (16 cIn x the round's tiles) [21] M (16 cOut x the round's tiles)
 */
#include "kernels.h"

enum {
  WG_N, WG_CIN, WG_H, WG_W, WG_COUT, WG_PH, WG_PW, WG_OH, WG_OW,
  WG_X, WG_WEIGHT, WG_BIAS, WG_Y, WG_ROUND, WG_SCRATCH, WG_SCRATCH_FLOATS, WG_TASKS, WG_THREADS, WG_U, WG_FLAGS, WG_V, WG_M,
  /* Set by the kernel for each round: its first image, its images, whether dU starts from zero. */
  WG_FIRST, WG_COUNT, WG_FRESH, WG_ARGS
};
enum { FLAG_FLIPPED = 1, FLAG_ACCUMULATE = 2 };

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

/* A thread's scratch: the product's panels, one padded plane, and a row of filters by tap ([9][cIn]). */
typedef struct {
  float *gemm, *plane, *taps;
} scratch_t;

static scratch_t thread_scratch(const int32_t *a, int thread) {
  const geometry_t geo = geometry(a);
  scratch_t s;
  s.gemm = (float *)a[WG_SCRATCH] + (size_t)thread * a[WG_SCRATCH_FLOATS];
  s.plane = s.gemm + gemm_scratch_floats();
  s.taps = s.plane + (size_t)geo.hp * geo.wp;
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

/* ---- filters ------------------------------------------------------------------------ */

/* U[xi][co][ci] = (G g G^T)[xi] for the filters of output channels [first, last), four input channels at a time. */
static void filter_task(const int32_t *a, int t, int count, int thread) {
  const int cin = a[WG_CIN], cout = a[WG_COUT], flipped = a[WG_FLAGS] & FLAG_FLIPPED;
  const float *w = (const float *)a[WG_WEIGHT];
  float *u = (float *)a[WG_U];
  float *taps = thread_scratch(a, thread).taps;
  const size_t plane = (size_t)cout * cin;
  const v128_t half = wasm_f32x4_splat(0.5f);
  int first, last;
  share(cout, t, count, &first, &last);
  for (int co = first; co < last; co++) {
    /* The input gradient's filter (co, ci) is the forward filter (ci, co) turned by 180 degrees. */
    for (int ci = 0; ci < cin; ci++) {
      const float *src = flipped ? w + ((size_t)ci * cout + co) * 9 : w + ((size_t)co * cin + ci) * 9;
      for (int k = 0; k < 9; k++) taps[k * cin + ci] = src[flipped ? 8 - k : k];
    }
    float *dst = u + (size_t)co * cin;
    int ci = 0;
    for (; ci + 4 <= cin; ci += 4) {
      v128_t g[9], r[4][3];
      for (int k = 0; k < 9; k++) g[k] = wasm_v128_load(taps + k * cin + ci);
      for (int j = 0; j < 3; j++) {
        r[0][j] = g[j];
        r[1][j] = wasm_f32x4_mul(half, wasm_f32x4_add(wasm_f32x4_add(g[j], g[3 + j]), g[6 + j]));
        r[2][j] = wasm_f32x4_mul(half, wasm_f32x4_add(wasm_f32x4_sub(g[j], g[3 + j]), g[6 + j]));
        r[3][j] = g[6 + j];
      }
      for (int i = 0; i < 4; i++) {
        wasm_v128_store(dst + (4 * i + 0) * plane + ci, r[i][0]);
        wasm_v128_store(dst + (4 * i + 1) * plane + ci, wasm_f32x4_mul(half, wasm_f32x4_add(wasm_f32x4_add(r[i][0], r[i][1]), r[i][2])));
        wasm_v128_store(dst + (4 * i + 2) * plane + ci, wasm_f32x4_mul(half, wasm_f32x4_add(wasm_f32x4_sub(r[i][0], r[i][1]), r[i][2])));
        wasm_v128_store(dst + (4 * i + 3) * plane + ci, r[i][2]);
      }
    }
    for (; ci < cin; ci++) {
      float g[9], r[4][3];
      for (int k = 0; k < 9; k++) g[k] = taps[k * cin + ci];
      for (int j = 0; j < 3; j++) {
        r[0][j] = g[j];
        r[1][j] = 0.5f * (g[j] + g[3 + j] + g[6 + j]);
        r[2][j] = 0.5f * (g[j] - g[3 + j] + g[6 + j]);
        r[3][j] = g[6 + j];
      }
      for (int i = 0; i < 4; i++) {
        dst[(4 * i + 0) * plane + ci] = r[i][0];
        dst[(4 * i + 1) * plane + ci] = 0.5f * (r[i][0] + r[i][1] + r[i][2]);
        dst[(4 * i + 2) * plane + ci] = 0.5f * (r[i][0] - r[i][1] + r[i][2]);
        dst[(4 * i + 3) * plane + ci] = r[i][2];
      }
    }
  }
}

/* ---- tiles ------------------------------------------------------------------------- */

/* Copies plane src [h, w] into the zero-padded plane (top-left padding ph, pw). */
static void pad_plane(const geometry_t *geo, const float *src, int h, int w, int ph, int pw, float *dst) {
  __builtin_memset(dst, 0, (size_t)geo->hp * geo->wp * sizeof(float));
  const int rows = imin(h, geo->hp - ph), cols = imin(w, geo->wp - pw);
  for (int y = 0; y < rows; y++) __builtin_memcpy(dst + (size_t)(y + ph) * geo->wp + pw, src + (size_t)y * w, (size_t)cols * sizeof(float));
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
      v128_t c[4][4]; /* c[r][j]: (d B)[r][j] for four tiles */
      for (int r = 0; r < 4; r++) {
        const float *p = row + (size_t)r * geo->wp + 2 * tx;
        const v128_t v0 = wasm_v128_load(p), v1 = wasm_v128_load(p + 4);
        const v128_t v2 = wasm_v128_load(p + 2), v3 = wasm_v128_load(p + 6);
        const v128_t e = SHUF_EVEN(v0, v1), o = SHUF_ODD(v0, v1), e2 = SHUF_EVEN(v2, v3), o2 = SHUF_ODD(v2, v3);
        c[r][0] = wasm_f32x4_sub(e, e2);
        c[r][1] = wasm_f32x4_add(o, e2);
        c[r][2] = wasm_f32x4_sub(e2, o);
        c[r][3] = wasm_f32x4_sub(o, o2);
      }
      v128_t res[16];
      for (int j = 0; j < 4; j++) {
        res[j] = wasm_f32x4_sub(c[0][j], c[2][j]);
        res[4 + j] = wasm_f32x4_add(c[1][j], c[2][j]);
        res[8 + j] = wasm_f32x4_sub(c[2][j], c[1][j]);
        res[12 + j] = wasm_f32x4_sub(c[1][j], c[3][j]);
      }
      store_tiles(res, out + tx, stride, imin(4, geo->tw - tx));
    }
  }
}

/*
 * Y of one image and output channel from M: m points at M[0][co][t0] (rows `stride`
 * apart), y at the [outH, outW] plane; adds the bias.
 */
static void output_transform(const geometry_t *geo, const float *m, size_t stride, float *y, int oh, int ow, float bias) {
  const v128_t vb = wasm_f32x4_splat(bias);
  for (int ty = 0; ty < geo->th; ty++) {
    const float *in = m + (size_t)ty * geo->tw;
    float *r0 = y + (size_t)(2 * ty) * ow;
    float *r1 = r0 + ow;
    const int second = 2 * ty + 1 < oh;
    for (int tx = 0; tx < geo->tw; tx += 4) {
      const int lanes = imin(4, geo->tw - tx);
      v128_t q[16];
      if (lanes == 4) {
        for (int xi = 0; xi < 16; xi++) q[xi] = wasm_v128_load(in + xi * stride + tx);
      } else {
        for (int xi = 0; xi < 16; xi++) {
          float tmp[4] = {0, 0, 0, 0};
          for (int l = 0; l < lanes; l++) tmp[l] = in[xi * stride + tx + l];
          q[xi] = wasm_v128_load(tmp);
        }
      }
      v128_t s0[4], s1[4];
      for (int j = 0; j < 4; j++) {
        s0[j] = wasm_f32x4_add(wasm_f32x4_add(q[j], q[4 + j]), q[8 + j]);
        s1[j] = wasm_f32x4_sub(wasm_f32x4_sub(q[4 + j], q[8 + j]), q[12 + j]);
      }
      const v128_t y00 = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(s0[0], s0[1]), s0[2]), vb);
      const v128_t y01 = wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_sub(s0[1], s0[2]), s0[3]), vb);
      const v128_t y10 = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(s1[0], s1[1]), s1[2]), vb);
      const v128_t y11 = wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_sub(s1[1], s1[2]), s1[3]), vb);
      const v128_t a0 = wasm_i32x4_shuffle(y00, y01, 0, 4, 1, 5), a1 = wasm_i32x4_shuffle(y00, y01, 2, 6, 3, 7);
      const v128_t b0 = wasm_i32x4_shuffle(y10, y11, 0, 4, 1, 5), b1 = wasm_i32x4_shuffle(y10, y11, 2, 6, 3, 7);
      const int x0 = 2 * tx;
      if (x0 + 8 <= ow) {
        wasm_v128_store(r0 + x0, a0);
        wasm_v128_store(r0 + x0 + 4, a1);
        if (second) {
          wasm_v128_store(r1 + x0, b0);
          wasm_v128_store(r1 + x0 + 4, b1);
        }
      } else {
        float t0[8], t1[8];
        wasm_v128_store(t0, a0);
        wasm_v128_store(t0 + 4, a1);
        wasm_v128_store(t1, b0);
        wasm_v128_store(t1 + 4, b1);
        const int cols = ow - x0;
        for (int i = 0; i < cols; i++) r0[x0 + i] = t0[i];
        if (second)
          for (int i = 0; i < cols; i++) r1[x0 + i] = t1[i];
      }
    }
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
      /* t[r][j] = (dY A^T)[r][j] for the tile's two rows. */
      v128_t t[2][4];
      const v128_t d[2][2] = {{SHUF_EVEN(p0, p1), SHUF_ODD(p0, p1)}, {SHUF_EVEN(q0, q1), SHUF_ODD(q0, q1)}};
      for (int r = 0; r < 2; r++) {
        t[r][0] = d[r][0];
        t[r][1] = wasm_f32x4_add(d[r][0], d[r][1]);
        t[r][2] = wasm_f32x4_sub(d[r][0], d[r][1]);
        t[r][3] = wasm_f32x4_neg(d[r][1]);
      }
      v128_t res[16];
      for (int j = 0; j < 4; j++) {
        res[j] = t[0][j];
        res[4 + j] = wasm_f32x4_add(t[0][j], t[1][j]);
        res[8 + j] = wasm_f32x4_sub(t[0][j], t[1][j]);
        res[12 + j] = wasm_f32x4_neg(t[1][j]);
      }
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
    input_transform(&geo, s.plane, v + ci * tiles + (size_t)i * per_image, (size_t)cin * tiles);
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
    __builtin_memset(s.plane, 0, (size_t)(2 * geo.th) * wq * sizeof(float));
    for (int r = 0; r < oh; r++) __builtin_memcpy(s.plane + (size_t)r * wq, src + (size_t)r * ow, (size_t)ow * sizeof(float));
    grad_transform(&geo, s.plane, m + co * tiles + (size_t)i * per_image, (size_t)cout * tiles);
  }
}

/* Product xi of the round: M[xi] = U[xi] V[xi] (forward), or dU[xi] (+)= M[xi] V[xi]^T (weight gradient). */
static void product_task(const int32_t *a, int xi, int count, int thread, int weight_grad) {
  (void)count;
  const int cin = a[WG_CIN], cout = a[WG_COUT];
  const geometry_t geo = geometry(a);
  const int tiles = a[WG_COUNT] * geo.th * geo.tw;
  const float *v = (const float *)a[WG_V] + (size_t)xi * cin * tiles;
  float *m = (float *)a[WG_M] + (size_t)xi * cout * tiles;
  float *u = (float *)a[WG_U] + (size_t)xi * cout * cin;
  gemm_t g;
  g.bias = 0;
  g.m = cout;
  g.a = weight_grad ? m : u;
  g.csa = 1;
  if (weight_grad) {
    g.n = cin;
    g.k = tiles;
    g.rsa = tiles;
    g.b = v; /* V^T: element (t, ci) is V[ci][t] */
    g.rsb = 1;
    g.csb = tiles;
    g.c = u;
    g.ldc = cin;
    g.accumulate = !a[WG_FRESH];
  } else {
    g.n = tiles;
    g.k = cin;
    g.rsa = cin;
    g.b = v;
    g.rsb = tiles;
    g.csb = 1;
    g.c = m;
    g.ldc = tiles;
    g.accumulate = 0;
  }
  gemm_serial(&g, thread_scratch(a, thread).gemm);
}

static void forward_product_task(const int32_t *a, int t, int count, int thread) { product_task(a, t, count, thread, 0); }

static void weight_product_task(const int32_t *a, int t, int count, int thread) { product_task(a, t, count, thread, 1); }

/* The round's output planes from M, with the bias. */
static void output_task(const int32_t *a, int t, int count, int thread) {
  (void)thread;
  const int cout = a[WG_COUT], oh = a[WG_OH], ow = a[WG_OW], b0 = a[WG_FIRST];
  const geometry_t geo = geometry(a);
  const float *bias = (const float *)a[WG_BIAS];
  const float *m = (const float *)a[WG_M];
  float *y = (float *)a[WG_Y];
  const int per_image = geo.th * geo.tw;
  const size_t tiles = (size_t)a[WG_COUNT] * per_image;
  int first, last;
  share(a[WG_COUNT] * cout, t, count, &first, &last);
  for (int p = first; p < last; p++) {
    const int i = p / cout, co = p % cout;
    output_transform(&geo, m + co * tiles + (size_t)i * per_image, (size_t)cout * tiles, y + ((size_t)(b0 + i) * cout + co) * oh * ow, oh, ow,
                     bias ? bias[co] : 0.0f);
  }
}

/* dW = G^T dU G for output channels [first, last), four input channels at a time (added into dW with FLAG_ACCUMULATE). */
static void weight_task(const int32_t *a, int t, int count, int thread) {
  const int cin = a[WG_CIN], cout = a[WG_COUT], accumulate = a[WG_FLAGS] & FLAG_ACCUMULATE;
  const size_t plane = (size_t)cout * cin;
  const float *du = (const float *)a[WG_U];
  float *dw = (float *)a[WG_WEIGHT];
  float *taps = thread_scratch(a, thread).taps;
  const v128_t half = wasm_f32x4_splat(0.5f);
  int first, last;
  share(cout, t, count, &first, &last);
  for (int co = first; co < last; co++) {
    const float *src = du + (size_t)co * cin;
    int ci = 0;
    for (; ci + 4 <= cin; ci += 4) {
      v128_t u[16], r[3][4];
      for (int xi = 0; xi < 16; xi++) u[xi] = wasm_v128_load(src + xi * plane + ci);
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
      for (int xi = 0; xi < 16; xi++) u[xi] = src[xi * plane + ci];
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

/* A copy of the parameter block with room for the round's fields (the workers read it from the caller's stack). */
static void round_args(const int32_t *a, int32_t *r) {
  for (int i = 0; i < WG_FIRST; i++) r[i] = a[i];
}

EXPORT(winograd_forward)
void winograd_forward(const int32_t *a) {
  int32_t r[WG_ARGS];
  round_args(a, r);
  const int tasks = a[WG_TASKS], per_round = a[WG_ROUND];
  phase(filter_task, r, imin(tasks, a[WG_COUT]));
  for (int b0 = 0; b0 < a[WG_N]; b0 += per_round) {
    r[WG_FIRST] = b0;
    r[WG_COUNT] = imin(per_round, a[WG_N] - b0);
    phase(input_task, r, tasks);
    phase(forward_product_task, r, 16);
    phase(output_task, r, tasks);
  }
}

EXPORT(winograd_backward_weight)
void winograd_backward_weight(const int32_t *a) {
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

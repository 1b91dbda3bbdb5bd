/*
 * Stride-1 convolutions with 3x3 filters by Winograd's minimal filtering F(2x2, 3x3):
 * each 2x2 block of outputs comes from a 4x4 block of inputs with 16 multiplications
 * instead of 36.
 *
 *   Y = A^T [ (G g G^T) (.) (B^T d B) ] A    per 4x4 input tile d and 3x3 filter g, where
 *   B^T = [1 0 -1 0; 0 1 1 0; 0 -1 1 0; 0 1 0 -1], G = [1 0 0; .5 .5 .5; .5 -.5 .5; 0 0 1],
 *   A^T = [1 1 1 0; 0 1 -1 -1].
 *
 * A 5x5 filter is four 3x3 blocks of its zero-padded 6x6 square, each applied to the
 * input shifted by 0 or 3 rows and columns: four F(2x2, 3x3) convolutions whose sum is
 * the 5x5 one, 64 multiplications for a 2x2 block of outputs instead of 100. Channel ci
 * with block q is then the virtual input channel 4 ci + q, and everything below runs
 * over virtual channels (one per channel for 3x3 filters).
 *
 * Summed over input channels, the element-wise products become 16 matrix products, one
 * per position xi of the 4x4 transformed tile:
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
 * tiles' transforms into V (four tiles at once, in f32x4 lanes), the 16 products into
 * M, and the outputs from M.
 *
 * The weight gradient transforms a block's dY and x tiles four channels at a time (in
 * lanes), into the packed forms of M and V^T, and adds the 16 products into dU. Each
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
 *   thread) [19] threads (scratch areas) [20] U (forward: 16 x cOut rounded up to 4 x
 *   the virtual input channels, and a little; see XI_PAD), or the weight gradient's
 *   shared dU, or 0 for
 *   a dU per thread [21] flags: 1 = weight is [cIn][cOut] and turned (input gradient),
 *   2 = add into dW [22] k, the filter's side (3 or 5)
 */
#include "kernels.h"

enum {
  WG_N, WG_CIN, WG_H, WG_W, WG_COUT, WG_PH, WG_PW, WG_OH, WG_OW, WG_X, WG_WEIGHT, WG_BIAS, WG_Y,
  WG_IMAGES, WG_ROWS, WG_TILES, WG_SCRATCH, WG_SCRATCH_FLOATS, WG_TASKS, WG_THREADS, WG_U, WG_FLAGS, WG_K
};
enum { FLAG_FLIPPED = 1, FLAG_ACCUMULATE = 2 };

/* Floats between one xi's part of U, V or M and the next beyond its size, so that the 16 parts of a tile do not fall into one cache set. */
#define XI_PAD 16

/* Runs a phase of `count` tasks: over the threads, or in turn when the call stays on one thread. */
static void phase(task_fn task, const int32_t *a, int count) {
  if (a[WG_TASKS] > 1) {
    parallel_for(task, a, count);
    return;
  }
  for (int t = 0; t < count; t++) task(a, t, count, 0);
}

/*
 * A k x k filter (k = 3 or 5) is split into S x S blocks of 3 x 3 (S = 1 or 2, zero past
 * k), each run by F(2x2, 3x3) on the input shifted by 3 rows or columns per block: the
 * input channel ci with block q is the virtual channel ci S^2 + q, and the products sum
 * over the virtual channels. A tile then reads `halo` more rows and columns of input.
 */
static int splits(const int32_t *a) { return (a[WG_K] + 2) / 3; }

static int virtual_cin(const int32_t *a) { return a[WG_CIN] * splits(a) * splits(a); }

static int halo(const int32_t *a) { return 3 * (splits(a) - 1); }

/* Where block q's 4x4 input tile starts, relative to the whole tile's, in planes `wp` floats a row. */
static int shift_of(const int32_t *a, int q, int wp) { return 3 * (q / splits(a)) * wp + 3 * (q % splits(a)); }

/* ---- tiles ------------------------------------------------------------------------- */

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

/* ---- the forward pass ------------------------------------------------------------------ */

/*
 * The S^2 3 x 3 blocks of one k x k filter (turned by 180 degrees when flipped), cut at
 * k and padded with zeros, into dst[36 q + 4 tap] for block q (lane stride 4).
 */
static void gather_blocks(const float *src, int k, int flipped, float *dst) {
  /* Tap (r, c) is src[r k + c]; turned, src[k^2 - 1 - (r k + c)]. */
  const float *base = flipped ? src + k * k - 1 : src;
  const int step = flipped ? -1 : 1, s = (k + 2) / 3;
  if (k == 3) {
    /* One whole block, nothing cut: a straight copy (the loop below measured 0.85x on a 512-channel forward). */
    for (int tap = 0; tap < 9; tap++) dst[4 * tap] = base[step * tap];
    return;
  }
  for (int qr = 0; qr < s; qr++)
    for (int qc = 0; qc < s; qc++, dst += 36)
      for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
          const int r = 3 * qr + i, c = 3 * qc + j;
          dst[4 * (3 * i + j)] = r < k && c < k ? base[step * (r * k + c)] : 0.0f;
        }
}

/*
 * U in the product's packed form, filled for the panels (four output channels each) of
 * [first, last): U[xi][panel][v][l] = (G g G^T)[xi] of block q of the filter
 * (4 panel + l, ci), v = ci S^2 + q, zero past cOut. A panel of U[xi] is then the
 * product's A operand as it stands.
 */
static void filter_task(const int32_t *a, int t, int count, int thread) {
  const int cin = a[WG_CIN], cout = a[WG_COUT], flipped = a[WG_FLAGS] & FLAG_FLIPPED, k = a[WG_K];
  const int panels = (cout + 3) >> 2, vcin = virtual_cin(a), sq = splits(a) * splits(a);
  const float *w = (const float *)a[WG_WEIGHT];
  const size_t stride = (size_t)panels * vcin * 4 + XI_PAD; /* from U[xi] to U[xi + 1] */
  /* The panel's taps by virtual channel, [vcin][9][4], staged in the thread's room for V (free until the blocks run). */
  float *taps = (float *)a[WG_SCRATCH] + (size_t)thread * a[WG_SCRATCH_FLOATS];
  const v128_t half = wasm_f32x4_splat(0.5f);
  int first, last;
  share(panels, t, count, &first, &last);
  for (int pn = first; pn < last; pn++) {
    for (int l = 0; l < 4; l++) {
      const int co = 4 * pn + l;
      if (co >= cout) {
        for (int v = 0; v < vcin; v++)
          for (int tap = 0; tap < 9; tap++) taps[(size_t)v * 36 + 4 * tap + l] = 0.0f;
        continue;
      }
      for (int ci = 0; ci < cin; ci++) {
        /* The input gradient's filter (co, ci) is the forward filter (ci, co) turned by 180 degrees. */
        const float *src = flipped ? w + ((size_t)ci * cout + co) * k * k : w + ((size_t)co * cin + ci) * k * k;
        gather_blocks(src, k, flipped, taps + (size_t)ci * sq * 36 + l);
      }
    }
    float *dst = (float *)a[WG_U] + (size_t)pn * vcin * 4;
    for (int v = 0; v < vcin; v++, dst += 4) {
      v128_t g[9], r[4][3];
      for (int tap = 0; tap < 9; tap++) g[tap] = wasm_v128_load(taps + (size_t)v * 36 + 4 * tap);
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

/*
 * A thread's scratch in the forward pass (tiles = the block's tiles rounded up to 8):
 * V in the product's packed form, [16][tiles / 8][vcin][8]; M, [16][cOut rounded up to
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
  const int tiles = a[WG_TILES], vcin = virtual_cin(a), cout4 = (a[WG_COUT] + 3) & ~3, rows = a[WG_ROWS];
  block_scratch_t s;
  s.th = (a[WG_OH] + 1) >> 1;
  s.tw = (a[WG_OW] + 1) >> 1;
  s.wp = 2 * s.tw + 2 + halo(a);
  s.v = (float *)a[WG_SCRATCH] + (size_t)thread * a[WG_SCRATCH_FLOATS];
  s.m = s.v + (size_t)16 * (vcin * tiles + XI_PAD);
  s.planes = s.m + (size_t)16 * (cout4 * tiles + XI_PAD);
  s.from = (int32_t *)(s.planes + (size_t)(rows > 0 ? 1 : a[WG_IMAGES]) * (2 * (rows > 0 ? rows : s.th) + 2 + halo(a)) * s.wp);
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
  const int ph = a[WG_PH], pw = a[WG_PW], cout4 = (cout + 3) & ~3, vcin = virtual_cin(a), sq = splits(a) * splits(a);
  const size_t in_plane = (size_t)h * w, out_plane = (size_t)oh * ow;
  const block_scratch_t s = block_scratch(a, thread);
  const block_t b = block_of(a, s.th, t);
  const int seg_rows = 2 * (b.y1 - b.y0) + 2 + halo(a);
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
      pad_rows(s.planes + (size_t)(i - b.i0) * seg, seg_rows, s.wp, pw, x + ((size_t)i * cin + ci) * in_plane, h, w, 2 * b.y0 - ph);
    }
    /* Four tiles at a time (lanes 0-3 or 4-7 of a panel of eight), for each block of the filter. */
    for (int q = 0; q < sq; q++) {
      const int v = ci * sq + q;
      const float *planes = s.planes + shift_of(a, q, s.wp);
      for (int j = 0; j < tiles; j += 4) gather_tiles(planes, s.from + j, s.wp, s.v + (size_t)(j >> 3) * vcin * 8 + (size_t)v * 8 + (j & 7), (size_t)vcin * stride + XI_PAD);
    }
  }

  const int panels = cout4 >> 2;
  for (int xi = 0; xi < 16; xi++) {
    const float *u = (const float *)a[WG_U] + (size_t)xi * ((size_t)panels * vcin * 4 + XI_PAD);
    const float *v = s.v + (size_t)xi * (vcin * stride + XI_PAD);
    float *m = s.m + (size_t)xi * (cout4 * stride + XI_PAD);
    for (int pn = 0; pn < panels; pn++)
      for (int j = 0; j < tiles; j += 8) gemm_kernel_4x8(vcin, u + (size_t)pn * vcin * 4, v + (size_t)j * vcin, 8, m + (size_t)4 * pn * stride + j, stride, 0, 0);
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
 * dU is [16][cOut rounded up to 4][cIn rounded up to 8]. Either each thread adds its
 * blocks' products into a dU of its own, at the start of its scratch, and dW comes
 * from the sum of those copies; or (where the copies would take too much memory, a
 * non-zero [20]) the threads share one dU, each task taking some output channels over
 * all the blocks.
 */
/* The virtual input channels rounded up to a panel of eight. */
static int cin8_of(const int32_t *a) { return (virtual_cin(a) + 7) & ~7; }

static int cout4_of(const int32_t *a) { return (a[WG_COUT] + 3) & ~3; }

static size_t du_xi_stride(const int32_t *a) { return (size_t)cout4_of(a) * cin8_of(a) + XI_PAD; }

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

static du_source_t du_source(const int32_t *a) {
  du_source_t s;
  s.xi_stride = du_xi_stride(a);
  s.row = cin8_of(a);
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
 * time; each 3 x 3 result is its block of the k x k filter, cut at k (added into dW
 * with FLAG_ACCUMULATE).
 */
static void weight_task(const int32_t *a, int t, int count, int thread) {
  (void)thread;
  const int cin = a[WG_CIN], k = a[WG_K], accumulate = a[WG_FLAGS] & FLAG_ACCUMULATE;
  const int vcin = virtual_cin(a), s = splits(a), sq = s * s;
  const du_source_t du = du_source(a);
  float *dw = (float *)a[WG_WEIGHT];
  float taps[36];
  const v128_t half = wasm_f32x4_splat(0.5f);
  int first, last;
  share(a[WG_COUT], t, count, &first, &last);
  for (int co = first; co < last; co++) {
    const float *src = du.base + (size_t)co * du.row;
    /* Rows of dU are padded to eight, so four lanes can always be read. */
    for (int v0 = 0; v0 < vcin; v0 += 4) {
      v128_t u[16], r[3][4];
      for (int xi = 0; xi < 16; xi++) {
        const float *p = src + xi * du.xi_stride + v0;
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
      if (k == 3) {
        /* Four whole filters, one after the other in dW: a 9 x 4 transpose. */
        float *out = dw + ((size_t)co * cin + v0) * 9;
        const int lanes = imin(4, vcin - v0);
        for (int l = 0; l < lanes; l++)
          for (int tap = 0; tap < 9; tap++) {
            float *o = out + 9 * l + tap;
            *o = accumulate ? *o + taps[tap * 4 + l] : taps[tap * 4 + l];
          }
        continue;
      }
      /* Each lane's 3 x 3 result is its block of its filter, cut at k. */
      for (int l = 0; l < 4 && v0 + l < vcin; l++) {
        const int ci = (v0 + l) / sq, q = (v0 + l) % sq;
        const int r0 = 3 * (q / s), c0 = 3 * (q % s);
        float *out = dw + ((size_t)co * cin + ci) * k * k;
        for (int i = 0; i < 3 && r0 + i < k; i++)
          for (int j = 0; j < 3 && c0 + j < k; j++) {
            float *o = out + (r0 + i) * k + c0 + j;
            *o = accumulate ? *o + taps[(3 * i + j) * 4 + l] : taps[(3 * i + j) * 4 + l];
          }
      }
    }
  }
}

/*
 * A thread's scratch in the weight gradient: its dU (without a shared one); M and V
 * of a block in the product's packed forms, [16][cOut4 / 4][tiles][4] and
 * [16][cIn8 / 8][tiles][8]; the zero-padded planes of four channels of the block's
 * input, and of its output gradient; where each tile starts in those planes.
 */
typedef struct {
  float *du, *m, *v, *xp, *gp;
  int32_t *from_x, *from_g;
  size_t m_xi, v_xi, x_channel, g_channel;
  int th, tw, wp;
} wblock_scratch_t;

static wblock_scratch_t wblock_scratch(const int32_t *a, int thread) {
  const int tiles = a[WG_TILES], rows = a[WG_ROWS], segs = rows > 0 ? 1 : a[WG_IMAGES];
  wblock_scratch_t s;
  s.th = (a[WG_OH] + 1) >> 1;
  s.tw = (a[WG_OW] + 1) >> 1;
  s.wp = 2 * s.tw + 2 + halo(a);
  const int block_rows = rows > 0 ? rows : s.th;
  s.m_xi = (size_t)cout4_of(a) * tiles + XI_PAD;
  s.v_xi = (size_t)cin8_of(a) * tiles + XI_PAD;
  s.x_channel = (size_t)segs * (2 * block_rows + 2 + halo(a)) * s.wp;
  s.g_channel = (size_t)segs * (2 * block_rows) * (2 * s.tw);
  s.du = (float *)a[WG_SCRATCH] + (size_t)thread * a[WG_SCRATCH_FLOATS];
  s.m = s.du + (a[WG_U] ? 0 : 16 * du_xi_stride(a));
  s.v = s.m + 16 * s.m_xi;
  s.xp = s.v + 16 * s.v_xi;
  s.gp = s.xp + 4 * s.x_channel;
  s.from_x = (int32_t *)(s.gp + 4 * s.g_channel);
  s.from_g = s.from_x + tiles;
  return s;
}

/*
 * Elements p[0] and p[1] of four planes `stride` floats apart, as two vectors whose lanes
 * are the planes: four 8-byte loads and four shuffles instead of eight lone loads.
 */
static inline void pairs4(const float *p, size_t stride, v128_t *first, v128_t *second) {
  const v128_t a = wasm_v128_load64_zero(p), b = wasm_v128_load64_zero(p + stride);
  const v128_t c = wasm_v128_load64_zero(p + 2 * stride), d = wasm_v128_load64_zero(p + 3 * stride);
  const v128_t ab = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5), cd = wasm_i32x4_shuffle(c, d, 0, 4, 1, 5);
  *first = wasm_i32x4_shuffle(ab, cd, 0, 1, 4, 5);
  *second = wasm_i32x4_shuffle(ab, cd, 2, 3, 6, 7);
}

/*
 * Block t of the weight gradient for output channels [c0, c1) (multiples of 4): their
 * output-gradient tiles into M and the input tiles of every input channel into V, four
 * channels at a time (lanes) so that they land in the product's packed forms, then
 * dU[xi] += M[xi] V[xi]^T over the block's tiles by the product's microkernel.
 */
static void weight_block(const int32_t *a, const wblock_scratch_t *s, int t, int c0, int c1, float *du) {
  const int cin = a[WG_CIN], cout = a[WG_COUT], h = a[WG_H], w = a[WG_W], oh = a[WG_OH], ow = a[WG_OW];
  const int ph = a[WG_PH], pw = a[WG_PW], cin8 = cin8_of(a), vcin = virtual_cin(a), sq = splits(a) * splits(a);
  const block_t b = block_of(a, s->th, t);
  const int rows = b.y1 - b.y0, gw = 2 * s->tw, xrows = 2 * rows + 2 + halo(a);
  const size_t xseg = (size_t)xrows * s->wp, gseg = (size_t)(2 * rows) * gw;

  int n = 0;
  for (int i = b.i0; i < b.i1; i++)
    for (int ty = b.y0; ty < b.y1; ty++)
      for (int tx = 0; tx < s->tw; tx++, n++) {
        s->from_x[n] = (int32_t)((size_t)(i - b.i0) * xseg + (size_t)(2 * (ty - b.y0)) * s->wp + 2 * tx);
        s->from_g[n] = (int32_t)((size_t)(i - b.i0) * gseg + (size_t)(2 * (ty - b.y0)) * gw + 2 * tx);
      }

  /* Output-gradient tiles: panel (c - c0) / 4 of M[xi] is [tile][4 channels]. */
  const float *dy = (const float *)a[WG_Y];
  for (int c = c0; c < c1; c += 4) {
    for (int l = 0; l < 4; l++)
      for (int i = b.i0; i < b.i1; i++) {
        const float *src = c + l < cout ? dy + ((size_t)i * cout + c + l) * oh * ow : 0;
        pad_rows(s->gp + l * s->g_channel + (size_t)(i - b.i0) * gseg, 2 * rows, gw, 0, src, oh, ow, 2 * b.y0);
      }
    float *dst = s->m + (size_t)(c - c0) * n;
    for (int j = 0; j < n; j++, dst += 4) {
      const float *p = s->gp + s->from_g[j];
      v128_t d[2][2];
      pairs4(p, s->g_channel, &d[0][0], &d[0][1]);
      pairs4(p + gw, s->g_channel, &d[1][0], &d[1][1]);
      v128_t res[16];
      grad_tile_transform(d, res);
      for (int xi = 0; xi < 16; xi++) wasm_v128_store(dst + xi * s->m_xi, res[xi]);
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
        pad_rows(s->xp + l * s->x_channel + (size_t)(i - b.i0) * xseg, xrows, s->wp, pw, src, h, w, 2 * b.y0 - ph);
      }
    const float *lane[4];
    for (int l = 0; l < 4; l++) {
      /* Virtual channels past vcin read a zero plane (their channel is past cIn). */
      const int q = v + l < vcin ? (v + l) % sq : 0;
      lane[l] = s->xp + ((v + l) / sq - ci0) * s->x_channel + shift_of(a, q, s->wp);
    }
    float *dst = s->v + (size_t)(v >> 3) * n * 8 + (v & 7);
    for (int j = 0; j < n; j++, dst += 8) {
      const int at = s->from_x[j];
      /* Row r of the tile in each of the four planes, turned so that the lanes are the planes. */
      v128_t d[4][4];
      for (int r = 0; r < 4; r++) {
        const int e = at + r * s->wp;
        v128_t t0 = wasm_v128_load(lane[0] + e), t1 = wasm_v128_load(lane[1] + e);
        v128_t t2 = wasm_v128_load(lane[2] + e), t3 = wasm_v128_load(lane[3] + e);
        TRANSPOSE4(t0, t1, t2, t3);
        d[r][0] = t0;
        d[r][1] = t1;
        d[r][2] = t2;
        d[r][3] = t3;
      }
      v128_t res[16];
      input_tile_transform(d, res);
      for (int xi = 0; xi < 16; xi++) wasm_v128_store(dst + xi * s->v_xi, res[xi]);
    }
  }

  const size_t du_xi = du_xi_stride(a);
  for (int xi = 0; xi < 16; xi++) {
    const float *m = s->m + xi * s->m_xi, *v = s->v + xi * s->v_xi;
    float *dux = du + xi * du_xi;
    for (int c = c0; c < c1; c += 4)
      for (int q = 0; q < cin8; q += 8) gemm_kernel_4x8(n, m + (size_t)(c - c0) * n, v + (size_t)q * n, 8, dux + (size_t)c * cin8 + q, cin8, 0, 1);
  }
}

/* Zeroes thread t's dU. */
static void zero_du_task(const int32_t *a, int t, int count, int thread) {
  (void)count;
  (void)thread;
  zero_floats(wblock_scratch(a, t).du, (int)(16 * du_xi_stride(a)));
}

/* Block t into the calling thread's dU. */
static void weight_block_task(const int32_t *a, int t, int count, int thread) {
  (void)count;
  const wblock_scratch_t s = wblock_scratch(a, thread);
  weight_block(a, &s, t, 0, cout4_of(a), s.du);
}

/* A share of the output channels (whole panels of four) over every block, into the shared dU; one task per thread, since each transforms all of x. */
static void weight_channels_task(const int32_t *a, int t, int count, int thread) {
  const wblock_scratch_t s = wblock_scratch(a, thread);
  int first, last;
  share(cout4_of(a) >> 2, t, count, &first, &last);
  if (first == last) return;
  float *du = (float *)a[WG_U];
  const size_t du_xi = du_xi_stride(a);
  const int cin8 = cin8_of(a);
  for (int xi = 0; xi < 16; xi++) zero_floats(du + xi * du_xi + (size_t)4 * first * cin8, 4 * (last - first) * cin8);
  const int blocks = block_count(a, s.th);
  for (int b = 0; b < blocks; b++) weight_block(a, &s, b, 4 * first, 4 * last, du);
}

EXPORT(winograd_forward)
void winograd_forward(const int32_t *a) {
  phase(filter_task, a, imin(a[WG_TASKS], (a[WG_COUT] + 3) >> 2));
  phase(block_task, a, block_count(a, (a[WG_OH] + 1) >> 1));
}

EXPORT(winograd_backward_weight)
void winograd_backward_weight(const int32_t *a) {
  if (a[WG_U]) {
    phase(weight_channels_task, a, imin(a[WG_THREADS], cout4_of(a) >> 2));
  } else {
    phase(zero_du_task, a, a[WG_THREADS]);
    phase(weight_block_task, a, block_count(a, (a[WG_OH] + 1) >> 1));
  }
  phase(weight_task, a, imin(a[WG_TASKS], a[WG_COUT]));
}

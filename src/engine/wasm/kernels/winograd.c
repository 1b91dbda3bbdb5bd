/* Winograd's forward pass and input gradient (see winograd.h). */
#include "winograd.h"

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

EXPORT(winograd_forward)
void winograd_forward(const int32_t *a) {
  phase(filter_task, a, imin(a[WG_TASKS], (a[WG_COUT] + 3) >> 2));
  phase(block_task, a, block_count(a, th_of(a)));
}

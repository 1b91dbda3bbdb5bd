/* Winograd's weight gradient (see winograd.h). */
#include "winograd.h"

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

/*
 * The three convolution passes as matrix products over im2col matrices.
 *
 * Images are taken in groups of G (chosen by the caller so that a group's matrices
 * fit its scratch): the im2col matrix of a group has K = cIn*kH*kW rows and
 * N = G*outH*outW columns, image after image. Then
 *   forward          Y[cOut, N]   = W[cOut, K] col[K, N] + bias
 *   backward input   dcol[K, N]   = W^T dY[cOut, N], scattered back by col2im
 *   backward weight  dW[cOut, K] += dY[cOut, N] col^T
 * A group of one image reads and writes the NCHW tensors in place; larger groups
 * (small feature maps, where one image makes too narrow a product) gather dY into
 * and scatter Y out of [cOut, N] order in scratch.
 *
 * Parameter block (32-bit integers):
 *   [0] n [1] cIn [2] h [3] w [4] cOut [5] kH [6] kW [7] strideH [8] strideW
 *   [9] padH [10] padW [11] outH [12] outW
 *   [13] x (or dX) [14] weight (or dW) [15] bias or 0 [16] y (or dY) [17] G
 *   [18] scratch [19] scratch floats per thread [20] tasks [21] accumulate into dW
 *   [22] threads (scratch areas)
 * Task t of `tasks` takes images [n t / tasks, n (t + 1) / tasks); the thread that runs
 * it works in its own scratch area.
 */
#include "kernels.h"

enum {
  CV_N, CV_CIN, CV_H, CV_W, CV_COUT, CV_KH, CV_KW, CV_SH, CV_SW, CV_PH, CV_PW, CV_OH, CV_OW,
  CV_X, CV_WEIGHT, CV_BIAS, CV_Y, CV_G, CV_SCRATCH, CV_SCRATCH_FLOATS, CV_TASKS, CV_ACCUMULATE, CV_THREADS
};

/* Output columns [*j0, *j1) whose input column oj*stride - pad + kj lies in [0, w). */
static void valid_range(int kj, int pad, int stride, int w, int out_w, int *j0, int *j1) {
  int lo = pad - kj > 0 ? (pad - kj + stride - 1) / stride : 0;
  /* Largest oj with oj*stride <= w - 1 + pad - kj, plus one. */
  const int top = w - 1 + pad - kj;
  int hi = top < 0 ? 0 : top / stride + 1;
  if (hi > out_w) hi = out_w;
  if (lo > out_w) lo = out_w;
  *j0 = lo;
  *j1 = hi < lo ? lo : hi;
}

static inline int is_pointwise(const int32_t *a) {
  return a[CV_KH] == 1 && a[CV_KW] == 1 && a[CV_SH] == 1 && a[CV_SW] == 1 && a[CV_PH] == 0 && a[CV_PW] == 0;
}

/* Writes the im2col matrix of one image [cIn, h, w] into columns [0, outH*outW) of col (row stride ldcol). */
static void im2col(const int32_t *a, const float *x, float *col, int ldcol) {
  const int cin = a[CV_CIN], h = a[CV_H], w = a[CV_W], kh = a[CV_KH], kw = a[CV_KW];
  const int sh = a[CV_SH], sw = a[CV_SW], ph = a[CV_PH], pw = a[CV_PW], oh = a[CV_OH], ow = a[CV_OW];
  for (int ci = 0; ci < cin; ci++) {
    const float *plane = x + (size_t)ci * h * w;
    for (int ki = 0; ki < kh; ki++) {
      for (int kj = 0; kj < kw; kj++) {
        float *row = col + (size_t)((ci * kh + ki) * kw + kj) * ldcol;
        int j0, j1;
        valid_range(kj, pw, sw, w, ow, &j0, &j1);
        for (int oi = 0; oi < oh; oi++) {
          float *d = row + oi * ow;
          const int ii = oi * sh - ph + ki;
          if (ii < 0 || ii >= h) {
            for (int oj = 0; oj < ow; oj++) d[oj] = 0.0f;
            continue;
          }
          const float *s = plane + ii * w + kj - pw;
          for (int oj = 0; oj < j0; oj++) d[oj] = 0.0f;
          if (sw == 1)
            for (int oj = j0; oj < j1; oj++) d[oj] = s[oj];
          else
            for (int oj = j0; oj < j1; oj++) d[oj] = s[oj * sw];
          for (int oj = j1; oj < ow; oj++) d[oj] = 0.0f;
        }
      }
    }
  }
}

/* Adds the columns [0, outH*outW) of dcol (row stride ldcol) back onto one image's dX [cIn, h, w]. */
static void col2im(const int32_t *a, const float *col, int ldcol, float *dx) {
  const int cin = a[CV_CIN], h = a[CV_H], w = a[CV_W], kh = a[CV_KH], kw = a[CV_KW];
  const int sh = a[CV_SH], sw = a[CV_SW], ph = a[CV_PH], pw = a[CV_PW], oh = a[CV_OH], ow = a[CV_OW];
  for (int ci = 0; ci < cin; ci++) {
    float *plane = dx + (size_t)ci * h * w;
    for (int ki = 0; ki < kh; ki++) {
      for (int kj = 0; kj < kw; kj++) {
        const float *row = col + (size_t)((ci * kh + ki) * kw + kj) * ldcol;
        int j0, j1;
        valid_range(kj, pw, sw, w, ow, &j0, &j1);
        for (int oi = 0; oi < oh; oi++) {
          const int ii = oi * sh - ph + ki;
          if (ii < 0 || ii >= h) continue;
          const float *s = row + oi * ow;
          float *d = plane + ii * w + kj - pw;
          if (sw == 1)
            for (int oj = j0; oj < j1; oj++) d[oj] += s[oj];
          else
            for (int oj = j0; oj < j1; oj++) d[oj * sw] += s[oj];
        }
      }
    }
  }
}

/*
 * A thread's scratch: the product's packed panels, the im2col matrix, a [cOut, N]
 * buffer and (backward weight, threads past the first) a partial dW.
 */
typedef struct {
  float *gemm, *col, *tmp, *partial;
} scratch_t;

static scratch_t thread_scratch(const int32_t *a, int t) {
  const int k = a[CV_CIN] * a[CV_KH] * a[CV_KW];
  const int cols = a[CV_G] * a[CV_OH] * a[CV_OW];
  scratch_t s;
  s.gemm = (float *)a[CV_SCRATCH] + (size_t)t * a[CV_SCRATCH_FLOATS];
  s.col = s.gemm + gemm_scratch_floats();
  s.tmp = s.col + (size_t)k * cols;
  s.partial = s.tmp + (size_t)a[CV_COUT] * cols;
  return s;
}

static void forward_task(const int32_t *a, int t, int count, int thread) {
  const int cin = a[CV_CIN], cout = a[CV_COUT], group = a[CV_G];
  const int k = cin * a[CV_KH] * a[CV_KW], hw = a[CV_OH] * a[CV_OW], in_size = cin * a[CV_H] * a[CV_W];
  const float *x = (const float *)a[CV_X];
  float *y = (float *)a[CV_Y];
  const scratch_t s = thread_scratch(a, thread);
  int first, last;
  share(a[CV_N], t, count, &first, &last);

  gemm_t g;
  g.m = cout;
  g.k = k;
  g.a = (const float *)a[CV_WEIGHT];
  g.rsa = k;
  g.csa = 1;
  g.csb = 1;
  g.bias = (const float *)a[CV_BIAS];
  g.accumulate = 0;
  for (int b0 = first; b0 < last; b0 += group) {
    const int gn = imin(group, last - b0), cols = gn * hw;
    const float *xb = x + (size_t)b0 * in_size;
    if (gn == 1 && is_pointwise(a)) {
      g.b = xb;
    } else {
      for (int i = 0; i < gn; i++) im2col(a, xb + (size_t)i * in_size, s.col + i * hw, cols);
      g.b = s.col;
    }
    g.n = cols;
    g.rsb = cols;
    if (gn == 1) {
      g.c = y + (size_t)b0 * cout * hw;
      g.ldc = hw;
      gemm_serial(&g, s.gemm);
    } else {
      g.c = s.tmp;
      g.ldc = cols;
      gemm_serial(&g, s.gemm);
      for (int i = 0; i < gn; i++)
        for (int co = 0; co < cout; co++) {
          const float *src = s.tmp + (size_t)co * cols + i * hw;
          float *dst = y + ((size_t)(b0 + i) * cout + co) * hw;
          copy_floats(dst, src, hw);
        }
    }
  }
}

/* Points g->a (or g->b) at dY of images [b0, b0 + gn) as a [cOut, gn*hw] matrix, gathering when gn > 1. */
static const float *gather_dy(const int32_t *a, const float *dy, int b0, int gn, float *tmp) {
  const int cout = a[CV_COUT], hw = a[CV_OH] * a[CV_OW];
  const float *src = dy + (size_t)b0 * cout * hw;
  if (gn == 1) return src;
  const int cols = gn * hw;
  for (int i = 0; i < gn; i++)
    for (int co = 0; co < cout; co++)
      copy_floats(tmp + (size_t)co * cols + i * hw, src + ((size_t)i * cout + co) * hw, hw);
  return tmp;
}

static void backward_input_task(const int32_t *a, int t, int count, int thread) {
  const int cin = a[CV_CIN], cout = a[CV_COUT], group = a[CV_G];
  const int k = cin * a[CV_KH] * a[CV_KW], hw = a[CV_OH] * a[CV_OW], in_size = cin * a[CV_H] * a[CV_W];
  float *dx = (float *)a[CV_X];
  const float *dy = (const float *)a[CV_Y];
  const scratch_t s = thread_scratch(a, thread);
  int first, last;
  share(a[CV_N], t, count, &first, &last);

  gemm_t g;
  g.m = k;
  g.k = cout;
  g.a = (const float *)a[CV_WEIGHT]; /* W^T: element (i, p) is W[p, i] */
  g.rsa = 1;
  g.csa = k;
  g.csb = 1;
  g.bias = 0;
  g.accumulate = 0;
  for (int b0 = first; b0 < last; b0 += group) {
    const int gn = imin(group, last - b0), cols = gn * hw;
    float *dxb = dx + (size_t)b0 * in_size;
    g.b = gather_dy(a, dy, b0, gn, s.tmp);
    g.n = cols;
    g.rsb = cols;
    g.ldc = cols;
    if (gn == 1 && is_pointwise(a)) {
      g.c = dxb;
      gemm_serial(&g, s.gemm);
      continue;
    }
    g.c = s.col;
    gemm_serial(&g, s.gemm);
    __builtin_memset(dxb, 0, (size_t)gn * in_size * sizeof(float));
    for (int i = 0; i < gn; i++) col2im(a, s.col + i * hw, cols, dxb + (size_t)i * in_size);
  }
}

static void backward_weight_task(const int32_t *a, int t, int count, int thread) {
  const int cin = a[CV_CIN], cout = a[CV_COUT], group = a[CV_G];
  const int k = cin * a[CV_KH] * a[CV_KW], hw = a[CV_OH] * a[CV_OW], in_size = cin * a[CV_H] * a[CV_W];
  const float *x = (const float *)a[CV_X];
  const float *dy = (const float *)a[CV_Y];
  const scratch_t s = thread_scratch(a, thread);
  int first, last;
  share(a[CV_N], t, count, &first, &last);

  /* The calling thread adds into dW itself, the others into their partial sums (zeroed beforehand). */
  gemm_t g;
  g.m = cout;
  g.n = k;
  g.c = thread == 0 ? (float *)a[CV_WEIGHT] : s.partial;
  g.ldc = k;
  g.rsb = 1;
  g.csa = 1;
  g.bias = 0;
  g.accumulate = 1;
  for (int b0 = first; b0 < last; b0 += group) {
    const int gn = imin(group, last - b0), cols = gn * hw;
    const float *xb = x + (size_t)b0 * in_size;
    g.a = gather_dy(a, dy, b0, gn, s.tmp);
    g.rsa = cols;
    g.k = cols;
    /* col^T: element (p, j) is col[j, p]. */
    if (gn == 1 && is_pointwise(a)) {
      g.b = xb;
    } else {
      for (int i = 0; i < gn; i++) im2col(a, xb + (size_t)i * in_size, s.col + i * hw, cols);
      g.b = s.col;
    }
    g.csb = cols;
    gemm_serial(&g, s.gemm);
  }
}

EXPORT(conv2d_forward)
void conv2d_forward(const int32_t *a) { parallel_for(forward_task, a, a[CV_TASKS]); }

EXPORT(conv2d_backward_input)
void conv2d_backward_input(const int32_t *a) { parallel_for(backward_input_task, a, a[CV_TASKS]); }

/* Task t of the threads' partial dW: zeroes partial t (thread 0 adds into dW itself, zeroed here unless the call adds into it). */
static void zero_partial_task(const int32_t *a, int t, int count, int thread) {
  (void)count;
  (void)thread;
  const size_t size = (size_t)a[CV_COUT] * a[CV_CIN] * a[CV_KH] * a[CV_KW];
  if (t > 0) __builtin_memset(thread_scratch(a, t).partial, 0, size * sizeof(float));
  else if (!a[CV_ACCUMULATE]) __builtin_memset((float *)a[CV_WEIGHT], 0, size * sizeof(float));
}

/* Task t of `count`: adds the other threads' partial sums into its share of dW. */
static void sum_partials_task(const int32_t *a, int t, int count, int thread) {
  (void)thread;
  const int size = a[CV_COUT] * a[CV_CIN] * a[CV_KH] * a[CV_KW];
  int first, last;
  share(size, t, count, &first, &last);
  float *dw = (float *)a[CV_WEIGHT];
  for (int th = 1; th < a[CV_THREADS]; th++) {
    const float *part = thread_scratch(a, th).partial;
    int i = first;
    for (; i + 4 <= last; i += 4) wasm_v128_store(dw + i, wasm_f32x4_add(wasm_v128_load(dw + i), wasm_v128_load(part + i)));
    for (; i < last; i++) dw[i] += part[i];
  }
}

EXPORT(conv2d_backward_weight)
void conv2d_backward_weight(const int32_t *a) {
  const int threads = a[CV_THREADS];
  /* Zeroing the partial sums and adding them up stream through memory: over the threads too. */
  if (threads > 1) parallel_for(zero_partial_task, a, threads);
  else zero_partial_task(a, 0, 1, 0);
  parallel_for(backward_weight_task, a, a[CV_TASKS]);
  if (threads > 1) parallel_for(sum_partials_task, a, 2 * threads);
}

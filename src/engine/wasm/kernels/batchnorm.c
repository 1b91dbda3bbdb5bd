/*
 * Batch normalisation over x [n, c, hw], by channels (tasks take a share of them), with
 * the CPU reference's formulas: statistics in two passes (mean, then the mean of squared
 * deviations) and the backward sums accumulated in float64, as the reference does.
 *
 * Parameter block:
 *   [0] n [1] c [2] hw [3] tasks [4] eps (float bits) [5] batch statistics (backward)
 *   [6] x [7] mean [8] variance [9] weight (0: none) [10] bias (0: none)
 *   [11] y (apply) or dY (backward) [12] dX [13] dWeight [14] dBias
 *   [15] the epilogue's residual (apply; 0: none) or the layer's output y (backward)
 *   [16] the epilogue's activation (activations.h's codes)
 *   [17] (backward with an activation) where dY through the activation's derivative goes
 * The epilogue (apply): y = act(y + residual). With an activation, the backward first takes
 * a channel's dY through its derivative (at the output y) and then runs on that gradient.
 */
#include "kernels.h"
#include "activations.h"

/* Each step rounds as the reference's float64 arithmetic does. */
#pragma clang fp contract(off)

enum { BN_N, BN_C, BN_HW, BN_TASKS, BN_EPS, BN_BATCH, BN_X, BN_MEAN, BN_VAR, BN_W, BN_B, BN_Y, BN_DX, BN_DW, BN_DB, BN_R, BN_ACT, BN_GA };

/* In place: o = act(o + r) over n floats (r may be 0: no residual). */
static void epilogue(float *o, const float *r, int act, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t v = wasm_v128_load(o + i);
    if (r) v = wasm_f32x4_add(v, wasm_v128_load(r + i));
    wasm_v128_store(o + i, act4(act, v));
  }
  for (; i < n; i++) o[i] = wasm_f32x4_extract_lane(act4(act, wasm_f32x4_splat(r ? o[i] + r[i] : o[i])), 0);
}

/* o = g * act'(v) over n floats. */
static void act_backward(float *o, const float *v, const float *g, int act, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(o + i, act_backward4(act, wasm_v128_load(v + i), wasm_v128_load(g + i)));
  for (; i < n; i++) o[i] = wasm_f32x4_extract_lane(act_backward4(act, wasm_f32x4_splat(v[i]), wasm_f32x4_splat(g[i])), 0);
}

static inline float f32_of(int32_t bits) {
  union { int32_t i; float f; } u;
  u.i = bits;
  return u.f;
}

static void stats_task(const int32_t *a, int t, int count, int thread) {
  (void)thread;
  const int n = a[BN_N], c = a[BN_C], hw = a[BN_HW];
  const float *x = (const float *)a[BN_X];
  float *mean = (float *)a[BN_MEAN], *var = (float *)a[BN_VAR];
  const double total = (double)n * hw;
  int first, last;
  share(a[BN_C], t, count, &first, &last);
  for (int ch = first; ch < last; ch++) {
    double s = 0;
    for (int b = 0; b < n; b++) s += sum_f64(x + ((size_t)b * c + ch) * hw, hw);
    const double m = s / total;
    const v128_t vm = wasm_f64x2_splat(m);
    v128_t vq = wasm_f64x2_splat(0.0);
    double q = 0;
    for (int b = 0; b < n; b++) {
      const float *p = x + ((size_t)b * c + ch) * hw;
      int i = 0;
      for (; i + 2 <= hw; i += 2) {
        const v128_t d = wasm_f64x2_sub(load2(p + i), vm);
        vq = wasm_f64x2_add(vq, wasm_f64x2_mul(d, d));
      }
      for (; i < hw; i++) {
        const double d = (double)p[i] - m;
        q += d * d;
      }
    }
    q += wasm_f64x2_extract_lane(vq, 0) + wasm_f64x2_extract_lane(vq, 1);
    mean[ch] = (float)m;
    var[ch] = (float)(q / total);
  }
}

static void apply_task(const int32_t *a, int t, int count, int thread) {
  (void)thread;
  const int n = a[BN_N], c = a[BN_C], hw = a[BN_HW];
  const float eps = f32_of(a[BN_EPS]);
  const float *x = (const float *)a[BN_X], *mean = (const float *)a[BN_MEAN], *var = (const float *)a[BN_VAR];
  const float *w = (const float *)a[BN_W], *bias = (const float *)a[BN_B];
  float *y = (float *)a[BN_Y];
  const float *res = (const float *)a[BN_R];
  const int act = a[BN_ACT];
  int first, last;
  share(a[BN_C], t, count, &first, &last);
  for (int ch = first; ch < last; ch++) {
    /* As the reference: inv in float64, then scale and shift rounded to float32. */
    double inv = 1.0 / __builtin_sqrt((double)var[ch] + (double)eps);
    const float scale = (float)(inv * (w ? (double)w[ch] : 1.0));
    const float m = mean[ch], shift = bias ? bias[ch] : 0.0f;
    const v128_t vs = wasm_f32x4_splat(scale), vm = wasm_f32x4_splat(m), vh = wasm_f32x4_splat(shift);
    for (int b = 0; b < n; b++) {
      const float *p = x + ((size_t)b * c + ch) * hw;
      float *o = y + ((size_t)b * c + ch) * hw;
      int i = 0;
      for (; i + 4 <= hw; i += 4) wasm_v128_store(o + i, wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_sub(wasm_v128_load(p + i), vm), vs), vh));
      for (; i < hw; i++) o[i] = (p[i] - m) * scale + shift;
      if (res || act) epilogue(o, res ? res + ((size_t)b * c + ch) * hw : 0, act, hw);
    }
  }
}

static void backward_task(const int32_t *a, int t, int count, int thread) {
  (void)thread;
  const int n = a[BN_N], c = a[BN_C], hw = a[BN_HW], batch = a[BN_BATCH];
  const float eps = f32_of(a[BN_EPS]);
  const float *x = (const float *)a[BN_X], *mean = (const float *)a[BN_MEAN], *var = (const float *)a[BN_VAR];
  const float *w = (const float *)a[BN_W], *dy = (const float *)a[BN_Y];
  float *dx = (float *)a[BN_DX], *dw = (float *)a[BN_DW], *db = (float *)a[BN_DB];
  const int act = a[BN_ACT];
  const float *out = (const float *)a[BN_R];
  float *ga = (float *)a[BN_GA];
  const double total = (double)n * hw;
  int first, last;
  share(a[BN_C], t, count, &first, &last);
  for (int ch = first; ch < last; ch++) {
    const float *g = dy;
    if (act) {
      /* The channel's gradient through the activation (still in cache for the passes below). */
      for (int b = 0; b < n; b++) {
        const size_t base = ((size_t)b * c + ch) * hw;
        act_backward(ga + base, out + base, dy + base, act, hw);
      }
      g = ga;
    }
    const double inv = 1.0 / __builtin_sqrt((double)var[ch] + (double)eps);
    const double m = mean[ch];
    const v128_t vm = wasm_f64x2_splat(m);
    v128_t vsg = wasm_f64x2_splat(0.0), vsgx = wasm_f64x2_splat(0.0);
    double sg = 0, sgx = 0;
    for (int b = 0; b < n; b++) {
      const size_t base = ((size_t)b * c + ch) * hw;
      int i = 0;
      for (; i + 2 <= hw; i += 2) {
        const v128_t gi = load2(g + base + i);
        vsg = wasm_f64x2_add(vsg, gi);
        vsgx = wasm_f64x2_add(vsgx, wasm_f64x2_mul(gi, wasm_f64x2_sub(load2(x + base + i), vm)));
      }
      for (; i < hw; i++) {
        const double gi = g[base + i];
        sg += gi;
        sgx += gi * ((double)x[base + i] - m);
      }
    }
    sg += wasm_f64x2_extract_lane(vsg, 0) + wasm_f64x2_extract_lane(vsg, 1);
    sgx += wasm_f64x2_extract_lane(vsgx, 0) + wasm_f64x2_extract_lane(vsgx, 1);
    const double sgxhat = sgx * inv;
    db[ch] = (float)sg;
    dw[ch] = (float)sgxhat;
    const double k = (w ? (double)w[ch] : 1.0) * inv;
    for (int b = 0; b < n; b++) {
      const size_t base = ((size_t)b * c + ch) * hw;
      int i = 0;
      if (!batch) {
        const v128_t vk = wasm_f64x2_splat(k);
        for (; i + 2 <= hw; i += 2) store2(dx + base + i, wasm_f64x2_mul(load2(g + base + i), vk));
        for (; i < hw; i++) dx[base + i] = (float)(g[base + i] * k);
      } else {
        const double kc = k / total;
        const v128_t vkc = wasm_f64x2_splat(kc), vtotal = wasm_f64x2_splat(total), vsg2 = wasm_f64x2_splat(sg);
        const v128_t vinv = wasm_f64x2_splat(inv), vsgxhat = wasm_f64x2_splat(sgxhat);
        for (; i + 2 <= hw; i += 2) {
          const v128_t xhat = wasm_f64x2_mul(wasm_f64x2_sub(load2(x + base + i), vm), vinv);
          const v128_t t = wasm_f64x2_sub(wasm_f64x2_sub(wasm_f64x2_mul(vtotal, load2(g + base + i)), vsg2), wasm_f64x2_mul(xhat, vsgxhat));
          store2(dx + base + i, wasm_f64x2_mul(vkc, t));
        }
        for (; i < hw; i++) {
          const double xhat = ((double)x[base + i] - m) * inv;
          dx[base + i] = (float)(kc * (total * g[base + i] - sg - xhat * sgxhat));
        }
      }
    }
  }
}

EXPORT(batchnorm_stats)
void batchnorm_stats(const int32_t *a) { parallel_for(stats_task, a, a[BN_TASKS]); }

EXPORT(batchnorm_apply)
void batchnorm_apply(const int32_t *a) { parallel_for(apply_task, a, a[BN_TASKS]); }

EXPORT(batchnorm_backward)
void batchnorm_backward(const int32_t *a) { parallel_for(backward_task, a, a[BN_TASKS]); }

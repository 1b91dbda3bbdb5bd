/*
 * The optimizers' updates, computed as the CPU backend's loops compute them (in
 * float64, with the moments and the parameter rounded to float32 as they are stored),
 * so both give the same bits. SGD with momentum, weight decay, dampening and Nesterov
 * updates all parameters in one call:
 *
 * Parameter block: [0] items [1] tasks [2] item table [3] hyper-parameters [4] total
 * elements. The item table holds [n, param, grad, momentum buffer (0: none)] per item;
 * the hyper-parameters are float64: lr, momentum, weight decay, dampening, nesterov,
 * first step (the last two 0 or 1). Tasks take equal shares of all items' elements
 * laid end to end.
 */
#include "kernels.h"

/* a * b + c stays two roundings, as in JavaScript. */
#pragma clang fp contract(off)

enum { SGD_ITEMS, SGD_TASKS, SGD_TABLE, SGD_HYPER, SGD_TOTAL };
enum { H_LR, H_MOMENTUM, H_WD, H_DAMPENING, H_NESTEROV, H_FIRST };

/* Elements [i, last) of one parameter. */
static void sgd_range(float *p, const float *g, float *m, int i, int last, const double *h) {
  const double lr = h[H_LR], mom = h[H_MOMENTUM], wd = h[H_WD];
  const double keep = 1.0 - h[H_DAMPENING];
  const int nesterov = h[H_NESTEROV] != 0.0, first = h[H_FIRST] != 0.0;
  const v128_t vlr = wasm_f64x2_splat(lr), vmom = wasm_f64x2_splat(mom), vwd = wasm_f64x2_splat(wd), vkeep = wasm_f64x2_splat(keep);
  if (!m || mom == 0.0) {
    for (; i + 2 <= last; i += 2) {
      const v128_t pv = load2(p + i);
      const v128_t d = wasm_f64x2_add(load2(g + i), wasm_f64x2_mul(vwd, pv));
      store2(p + i, wasm_f64x2_sub(pv, wasm_f64x2_mul(vlr, d)));
    }
    for (; i < last; i++) {
      const double pv = p[i];
      p[i] = (float)(pv - lr * ((double)g[i] + wd * pv));
    }
    return;
  }
  for (; i + 2 <= last; i += 2) {
    const v128_t pv = load2(p + i);
    v128_t d = wasm_f64x2_add(load2(g + i), wasm_f64x2_mul(vwd, pv));
    const v128_t buf = first ? d : wasm_f64x2_add(wasm_f64x2_mul(vmom, load2(m + i)), wasm_f64x2_mul(vkeep, d));
    store2(m + i, buf);
    d = nesterov ? wasm_f64x2_add(d, wasm_f64x2_mul(vmom, buf)) : buf;
    store2(p + i, wasm_f64x2_sub(pv, wasm_f64x2_mul(vlr, d)));
  }
  for (; i < last; i++) {
    const double pv = p[i];
    double d = (double)g[i] + wd * pv;
    const double buf = first ? d : mom * (double)m[i] + keep * d;
    m[i] = (float)buf;
    d = nesterov ? d + mom * buf : buf;
    p[i] = (float)(pv - lr * d);
  }
}

static void sgd_task(const int32_t *a, int t, int count, int thread) {
  (void)thread;
  const int32_t *item = (const int32_t *)a[SGD_TABLE];
  const double *h = (const double *)a[SGD_HYPER];
  int first, last;
  share(a[SGD_TOTAL], t, count, &first, &last);
  int at = 0;
  for (int k = 0; k < a[SGD_ITEMS] && at < last; k++, item += 4) {
    const int n = item[0];
    const int lo = imax(first, at), hi = imin(last, at + n);
    if (lo < hi) sgd_range((float *)item[1], (const float *)item[2], (float *)item[3], lo - at, hi - at, h);
    at += n;
  }
}

EXPORT(sgd_step)
void sgd_step(const int32_t *a) { parallel_for(sgd_task, a, a[SGD_TASKS]); }

/*
 * Adam's update of one parameter, as the CPU backend's loop computes it: float64, the
 * moments rounded to float32 as they are stored and read back so. Parameter block:
 * [0] n [1] tasks [2] param [3] grad [4] m [5] v [6] hyper-parameters (float64: beta1,
 * beta2, eps, weight decay, lr / (1 - beta1^step), sqrt(1 - beta2^step)).
 */
enum { ADAM_N, ADAM_TASKS, ADAM_P, ADAM_G, ADAM_M, ADAM_V, ADAM_HYPER };
enum { A_BETA1, A_BETA2, A_EPS, A_WD, A_STEP_SIZE, A_SQRT_BC2 };

/* A float64 pair rounded to float32 and back, as a value stored in a Float32Array and read again. */
static inline v128_t round2(v128_t v) { return wasm_f64x2_promote_low_f32x4(wasm_f32x4_demote_f64x2_zero(v)); }

static void adam_task(const int32_t *a, int t, int count, int thread) {
  (void)thread;
  float *p = (float *)a[ADAM_P], *m = (float *)a[ADAM_M], *v = (float *)a[ADAM_V];
  const float *g = (const float *)a[ADAM_G];
  const double *h = (const double *)a[ADAM_HYPER];
  const double b1 = h[A_BETA1], b2 = h[A_BETA2], eps = h[A_EPS], wd = h[A_WD], step = h[A_STEP_SIZE], sbc2 = h[A_SQRT_BC2];
  const double k1 = 1.0 - b1, k2 = 1.0 - b2;
  const int n = a[ADAM_N];
  int i, last;
  share(n, t, count, &i, &last);
  const v128_t vb1 = wasm_f64x2_splat(b1), vb2 = wasm_f64x2_splat(b2), vk1 = wasm_f64x2_splat(k1), vk2 = wasm_f64x2_splat(k2);
  const v128_t veps = wasm_f64x2_splat(eps), vwd = wasm_f64x2_splat(wd), vstep = wasm_f64x2_splat(step), vsbc2 = wasm_f64x2_splat(sbc2);
  for (; i + 2 <= last; i += 2) {
    const v128_t pv = load2(p + i);
    const v128_t gv = wasm_f64x2_add(load2(g + i), wasm_f64x2_mul(vwd, pv));
    const v128_t mv = round2(wasm_f64x2_add(wasm_f64x2_mul(vb1, load2(m + i)), wasm_f64x2_mul(vk1, gv)));
    const v128_t vv = round2(wasm_f64x2_add(wasm_f64x2_mul(vb2, load2(v + i)), wasm_f64x2_mul(wasm_f64x2_mul(vk2, gv), gv)));
    store2(m + i, mv);
    store2(v + i, vv);
    const v128_t denom = wasm_f64x2_add(wasm_f64x2_div(wasm_f64x2_sqrt(vv), vsbc2), veps);
    store2(p + i, wasm_f64x2_sub(pv, wasm_f64x2_div(wasm_f64x2_mul(vstep, mv), denom)));
  }
  for (; i < last; i++) {
    const double pv = p[i];
    const double gi = (double)g[i] + wd * pv;
    m[i] = (float)(b1 * (double)m[i] + k1 * gi);
    v[i] = (float)(b2 * (double)v[i] + k2 * gi * gi);
    const double denom = __builtin_sqrt((double)v[i]) / sbc2 + eps;
    p[i] = (float)(pv - (step * (double)m[i]) / denom);
  }
}

EXPORT(adam_step)
void adam_step(const int32_t *a) { parallel_for(adam_task, a, a[ADAM_TASKS]); }

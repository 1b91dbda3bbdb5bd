/*
 * Element-wise kernels of the hot activations, four floats at a time. Each export is
 * named after its op in the engine's registry (src/engine/ops/elementwise.ts):
 * unary_<op> computes y = f(x), unary_backward_<op> the fused g * f'(v) and binary_<op>
 * a op b; the wasm backend uses one when the module exports it and the registry's scalar
 * function otherwise. Tasks take contiguous shares. Parameter blocks: [n, tasks, x, y]
 * and [n, tasks, v, g, out] (pointers as integers); binary ops below.
 */
#include "kernels.h"
#include "activations.h"

static inline float lane0(v128_t v) { return wasm_f32x4_extract_lane(v, 0); }

/*
 * The share of n elements that task t of count takes: [*first, *last), cut at multiples
 * of 16 floats so that every task but the last runs whole vectors on whole cache lines.
 */
static inline void span(int n, int t, int count, int *first, int *last) {
  int b0, b1;
  share((n + 15) >> 4, t, count, &b0, &b1);
  *first = imin(n, b0 << 4);
  *last = imin(n, b1 << 4);
}

#define UNARY(name, f4)                                                         \
  static void unary_task_##name(const int32_t *a, int t, int count, int thread) { \
    (void)thread;                                                               \
    const float *x = (const float *)a[2];                                       \
    float *y = (float *)a[3];                                                   \
    int i, last;                                                                \
    span(a[0], t, count, &i, &last);                                            \
    for (; i + 4 <= last; i += 4) wasm_v128_store(y + i, f4(wasm_v128_load(x + i))); \
    for (; i < last; i++) y[i] = lane0(f4(wasm_f32x4_splat(x[i])));           \
  }                                                                             \
  EXPORT(unary_##name)                                                          \
  void unary_##name(const int32_t *a) { parallel_for(unary_task_##name, a, a[1]); }

UNARY(relu, relu4)
UNARY(sigmoid, sigmoid4)

#define UNARY_BACKWARD(name, f4)                                                                      \
  static void unary_backward_task_##name(const int32_t *a, int t, int count, int thread) {            \
    (void)thread;                                                                                     \
    const float *v = (const float *)a[2];                                                             \
    const float *g = (const float *)a[3];                                                             \
    float *o = (float *)a[4];                                                                         \
    int i, last;                                                                                      \
    span(a[0], t, count, &i, &last);                                                                  \
    for (; i + 4 <= last; i += 4) wasm_v128_store(o + i, f4(wasm_v128_load(v + i), wasm_v128_load(g + i))); \
    for (; i < last; i++) o[i] = lane0(f4(wasm_f32x4_splat(v[i]), wasm_f32x4_splat(g[i])));          \
  }                                                                                                   \
  EXPORT(unary_backward_##name)                                                                       \
  void unary_backward_##name(const int32_t *a) { parallel_for(unary_backward_task_##name, a, a[1]); }

UNARY_BACKWARD(relu, relu_backward4)
UNARY_BACKWARD(sigmoid, sigmoid_backward4)
UNARY_BACKWARD(tanh, tanh_backward4)

/*
 * Binary ops whose operands are each either the output's size or a single value (the
 * cases without broadcasting along axes); f32 arithmetic, which is what the registry's
 * functions give once their float64 result is stored as float32 (for +, -, *, / the
 * double rounding never changes the result). Parameter block:
 * [n, tasks, a, b, out, a_step, b_step], a step being 1 for a full operand and 0 for a
 * single value.
 */
#define BINARY(name, f4)                                                                        \
  static void binary_task_##name(const int32_t *p, int t, int count, int thread) {             \
    (void)thread;                                                                               \
    const float *a = (const float *)p[2];                                                       \
    const float *b = (const float *)p[3];                                                       \
    float *o = (float *)p[4];                                                                   \
    const int sa = p[5], sb = p[6];                                                             \
    int i, last;                                                                                \
    span(p[0], t, count, &i, &last);                                                            \
    if (sa && sb) {                                                                             \
      for (; i + 4 <= last; i += 4) wasm_v128_store(o + i, f4(wasm_v128_load(a + i), wasm_v128_load(b + i))); \
    } else if (sa) {                                                                            \
      const v128_t vb = wasm_f32x4_splat(b[0]);                                                 \
      for (; i + 4 <= last; i += 4) wasm_v128_store(o + i, f4(wasm_v128_load(a + i), vb));     \
    } else if (sb) {                                                                            \
      const v128_t va = wasm_f32x4_splat(a[0]);                                                 \
      for (; i + 4 <= last; i += 4) wasm_v128_store(o + i, f4(va, wasm_v128_load(b + i)));     \
    }                                                                                           \
    for (; i < last; i++) o[i] = lane0(f4(wasm_f32x4_splat(a[sa * i]), wasm_f32x4_splat(b[sb * i]))); \
  }                                                                                             \
  EXPORT(binary_##name)                                                                         \
  void binary_##name(const int32_t *p) { parallel_for(binary_task_##name, p, p[1]); }

BINARY(add, wasm_f32x4_add)
BINARY(sub, wasm_f32x4_sub)
BINARY(mul, wasm_f32x4_mul)
BINARY(div, wasm_f32x4_div)

/*
 * The dropout mask of the CPU backend's dropoutMask, four elements at a time: element i
 * keeps (scale) when hash32((i * 0x9E3779B1) ^ seed_hash) >= threshold, else 0, with
 * hash32 murmur3's finaliser. threshold = ceil(p 2^32) makes that the CPU's test
 * hash / 2^32 >= p; `none` (p >= 1, or p so close to 1 that no hash passes) keeps nothing.
 * Parameter block: [n, tasks, out, seed_hash, threshold, none, scale (float bits)].
 */
static inline v128_t hash32x4(v128_t x) {
  x = wasm_i32x4_mul(wasm_v128_xor(x, wasm_u32x4_shr(x, 16)), wasm_i32x4_splat((int32_t)0x85ebca6b));
  x = wasm_i32x4_mul(wasm_v128_xor(x, wasm_u32x4_shr(x, 13)), wasm_i32x4_splat((int32_t)0xc2b2ae35));
  return wasm_v128_xor(x, wasm_u32x4_shr(x, 16));
}

static void dropout_task(const int32_t *a, int t, int count, int thread) {
  (void)thread;
  float *o = (float *)a[2];
  const v128_t seed = wasm_i32x4_splat(a[3]), threshold = wasm_i32x4_splat(a[4]);
  const v128_t keep = a[5] ? wasm_i32x4_splat(0) : wasm_i32x4_splat(a[6]);
  const v128_t golden = wasm_i32x4_splat((int32_t)0x9e3779b1);
  int i, last;
  span(a[0], t, count, &i, &last);
  v128_t index = wasm_i32x4_add(wasm_i32x4_splat(i), wasm_i32x4_make(0, 1, 2, 3));
  for (; i < last; i += 4) {
    const v128_t h = hash32x4(wasm_v128_xor(wasm_i32x4_mul(index, golden), seed));
    const v128_t m = wasm_v128_and(keep, wasm_u32x4_ge(h, threshold));
    if (i + 4 <= last) {
      wasm_v128_store(o + i, m);
    } else {
      float tail[4];
      wasm_v128_store(tail, m);
      for (int l = 0; l < last - i; l++) o[i + l] = tail[l];
    }
    index = wasm_i32x4_add(index, wasm_i32x4_splat(4));
  }
}

EXPORT(dropout_mask)
void dropout_mask(const int32_t *a) { parallel_for(dropout_task, a, a[1]); }

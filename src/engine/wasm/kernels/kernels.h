/*
 * Shared declarations of the wasm kernels. Built with clang for wasm32 with SIMD128
 * and no C library (scripts/build-wasm.mjs): no malloc, no stdlib. Every buffer lives
 * in linear memory laid out by the TypeScript side (src/engine/wasm/memory.ts), which
 * passes plain pointers and parameter blocks of 32-bit integers.
 */
#ifndef KERNELS_H
#define KERNELS_H

#include <wasm_simd128.h>

typedef unsigned long size_t;
typedef int int32_t;
typedef unsigned int uint32_t;

#define EXPORT(name) __attribute__((export_name(#name)))
#define NOINLINE __attribute__((noinline))

static inline int imin(int a, int b) { return a < b ? a : b; }

static inline int imax(int a, int b) { return a > b ? a : b; }

/* Items [*first, *last) of `total` for task t of count: equal shares in order. */
static inline void share(int total, int t, int count, int *first, int *last) {
  *first = (int)((long long)total * t / count);
  *last = (int)((long long)total * (t + 1) / count);
}

/*
 * Copies and zero fills of n floats. Short runs go through vectors: memory.copy and
 * memory.fill cost a call into the engine each, which dominates a row of a few floats.
 */
#define SHORT_RUN 64

static inline void copy_floats(float *dst, const float *src, int n) {
  if (n > SHORT_RUN) {
    __builtin_memcpy(dst, src, (size_t)n * sizeof(float));
    return;
  }
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, wasm_v128_load(src + i));
  for (; i < n; i++) dst[i] = src[i];
}

static inline void zero_floats(float *dst, int n) {
  if (n > SHORT_RUN) {
    __builtin_memset(dst, 0, (size_t)n * sizeof(float));
    return;
  }
  const v128_t z = wasm_f32x4_splat(0.0f);
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(dst + i, z);
  for (; i < n; i++) dst[i] = 0.0f;
}

/* Two floats as a float64 pair, and a float64 pair rounded and stored as two floats. */
static inline v128_t load2(const float *p) { return wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(p)); }

static inline void store2(float *p, v128_t v) { wasm_v128_store64_lane(p, wasm_f32x4_demote_f64x2_zero(v), 0); }

/* Sum of p[0 .. len) in float64, two lanes at a time. */
static inline double sum_f64(const float *p, int len) {
  v128_t acc = wasm_f64x2_splat(0.0);
  int i = 0;
  for (; i + 2 <= len; i += 2) acc = wasm_f64x2_add(acc, load2(p + i));
  double s = wasm_f64x2_extract_lane(acc, 0) + wasm_f64x2_extract_lane(acc, 1);
  for (; i < len; i++) s += p[i];
  return s;
}

/* 4 x 4 transpose: on return r0..r3 hold the columns of the rows given. */
#define TRANSPOSE4(r0, r1, r2, r3)                      \
  do {                                                  \
    const v128_t tr_0 = wasm_i32x4_shuffle(r0, r1, 0, 4, 1, 5); \
    const v128_t tr_1 = wasm_i32x4_shuffle(r2, r3, 0, 4, 1, 5); \
    const v128_t tr_2 = wasm_i32x4_shuffle(r0, r1, 2, 6, 3, 7); \
    const v128_t tr_3 = wasm_i32x4_shuffle(r2, r3, 2, 6, 3, 7); \
    r0 = wasm_i32x4_shuffle(tr_0, tr_1, 0, 1, 4, 5);        \
    r1 = wasm_i32x4_shuffle(tr_0, tr_1, 2, 3, 6, 7);        \
    r2 = wasm_i32x4_shuffle(tr_2, tr_3, 0, 1, 4, 5);        \
    r3 = wasm_i32x4_shuffle(tr_2, tr_3, 2, 3, 6, 7);        \
  } while (0)

/*
 * One matrix product C = A B (+ bias per row of C), or C += A B.
 * Element (i, p) of A is a[i * rsa + p * csa] and element (p, j) of B is
 * b[p * rsb + j * csb], so a transposed operand is just a pair of swapped strides.
 */
typedef struct {
  int m, n, k;
  const float *a;
  int rsa, csa;
  const float *b;
  int rsb, csb;
  float *c;
  int ldc;
  /* Added to row i of C when the product overwrites C; may be null. */
  const float *bias;
  /* Non-zero: C += A B (the bias is not added). */
  int accumulate;
} gemm_t;

/*
 * The product's microkernel, for operands packed elsewhere: C[0..4, 0..8] (row stride
 * ldc) = init + sum over p < kc of pa[4 p + i] pb[ldb p + j], where init is C itself
 * when load_c, else the row's bias (zero when bias is null).
 */
void gemm_kernel_4x8(int kc, const float *pa, const float *pb, int ldb, float *c, int ldc, const float *bias, int load_c);

/* Floats of scratch one gemm_serial call needs (packed panels and an edge tile). */
int gemm_scratch_floats(void);

/* C = A B for the whole problem on the calling thread. `scratch` holds gemm_scratch_floats(). */
void gemm_serial(const gemm_t *g, float *scratch);

/*
 * Runs task(args, t, count, thread) for t = 0 .. count - 1, spread over the thread pool
 * when the module is built with threads (each thread claims the next task when it is
 * done with one), else in turn on the calling thread. `thread` (0 for the caller,
 * below thread_count()) says whose scratch a task may use. Returns when all are done.
 */
typedef void (*task_fn)(const int32_t *args, int t, int count, int thread);
void parallel_for(task_fn task, const int32_t *args, int count);

/* Number of threads parallel_for spreads tasks over (1 without threads). */
int thread_count(void);

#endif

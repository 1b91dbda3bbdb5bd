/*
 * Sums that keep one group of axes: x seen as [outer, kept, inner] (row-major), and
 * y[j] = the sum over i and k of x[(i * kept + j) * inner + k]. That covers a bias's
 * gradient (a convolution's [n, c, h, w] summed over n, h and w; a linear layer's
 * [n, f] summed over n), row sums and whole sums. Accumulated in float64, like the CPU
 * reference. Tasks take shares of the kept axis.
 *
 * Parameter block: [0] outer [1] kept [2] inner [3] tasks [4] x [5] y
 * [6] scratch (kept float64s, used when inner is 1).
 */
#include "kernels.h"

enum { R_OUTER, R_KEPT, R_INNER, R_TASKS, R_X, R_Y, R_SCRATCH };

static void sum_task(const int32_t *a, int t, int count, int thread) {
  (void)thread;
  const int outer = a[R_OUTER], kept = a[R_KEPT], inner = a[R_INNER];
  const float *x = (const float *)a[R_X];
  float *y = (float *)a[R_Y];
  int first, last;
  share(kept, t, count, &first, &last);
  if (inner > 1) {
    for (int j = first; j < last; j++) {
      double s = 0;
      for (int i = 0; i < outer; i++) s += sum_f64(x + ((size_t)i * kept + j) * inner, inner);
      y[j] = (float)s;
    }
    return;
  }
  /* Summing rows: one float64 accumulator per kept element, walked row by row. */
  double *acc = (double *)a[R_SCRATCH];
  for (int j = first; j < last; j++) acc[j] = 0;
  for (int i = 0; i < outer; i++) {
    const float *row = x + (size_t)i * kept;
    int j = first;
    for (; j + 2 <= last; j += 2)
      wasm_v128_store(acc + j, wasm_f64x2_add(wasm_v128_load(acc + j), load2(row + j)));
    for (; j < last; j++) acc[j] += row[j];
  }
  for (int j = first; j < last; j++) y[j] = (float)acc[j];
}

EXPORT(reduce_sum)
void reduce_sum(const int32_t *a) { parallel_for(sum_task, a, a[R_TASKS]); }

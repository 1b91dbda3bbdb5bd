/*
 * Max and average pooling, forward and backward, with the CPU reference's rules:
 * max-pool ignores padding (as if it were -inf) and lets a NaN win; average-pool
 * divides by the full window, padding included; max-pool's gradient goes to the
 * first maximum of each window (a NaN counting as the maximum).
 *
 * Parameter block:
 *   [0] max (1) or average (0) [1] planes (n * c) [2] h [3] w [4] kH [5] kW
 *   [6] strideH [7] strideW [8] padH [9] padW [10] outH [11] outW
 *   [12] x [13] y (or dY) [14] dX [15] scratch of w floats per thread (forward)
 *   [16] tasks (each takes a share of the planes)
 */
#include "kernels.h"

enum { PL_MAX, PL_PLANES, PL_H, PL_W, PL_KH, PL_KW, PL_SH, PL_SW, PL_PH, PL_PW, PL_OH, PL_OW, PL_X, PL_Y, PL_DX, PL_SCRATCH, PL_TASKS };

typedef struct {
  int h, w, kh, kw, sh, sw, ph, pw, oh, ow;
} pool_t;

static pool_t read_params(const int32_t *a) {
  pool_t p;
  p.h = a[PL_H];
  p.w = a[PL_W];
  p.kh = a[PL_KH];
  p.kw = a[PL_KW];
  p.sh = a[PL_SH];
  p.sw = a[PL_SW];
  p.ph = a[PL_PH];
  p.pw = a[PL_PW];
  p.oh = a[PL_OH];
  p.ow = a[PL_OW];
  return p;
}

/* The window of output (oi, oj) clipped to the image: rows [*i0, *i1), columns [*j0, *j1). */
static inline void window(const pool_t *p, int oi, int oj, int *i0, int *i1, int *j0, int *j1) {
  const int r = oi * p->sh - p->ph, c = oj * p->sw - p->pw;
  *i0 = imax(r, 0);
  *i1 = imin(r + p->kh, p->h);
  *j0 = imax(c, 0);
  *j1 = imin(c + p->kw, p->w);
}

/* 2 x 2 windows with stride 2 and no padding (LeNet's pools): four outputs per step. */
static void avg2x2_plane(const pool_t *p, const float *x, float *y) {
  const v128_t quarter = wasm_f32x4_splat(0.25f);
  for (int oi = 0; oi < p->oh; oi++) {
    const float *r0 = x + (size_t)(2 * oi) * p->w, *r1 = r0 + p->w;
    float *d = y + (size_t)oi * p->ow;
    int oj = 0;
    for (; oj + 4 <= p->ow; oj += 4) {
      const v128_t s0 = wasm_f32x4_add(wasm_v128_load(r0 + 2 * oj), wasm_v128_load(r1 + 2 * oj));
      const v128_t s1 = wasm_f32x4_add(wasm_v128_load(r0 + 2 * oj + 4), wasm_v128_load(r1 + 2 * oj + 4));
      const v128_t even = wasm_i32x4_shuffle(s0, s1, 0, 2, 4, 6);
      const v128_t odd = wasm_i32x4_shuffle(s0, s1, 1, 3, 5, 7);
      wasm_v128_store(d + oj, wasm_f32x4_mul(wasm_f32x4_add(even, odd), quarter));
    }
    for (; oj < p->ow; oj++) d[oj] = (r0[2 * oj] + r0[2 * oj + 1] + r1[2 * oj] + r1[2 * oj + 1]) * 0.25f;
  }
}

/*
 * Output columns [*first, *last) whose windows lie inside the plane's columns and can
 * be read four at a time (strides 1 and 2; none otherwise). The loads of four windows
 * reach 4 stride floats past a window's first column, so the last ones stay clear of
 * the plane's end.
 */
static void vector_columns(const pool_t *p, int *first, int *last) {
  *first = *last = 0;
  if (p->sw != 1 && p->sw != 2) return;
  *first = (p->pw + p->sw - 1) / p->sw;
  /* Window columns: oj sw - pw + kj for kj < kw, plus the lanes' reach of 4 sw. */
  const int top = p->w - p->pw - imax(p->kw, 1) - 3 * p->sw - (p->sw == 2 ? 1 : 0);
  *last = top < 0 ? 0 : imin(p->ow, top / p->sw + 4);
  if (*last < *first) *last = *first;
}

/* Elements oj sw + kj .. of four windows in a row (`row` at the first window's column 0). */
static inline v128_t four_columns(const float *row, int sw) {
  if (sw == 1) return wasm_v128_load(row);
  return wasm_i32x4_shuffle(wasm_v128_load(row), wasm_v128_load(row + 4), 0, 2, 4, 6);
}

/*
 * Any window, in two passes per output row: the rows of its windows are combined
 * column by column into `line` (f32x4 max or add over whole input rows), then each
 * output combines its window's columns of `line` (four outputs in lanes where their
 * windows lie inside the row, in the same order). f32.max lets a NaN win, as the
 * reference does; an average divides by the full window, padding included.
 */
static void pool_plane(const pool_t *p, int is_max, const float *x, float *y, float *line) {
  const float inv_area = 1.0f / (float)(p->kh * p->kw);
  const int w = p->w;
  const int wv = w & ~3;
  int vec_first, vec_last;
  vector_columns(p, &vec_first, &vec_last);
  for (int oi = 0; oi < p->oh; oi++) {
    const int r = oi * p->sh - p->ph;
    const int i0 = imax(r, 0), i1 = imin(r + p->kh, p->h);
    float *out = y + oi * p->ow;
    if (i0 >= i1) {
      for (int oj = 0; oj < p->ow; oj++) out[oj] = is_max ? -__builtin_inff() : 0.0f;
      continue;
    }
    copy_floats(line, x + i0 * w, w);
    for (int i = i0 + 1; i < i1; i++) {
      const float *row = x + i * w;
      int j = 0;
      if (is_max) {
        for (; j < wv; j += 4) wasm_v128_store(line + j, wasm_f32x4_max(wasm_v128_load(line + j), wasm_v128_load(row + j)));
        for (; j < w; j++) line[j] = __builtin_wasm_max_f32(line[j], row[j]);
      } else {
        for (; j < wv; j += 4) wasm_v128_store(line + j, wasm_f32x4_add(wasm_v128_load(line + j), wasm_v128_load(row + j)));
        for (; j < w; j++) line[j] += row[j];
      }
    }
    for (int oj = 0; oj < p->ow; oj++) {
      const int c = oj * p->sw - p->pw;
      /* Four windows inside the row at once, their columns combined in the same order. */
      if (oj >= vec_first && oj + 4 <= vec_last) {
        v128_t v = wasm_f32x4_splat(is_max ? -__builtin_inff() : 0.0f);
        if (is_max)
          for (int kj = 0; kj < p->kw; kj++) v = wasm_f32x4_max(v, four_columns(line + c + kj, p->sw));
        else {
          for (int kj = 0; kj < p->kw; kj++) v = wasm_f32x4_add(v, four_columns(line + c + kj, p->sw));
          v = wasm_f32x4_mul(v, wasm_f32x4_splat(inv_area));
        }
        wasm_v128_store(out + oj, v);
        oj += 3;
        continue;
      }
      const int j0 = imax(c, 0), j1 = imin(c + p->kw, w);
      float v = is_max ? -__builtin_inff() : 0.0f;
      if (is_max)
        for (int j = j0; j < j1; j++) v = __builtin_wasm_max_f32(v, line[j]);
      else {
        for (int j = j0; j < j1; j++) v += line[j];
        v *= inv_area;
      }
      out[oj] = v;
    }
  }
}

static int is_tiled_2x2(const pool_t *p) {
  return p->kh == 2 && p->kw == 2 && p->sh == 2 && p->sw == 2 && p->ph == 0 && p->pw == 0;
}

static void forward_task(const int32_t *a, int t, int count, int thread) {
  const pool_t p = read_params(a);
  const int is_max = a[PL_MAX];
  const float *x = (const float *)a[PL_X];
  float *y = (float *)a[PL_Y];
  float *line = (float *)a[PL_SCRATCH] + (size_t)thread * p.w;
  const size_t in_plane = (size_t)p.h * p.w, out_plane = (size_t)p.oh * p.ow;
  const int fast = !is_max && is_tiled_2x2(&p);
  int first, last;
  share(a[PL_PLANES], t, count, &first, &last);
  for (int q = first; q < last; q++) {
    if (fast)
      avg2x2_plane(&p, x + q * in_plane, y + q * out_plane);
    else
      pool_plane(&p, is_max, x + q * in_plane, y + q * out_plane, line);
  }
}

/* Whether e replaces the best so far as a window's first maximum: larger, or a NaN over a number. */
static inline int beats(float e, float best) { return e > best || (e != e && best == best); }

static inline v128_t beats4(v128_t e, v128_t best) {
  return wasm_v128_or(wasm_f32x4_gt(e, best), wasm_v128_and(wasm_f32x4_ne(e, e), wasm_f32x4_eq(best, best)));
}

/*
 * The max-pool gradient of outputs (oi, oj .. oj + 3), whose windows lie inside the
 * plane's columns: each window's first maximum (a NaN beats any number) found in
 * f32x4 lanes, then the four gradients added in column order, as the scalar loop does.
 */
static void max_back4(const pool_t *p, const float *x, const float *g, float *d, int oi, int oj) {
  const int r = oi * p->sh - p->ph, c = oj * p->sw - p->pw;
  const int i0 = imax(r, 0), i1 = imin(r + p->kh, p->h);
  if (i0 >= i1) return;
  const v128_t lane = wasm_i32x4_make(0, p->sw, 2 * p->sw, 3 * p->sw);
  int at0 = i0 * p->w + c;
  v128_t best = four_columns(x + at0, p->sw);
  v128_t at = wasm_i32x4_add(wasm_i32x4_splat(at0), lane);
  for (int i = i0; i < i1; i++)
    for (int kj = 0; kj < p->kw; kj++) {
      const int k = i * p->w + c + kj;
      const v128_t e = four_columns(x + k, p->sw);
      const v128_t take = beats4(e, best);
      best = wasm_v128_bitselect(e, best, take);
      at = wasm_v128_bitselect(wasm_i32x4_add(wasm_i32x4_splat(k), lane), at, take);
    }
  d[wasm_i32x4_extract_lane(at, 0)] += g[0];
  d[wasm_i32x4_extract_lane(at, 1)] += g[1];
  d[wasm_i32x4_extract_lane(at, 2)] += g[2];
  d[wasm_i32x4_extract_lane(at, 3)] += g[3];
}

/*
 * Max-pool gradient for 2 x 2 windows with stride 2 and no padding: each input pixel is in
 * one window at most, so the gradient is written rather than added, four windows at a
 * time: each window's first maximum (a NaN beats any number) takes 0 + g (as the scalar
 * loop's add onto zero gives), the other three pixels 0. dX is zero beforehand.
 */
static void max2x2_back_plane(const pool_t *p, const float *x, const float *g, float *d) {
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (int oi = 0; oi < p->oh; oi++) {
    const float *r0 = x + (size_t)(2 * oi) * p->w, *r1 = r0 + p->w;
    float *d0 = d + (size_t)(2 * oi) * p->w, *d1 = d0 + p->w;
    const float *gr = g + (size_t)oi * p->ow;
    int oj = 0;
    for (; oj + 4 <= p->ow; oj += 4) {
      const v128_t a0 = wasm_v128_load(r0 + 2 * oj), a1 = wasm_v128_load(r0 + 2 * oj + 4);
      const v128_t b0 = wasm_v128_load(r1 + 2 * oj), b1 = wasm_v128_load(r1 + 2 * oj + 4);
      /* The window's four pixels in reading order, one window per lane. */
      const v128_t e[4] = {
          wasm_i32x4_shuffle(a0, a1, 0, 2, 4, 6), wasm_i32x4_shuffle(a0, a1, 1, 3, 5, 7),
          wasm_i32x4_shuffle(b0, b1, 0, 2, 4, 6), wasm_i32x4_shuffle(b0, b1, 1, 3, 5, 7)};
      v128_t best = e[0], at = wasm_i32x4_splat(0);
      for (int k = 1; k < 4; k++) {
        const v128_t take = beats4(e[k], best);
        best = wasm_v128_bitselect(e[k], best, take);
        at = wasm_v128_bitselect(wasm_i32x4_splat(k), at, take);
      }
      const v128_t gv = wasm_f32x4_add(zero, wasm_v128_load(gr + oj));
      v128_t o[4];
      for (int k = 0; k < 4; k++) o[k] = wasm_v128_and(gv, wasm_i32x4_eq(at, wasm_i32x4_splat(k)));
      wasm_v128_store(d0 + 2 * oj, wasm_i32x4_shuffle(o[0], o[1], 0, 4, 1, 5));
      wasm_v128_store(d0 + 2 * oj + 4, wasm_i32x4_shuffle(o[0], o[1], 2, 6, 3, 7));
      wasm_v128_store(d1 + 2 * oj, wasm_i32x4_shuffle(o[2], o[3], 0, 4, 1, 5));
      wasm_v128_store(d1 + 2 * oj + 4, wasm_i32x4_shuffle(o[2], o[3], 2, 6, 3, 7));
    }
    for (; oj < p->ow; oj++) {
      const float e[4] = {r0[2 * oj], r0[2 * oj + 1], r1[2 * oj], r1[2 * oj + 1]};
      float best = e[0];
      int at = 0;
      for (int k = 1; k < 4; k++)
        if (beats(e[k], best)) {
          best = e[k];
          at = k;
        }
      float *out[4] = {d0 + 2 * oj, d0 + 2 * oj + 1, d1 + 2 * oj, d1 + 2 * oj + 1};
      *out[at] += gr[oj];
    }
  }
}

static void backward_task(const int32_t *a, int t, int count, int thread) {
  (void)thread;
  const pool_t p = read_params(a);
  const int is_max = a[PL_MAX];
  const float *x = (const float *)a[PL_X];
  const float *gy = (const float *)a[PL_Y];
  float *dx = (float *)a[PL_DX];
  const size_t in_plane = (size_t)p.h * p.w, out_plane = (size_t)p.oh * p.ow;
  const float inv_area = 1.0f / (float)(p.kh * p.kw);
  const int tiled = is_tiled_2x2(&p);
  int vec_first, vec_last;
  vector_columns(&p, &vec_first, &vec_last);
  int first, last;
  share(a[PL_PLANES], t, count, &first, &last);
  __builtin_memset(dx + first * in_plane, 0, (size_t)(last - first) * in_plane * sizeof(float));
  for (int q = first; q < last; q++) {
    const float *xp = x + q * in_plane;
    const float *g = gy + q * out_plane;
    float *d = dx + q * in_plane;
    if (is_max && tiled) {
      max2x2_back_plane(&p, xp, g, d);
      continue;
    }
    if (!is_max && tiled) {
      /* Each input pixel is in exactly one window (the last row and column may be in none). */
      for (int oi = 0; oi < p.oh; oi++)
        for (int oj = 0; oj < p.ow; oj++) {
          const float s = g[oi * p.ow + oj] * inv_area;
          float *r = d + (2 * oi) * p.w + 2 * oj;
          r[0] = s;
          r[1] = s;
          r[p.w] = s;
          r[p.w + 1] = s;
        }
      continue;
    }
    for (int oi = 0; oi < p.oh; oi++) {
      for (int oj = 0; oj < p.ow; oj++) {
        /* Four windows at once where they lie inside the plane's columns. */
        if (is_max && oj >= vec_first && oj + 4 <= vec_last) {
          max_back4(&p, xp, g + oi * p.ow + oj, d, oi, oj);
          oj += 3;
          continue;
        }
        int i0, i1, j0, j1;
        window(&p, oi, oj, &i0, &i1, &j0, &j1);
        const float gv = g[oi * p.ow + oj];
        if (is_max) {
          float best = -__builtin_inff();
          int at = -1;
          for (int i = i0; i < i1; i++)
            for (int j = j0; j < j1; j++) {
              const float e = xp[i * p.w + j];
              if (at < 0 || beats(e, best)) {
                best = e;
                at = i * p.w + j;
              }
            }
          if (at >= 0) d[at] += gv;
        } else {
          const float s = gv * inv_area;
          for (int i = i0; i < i1; i++)
            for (int j = j0; j < j1; j++) d[i * p.w + j] += s;
        }
      }
    }
  }
}

EXPORT(pool2d_forward)
void pool2d_forward(const int32_t *a) { parallel_for(forward_task, a, a[PL_TASKS]); }

EXPORT(pool2d_backward)
void pool2d_backward(const int32_t *a) { parallel_for(backward_task, a, a[PL_TASKS]); }

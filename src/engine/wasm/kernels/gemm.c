/*
 * Single-precision matrix product in the BLIS style: the operands are copied
 * ("packed") block by block into contiguous panels, and a 4 x 8 register-tiled
 * microkernel multiplies one panel of A (4 rows) by one panel of B (8 columns) with
 * f32x4 vectors, keeping the 4 x 8 block of C in eight accumulator registers.
 *
 * Blocking, from the outside in: columns of C in blocks of NC (the packed B block,
 * KC x NC, stays in the outer caches), the shared dimension in blocks of KC, rows in
 * blocks of MC (the packed A block, MC x KC, stays in L2); inside, every 8-column
 * micro-panel of B (KC x 8, in L1) meets every 4-row micro-panel of A.
 *
 * Plain wasm SIMD has no fused multiply-add, so each step is a multiply and an add;
 * the relaxed-SIMD build (-mrelaxed-simd) uses f32x4.relaxed_madd, which engines run
 * as one fused instruction where the CPU has one (rounding once instead of twice).
 * Wider tiles (6 x 8, 8 x 8, 4 x 16) measured slower under V8, which has 16 vector
 * registers on x86-64 and spills their accumulators.
 */
#include "kernels.h"

#define MR 4
#define NR 8
#define KC 256
#define MC 128
#define NC 2048

typedef v128_t v4;

/* acc + a * b: one fused multiply-add in the relaxed-SIMD build, else a multiply and an add. */
#ifdef __wasm_relaxed_simd__
#define MADD(acc, a, b) ((v4)__builtin_wasm_relaxed_madd_f32x4((__f32x4)(a), (__f32x4)(b), (__f32x4)(acc)))
#else
#define MADD(acc, a, b) wasm_f32x4_add(acc, wasm_f32x4_mul(a, b))
#endif

/* Floats in the scratch of one serial product: packed A, packed B, edge tile, bias. */
#define PACK_A_FLOATS (MC * KC)
#define PACK_B_FLOATS (KC * NC)
#define TILE_FLOATS (MR * NR)

EXPORT(gemm_scratch_floats)
int gemm_scratch_floats(void) { return PACK_A_FLOATS + PACK_B_FLOATS + TILE_FLOATS + MR; }

/*
 * The microkernel (kernels.h). Here B comes packed (ldb = 8) or straight from a
 * row-major matrix (ldb = its row stride); the Winograd kernels pack both operands themselves.
 */
NOINLINE void gemm_kernel_4x8(int kc, const float *pa, const float *pb, int ldb, float *c, int ldc, const float *bias, int load_c) {
  v4 c00, c01, c10, c11, c20, c21, c30, c31;
  if (load_c) {
    c00 = wasm_v128_load(c);
    c01 = wasm_v128_load(c + 4);
    c10 = wasm_v128_load(c + ldc);
    c11 = wasm_v128_load(c + ldc + 4);
    c20 = wasm_v128_load(c + 2 * ldc);
    c21 = wasm_v128_load(c + 2 * ldc + 4);
    c30 = wasm_v128_load(c + 3 * ldc);
    c31 = wasm_v128_load(c + 3 * ldc + 4);
  } else if (bias) {
    c00 = c01 = wasm_v128_load32_splat(bias);
    c10 = c11 = wasm_v128_load32_splat(bias + 1);
    c20 = c21 = wasm_v128_load32_splat(bias + 2);
    c30 = c31 = wasm_v128_load32_splat(bias + 3);
  } else {
    c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = wasm_f32x4_splat(0.0f);
  }
  for (int p = 0; p < kc; p++) {
    const v4 b0 = wasm_v128_load(pb);
    const v4 b1 = wasm_v128_load(pb + 4);
    v4 a = wasm_v128_load32_splat(pa);
    c00 = MADD(c00, a, b0);
    c01 = MADD(c01, a, b1);
    a = wasm_v128_load32_splat(pa + 1);
    c10 = MADD(c10, a, b0);
    c11 = MADD(c11, a, b1);
    a = wasm_v128_load32_splat(pa + 2);
    c20 = MADD(c20, a, b0);
    c21 = MADD(c21, a, b1);
    a = wasm_v128_load32_splat(pa + 3);
    c30 = MADD(c30, a, b0);
    c31 = MADD(c31, a, b1);
    pa += MR;
    pb += ldb;
  }
  wasm_v128_store(c, c00);
  wasm_v128_store(c + 4, c01);
  wasm_v128_store(c + ldc, c10);
  wasm_v128_store(c + ldc + 4, c11);
  wasm_v128_store(c + 2 * ldc, c20);
  wasm_v128_store(c + 2 * ldc + 4, c21);
  wasm_v128_store(c + 3 * ldc, c30);
  wasm_v128_store(c + 3 * ldc + 4, c31);
}

/*
 * Packs rows [ic, ic + mc) x columns [pc, pc + kc) of A into micro-panels of MR rows:
 * panel r holds, for each p, the MR values A(ic + r*MR + i, pc + p). Rows past the
 * end are zeros.
 */
static void pack_a(const gemm_t *g, int ic, int mc, int pc, int kc, float *dst) {
  const int rsa = g->rsa, csa = g->csa;
  for (int ir = 0; ir < mc; ir += MR) {
    const int mr = imin(MR, mc - ir);
    const float *src = g->a + (size_t)(ic + ir) * rsa + (size_t)pc * csa;
    if (mr == MR && csa == 1) {
      /* Rows contiguous along k: transpose 4 x 4 blocks. */
      const float *s0 = src, *s1 = src + rsa, *s2 = src + 2 * rsa, *s3 = src + 3 * rsa;
      int p = 0;
      for (; p + 4 <= kc; p += 4) {
        v4 r0 = wasm_v128_load(s0 + p), r1 = wasm_v128_load(s1 + p);
        v4 r2 = wasm_v128_load(s2 + p), r3 = wasm_v128_load(s3 + p);
        TRANSPOSE4(r0, r1, r2, r3);
        wasm_v128_store(dst, r0);
        wasm_v128_store(dst + 4, r1);
        wasm_v128_store(dst + 8, r2);
        wasm_v128_store(dst + 12, r3);
        dst += 16;
      }
      for (; p < kc; p++) {
        dst[0] = s0[p];
        dst[1] = s1[p];
        dst[2] = s2[p];
        dst[3] = s3[p];
        dst += MR;
      }
    } else if (mr == MR && rsa == 1) {
      /* Columns contiguous along m (a transposed A): one vector per k. */
      for (int p = 0; p < kc; p++) {
        wasm_v128_store(dst, wasm_v128_load(src + (size_t)p * csa));
        dst += MR;
      }
    } else {
      for (int p = 0; p < kc; p++) {
        const float *s = src + (size_t)p * csa;
        for (int i = 0; i < MR; i++) dst[i] = i < mr ? s[(size_t)i * rsa] : 0.0f;
        dst += MR;
      }
    }
  }
}

/*
 * Packs rows [pc, pc + kc) x columns [jc, jc + nc) of B into micro-panels of NR
 * columns: panel r holds, for each p, the NR values B(pc + p, jc + r*NR + j).
 * Columns past the end are zeros.
 */
static void pack_b(const gemm_t *g, int pc, int kc, int jc, int nc, float *dst) {
  const int rsb = g->rsb, csb = g->csb;
  for (int jr = 0; jr < nc; jr += NR) {
    const int nr = imin(NR, nc - jr);
    const float *src = g->b + (size_t)pc * rsb + (size_t)(jc + jr) * csb;
    if (nr == NR && csb == 1) {
      for (int p = 0; p < kc; p++) {
        const float *s = src + (size_t)p * rsb;
        wasm_v128_store(dst, wasm_v128_load(s));
        wasm_v128_store(dst + 4, wasm_v128_load(s + 4));
        dst += NR;
      }
    } else if (nr == NR && rsb == 1) {
      /* Columns contiguous along k (a transposed B): transpose two 4 x 4 blocks per 4 k. */
      const float *s[NR];
      for (int j = 0; j < NR; j++) s[j] = src + (size_t)j * csb;
      int p = 0;
      for (; p + 4 <= kc; p += 4) {
        v4 r0 = wasm_v128_load(s[0] + p), r1 = wasm_v128_load(s[1] + p);
        v4 r2 = wasm_v128_load(s[2] + p), r3 = wasm_v128_load(s[3] + p);
        v4 r4 = wasm_v128_load(s[4] + p), r5 = wasm_v128_load(s[5] + p);
        v4 r6 = wasm_v128_load(s[6] + p), r7 = wasm_v128_load(s[7] + p);
        TRANSPOSE4(r0, r1, r2, r3);
        TRANSPOSE4(r4, r5, r6, r7);
        wasm_v128_store(dst, r0);
        wasm_v128_store(dst + 4, r4);
        wasm_v128_store(dst + 8, r1);
        wasm_v128_store(dst + 12, r5);
        wasm_v128_store(dst + 16, r2);
        wasm_v128_store(dst + 20, r6);
        wasm_v128_store(dst + 24, r3);
        wasm_v128_store(dst + 28, r7);
        dst += 4 * NR;
      }
      for (; p < kc; p++) {
        for (int j = 0; j < NR; j++) dst[j] = s[j][p];
        dst += NR;
      }
    } else {
      for (int p = 0; p < kc; p++) {
        const float *s = src + (size_t)p * rsb;
        for (int j = 0; j < NR; j++) dst[j] = j < nr ? s[(size_t)j * csb] : 0.0f;
        dst += NR;
      }
    }
  }
}

/*
 * Row-major B is read in place, without packing, when A has at most this many rows:
 * each panel of B then meets only a few panels of A, and packing would cost about as
 * much as the product (the small convolutions of LeNet).
 */
#define DIRECT_B_MAX_M 32

/* Splits `total` into the fewest blocks of at most `cap`, of equal size rounded up to `unit`. */
static int block_size(int total, int cap, int unit) {
  const int blocks = (total + cap - 1) / cap;
  const int size = (total + blocks - 1) / blocks;
  return imin(cap, (size + unit - 1) / unit * unit);
}

void gemm_serial(const gemm_t *g, float *scratch) {
  const int m = g->m, n = g->n, k = g->k;
  if (m <= 0 || n <= 0) return;
  float *const packed_a = scratch;
  float *const packed_b = packed_a + PACK_A_FLOATS;
  float *const tile = packed_b + PACK_B_FLOATS;
  float *const tile_bias = tile + TILE_FLOATS;

  if (k <= 0) {
    /* An empty sum: C keeps its values (accumulate) or becomes the bias. */
    if (g->accumulate) return;
    for (int i = 0; i < m; i++) {
      const float v = g->bias ? g->bias[i] : 0.0f;
      float *row = g->c + (size_t)i * g->ldc;
      for (int j = 0; j < n; j++) row[j] = v;
    }
    return;
  }

  const int kc_max = block_size(k, KC, 4);
  const int mc_max = block_size(m, MC, MR);
  const int direct_b = g->csb == 1 && m <= DIRECT_B_MAX_M;
  for (int jc = 0; jc < n; jc += NC) {
    const int nc = imin(NC, n - jc);
    for (int pc = 0; pc < k; pc += kc_max) {
      const int kc = imin(kc_max, k - pc);
      /* Later blocks of the shared dimension add onto what the earlier ones wrote. */
      const int load_c = g->accumulate || pc > 0;
      /* In place, only a last partial panel is packed (padded with zeros), at the start of packed_b. */
      const int full = direct_b ? nc / NR * NR : 0;
      pack_b(g, pc, kc, jc + full, nc - full, packed_b);
      for (int ic = 0; ic < m; ic += mc_max) {
        const int mc = imin(mc_max, m - ic);
        pack_a(g, ic, mc, pc, kc, packed_a);
        for (int jr = 0; jr < nc; jr += NR) {
          const int nr = imin(NR, nc - jr);
          const float *pb = jr < full ? g->b + (size_t)pc * g->rsb + jc + jr : packed_b + (size_t)(jr - full) * kc;
          const int ldb = jr < full ? g->rsb : NR;
          for (int ir = 0; ir < mc; ir += MR) {
            const int mr = imin(MR, mc - ir);
            const float *pa = packed_a + (size_t)ir * kc;
            float *c = g->c + (size_t)(ic + ir) * g->ldc + jc + jr;
            const float *bias = (!load_c && g->bias) ? g->bias + ic + ir : 0;
            if (mr == MR && nr == NR) {
              gemm_kernel_4x8(kc, pa, pb, ldb, c, g->ldc, bias, load_c);
              continue;
            }
            /* An edge tile: run the full kernel on a copy, then write back the valid part. */
            if (load_c) {
              for (int i = 0; i < MR; i++)
                for (int j = 0; j < NR; j++) tile[i * NR + j] = (i < mr && j < nr) ? c[(size_t)i * g->ldc + j] : 0.0f;
            }
            if (bias)
              for (int i = 0; i < MR; i++) tile_bias[i] = i < mr ? bias[i] : 0.0f;
            gemm_kernel_4x8(kc, pa, pb, ldb, tile, NR, bias ? tile_bias : 0, load_c);
            for (int i = 0; i < mr; i++)
              for (int j = 0; j < nr; j++) c[(size_t)i * g->ldc + j] = tile[i * NR + j];
          }
        }
      }
    }
  }
}

/*
 * Batched matrix product for the backend's `matmul`: out[q] = op(A[q]) op(B[q]) with
 * the parameter block
 *   [0] batch [1] m [2] n [3] k [4] transA [5] transB [6] aBatch [7] bBatch
 *   [8] a [9] b [10] out [11] scratch (gemm_scratch_floats() per thread) [12] tasks
 * Task t of `tasks` takes a share of the batch when there are at least as many
 * matrices as tasks, else a share of the columns (or rows, when those are more).
 */
enum { MM_BATCH, MM_M, MM_N, MM_K, MM_TA, MM_TB, MM_ABATCH, MM_BBATCH, MM_A, MM_B, MM_OUT, MM_SCRATCH, MM_TASKS };

static void matmul_task(const int32_t *args, int t, int count, int thread) {
  const int batch = args[MM_BATCH], m = args[MM_M], n = args[MM_N], k = args[MM_K];
  const int ta = args[MM_TA], tb = args[MM_TB];
  const float *a = (const float *)args[MM_A];
  const float *b = (const float *)args[MM_B];
  float *out = (float *)args[MM_OUT];
  float *scratch = (float *)args[MM_SCRATCH] + (size_t)thread * gemm_scratch_floats();

  gemm_t g;
  g.k = k;
  g.rsa = ta ? 1 : k;
  g.csa = ta ? m : 1;
  g.rsb = tb ? 1 : n;
  g.csb = tb ? k : 1;
  g.bias = 0;
  g.accumulate = 0;
  g.ldc = n;

  int q0 = 0, q1 = batch, i0 = 0, i1 = m, j0 = 0, j1 = n;
  if (batch >= count) {
    q0 = (int)((long long)batch * t / count);
    q1 = (int)((long long)batch * (t + 1) / count);
  } else if (n >= m) {
    const int panels = (n + NR - 1) / NR;
    j0 = imin(n, panels * t / count * NR);
    j1 = imin(n, panels * (t + 1) / count * NR);
  } else {
    const int panels = (m + MR - 1) / MR;
    i0 = imin(m, panels * t / count * MR);
    i1 = imin(m, panels * (t + 1) / count * MR);
  }
  for (int q = q0; q < q1; q++) {
    const float *aq = a + (size_t)(args[MM_ABATCH] == 1 ? 0 : q) * m * k;
    const float *bq = b + (size_t)(args[MM_BBATCH] == 1 ? 0 : q) * k * n;
    g.m = i1 - i0;
    g.n = j1 - j0;
    g.a = aq + (size_t)i0 * g.rsa;
    g.b = bq + (size_t)j0 * g.csb;
    g.c = out + (size_t)q * m * n + (size_t)i0 * n + j0;
    gemm_serial(&g, scratch);
  }
}

EXPORT(matmul)
void matmul(const int32_t *args) { parallel_for(matmul_task, args, args[MM_TASKS]); }

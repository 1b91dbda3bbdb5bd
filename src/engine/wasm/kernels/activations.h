/*
 * The hot activations four floats at a time, and their fused derivatives, shared by the
 * element-wise kernels (eltwise.c) and the batch norm's epilogue (batchnorm.c). Each
 * computes what its entry in the engine's registry (src/engine/ops/elementwise.ts) does.
 */
#ifndef ACTIVATIONS_H
#define ACTIVATIONS_H

#include "kernels.h"

/*
 * e^x for x <= 0 (inputs below -87.3 give 0, as float32 underflows there). Range
 * reduction x = k ln2 + r with |r| <= ln2 / 2 (ln2 split in two parts for exactness),
 * then a degree-6 polynomial for e^r (relative error below 2e-7 on that range), then
 * 2^k through the exponent bits.
 */
static inline v128_t exp_nonpositive(v128_t x) {
  const v128_t lo = wasm_f32x4_splat(-87.3f);
  const v128_t under = wasm_f32x4_lt(x, lo);
  x = wasm_f32x4_max(x, lo);
  v128_t k = wasm_f32x4_nearest(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)));
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(k, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(k, wasm_f32x4_splat(-2.12194440e-4f)));
  v128_t p = wasm_f32x4_splat(1.0f / 720.0f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 120.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 24.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f / 6.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(0.5f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.0f));
  /* 2^k: k in [-126, 0] here, so k + 127 is a valid biased exponent. */
  v128_t scale = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(k), wasm_i32x4_splat(127)), 23);
  v128_t e = wasm_f32x4_mul(p, scale);
  return wasm_v128_andnot(e, under);
}

/* 1 / (1 + e^-x), from e^-|x| so that nothing overflows (as the registry's function). */
static inline v128_t sigmoid4(v128_t x) {
  v128_t e = exp_nonpositive(wasm_f32x4_neg(wasm_f32x4_abs(x)));
  v128_t d = wasm_f32x4_add(wasm_f32x4_splat(1.0f), e);
  v128_t pos = wasm_f32x4_div(wasm_f32x4_splat(1.0f), d);
  v128_t neg = wasm_f32x4_div(e, d);
  return wasm_v128_bitselect(pos, neg, wasm_f32x4_ge(x, wasm_f32x4_splat(0.0f)));
}

static inline v128_t relu4(v128_t x) {
  /* x > 0 ? x : 0, which also maps NaN to 0 like the scalar function. */
  return wasm_v128_and(x, wasm_f32x4_gt(x, wasm_f32x4_splat(0.0f)));
}

/* g * f'(v) with v the op's input (relu) or output (sigmoid, tanh). */
/* g * (v > 0 ? 1 : 0), a product as in the scalar function (so a NaN or infinite g stays so). */
static inline v128_t relu_backward4(v128_t v, v128_t g) {
  return wasm_f32x4_mul(g, wasm_v128_and(wasm_f32x4_splat(1.0f), wasm_f32x4_gt(v, wasm_f32x4_splat(0.0f))));
}

static inline v128_t sigmoid_backward4(v128_t v, v128_t g) {
  return wasm_f32x4_mul(g, wasm_f32x4_mul(v, wasm_f32x4_sub(wasm_f32x4_splat(1.0f), v)));
}

static inline v128_t tanh_backward4(v128_t v, v128_t g) {
  return wasm_f32x4_mul(g, wasm_f32x4_sub(wasm_f32x4_splat(1.0f), wasm_f32x4_mul(v, v)));
}

/* The activation codes of a parameter block: 0 none, then the registry's epilogue ops. */
enum { ACT_NONE, ACT_RELU, ACT_SIGMOID, ACT_TANH };

/* The activation of code `act` (relu or sigmoid; others pass x through). */
static inline v128_t act4(int act, v128_t x) {
  return act == ACT_RELU ? relu4(x) : act == ACT_SIGMOID ? sigmoid4(x) : x;
}

/* g * f'(v) for the activation of code `act` (relu, sigmoid or tanh). */
static inline v128_t act_backward4(int act, v128_t v, v128_t g) {
  return act == ACT_RELU ? relu_backward4(v, g) : act == ACT_SIGMOID ? sigmoid_backward4(v, g) : tanh_backward4(v, g);
}

#endif

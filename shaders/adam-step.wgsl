// PyTorch's Adam step (L2 weight decay added to the gradient), in place:
//   g = grad + weightDecay * param
//   m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
//   param -= stepSize * m / (sqrt(v) / sqrtBc2 + eps)
// with stepSize = lr / (1 - beta1^step) and sqrtBc2 = sqrt(1 - beta2^step).
struct Params {
  n: u32, beta1: f32, beta2: f32, eps: f32,
  weightDecay: f32, stepSize: f32, sqrtBc2: f32,
}

@group(0) @binding(0) var<storage, read_write> param: array<f32>;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> m: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;

//#include "main-1d" (I = i, N = u.n, WG = 256)
  let p = param[i];
  let g = grad[i] + u.weightDecay * p;
  let mi = u.beta1 * m[i] + (1.0 - u.beta1) * g;
  let vi = u.beta2 * v[i] + (1.0 - u.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  param[i] = p - u.stepSize * mi / (sqrt(vi) / u.sqrtBc2 + u.eps);
}

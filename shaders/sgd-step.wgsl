// PyTorch's SGD step over several parameters at once, in place:
//   d = grad + weightDecay * param
//   with momentum: buf = firstStep ? d : momentum * buf + (1 - dampening) * d
//                  d = nesterov ? d + momentum * buf : buf
//   param -= lr * d
// A template: src/engine/webgpu/optim.ts fills the marked lines with one (param, grad[,
// buf]) binding set per parameter and with the routing of each invocation to its
// parameter's segment of the concatenated index range (WGSL cannot index an array of
// bindings).
struct Params {
  useMomentum: u32, nesterov: u32, firstStep: u32, total: u32,
  lr: f32, momentum: f32, weightDecay: f32, dampening: f32,
  // Where each parameter's elements end in the concatenated range.
  ends: array<vec4<u32>, 4>,
}

//@bindings

/** The updated (param, buf) from param p, gradient g and momentum buffer m. */
fn sgd(p: f32, g: f32, m: f32) -> vec2<f32> {
  var d = g + u.weightDecay * p;
  var b = m;
  if (u.useMomentum != 0u) {
    b = d;
    if (u.firstStep == 0u) { b = u.momentum * m + (1.0 - u.dampening) * d; }
    d = select(b, d + u.momentum * b, u.nesterov != 0u);
  }
  return vec2<f32>(p - u.lr * d, b);
}

//#include "main-1d" (I = i, N = u.total, WG = 256)
//@segments
}

// PyTorch's SGD step, in place:
//   d = grad + weightDecay * param
//   with momentum: buf = firstStep ? d : momentum * buf + (1 - dampening) * d
//                  d = nesterov ? d + momentum * buf : buf
//   param -= lr * d
struct Params {
  n: u32, useMomentum: u32, nesterov: u32, firstStep: u32,
  lr: f32, momentum: f32, weightDecay: f32, dampening: f32,
}

@group(0) @binding(0) var<storage, read_write> param: array<f32>;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> buf: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let i = ((wid.z * nwg.y + wid.y) * nwg.x + wid.x) * 256u + lid;
  if (i >= u.n) { return; }
  let p = param[i];
  var d = grad[i] + u.weightDecay * p;
  if (u.useMomentum != 0u) {
    var b = d;
    if (u.firstStep == 0u) { b = u.momentum * buf[i] + (1.0 - u.dampening) * d; }
    buf[i] = b;
    d = select(b, d + u.momentum * b, u.nesterov != 0u);
  }
  param[i] = p - u.lr * d;
}

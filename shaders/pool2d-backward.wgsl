// dL/dx of max or average pooling, one invocation per input element (a gather, so no
// atomics): it visits every window that covers it. For max pooling a window's gradient
// goes only to the window's first maximum, found once per window beforehand
// (pool2d-argmax.wgsl: its index within the plane, in `arg`). MODE 0 = max, MODE 1 =
// average (full window, padding included; `arg` unused).
override MODE: u32;

struct Params {
//#include "pool-shape"
}

@group(0) @binding(0) var<storage, read> arg: array<i32>;
@group(0) @binding(1) var<storage, read> gy: array<f32>;
@group(0) @binding(2) var<storage, read_write> gx: array<f32>;
@group(0) @binding(3) var<uniform> u: Params;

//#include "main-1d" (I = i, N = u.n, WG = 64)
//#include "split-plane" (I = i, H = u.h, W = u.w, AREA = hw, P = plane, Y = py, X = px)
  let iy = i32(py);
  let ix = i32(px);
  let sh = i32(u.strideH);
  let sw = i32(u.strideW);
  // Windows oy with oy*sh - padH <= iy <= oy*sh - padH + kH - 1.
  let ylo = iy + i32(u.padH) - i32(u.kH) + 1;
  let xlo = ix + i32(u.padW) - i32(u.kW) + 1;
  let oy0 = select(0, (ylo + sh - 1) / sh, ylo > 0);
  let ox0 = select(0, (xlo + sw - 1) / sw, xlo > 0);
  let oy1 = min((iy + i32(u.padH)) / sh, i32(u.outH) - 1);
  let ox1 = min((ix + i32(u.padW)) / sw, i32(u.outW) - 1);
  let gb = plane * u.outH * u.outW;
  let share = 1.0 / f32(u.kH * u.kW);
  var acc = 0.0;
  for (var oy = oy0; oy <= oy1; oy++) {
    for (var ox = ox0; ox <= ox1; ox++) {
      let g = gy[gb + u32(oy) * u.outW + u32(ox)];
      if (MODE == 1u) {
        acc += g * share;
        continue;
      }
      let at = arg[gb + u32(oy) * u.outW + u32(ox)];
      if (at == iy * i32(u.w) + ix) { acc += g; }
    }
  }
  gx[i] = acc;
}

// The first maximum of every max-pooling window (row-major scan, padding skipped, a NaN
// winning as in the forward pass), as its index within the input plane: what the
// backward pass (pool2d-backward.wgsl) routes each window's gradient to. One invocation
// per output element.
//#include "is-nan"

struct Params {
//#include "pool-shape"
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> arg: array<i32>;
@group(0) @binding(2) var<uniform> u: Params;

//#include "main-1d" (I = i, N = u.n, WG = 64)
//#include "split-plane" (I = i, H = u.outH, W = u.outW, AREA = area, P = plane, Y = py, X = px)
  let oy = i32(py);
  let ox = i32(px);
  let xb = plane * u.h * u.w;
  let wy0 = oy * i32(u.strideH) - i32(u.padH);
  let wx0 = ox * i32(u.strideW) - i32(u.padW);
  var best = 0.0;
  var at = -1;
  for (var ky = 0; ky < i32(u.kH); ky++) {
    let yy = wy0 + ky;
    if (yy < 0 || yy >= i32(u.h)) { continue; }
    for (var kx = 0; kx < i32(u.kW); kx++) {
      let xx = wx0 + kx;
      if (xx < 0 || xx >= i32(u.w)) { continue; }
      let v = x[xb + u32(yy * i32(u.w) + xx)];
      if (at < 0 || v > best || (isNan(v) && !isNan(best))) {
        best = v;
        at = yy * i32(u.w) + xx;
      }
    }
  }
  arg[i] = at;
}

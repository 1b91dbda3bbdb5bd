// Winograd F(MxM, RxR) for the weight gradient, the last step (M x M outputs a tile,
// A = M + R - 1 points): the products' A*A entries of one (output channel, input channel)
// pair, s (summed over the tiles), become the R x R gradient G^T s G. The u.channels
// invocations after those sum dL/dy of one output channel into the bias gradient db: a
// tile's sum is the entry of its transform Z = A dy A^T at the point 1 in both axes
// (xi = A + 1), where A^T's column is all ones. ACC = 1 adds both to what dw and db hold
// (a batch done in chunks).
//#include "winograd-maps"
override ACC: u32;

struct Params { count: u32, channels: u32, tiles: u32 }

@group(0) @binding(0) var<storage, read> s: array<f32>;
@group(0) @binding(1) var<storage, read_write> dw: array<f32>;
@group(0) @binding(2) var<storage, read> z: array<f32>;
@group(0) @binding(3) var<storage, read_write> db: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;

fn biasSum(c: u32) {
  let base = ({A}u + 1u) * u.channels * u.tiles + c * u.tiles;
  // Four running sums (fewer roundings in a row, and independent adds).
  var acc = vec4<f32>(0.0);
  var t = 0u;
  for (; t + 4u <= u.tiles; t += 4u) { acc += vec4<f32>(z[base + t], z[base + t + 1u], z[base + t + 2u], z[base + t + 3u]); }
  for (; t < u.tiles; t++) { acc.x += z[base + t]; }
  let sum = (acc.x + acc.y) + (acc.z + acc.w);
  if (ACC == 1u) { db[c] += sum; } else { db[c] = sum; }
}

//#include "main-1d" (I = idx, N = u.count + u.channels, WG = 64)
  if (idx >= u.count) {
    biasSum(idx - u.count);
    return;
  }
  let stride = u.count;
  // G^T down each column of s, then along each row of that.
//#for j in 0..A
  var c{j}: array<f32, {A}>;
//#for i in 0..A
  c{j}[{i}] = s[{A*i+j}u * stride + idx];
//#end
  let t{j} = gt{M}{R}(c{j});
//#end
  let base = idx * {R*R}u;
//#for i in 0..R
  var r{i}: array<f32, {A}>;
//#for j in 0..A
  r{i}[{j}] = t{j}[{i}];
//#end
  let e{i} = gt{M}{R}(r{i});
//#for j in 0..R
  if (ACC == 1u) { dw[base + {R*i+j}u] += e{i}[{j}]; } else { dw[base + {R*i+j}u] = e{i}[{j}]; }
//#end
//#end
}

// Reduction, one invocation per (output, split). The input's axes are coalesced into
// kept and reduced groups: an output index splits over the kept groups
// (keptShape/keptStrides) to give its base offset; the reduced elements are numbered
// r = q * inner + j and read at base + offset(q) + j * innerStride, where offset(q)
// splits q over redShape/redStrides. With `splits` > 1 each invocation folds only the
// range [s * chunk, (s + 1) * chunk) of r and writes out[o * splits + s]; a second
// pass folds the splits (so long reductions need no barriers, which are costly on
// CPU-backed adapters). OP: 0 sum, 1 max, 2 min.
override OP: u32;

//#include "reduce-params"

//#include "reduce-combine"

//#include "split-offset"

//#include "main-1d" (I = t, N = u.n * u.splits, WG = 64)
  let o = t / u.splits;
  let s = t - o * u.splits;
  let base = splitOffset(o, u.nk, u.keptShape, u.keptStrides);
  let r0 = s * u.chunk;
  let r1 = min(r0 + u.chunk, u.rOuter * u.inner);
  var acc = u.identity;
  var q = r0 / u.inner;
  var j0 = r0 - q * u.inner;
  var r = r0;
  while (r < r1) {
    let start = base + splitOffset(q, u.nr, u.redShape, u.redStrides);
    let j1 = min(u.inner, j0 + (r1 - r));
    for (var j = j0; j < j1; j++) {
      acc = combine(acc, x[start + j * u.innerStride]);
    }
    r += j1 - j0;
    q++;
    j0 = 0u;
  }
  out[t] = acc;
}

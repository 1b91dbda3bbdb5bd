// The bindings and entry point of a kernel that runs two Winograd transforms in one
// dispatch: the first {COUNT} invocations call {FIRST}(idx), which reads {SRC} and writes
// {DST}; the rest transform the input's patches (dataTile, winograd-data.wgsl). The
// including kernel declares struct Params (member d: Tiles) and {FIRST}.
@group(0) @binding(0) var<storage, read> {SRC}: array<f32>;
@group(0) @binding(1) var<storage, read_write> {DST}: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read_write> v: array<f32>;
@group(0) @binding(4) var<uniform> u: Params;

//#include "winograd-data"

//#include "main-1d" (I = idx, N = {COUNT} + u.d.c * u.d.tiles, WG = 64)
  if (idx < {COUNT}) { {FIRST}(idx); } else { dataTile(idx - {COUNT}); }
}

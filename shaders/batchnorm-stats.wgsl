// Batch-norm statistics of x [n, c, hw]: each channel's mean, then its biased variance
// from the centred values (two passes, as exact as the data allow).
// LANES invocations share a channel (a power of two up to WG) and WG / LANES channels
// share a workgroup. With LANES = 1 an invocation sweeps its channel alone and no barrier
// runs at all (fastest where barriers are costly, as on CPU-backed adapters); with
// LANES = WG a whole workgroup folds one channel as a tree (fastest on real GPUs).
// With RUNNING, the running statistics are updated in place too (PyTorch's training
// mode): running = (1 - momentum) running + momentum batch, the variance made unbiased.
// With split > 1 (a uniform), each channel's n * hw values are cut into `split` chunks of
// `len` (the last may be shorter), one a lane group: it stores its chunk's mean and sum of
// squares about that mean in meanOut / varOut at [channel * split + chunk], for
// batchnorm-fold.wgsl to combine (Chan's formula) into the statistics; RUNNING is then 0.
override WG: u32 = 256u;
override LANES: u32 = 256u;
override RUNNING: bool = false;

struct Params { n: u32, c: u32, hw: u32, momentum: f32, unbias: f32, split: u32, len: u32 }

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> meanOut: array<f32>;
@group(0) @binding(2) var<storage, read_write> varOut: array<f32>;
@group(0) @binding(3) var<storage, read_write> runningMean: array<f32>;
@group(0) @binding(4) var<storage, read_write> runningVar: array<f32>;
@group(0) @binding(5) var<uniform> u: Params;

var<workgroup> partial: array<f32, WG>;

//#include "lane-total"
//#include "channel-chunk"

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let part = channelChunk(wid, nwg, lid);
  let ch = part.ch;
  let count = f32(max(part.end - part.start, 1u));
  var s = 0.0;
  for (var i = part.start + part.lane; i < part.end; i += LANES) {
    s += x[channelIndex(ch, i)];
  }
  let mean = total(lid, s) / count;
  var q = 0.0;
  for (var i = part.start + part.lane; i < part.end; i += LANES) {
    let d = x[channelIndex(ch, i)] - mean;
    q += d * d;
  }
  let squares = total(lid, q);
  if (part.live && part.lane == 0u) {
    if (u.split > 1u) {
      meanOut[part.group] = mean;
      varOut[part.group] = squares;
      return;
    }
    let variance = squares / count;
    meanOut[ch] = mean;
    varOut[ch] = variance;
    if (RUNNING) {
      runningMean[ch] = (1.0 - u.momentum) * runningMean[ch] + u.momentum * mean;
      runningVar[ch] = (1.0 - u.momentum) * runningVar[ch] + u.momentum * variance * u.unbias;
    }
  }
}

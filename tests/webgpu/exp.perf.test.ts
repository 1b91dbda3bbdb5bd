import { it } from 'vitest';
import { readFileSync } from 'node:fs';
import { createWebGPUBackend } from '../../src/engine/webgpu';
import { Words } from '../../src/engine/webgpu/runtime';
import { randn, rng } from './helpers';

it.skipIf(process.env.WEBGPU_PERF !== '1')('experiment', async () => {
  const b = await createWebGPUBackend({ autotune: false });
  const r = rng(2);
  const spec = JSON.parse(readFileSync('/tmp/exp/spec.json', 'utf8')) as { file: string; m: number; n: number; k: number; wgx: number; wgy: number; tm: number; tn: number; reps: number; consts?: Record<string, number> }[];
  for (const s of spec) {
    const code = readFileSync(s.file, 'utf8');
    const A = b.fromData(randn(r, s.m * s.k));
    const B = b.fromData(randn(r, s.k * s.n));
    const C = b.zeros(s.m * s.n);
    const bufs = [A, B, C].map((x) => (x as unknown as { buffer: GPUBuffer }).buffer);
    const tilesM = Math.ceil(s.m / (s.tm * s.wgy)), tilesN = Math.ceil(s.n / (s.tn * s.wgx));
    const run = () => b.rt.dispatch({ key: s.file + JSON.stringify(s), code, constants: { WGX: s.wgx, WGY: s.wgy, ...(s.consts ?? {}) }, buffers: bufs,
      uniforms: new Words().u32(s.m, s.n, s.k, tilesN, tilesM, tilesM * tilesN, 0, 0, s.k, 1, s.n, 1).buffer(), workgroups: tilesM * tilesN });
    run();
    await b.sync();
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    for (let i = 0; i < s.reps; i++) run();
    await b.sync();
    const t = (performance.now() - t0) / s.reps;
    const cu = process.cpuUsage(c0);
    const ct = (cu.user + cu.system) / 1000 / s.reps;
    // check
    const got = await b.read(C);
    const a = await b.read(A), bb = await b.read(B);
    let err = 0;
    for (const [i, j] of [[0, 0], [s.m - 1, s.n - 1], [7, 13], [s.m >> 1, s.n >> 2]]) {
      let acc = 0;
      for (let q = 0; q < s.k; q++) acc += a[i * s.k + q] * bb[q * s.n + j];
      err = Math.max(err, Math.abs(acc - got[i * s.n + j]));
    }
    console.log(`${s.file.split('/').pop()} ${JSON.stringify({ ...s, file: undefined })}: ${t.toFixed(1)} ms ${((2 * s.m * s.n * s.k) / t / 1e6).toFixed(2)} GFLOP/s wall; cpu ${ct.toFixed(1)} ms = ${((2 * s.m * s.n * s.k) / ct / 1e6).toFixed(2)} GFLOP/cpu-s; err ${err.toExponential(1)}`);
    for (const x of [A, B, C]) b.free(x);
  }
  console.log('errors', b.rt.errors.slice(0, 3));
  b.destroy();
});

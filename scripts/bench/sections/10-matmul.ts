/** Matmul 512x512x512: our WebGPU backend against TF.js's webgpu, webgl and cpu backends. */
import type { BenchSection } from './types';
import { oursBackend, random, tf, timeIt, TFJS_BACKENDS, useTf } from './_util';
import { MATMUL_VARIANTS } from '../../../src/engine/webgpu/variants';
import { lastAutotune } from '../../../src/engine/webgpu/autotune';

const N = 512;
const FLOP = 2 * N * N * N;

const section: BenchSection = {
  title: `matmul ${N}x${N} (float32)`,
  async run() {
    const rows = [];
    const notes: string[] = [];
    const b = await oursBackend();
    const a = b.fromData(random(N * N, 1));
    const c = b.fromData(random(N * N, 2));
    const p = { batch: 1, m: N, n: N, k: N, transA: false, transB: false, aBatch: 1, bBatch: 1 };
    const timeVariant = (v: string) =>
      timeIt(async () => {
        const o = b.matmulWith(v, a, c, p);
        const corner = b.slice(o, [1], [1], 0);
        await b.read(corner);
        b.free(corner);
        b.free(o);
      }, 5);
    const chosen = b.tuning.matmul;
    const ms = await timeVariant(chosen);
    const ourGflops = FLOP / ms / 1e6;
    rows.push({ label: `ours (webgpu, autotuned: ${chosen})`, values: { ms: ms, 'GFLOP/s': ourGflops, 'ours / this': 1 } });
    for (const v of Object.keys(MATMUL_VARIANTS)) {
      if (v === chosen || v.startsWith('tiled')) continue;
      const t = await timeVariant(v);
      rows.push({ label: `  ours, variant ${v}`, values: { ms: t, 'GFLOP/s': FLOP / t / 1e6, 'ours / this': t / ms } });
    }
    notes.push(`ours: ${b.description}`);
    notes.push(`autotune (ms at 256x256): ${JSON.stringify(lastAutotune.matmul ?? {})}`);
    b.free(a);
    b.free(c);

    for (const name of TFJS_BACKENDS) {
      if (!(await useTf(name))) {
        rows.push({ label: `tfjs ${name}`, values: { ms: null, 'GFLOP/s': null, 'ours / this': 'unavailable' } });
        continue;
      }
      const x = tf.tensor2d(random(N * N, 1), [N, N]);
      const y = tf.tensor2d(random(N * N, 2), [N, N]);
      const reps = name === 'cpu' ? 2 : 5;
      const t = await timeIt(async () => {
        const o = tf.matMul(x, y);
        await o.slice([0, 0], [1, 1]).data();
        o.dispose();
      }, reps);
      const g = FLOP / t / 1e6;
      rows.push({ label: `tfjs ${name}`, values: { ms: t, 'GFLOP/s': g, 'ours / this': ourGflops / g } });
      x.dispose();
      y.dispose();
    }
    return { title: section.title, rows, notes };
  },
};

export default section;

#!/usr/bin/env node
/**
 * Benchmarks the wasm backend in Node: matmul 512^3 GFLOP/s, the convolution passes of
 * LeNet's and ResNet-18's layers, and training images/s of both nets.
 *   node scripts/bench/wasm-node.mjs [--threads=1,2] [--simd=plain,fma] [--only=matmul,conv,pool,optim,lenet,resnet]
 *                                    [--steps=8] [--resnet-batch=64] [--reference] [--no-torch]
 * --simd: the builds to run, plain SIMD and relaxed SIMD with the fused multiply-add
 * (the one Chromium runs; this script restarts Node with relaxed SIMD enabled).
 * Builds the kernels if needed, then loads the TypeScript sources through Vite's
 * module runner (no bundle), so worker threads start from the source tree.
 * --steps: timed LeNet steps (ResNet-18: steps / 4, at least 2), each net after two warm-up steps.
 * --reference: also LeNet on the CPU reference backend (TypeScript loops).
 * --profile: after each net's timed steps, one more step broken down by backend op (wall
 * time, share of the step, and process CPU / wall: the threads each op kept busy);
 * --profile=shapes: the same by op and convolution or pooling shape.
 * --only=zoo [--models=alexnet,vgg,nin]: those nets' training steps at their in-tab input
 * sizes, batch --resnet-batch (only when named in --only), beside PyTorch's on the same nets.
 * After the wasm figures, when /usr/bin/python3 (or $TORCH_PYTHON) can import torch,
 * runs scripts/bench/torch-reference.py with the same batches and step counts and
 * prints wasm and PyTorch CPU side by side with the targets, met or not met;
 * --no-torch skips it. `npm run bench` runs this at its end.
 * --against=DIR [--models=lenet,resnet18,vgg,alexnet,nin]: instead, train those nets
 * (default LeNet and ResNet-18, at their in-tab input sizes) on this checkout's engine
 * and on the one in DIR (another checkout, say a worktree of an older commit), one step
 * each in turn in this process, and print both; a busy machine then slows both alike.
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'vite';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { buildWasm } from '../build-wasm.mjs';
import { NODE_RELAXED_SIMD } from '../chromium-flags.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const list = (s) => (s ? String(s).split(',').filter(Boolean) : []);

// Chromium runs relaxed SIMD (the fused multiply-add build); Node 20 needs a flag for it.
if (!process.execArgv.includes(NODE_RELAXED_SIMD)) {
  const r = spawnSync(process.execPath, [...process.execArgv, NODE_RELAXED_SIMD, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

buildWasm();
const server = await createServer({
  root,
  configFile: false,
  logLevel: 'warn',
  appType: 'custom',
  server: { middlewareMode: true, hmr: false, watch: null, fs: { strict: false } },
  // Nothing to pre-bundle: the engine has no dependencies.
  optimizeDeps: { noDiscovery: true, entries: [] },
});
try {
  const { runWasmBench } = await server.ssrLoadModule('/scripts/bench/wasm-bench.ts');
  let against;
  if (args.against) {
    const dir = resolve(args.against);
    // The other checkout's kernels are generated in its own tree.
    const r = spawnSync(process.execPath, [join(dir, 'scripts/build-wasm.mjs')], { cwd: dir, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`could not build the wasm kernels in ${dir}`);
    against = { dir, load: (path) => server.ssrLoadModule(`/@fs${join(dir, path)}`) };
  }
  const threads = list(args.threads).map(Number);
  await runWasmBench({
    threads: threads.length ? threads : [...new Set([1, Math.min(8, availableParallelism())])],
    fma: list(args.simd ?? 'plain,fma').map((s) => s === 'fma'),
    only: list(args.only),
    steps: Number(args.steps ?? 8),
    resnetBatch: Number(args['resnet-batch'] ?? 64),
    reference: args.reference === 'true',
    torch: args['no-torch'] !== 'true',
    against,
    models: list(args.models ?? 'lenet,resnet18'),
    profile: args.profile === 'shapes' ? 'shapes' : args.profile === 'true',
  });
} finally {
  await server.close();
}
process.exit(0);

#!/usr/bin/env node
/**
 * Accuracy runs outside the browser:
 *   node scripts/train.mjs --model lenet --epochs 10            (engine on the CPU backend)
 *   node scripts/train.mjs --model lenet-bn --backend webgpu    (engine on Dawn/WebGPU)
 * Bundles scripts/train/main.ts (engine, models, data, the worker's Trainer) into
 * node_modules/.cache/train-node/main.mjs with Vite, leaving only the native `webgpu` package outside,
 * then runs it with the given arguments. `--no-build` reuses the last bundle.
 * See scripts/train/main.ts for every option.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { bundleForNode } from './node-bundle.mjs';
import { NODE_RELAXED_SIMD } from './chromium-flags.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = `${root}node_modules/.cache/train-node/main.mjs`;
const argv = process.argv.slice(2).filter((a) => a !== '--no-build');
if (!process.argv.includes('--no-build') || !existsSync(out)) {
  await bundleForNode('scripts/train/main.ts', 'node_modules/.cache/train-node');
}
const env = { ...process.env };
if (argv.includes('webgpu') && !env.VK_ICD_FILENAMES && !env.VK_DRIVER_FILES) {
  // Dawn on Vulkan: an NVIDIA driver when there is one, else SwiftShader (as in the unit tests).
  const icd = ['/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json', '/usr/share/vulkan/icd.d/nvidia_icd.json', '/etc/vulkan/icd.d/nvidia_icd.json', '/usr/lib/chromium/vk_swiftshader_icd.json'].find((f) => existsSync(f));
  if (icd) env.VK_ICD_FILENAMES = env.VK_DRIVER_FILES = icd;
}
// Relaxed SIMD, as Chromium runs it: the wasm backend's fused multiply-add build.
const r = spawnSync(process.execPath, ['--max-old-space-size=8192', NODE_RELAXED_SIMD, out, ...argv], { stdio: 'inherit', cwd: root, env });
process.exit(r.status ?? 1);

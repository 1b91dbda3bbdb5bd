// Set-up shared by `npm start` and `npm test`: dependencies, generated data, the wasm
// kernels and, for tests, Debian's Chromium plus the Vulkan loader that WebGPU in Node needs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

export function must(cmd, args, opts) {
  const code = run(cmd, args, opts);
  if (code !== 0) {
    console.error(`\n✗ ${cmd} ${args.join(' ')} exited with ${code}`);
    process.exit(code);
  }
}

export function ensureDependencies() {
  const marker = join(root, 'node_modules', '.package-lock.json');
  if (existsSync(marker) && existsSync(join(root, 'node_modules', '.bin', 'vite'))) return;
  console.log('setup: installing npm dependencies (npm ci)…');
  must('npm', ['ci', '--no-audit', '--no-fund']);
}

/** Compiles the wasm backend's kernels when the generated module is missing or stale. */
export function ensureWasm() {
  must(process.execPath, [join(root, 'scripts', 'build-wasm.mjs')]);
}

export function ensureData() {
  must(process.execPath, [join(root, 'scripts', 'prepare-data.mjs')]);
}

function hasVulkanLoader() {
  const r = spawnSync('sh', ['-c', 'ldconfig -p | grep -q "libvulkan.so.1"']);
  return r.status === 0;
}

/** Whether fontconfig knows a font with Chinese glyphs (without one, Chromium draws the Chinese edition as boxes). */
function hasChineseFont() {
  const r = spawnSync('sh', ['-c', 'fc-list :lang=zh family'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim().length > 0;
}

/**
 * Installs Debian's chromium, libvulkan1 (for Dawn in Node) and a Chinese font (the
 * Chinese edition's layout is tested as readers see it) when missing and we can.
 */
export function ensureBrowser() {
  const missing = [];
  if (!existsSync(CHROMIUM) || !existsSync(SWIFTSHADER_ICD)) missing.push('chromium');
  if (!hasVulkanLoader()) missing.push('libvulkan1');
  if (!hasChineseFont()) missing.push('fonts-noto-cjk');
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get']).status === 0;
  if (!isRoot || !hasApt) {
    console.error(
      `\n✗ The tests need ${missing.join(', ')} from Debian's packages (${CHROMIUM} with SwiftShader's Vulkan driver, and a font with Chinese glyphs).\n` +
        `  Install them with: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}\n` +
        `  or point CHROMIUM_PATH at a Chromium build. (npx playwright install cannot work offline.)`,
    );
    process.exit(1);
  }
  console.log(`setup: installing ${missing.join(', ')} with apt-get…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  must('apt-get', ['update', '-qq'], { env });
  must('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env });
}

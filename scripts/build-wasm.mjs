#!/usr/bin/env node
/**
 * Compiles the wasm backend's C kernels (src/engine/wasm/kernels/*.c) with clang for
 * wasm32 + SIMD128 and writes them, base64-encoded, into the generated module
 * src/engine/wasm/kernels.gen.ts (git-ignored), which Node loads (Vitest, the scripts'
 * bundles), and as files under src/engine/wasm/gen/ (git-ignored), which the page and its
 * workers fetch. Two builds go in:
 *   - single-threaded: its own memory, tasks run in turn (threads.c);
 *   - threaded: atomics, an imported shared memory and a worker pool (threads-shared.c);
 * and each again with relaxed SIMD (`-mrelaxed-simd`), whose matrix-product kernel uses
 * the fused multiply-add (f32x4.relaxed_madd). The loader picks those where the engine
 * validates them (Chromium 114+; Node with --experimental-wasm-relaxed-simd).
 * Skips the work when the output is newer than every source and this script.
 * Needs clang and wasm-ld; relaxed SIMD needs clang 16 or later (Debian 12:
 * `apt-get install clang-16 lld-16`), which it installs with apt-get when missing and
 * running as root on Debian. With an older clang only the plain builds go in, and the
 * engine runs them everywhere. `--force` rebuilds anyway.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const kernelDir = join(root, 'src', 'engine', 'wasm', 'kernels');
const output = join(root, 'src', 'engine', 'wasm', 'kernels.gen.ts');
/** The same builds as files, which the page and its workers fetch (src/engine/wasm/kernel-source.browser.ts). */
const binDir = join(root, 'src', 'engine', 'wasm', 'gen');
const BIN_FILES = ['single.wasm', 'threaded.wasm', 'single-relaxed.wasm', 'threaded-relaxed.wasm'];
const made = join(binDir, 'made.ts');
const self = fileURLToPath(import.meta.url);

/** The most the threaded build's shared memory may grow to (module.ts declares the same in pages). */
const SHARED_MAX_BYTES = 2 * 1024 * 1024 * 1024;

const COMMON_FLAGS = [
  '--target=wasm32',
  '-msimd128',
  '-mbulk-memory',
  '-O3',
  '-nostdlib',
  // No libc to call: keep clang from turning copy loops into memcpy/memset calls.
  '-fno-builtin',
  '-Wall',
  '-Wextra',
  '-Werror',
  '-Wl,--no-entry',
  '-Wl,--stack-first',
  '-Wl,-z,stack-size=65536',
  '-Wl,--export=__heap_base',
];

const has = (cmd, args = ['--version']) => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;

/** The major version of a clang on the PATH, or 0. */
function clangVersion(cmd) {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  if (r.status !== 0) return 0;
  const m = /clang version (\d+)/.exec(r.stdout);
  return m ? Number(m[1]) : 0;
}

/** The newest clang on the PATH, as [command, major version], or null. */
function findClang() {
  let best = null;
  for (const c of ['clang', 'clang-14', 'clang-15', 'clang-16', 'clang-17', 'clang-18', 'clang-19', 'clang-20']) {
    const v = clangVersion(c);
    if (v && (!best || v > best[1])) best = [c, v];
  }
  return best;
}

/** The first version of clang that encodes relaxed SIMD as engines accept it. */
const RELAXED_CLANG = 16;

/**
 * clang for wasm32 needs lld's wasm-ld (on the PATH, or beside a versioned clang).
 * Installs clang 16 and its lld with apt-get when no clang can build relaxed SIMD and
 * we are root on Debian (falling back to the distribution's clang and lld).
 */
function ensureToolchain() {
  const canLink = (c) => c && (has('wasm-ld') || existsSync(`/usr/lib/llvm-${c[1]}/bin/wasm-ld`));
  let clang = findClang();
  if (canLink(clang) && clang[1] >= RELAXED_CLANG) return clang;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = has('sh', ['-c', 'command -v apt-get']);
  if (!isRoot || !hasApt) {
    if (canLink(clang)) {
      console.warn(`build-wasm: ${clang[0]} is clang ${clang[1]}; relaxed SIMD needs clang ${RELAXED_CLANG} or later, so only the plain SIMD builds are made`);
      return clang;
    }
    console.error(
      '\n✗ Building the wasm kernels needs clang and wasm-ld (LLVM lld).\n' +
        `  On Debian 12: sudo apt-get update && sudo apt-get install -y clang-${RELAXED_CLANG} lld-${RELAXED_CLANG}\n` +
        `  (any clang >= 14 with the WebAssembly target works; >= ${RELAXED_CLANG} adds the relaxed SIMD builds).`,
    );
    process.exit(1);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env }).status === 0;
  console.log(`build-wasm: installing clang-${RELAXED_CLANG} and lld-${RELAXED_CLANG} with apt-get…`);
  const ok = apt(['update', '-qq']) && (apt(['install', '-y', '-qq', '--no-install-recommends', `clang-${RELAXED_CLANG}`, `lld-${RELAXED_CLANG}`]) || apt(['install', '-y', '-qq', '--no-install-recommends', 'clang', 'lld']));
  clang = findClang();
  if (!ok || !canLink(clang)) {
    console.error('\n✗ clang or wasm-ld still missing after apt-get install');
    process.exit(1);
  }
  return clang;
}

/** The absolute path of a command on the PATH, or null. */
const which = (cmd) => {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
};

/**
 * clang runs binaryen's wasm-opt after linking whenever it finds one (on the PATH or beside
 * the path clang was started by), and an older wasm-opt (Debian 12 ships version 108)
 * rejects relaxed SIMD. The build does not depend on which binaryen a machine happens to
 * have: clang runs by its real path with an empty PATH and is told where wasm-ld is, so the
 * output is exactly what clang and wasm-ld make.
 */
function bareToolchain(clang, version, tmp) {
  const own = `/usr/lib/llvm-${version}/bin/wasm-ld`;
  const ld = existsSync(own) ? own : (which(`wasm-ld-${version}`) ?? which('wasm-ld'));
  const bin = join(tmp, 'bin');
  mkdirSync(bin);
  const path = which(clang);
  return { clang: path ? realpathSync(path) : clang, ld, env: { ...process.env, PATH: bin } };
}

function compile({ clang, ld, env }, sources, flags, out) {
  const r = spawnSync(clang, [...COMMON_FLAGS, `-fuse-ld=${ld}`, ...flags, '-o', out, ...sources], { stdio: 'inherit', env });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    console.error(`\n✗ ${clang} exited with ${r.status} while building ${out}`);
    process.exit(1);
  }
  return readFileSync(out);
}

export function buildWasm({ force = false } = {}) {
  const files = readdirSync(kernelDir).filter((f) => f.endsWith('.c') || f.endsWith('.h'));
  const newest = Math.max(statSync(self).mtimeMs, ...files.map((f) => statSync(join(kernelDir, f)).mtimeMs));
  const outputs = [output, made, ...BIN_FILES.slice(0, 2).map((f) => join(binDir, f))];
  if (!force && outputs.every((f) => existsSync(f) && statSync(f).mtimeMs > newest)) return false;

  const [clang, version] = ensureToolchain();
  const shared = (f) => f.startsWith('threads');
  const common = files.filter((f) => f.endsWith('.c') && !shared(f)).map((f) => join(kernelDir, f));
  const tmp = mkdtempSync(join(tmpdir(), 'wasm-kernels-'));
  try {
    const tool = bareToolchain(clang, version, tmp);
    const threadedFlags = [
      '-matomics',
      '-mmutable-globals',
      '-DWASM_THREADS=1',
      '-Wl,--shared-memory',
      '-Wl,--import-memory',
      `-Wl,--max-memory=${SHARED_MAX_BYTES}`,
      // Every instance (one per thread) gets its own stack pointer, set by the loader.
      '-Wl,--export=__stack_pointer',
    ];
    const build = (extra, name) => ({
      single: compile(tool, [...common, join(kernelDir, 'threads.c')], extra, join(tmp, `single${name}.wasm`)),
      threaded: compile(tool, [...common, join(kernelDir, 'threads-shared.c')], [...threadedFlags, ...extra], join(tmp, `threaded${name}.wasm`)),
    });
    const plain = build([], '');
    const relaxed = version >= RELAXED_CLANG ? build(['-mrelaxed-simd'], '-relaxed') : null;
    const b64 = (bytes) => (bytes ? `'${bytes.toString('base64')}'` : 'null');
    const body =
      '// Generated by scripts/build-wasm.mjs from src/engine/wasm/kernels/*.c: do not edit.\n' +
      `// clang: ${spawnSync(clang, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]}\n\n` +
      '/** The single-threaded kernels (exports their own memory), base64. */\n' +
      `export const SINGLE_WASM = ${b64(plain.single)};\n\n` +
      '/** The threaded kernels (import a shared memory), base64. */\n' +
      `export const THREADED_WASM = ${b64(plain.threaded)};\n\n` +
      `/** The same two with relaxed SIMD (fused multiply-add), base64; null when clang is older than ${RELAXED_CLANG}. */\n` +
      `export const SINGLE_RELAXED_WASM: string | null = ${b64(relaxed?.single)};\n\n` +
      `export const THREADED_RELAXED_WASM: string | null = ${b64(relaxed?.threaded)};\n`;
    writeFileSync(output, body);
    // The builds as files for the browser: one copy that the page and every worker share,
    // fetched only in the variant the engine runs (base64 in each bundle was 1.8 MB apiece).
    mkdirSync(binDir, { recursive: true });
    const bins = [plain.single, plain.threaded, relaxed?.single, relaxed?.threaded];
    BIN_FILES.forEach((f, i) => (bins[i] ? writeFileSync(join(binDir, f), bins[i]) : rmSync(join(binDir, f), { force: true })));
    writeFileSync(
      made,
      '// Generated by scripts/build-wasm.mjs: do not edit.\n' +
        `/** Whether the relaxed-SIMD builds were made (clang ${RELAXED_CLANG} or later). */\n` +
        `export const RELAXED_MADE = ${relaxed ? 'true' : 'false'};\n`,
    );
    const sizes = [plain.single, plain.threaded, relaxed?.single, relaxed?.threaded].filter(Boolean).map((b) => b.length);
    console.log(`build-wasm: wrote ${output.slice(root.length + 1)} (${sizes.join(' + ')} bytes of wasm${relaxed ? ', plain and relaxed SIMD' : ', plain SIMD only'})`);
    return true;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  buildWasm({ force: process.argv.includes('--force') });
}

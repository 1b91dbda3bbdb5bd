#!/usr/bin/env node
/**
 * The `RESULT {...}` lines of scripts/train.mjs runs (its logs, or results.txt from
 * scripts/train/device-run.sh) as the Markdown tables of RESULTS.md: one row per run, then
 * one per epoch with its training speed and test accuracy.
 *   node scripts/train/results-table.mjs LOG...
 */
import { readFileSync } from 'node:fs';

const runs = [];
for (const file of process.argv.slice(2)) {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const at = line.indexOf('RESULT {');
    if (at < 0) continue;
    try {
      runs.push(JSON.parse(line.slice(at + 'RESULT '.length)));
    } catch {
      console.error(`${file}: a RESULT line that is not JSON: ${line.slice(0, 80)}…`);
    }
  }
}
if (runs.length === 0) {
  console.error('usage: node scripts/train/results-table.mjs LOG...  (files with RESULT lines from scripts/train.mjs)');
  process.exit(1);
}

const fixed = (v, d) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(d) : '–');
const speed = (e) => (typeof e.imagesPerSec === 'number' ? Math.round(e.imagesPerSec).toLocaleString('en-US') : '–');

console.log('| model | input | batch | lr | epochs done | test accuracy | training img/s (mean of epochs) | time |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const r of runs) {
  const c = r.config;
  const done = r.epochs.length;
  const speeds = r.epochs.map((e) => e.imagesPerSec).filter((v) => typeof v === 'number');
  const mean = speeds.length ? Math.round(speeds.reduce((a, b) => a + b, 0) / speeds.length).toLocaleString('en-US') : '–';
  const stop = r.stoppedAfterSeconds ? ` (stopped at ${r.stoppedAfterSeconds} s: ${fixed(r.testAccAtStop, 4)})` : '';
  console.log(`| ${r.model} | ${c.inputSize} | ${c.batchSize} | ${c.lr} | ${done} of ${c.epochs} | ${fixed(r.testAcc, 4)}${stop} | ${mean} | ${r.seconds} s |`);
}
for (const r of runs) {
  console.log(`\n${r.model}, ${r.config.inputSize}x${r.config.inputSize}, batch ${r.config.batchSize}, lr ${r.config.lr} (${r.backend}):\n`);
  console.log('| epoch | train loss | train acc | test acc | training img/s |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const e of r.epochs) console.log(`| ${e.epoch} | ${fixed(e.trainLoss, 4)} | ${fixed(e.trainAcc, 4)} | ${fixed(e.testAcc, 4)} | ${speed(e)} |`);
}

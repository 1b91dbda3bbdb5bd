/**
 * Trains a zoo model in Node with the same Trainer the browser's worker runs: the
 * engine on the CPU backend, or on WebGPU through Dawn (the `webgpu` package). Reads
 * public/data, keeps checkpoints in memory, prints progress and a JSON summary.
 * Built by scripts/train.mjs; run as
 *   node scripts/train.mjs --model lenet --epochs 10 [--backend wasm|webgpu|cpu] [--lr 0.9]
 *     [--batch 256] [--input 28] [--optimizer sgd|adam] [--seed 0] [--train-limit N]
 *     [--test-limit N] [--data DIR] [--json FILE] [--weights FILE] [--max-seconds S]
 *     [--no-shape-tune]
 * The backend defaults to wasm. The input size defaults to the recipe's on a real GPU and
 * to the model's smaller in-tab size on the CPU backends and software adapters
 * (SwiftShader, llvmpipe), as in the training view.
 * On a real GPU the Trainer first times the kernels on the model's own layer shapes
 * (printed as `tuned N shapes in S s`); --no-shape-tune keeps the op-wide choices, to compare.
 * With --max-seconds the run stops after S seconds and the model is evaluated on the
 * test set as it stands (reported as testAccAtStop).
 * With --profile (WebGPU on a device with timestamp queries) the steps between the first
 * and the second progress report (--read-every steps, after shape tuning and warm-up)
 * are timed on the GPU kernel by kernel, each dispatch in a compute pass of its own, and
 * printed as a table (`profile:` lines): what a step spends in each kernel, beside the
 * wall clock of the same steps.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { getBackend, ready, setBackend } from '../../src/engine';
import { checkStepVerdict } from '../../src/engine/probe-step';
import { activeBackend } from '../../src/engine/runtime';
import type { WebGPUBackend } from '../../src/engine/webgpu';
import { formatProfile } from '../../src/engine/webgpu/profile';
import { parseDataset } from '../../src/data/format';
import { isModelId, zoo, type ModelId } from '../../src/models';
import type { CheckpointBlobs } from '../../src/worker/checkpoints';
import type { CheckpointInfo, EpochPoint, FromWorker, TrainConfig } from '../../src/worker/protocol';
import { Trainer } from '../../src/worker/trainer';

function args(): Record<string, string> {
  const out: Record<string, string> = {};
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(a[i]);
    if (!m) continue;
    if (m[2] !== undefined) out[m[1]] = m[2];
    else if (a[i + 1] !== undefined && !a[i + 1].startsWith('--')) out[m[1]] = a[++i];
    else out[m[1]] = 'true';
  }
  return out;
}

function readData(dir: string, name: string) {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(join(dir, name));
  } catch {
    bytes = gunzipSync(readFileSync(join(dir, `${name}.gz`)));
  }
  return parseDataset(new Uint8Array(bytes), name);
}

async function main() {
  const o = args();
  const model = (o.model ?? 'lenet') as ModelId;
  if (!isModelId(model)) throw new Error(`--model must be one of ${Object.keys(zoo).join(', ')}`);
  const r = zoo[model].recipe;
  const backend = o.backend ?? 'wasm';
  if (!['cpu', 'wasm', 'webgpu'].includes(backend)) throw new Error('--backend must be wasm, webgpu or cpu');
  const profile = o.profile === 'true';
  if (backend === 'webgpu') {
    const { create, globals } = await import('webgpu');
    Object.assign(globalThis, globals);
    const g = globalThis as unknown as { navigator?: { gpu?: GPU } };
    if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
    // A profile wants Dawn's timestamps at full resolution (a page's are rounded, against timing attacks).
    const flags = profile ? ['disable-dawn-features=timestamp_quantization'] : [];
    if (!g.navigator!.gpu) Object.defineProperty(g.navigator!, 'gpu', { value: create(flags), configurable: true });
  }
  if (backend === 'webgpu') await setBackend('webgpu', { ...(o.autotune === 'false' ? { autotune: false } : {}), ...(profile ? { timestamps: true } : {}) });
  else await setBackend(backend as 'cpu' | 'wasm');
  await ready();
  const b = getBackend();
  const realGpu = b.about?.kind === 'webgpu' && !b.about.software;
  const dataDir = o.data ?? 'public/data';
  const train = readData(dataDir, 'fashion-train.bin');
  const test = readData(dataDir, 'fashion-test.bin');
  const config: TrainConfig = {
    model,
    epochs: Number(o.epochs ?? r.epochs),
    lr: Number(o.lr ?? r.lr),
    batchSize: Number(o.batch ?? r.batchSize),
    inputSize: Number(o.input ?? (realGpu ? zoo[model].recipe.inputSize : zoo[model].tabInputSize)),
    optimizer: (o.optimizer ?? 'sgd') as TrainConfig['optimizer'],
    seed: Number(o.seed ?? 0),
    readEvery: Number(o['read-every'] ?? 50),
    trainLimit: o['train-limit'] ? Number(o['train-limit']) : undefined,
    testLimit: o['test-limit'] ? Number(o['test-limit']) : undefined,
    checkpointEverySec: 1e9,
  };
  console.log(`backend: ${b.name} (${b.description})`);
  if (b.name === 'webgpu') {
    // The check the training view's backend choice runs on a new WebGPU device; where it fails,
    // the view computes on wasm. This run stays on the device it was asked for and says so.
    console.log((await checkStepVerdict()).line);
  }
  console.log(`config: ${JSON.stringify(config)}`);
  const store = new Map<ModelId, { info: CheckpointInfo; blobs: CheckpointBlobs }>();
  const t0 = performance.now();
  const result: { testAcc: number | null; epochs: EpochPoint[] } = { testAcc: null, epochs: [] };
  let failed: string | null = null;
  let exported: Uint8Array | null = null;
  let evaluation: number | null = null;
  let shapeTune: { shapes: number; tuned: number; seconds: number } | null = null;
  const noShapeTune = o['no-shape-tune'] === 'true';
  if (realGpu) console.log(noShapeTune ? 'shape tuning: off (--no-shape-tune)' : 'shape tuning: on');
  // The profile's window: from the first progress report to the second.
  const rt = profile && b.name === 'webgpu' ? (activeBackend() as WebGPUBackend).rt : null;
  let span: { step: number; at: number } | null = null;
  let profiled: Promise<void> = Promise.resolve();
  if (profile && !rt?.device.features.has('timestamp-query')) console.log('profile: this device has no timestamp queries; nothing is profiled');
  const trainer = new Trainer({
    shapeTune: !noShapeTune,
    post(m: FromWorker) {
      const s = ((performance.now() - t0) / 1000).toFixed(0);
      if (m.type === 'progress' && rt) {
        const at = m.globalStep;
        if (!span && rt.startProfile()) span = { step: at, at: performance.now() };
        else if (span && span.step >= 0 && at > span.step) {
          const steps = at - span.step;
          const wallMs = (performance.now() - span.at) / steps;
          span.step = -1;
          profiled = rt.stopProfile().then((times) => {
            for (const line of formatProfile(times, steps, wallMs)) console.log(`profile: ${line}`);
          });
        }
      }
      if (m.type === 'progress') console.log(`[${s}s] epoch ${m.epoch + 1} step ${m.step}/${m.stepsPerEpoch} loss ${m.loss.toFixed(4)} train-acc ${m.trainAcc.toFixed(3)} ${m.imagesPerSec.toFixed(0)} img/s`);
      else if (m.type === 'epoch') {
        result.epochs.push(m.point);
        result.testAcc = m.point.testAcc;
        const speed = m.point.imagesPerSec !== undefined ? `, ${m.point.imagesPerSec.toFixed(0)} training img/s` : '';
        console.log(`[${s}s] == epoch ${m.point.epoch}: train loss ${m.point.trainLoss.toFixed(4)}, train acc ${m.point.trainAcc.toFixed(4)}, test acc ${m.point.testAcc.toFixed(4)}${speed}`);
      } else if (m.type === 'done') console.log(`[${s}s] done`);
      else if (m.type === 'tuned') {
        shapeTune = { shapes: m.shapes, tuned: m.tuned, seconds: m.ms / 1000 };
        console.log(`[${s}s] tuned ${m.tuned} shapes in ${(m.ms / 1000).toFixed(1)} s (${m.shapes} distinct kernel shapes in the step; ${m.wrong} variant-shape pairs left out: wrong output on this adapter)`);
      }
      else if (m.type === 'error') failed = m.message;
      else if (m.type === 'exported') exported = m.bytes;
      else if (m.type === 'evaluation' && m.id !== null) evaluation = m.result.accuracy;
      else if (m.type === 'state' && m.state === 'stopped') console.log(`[${s}s] stopped after ${o['max-seconds']} s`);
    },
    loadData: async () => ({ train, test }),
    saveCheckpoint: async (info, blobs) => void store.set(info.model, { info, blobs }),
    readCheckpoint: async (m) => store.get(m) ?? null,
    readCheckpointInfo: async (m) => store.get(m)?.info ?? null,
    deleteCheckpoint: async (m) => void store.delete(m),
  });
  await trainer.handle({ type: 'start', config });
  const maxMs = o['max-seconds'] ? Number(o['max-seconds']) * 1000 : 0;
  const timer = maxMs ? setTimeout(() => void trainer.handle({ type: 'stop' }), maxMs) : null;
  await trainer.idle();
  if (timer) clearTimeout(timer);
  await profiled;
  let stoppedEarly = false;
  if (trainer.currentState === 'stopped') {
    stoppedEarly = true;
    await trainer.handle({ type: 'evaluate', id: 2, model, limit: config.testLimit });
  }
  if (failed) throw new Error(failed);
  const seconds = (performance.now() - t0) / 1000;
  if (o.weights) {
    await trainer.handle({ type: 'export', id: 1, model });
    if (exported) writeFileSync(o.weights, exported);
  }
  const summary = {
    model,
    backend: `${b.name} (${b.description})`,
    config,
    seconds: Math.round(seconds),
    ...(realGpu ? { shapeTune: noShapeTune ? 'off' : shapeTune } : {}),
    testAcc: result.testAcc,
    ...(stoppedEarly ? { stoppedAfterSeconds: Number(o['max-seconds']), testAccAtStop: evaluation } : {}),
    epochs: result.epochs,
  };
  console.log(`RESULT ${JSON.stringify(summary)}`);
  if (o.json) writeFileSync(o.json, JSON.stringify(summary, null, 1));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

/**
 * The wasm backend's figures beside PyTorch's on the CPU, measured in the same run:
 * runs scripts/bench/torch-reference.py with Debian's PyTorch (/usr/bin/python3, or
 * $TORCH_PYTHON) when it can `import torch`, and builds two tables: the figures side
 * by side, and the WebAssembly targets of the issue, each met or not met.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { SectionResult, SectionRow } from './sections/types';

/** One net's training figure: wall-clock images/s, and the process's CPU time per step. */
export interface TrainingFigure {
  batch: number;
  size: number;
  steps: number;
  msPerStep: number;
  cpuMsPerStep: number;
  imagesPerS: number;
}

/** Matmul 512^3 GFLOP/s by layout. */
export interface MatmulFigure {
  ab: number;
  atb: number;
  abt: number;
}

export interface WasmRun {
  threads: number;
  /** The relaxed-SIMD build, whose products use the fused multiply-add. */
  fma: boolean;
  matmul?: MatmulFigure;
  lenet?: TrainingFigure;
  resnet?: TrainingFigure;
  /** The nets of --only=zoo at their in-tab input sizes, by model id. */
  zoo?: Record<string, ZooFigure>;
}

/** A zoo net's training figure, with its name and the learning rate of its recipe. */
export interface ZooFigure extends TrainingFigure {
  name: string;
  lr: number;
}

type TorchTraining = { batch: number; size: number; steps: number; ms_per_step: number; cpu_ms_per_step: number; images_per_s: number };

export interface TorchFigures {
  torch: string;
  threads: number;
  blas: string | null;
  mkldnn: boolean;
  matmul_gflops?: number;
  lenet?: TorchTraining;
  resnet?: TorchTraining;
  zoo?: Record<string, TorchTraining>;
}

/** PyTorch's figures, or why there are none. */
export type TorchResult = { ok: true; figures: TorchFigures } | { ok: false; why: string };

export interface TorchRequest {
  only: ('matmul' | 'lenet' | 'resnet')[];
  lenetBatch: number;
  resnetBatch: number;
  steps: number;
  resnetSteps: number;
  /** Zoo nets to train too (batch resnetBatch, resnetSteps steps), at these input sizes and learning rates. */
  zoo?: { id: string; size: number; lr: number }[];
}

const script = fileURLToPath(new URL('./torch-reference.py', import.meta.url));

/** Runs torch-reference.py if `python` can import torch. */
export function runTorchReference(req: TorchRequest, python = process.env.TORCH_PYTHON ?? '/usr/bin/python3'): TorchResult {
  const probe = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    const why = probe.error ? probe.error.message : (probe.stderr.trim().split('\n').pop() ?? `exit ${probe.status}`);
    return { ok: false, why: `PyTorch is not installed (${python} cannot import torch: ${why})` };
  }
  const args = [
    script,
    `--only=${req.only.join(',')}`,
    `--lenet-batch=${req.lenetBatch}`,
    `--resnet-batch=${req.resnetBatch}`,
    `--steps=${req.steps}`,
    `--resnet-steps=${req.resnetSteps}`,
    ...(req.zoo?.length ? [`--zoo=${req.zoo.map((z) => `${z.id}:${z.size}:${z.lr}`).join(',')}`] : []),
  ];
  console.log(`\n  PyTorch CPU reference: ${python} scripts/bench/torch-reference.py ${args.slice(1).join(' ')}`);
  const run = spawnSync(python, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  const line = run.stdout?.trim().split('\n').pop() ?? '';
  if (run.error || run.status !== 0) return { ok: false, why: `torch-reference.py failed (${run.error?.message ?? `exit ${run.status}`})` };
  try {
    return { ok: true, figures: JSON.parse(line) as TorchFigures };
  } catch {
    return { ok: false, why: `torch-reference.py printed no JSON line: ${line.slice(0, 200)}` };
  }
}

/** A row's figures without the missing ones, so a column nobody measured is left out of the table. */
function defined(values: Record<string, number | string | null | undefined>): Record<string, number | string> {
  return Object.fromEntries(Object.entries(values).filter((e): e is [string, number | string] => e[1] !== null && e[1] !== undefined));
}

const threadsLabel = (n: number) => `${n} thread${n === 1 ? '' : 's'}`;
const wasmLabel = (r: WasmRun) => `wasm${r.fma ? ' FMA' : ''}, ${threadsLabel(r.threads)}`;

/** The run with the highest value of `pick`, if any run has one. */
function fastest(runs: WasmRun[], pick: (r: WasmRun) => number | undefined): { run: WasmRun; value: number } | null {
  let out: { run: WasmRun; value: number } | null = null;
  for (const run of runs) {
    const value = pick(run);
    if (value !== undefined && (!out || value > out.value)) out = { run, value };
  }
  return out;
}

/**
 * The side-by-side table and the targets table. `reference` is the CPU reference
 * backend's LeNet figure when --reference asked for it.
 */
export function comparisonSections(runs: WasmRun[], torch: TorchResult | null, reference?: TrainingFigure): SectionResult[] {
  const t = torch?.ok ? torch.figures : null;
  const why = torch && !torch.ok ? torch.why : null;
  const anyLenet = runs.find((r) => r.lenet)?.lenet ?? t?.lenet;
  const anyResnet = runs.find((r) => r.resnet)?.resnet ?? t?.resnet;
  const rows: SectionRow[] = runs.map((r) => ({
    label: wasmLabel(r),
    values: defined({
      'matmul GFLOP/s': r.matmul?.ab,
      'LeNet img/s': r.lenet?.imagesPerS,
      'LeNet CPU ms/step': r.lenet?.cpuMsPerStep,
      'ResNet-18 img/s': r.resnet?.imagesPerS,
      'ResNet-18 CPU ms/step': r.resnet?.cpuMsPerStep,
    }),
  }));
  if (reference) {
    rows.push({
      label: 'CPU reference backend (TypeScript)',
      values: { 'LeNet img/s': reference.imagesPerS, 'LeNet CPU ms/step': reference.cpuMsPerStep },
    });
  }
  const bestMatmul = fastest(runs, (r) => r.matmul?.ab);
  const bestLenet = fastest(runs, (r) => r.lenet?.imagesPerS);
  const bestResnet = fastest(runs, (r) => r.resnet?.imagesPerS);
  const ratio = (w: number | undefined, p: number | undefined) => (w !== undefined && p !== undefined && p > 0 ? `${(w / p).toFixed(2)}x` : null);
  if (t) {
    rows.push({
      label: `PyTorch ${t.torch} CPU, ${threadsLabel(t.threads)}`,
      values: defined({
        'matmul GFLOP/s': t.matmul_gflops,
        'LeNet img/s': t.lenet?.images_per_s,
        'LeNet CPU ms/step': t.lenet?.cpu_ms_per_step,
        'ResNet-18 img/s': t.resnet?.images_per_s,
        'ResNet-18 CPU ms/step': t.resnet?.cpu_ms_per_step,
      }),
    });
    rows.push({
      label: 'fastest wasm / PyTorch',
      values: defined({
        'matmul GFLOP/s': ratio(bestMatmul?.value, t.matmul_gflops),
        'LeNet img/s': ratio(bestLenet?.value, t.lenet?.images_per_s),
        'ResNet-18 img/s': ratio(bestResnet?.value, t.resnet?.images_per_s),
      }),
    });
  }
  const notes: string[] = [];
  if (anyLenet) notes.push(`LeNet: batch ${anyLenet.batch}, 28x28, ${anyLenet.steps} timed steps after two warm-up steps (SGD, momentum 0.9, lr 0.9, cross-entropy).`);
  if (anyResnet) notes.push(`ResNet-18: batch ${anyResnet.batch}, 1x64x64, ${anyResnet.steps} timed steps after two warm-up steps (SGD, momentum 0.9, lr 0.05).`);
  notes.push('img/s is wall clock; CPU ms/step is the whole process\'s CPU time per step (all threads), which shows what a busy machine hides.');
  if (t) {
    notes.push(`PyTorch ${t.torch}, ${threadsLabel(t.threads)} (torch.set_num_threads(os.cpu_count())), BLAS ${t.blas ?? 'unknown'}, oneDNN ${t.mkldnn ? 'on' : 'off'}: matmul is torch.mm of float32 512x512, best of 20.`);
    if (t.blas === 'generic') notes.push('This PyTorch links the generic (reference) BLAS, so its torch.mm and Linear layers are slow; its convolutions use oneDNN.');
  } else notes.push(why ?? 'PyTorch skipped (--no-torch).');
  const sideBySide: SectionResult = { title: 'wasm backend beside PyTorch CPU (Node, same run)', rows, notes };

  // The issue's targets.
  const verdict = (v: number | undefined, min: number) => (v === undefined ? 'not measured' : v >= min ? 'met' : 'not met');
  const targets: SectionRow[] = [];
  const torchMissing = t ? null : why ? 'no PyTorch' : 'PyTorch skipped';
  if (runs.some((r) => r.matmul)) {
    targets.push({
      label: 'matmul 512^3',
      values: {
        measured: bestMatmul ? `${bestMatmul.value.toFixed(1)} GFLOP/s` : null,
        target: '>= 10 GFLOP/s',
        result: verdict(bestMatmul?.value, 10),
        from: bestMatmul ? `${wasmLabel(bestMatmul.run)} (A B)` : null,
      },
    });
  }
  const trainingTarget = (label: string, best: { run: WasmRun; value: number } | null, torchImages: number | undefined, min: number) => {
    const r = best && torchImages ? best.value / torchImages : undefined;
    targets.push({
      label,
      values: {
        measured: r !== undefined ? `${r.toFixed(2)}x PyTorch` : null,
        target: `>= ${min}x PyTorch`,
        result: verdict(r, min),
        from: best && torchImages ? `${wasmLabel(best.run)}: ${best.value.toFixed(1)} / PyTorch ${torchImages.toFixed(1)} img/s` : (torchMissing ?? 'no figure'),
      },
    });
  };
  if (runs.some((r) => r.lenet)) trainingTarget(`LeNet training, batch ${anyLenet?.batch}`, bestLenet, t?.lenet?.images_per_s, 0.5);
  if (runs.some((r) => r.resnet)) trainingTarget(`ResNet-18 64x64 training, batch ${anyResnet?.batch}`, bestResnet, t?.resnet?.images_per_s, 0.15);
  const targetNotes = ['From the issue about the WebAssembly backend; each figure is the fastest wasm build and thread count of this run (FMA: the relaxed-SIMD build that Chromium runs).'];
  const mm = bestMatmul?.run.matmul;
  if (mm) targetNotes.push(`matmul layouts at that thread count: A B ${mm.ab.toFixed(1)}, A^T B ${mm.atb.toFixed(1)}, A B^T ${mm.abt.toFixed(1)} GFLOP/s.`);
  if (!t) targetNotes.push(`No PyTorch figures in this run (${why ? 'not installed' : '--no-torch'}): the targets relative to PyTorch are not measured.`);
  const sections = runs.some((r) => r.lenet || r.resnet || r.matmul) ? [sideBySide] : [];
  if (targets.length) sections.push({ title: 'wasm backend targets (issue)', rows: targets, notes: targetNotes });
  const zoo = zooSection(runs, t, why);
  if (zoo) sections.push(zoo);
  return sections;
}

/** The zoo nets of --only=zoo, the fastest wasm run of each beside PyTorch's, same batch, size and steps. */
function zooSection(runs: WasmRun[], t: TorchFigures | null, why: string | null): SectionResult | null {
  const ids = Object.keys(runs.find((r) => r.zoo)?.zoo ?? {});
  if (ids.length === 0) return null;
  const rows: SectionRow[] = ids.map((id) => {
    const best = fastest(runs, (r) => r.zoo?.[id]?.imagesPerS);
    const f = best!.run.zoo![id]!;
    const p = t?.zoo?.[id];
    return {
      label: `${f.name} ${f.size}x${f.size}`,
      values: defined({
        'wasm img/s': f.imagesPerS,
        'PyTorch img/s': p?.images_per_s,
        'wasm / PyTorch': p ? `${(f.imagesPerS / p.images_per_s).toFixed(2)}x` : null,
        'fastest wasm': wasmLabel(best!.run),
      }),
    };
  });
  const any = runs.find((r) => r.zoo)!.zoo![ids[0]!]!;
  const notes = [`Each net at its in-tab input size for the CPU, batch ${any.batch}, ${any.steps} timed steps after two warm-up steps (SGD, momentum 0.9, the recipe's learning rate), on random inputs.`];
  if (t) {
    notes.push(`PyTorch ${t.torch}, ${threadsLabel(t.threads)}, the same nets (scripts/models/torch-reference.py).`);
    if (t.blas === 'generic') notes.push('This PyTorch computes Linear layers with the generic (reference) BLAS, which slows AlexNet and VGG (4096-wide dense layers) far more than NiN and ResNet-18, whose layers are convolutions (oneDNN).');
  } else notes.push(why ?? 'PyTorch skipped (--no-torch).');
  return { title: 'the zoo at in-tab sizes beside PyTorch CPU (Node, same run)', rows, notes };
}

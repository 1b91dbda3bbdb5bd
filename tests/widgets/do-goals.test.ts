import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setBackend } from '../../src/engine';
import { parseDataset } from '../../src/data/format';
import { zoo, type ModelId } from '../../src/models';
import { summarize } from '../../src/models/summary';
import { runComparison } from '../../src/widgets/bn-compare/experiment';
import { configOf as bnConfig, DEFAULTS as BN_DEFAULTS, LRS as BN_LRS } from '../../src/widgets/bn-compare/settings';
import { runExperiment } from '../../src/widgets/degradation/experiment';
import { configOf as degConfig, DEFAULTS as DEG_DEFAULTS } from '../../src/widgets/degradation/settings';
import { RUN_GOALS, type TrainerRun } from '../../src/widgets/exercises/run-goals';
import { SUMMARY_GOALS, type SummaryGoalId } from '../../src/widgets/exercises/summary-goals';
import { sanitizeSummarySize, summarySide, SUMMARY_DEFAULTS } from '../../src/widgets/training/summary-size';
import type { LoggedRun } from '../../src/stores/experiment-log';
import type { TrainConfig } from '../../src/worker/protocol';

beforeAll(async () => {
  await setBackend('wasm');
});

describe('exercises answered by setting the input size of a model summary', () => {
  const tables = new Map<string, ReturnType<typeof summarize>>();
  /** The engine's table of `model` at `size`, as the worker computes it (each computed once). */
  function table(model: ModelId, size: number) {
    const key = `${model}@${size}`;
    if (!tables.has(key)) {
      const net = zoo[model].create({ inputSize: size, init: 'default' });
      try {
        tables.set(key, summarize(net, size));
      } finally {
        net.dispose();
      }
    }
    return tables.get(key)!;
  }
  /** The goal's verdict at `size`, from the engine's tables. */
  function judgeAt(goal: SummaryGoalId, size: number) {
    const spec = SUMMARY_GOALS[goal];
    return spec.judge(size, spec.sizes(size).map((s) => table(spec.model, s)));
  }

  it.each([
    ['alexnet-4096', [161, 192], [160, 193, 224]],
    ['vgg-quarter', [96, 111], [95, 112, 224]],
    ['nin-2x2', [99, 130], [96, 224]],
  ] as const)('%s holds at %j and not at %j', (goal, yes, no) => {
    for (const s of yes) expect(judgeAt(goal, s).met, `${goal} at ${s}: ${judgeAt(goal, s).now.en}`).toBe(true);
    for (const s of no) expect(judgeAt(goal, s).met, `${goal} at ${s}`).toBe(false);
    // What the reader reads comes from the tables, in both languages.
    const now = judgeAt(goal, yes[0]).now;
    expect(now.en).toContain(`${yes[0]}×${yes[0]}`);
    expect(now.zh).toContain(`${yes[0]}×${yes[0]}`);
  }, 120_000);

  it('keeps the reader\u2019s size within what the model accepts, and refuses what is not a size', () => {
    expect(sanitizeSummarySize({ size: 150 }, SUMMARY_DEFAULTS)).toEqual({ size: 150 });
    expect(sanitizeSummarySize({ size: 'x' }, SUMMARY_DEFAULTS)).toEqual(SUMMARY_DEFAULTS);
    expect(sanitizeSummarySize(null, SUMMARY_DEFAULTS)).toEqual(SUMMARY_DEFAULTS);
    expect(sanitizeSummarySize({ size: 9999 }, SUMMARY_DEFAULTS).size).toBe(256);
    expect(summarySide({ size: 0 }, 224, 65)).toBe(224);
    expect(summarySide({ size: 10 }, 224, 65)).toBe(65);
  });
});

describe('exercises answered by training', () => {
  const config = (over: Partial<TrainConfig> = {}): TrainConfig => ({ model: 'lenet' as ModelId, epochs: 10, lr: 0.9, batchSize: 256, inputSize: 28, optimizer: 'sgd', seed: 0, ...over });
  const run = (testAcc: number | null, over: Partial<TrainConfig> = {}): TrainerRun => ({
    config: config(over),
    epochs: testAcc === null ? [] : [{ epoch: 1, step: 235, trainLoss: 1, trainAcc: 0.5, testAcc }],
  });

  it('LeNet\u2019s first epoch: met at 70% or more over the whole training set, and only then', () => {
    const goal = RUN_GOALS['lenet-first-epoch'];
    if (goal.source !== 'trainer') throw new Error('a trainer goal');
    expect(goal.judge(run(0.75, { optimizer: 'adam', lr: 0.01 })).met).toBe(true);
    expect(goal.judge(run(0.1)).met).toBe(false);
    expect(goal.judge(run(0.8, { trainLimit: 6000 })).met).toBe(false);
    expect(goal.judge(run(null)).met).toBe(false);
    expect(goal.judge({ config: null, epochs: [] }).met).toBe(false);
    expect(goal.judge(run(0.75, { optimizer: 'adam', lr: 0.01 })).now.en).toContain('75.0%');
  });

  it('batch norm over three seeds: met by real runs of the comparison, and not by two seeds or a failing run', async () => {
    const goal = RUN_GOALS['bn-three-seeds'];
    if (goal.source !== 'log') throw new Error('a log goal');
    const data = parseDataset(new Uint8Array(readFileSync(join(__dirname, '..', '..', 'public', 'data', 'fashion-test.bin'))));
    const lr = BN_LRS.indexOf(0.1);
    const runs: LoggedRun[] = [];
    for (const seed of [1, 2, 3]) {
      const cfg = bnConfig({ ...BN_DEFAULTS, lr, seed }, 100);
      runs.push({ config: cfg, points: await runComparison(data, cfg) });
    }
    expect(goal.judge(runs.slice(0, 2)).met).toBe(false);
    expect(goal.judge(runs).met, goal.judge(runs).now.en).toBe(true);
    // A run of other settings does not count with the seeds; a failing run of the same settings spoils them.
    const last = runs[2].points.at(-1) as { step: number; plain: { acc: number }; bn: { acc: number } };
    const failing: LoggedRun = { config: { ...(runs[2].config as object), seed: 9 }, points: [{ ...last, bn: { ...last.bn, acc: 0.3 } }] };
    expect(goal.judge([...runs.slice(0, 2), { ...runs[2], config: { ...(runs[2].config as object), steps: 300 } }]).met).toBe(false);
    expect(goal.judge([...runs, failing]).met).toBe(false);
  }, 240_000);

  it('the degradation threshold: met by real runs at 8 and 16 layers, not at 4 and 8', async () => {
    const goal = RUN_GOALS['degradation-threshold'];
    if (goal.source !== 'log') throw new Error('a log goal');
    const at = async (depth: number): Promise<LoggedRun> => {
      const cfg = degConfig({ ...DEG_DEFAULTS, depth }, { depth, steps: 400 });
      return { config: cfg, points: await runExperiment(cfg) };
    };
    const [d4, d8, d16] = [await at(4), await at(8), await at(16)];
    expect(goal.judge([d4, d8]).met).toBe(false);
    expect(goal.judge([d16]).met).toBe(false);
    expect(goal.judge([d8, d16]).met, goal.judge([d8, d16]).now.en).toBe(true);
  }, 240_000);
});

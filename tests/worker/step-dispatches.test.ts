/**
 * How many GPU dispatches one training step issues (the worker's own step function), a
 * count that decides speed on real GPUs where each dispatch has a fixed cost. The
 * figures at full size are printed by `npm run bench`; here the structure is checked at
 * small sizes, where the count is the same per layer.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { optim, ready, setBackend, tensor, zeros, keep, getBackend, type Tensor } from '../../src/engine';
import type { WebGPUBackend } from '../../src/engine/webgpu';
import { activeBackend } from '../../src/engine/runtime';
import { zoo, type ModelId } from '../../src/models';
import { trainStep } from '../../src/worker/step';

afterAll(async () => {
  await setBackend('cpu');
});

/** The dispatches of one steady training step, and the storage buffers it created with nothing pooled beyond the working set. */
async function dispatchesPerStep(model: ModelId, size: number, batch: number): Promise<{ dispatches: number; created: number; bindGroups: number }> {
  await setBackend('webgpu', { autotune: false });
  await ready();
  expect(getBackend().name).toBe('webgpu');
  const be = activeBackend() as unknown as WebGPUBackend;
  const net = zoo[model].create({ seed: 1, inputSize: size });
  const opt = new optim.SGD(net.parameters(), { lr: 0.01 });
  const x = keep(tensor(new Float32Array(batch * size * size).map((_, i) => ((i * 7919) % 255) / 255), [batch, 1, size, size]));
  const y = keep(tensor(Float32Array.from({ length: batch }, (_, i) => i % 10), [batch]));
  const tally = keep(zeros([2]));
  net.train();
  const keepBytes = be.rt.buffers.keepBytes;
  be.rt.buffers.keepBytes = 0;
  // The first step also creates the optimizer state, from buffers the second step then makes again.
  for (let i = 0; i < 2; i++) {
    trainStep(net, opt, x, y, tally);
    await tally.data();
  }
  const before = be.rt.dispatches;
  const createdBefore = be.rt.buffers.created;
  const groupsBefore = be.rt.bind.made;
  trainStep(net, opt, x, y, tally);
  const bindGroups = be.rt.bind.made - groupsBefore;
  const count = be.rt.dispatches - before;
  const [lossSum, correct] = await tally.data();
  const created = be.rt.buffers.created - createdBefore;
  be.rt.buffers.keepBytes = keepBytes;
  expect(Number.isFinite(lossSum) && lossSum > 0).toBe(true);
  expect(correct).toBeGreaterThanOrEqual(0);
  expect(correct).toBeLessThanOrEqual(2 * batch);
  for (const t of [x, y, tally] as Tensor[]) t.dispose();
  opt.dispose();
  net.dispose();
  return { dispatches: count, created, bindGroups };
}

describe('dispatches per training step on WebGPU', () => {
  it('LeNet issues at most 34 dispatches a step (84 before the fused loss and the multi-parameter SGD, 42 before the fused layer epilogues and the uploaded backward seed)', async () => {
    const { dispatches: n, created, bindGroups } = await dispatchesPerStep('lenet', 28, 8);
    console.log(`LeNet: ${n} dispatches per step`);
    expect(n).toBeLessThanOrEqual(34);
    // Every buffer of a steady step comes from the pool, which keeps the step's working set,
    // in the same order, so every bind group of the step was made by an earlier one.
    expect(created).toBe(0);
    expect(bindGroups).toBe(0);
  });

  it('ResNet-18 issues at most 330 dispatches a step (972 before the fused batch norm, loss and SGD; the im2col products of narrow and strided convolutions trade a few more dispatches for kernels that use every lane)', async () => {
    const { dispatches: n, created, bindGroups } = await dispatchesPerStep('resnet18', 32, 2);
    console.log(`ResNet-18: ${n} dispatches per step`);
    expect(n).toBeLessThanOrEqual(330);
    expect(created).toBe(0);
    // The pool hands each size class's oldest free buffer out first, so the step binds the
    // same buffers as the one before (handed out last-freed-first, about a hundred new bind
    // groups a step).
    expect(bindGroups).toBe(0);
  }, 120_000);
});

/**
 * Developer timing in Node (Dawn): how long the host takes to issue one training step
 * (autograd, bind groups, encoding) against the step's wall time. On a fast GPU the
 * host cost bounds images/s; on SwiftShader the wall time is the CPU doing the GPU's work.
 *   npx vitest run --config vitest.perf.config.ts tests/webgpu/host-issue.perf.ts
 */
import { it } from 'vitest';
import { create, globals } from 'webgpu';
import { setBackend, tensor, zeros, keep, randn, optim } from '../../src/engine';
import { zoo } from '../../src/models';
import { trainStep } from '../../src/worker/step';

it('host time to issue a training step', async () => {
  Object.assign(globalThis, globals);
  const g = globalThis as unknown as { navigator?: { gpu?: GPU } };
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  if (!g.navigator!.gpu) Object.defineProperty(g.navigator!, 'gpu', { value: create([]), configurable: true });
  await setBackend('webgpu');
  for (const [model, batch, size, steps] of [['lenet', 256, 28, 20], ['resnet18', 16, 64, 3]] as const) {
    const net = zoo[model].create({ inputSize: size });
    net.train();
    const opt = new optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
    const x = keep(randn([batch, 1, size, size]));
    const y = keep(tensor(Array.from({ length: batch }, (_, i) => i % 10), [batch]));
    const tally = keep(zeros([2]));
    for (let i = 0; i < 2; i++) {
      trainStep(net, opt, x, y, tally);
      await tally.data();
    }
    let issue = 0;
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) {
      const a = performance.now();
      trainStep(net, opt, x, y, tally);
      issue += performance.now() - a;
    }
    await tally.data();
    const wall = (performance.now() - t0) / steps;
    console.log(`${model} batch ${batch} at ${size}x${size}: host issue ${(issue / steps).toFixed(2)} ms/step, wall ${wall.toFixed(1)} ms/step`);
    net.dispose();
  }
}, 1_200_000);

import { expect, test } from 'vitest';
import { memory, setBackend } from '../../src/engine';
import { engineField } from '../../src/widgets/receptive-field/engine-rf';
import { RF_DEFAULTS } from '../../src/widgets/receptive-field/settings';
import { computeMultiChannel, MC_DEFAULTS } from '../../src/widgets/multichannel/compute';
import { withShape } from '../../src/widgets/multichannel/settings';
import { computeParameters, INIT_SCHEMES, PM_DEFAULTS } from '../../src/widgets/parameters/compute';
import { computeDenseVsConv, DC_DEFAULTS } from '../../src/widgets/dense-vs-conv/counts';

test('the widgets’ engine computations free every tensor they create', async () => {
  await setBackend('cpu');
  const leaks: Record<string, number> = {};
  const check = async (name: string, fn: () => unknown) => {
    const before = memory().numTensors;
    await fn();
    leaks[name] = memory().numTensors - before;
  };
  await check('rf notes', () => engineField(3, RF_DEFAULTS.layers, { map: 2, row: 0, col: 0 }));
  await check('rf pool', () => engineField(7, [{ kind: 'max', k: 3, stride: 2, padding: 1 }, { kind: 'conv', k: 2, stride: 1, padding: 1 }], { map: 1, row: 1, col: 2 }));
  await check('mc', () => computeMultiChannel(MC_DEFAULTS));
  await check('mc 1x1', () => computeMultiChannel(withShape(MC_DEFAULTS, { kh: 1, kw: 1, ci: 3, co: 2 })));
  for (const init of INIT_SCHEMES) await check(`pm ${init}`, () => computeParameters({ ...PM_DEFAULTS, init }));
  await check('dc', () => computeDenseVsConv(DC_DEFAULTS));
  await check('dc small', () => computeDenseVsConv({ ...DC_DEFAULTS, w: 28, h: 28, c: 1 }));
  expect(leaks).toEqual(Object.fromEntries(Object.keys(leaks).map((k) => [k, 0])));
});

/**
 * Receptive fields measured by the engine. Every conv layer gets an all-ones kernel
 * (no bias), so the network is linear with positive weights:
 *
 * - sensitivity: the gradient of the selected cell with respect to every cell of an
 *   earlier map is positive exactly where the cell depends on that map (the receptive
 *   field), and its size counts the paths between the two cells;
 * - influence: pushing a one-hot map (1 at the selected cell) forward gives the cells
 *   of later maps that the selected cell feeds.
 *
 * Max pooling is traced as average pooling over the same window for the gradient (a
 * window's maximum can come from any of its cells, and the gradient of a max goes to
 * one cell only); forward, a one-hot map through a max pool marks exactly the windows
 * that contain the cell.
 */
import { F, noGrad, ones, tensor, type Tensor } from '../../engine';
import { small } from '../common/small';
import type { LayerSpec, Selection } from './geometry';
import { outSize } from './geometry';

function applyLayer(x: Tensor, l: LayerSpec, traceMaxAsAvg: boolean): Tensor {
  if (l.kind === 'conv') return F.conv2d(x, ones([1, 1, l.k, l.k]), null, { stride: l.stride, padding: l.padding });
  if (l.kind === 'max' && !traceMaxAsAvg) return F.maxPool2d(x, l.k, { stride: l.stride, padding: l.padding });
  return F.avgPool2d(x, l.k, { stride: l.stride, padding: l.padding });
}

export interface EngineField {
  /** One row-major array per map (input first): sensitivity before the selection, influence after. */
  maps: Float32Array[];
}

/** Runs the traced network on the engine for a valid stack (all layers able to run). */
export function engineField(inputSize: number, stack: readonly LayerSpec[], sel: Selection): EngineField {
  const sizes = [inputSize];
  for (const l of stack) sizes.push(outSize(sizes[sizes.length - 1], l));
  // A few hundred numbers at most: the engine's CPU backend answers faster than a GPU
  // round trip, and reads synchronously; every tensor goes with the scope.
  return small(() => {
    const maps: Float32Array[] = [];
    // Backward: gradients of the selected cell with respect to maps 0 .. sel.map - 1.
    if (sel.map > 0) {
      const x0 = ones([1, 1, inputSize, inputSize]).requiresGrad_();
      const chain: Tensor[] = [x0];
      let h = x0;
      for (let m = 0; m < sel.map; m++) {
        h = applyLayer(h, stack[m], true);
        if (m < sel.map - 1) h.retainGrad();
        chain.push(h);
      }
      const n = sizes[sel.map];
      const pick = new Float32Array(n * n);
      pick[sel.row * n + sel.col] = 1;
      h.mul(tensor(pick, [1, 1, n, n])).sum().backward();
      for (let m = 0; m < sel.map; m++) {
        const g = chain[m].grad;
        maps.push(g ? g.dataSync() : new Float32Array(sizes[m] * sizes[m]));
        // Gradients live outside the scope: free them here.
        g?.dispose();
        chain[m].grad = null;
      }
    }
    // The selected map itself, then forward influence on the later maps.
    noGrad(() => {
      const n = sizes[sel.map];
      const hot = new Float32Array(n * n);
      hot[sel.row * n + sel.col] = 1;
      maps.push(hot);
      let h = tensor(hot, [1, 1, n, n]);
      for (let m = sel.map; m < stack.length; m++) {
        h = applyLayer(h, stack[m], false);
        maps.push(h.dataSync());
      }
    });
    return { maps };
  });
}

/**
 * Whether the engine's nonzero cells match the geometry's masks on every map up to
 * the selection (the receptive field proper).
 */
export function fieldAgrees(maps: readonly Float32Array[], rowMasks: readonly boolean[][], colMasks: readonly boolean[][]): boolean {
  for (let m = 0; m < rowMasks.length; m++) {
    const n = rowMasks[m].length;
    const vals = maps[m];
    if (!vals || vals.length !== n * n) return false;
    for (let r = 0; r < n; r++) {
      for (let c = 0; c < n; c++) {
        const inField = rowMasks[m][r] && colMasks[m][c];
        if (inField !== vals[r * n + c] > 0) return false;
      }
    }
  }
  return true;
}

/**
 * Matrix products: PyTorch's matmul rules (1-D, 2-D, batched with broadcast batch axes)
 * over one batched kernel, op(A) @ op(B), whose gradient is two more such products.
 */
import { backendOf, fusedDerivative, output } from '../autograd';
import { broadcastShapes, fmt, shapeSize } from '../shape';
import type { Tensor } from '../tensor';
import { broadcastTo, reshape } from './layout';
import { reduce } from './reduce';
import type { EpilogueOp } from '../backend';

/**
 * The raw batched product op(A) @ op(B) for 3-D tensors A [aB, r, c] and B [bB, r, c],
 * where op transposes the last two axes when asked. Differentiable.
 */
export function bmm(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  const be = backendOf(a, b);
  const [aB, ar, ac] = a.shape;
  const [bB, br, bc] = b.shape;
  const m = transA ? ac : ar;
  const k = transA ? ar : ac;
  const k2 = transB ? bc : br;
  const n = transB ? br : bc;
  if (k !== k2) throw new Error(`matmul(): inner sizes differ (${k} and ${k2})`);
  if (aB !== bB && aB !== 1 && bB !== 1) throw new Error(`matmul(): batch sizes ${aB} and ${bB} differ`);
  const batch = Math.max(aB, bB);
  const storage = be.matmul(a._s, b._s, { batch, m, n, k, transA, transB, aBatch: aB, bBatch: bB });
  return output(be, storage, [batch, m, n], 'matmul', [a, b], (g) => {
    let ga: Tensor | null = null, gb: Tensor | null = null;
    if (a.requiresGrad) {
      // dL/dop(A) = g op(B)^T; for a transposed A store its transpose: op(B) g^T.
      ga = transA ? bmm(b, g, transB, true) : bmm(g, b, false, !transB);
      if (aB === 1 && batch > 1) ga = reduce('sum', ga, 0, true);
    }
    if (b.requiresGrad) {
      // dL/dop(B) = op(A)^T g; for a transposed B: g^T op(A).
      gb = transB ? bmm(g, a, true, transA) : bmm(a, g, !transA, false);
      if (bB === 1 && batch > 1) gb = reduce('sum', gb, 0, true);
    }
    return [ga, gb];
  });
}

/** x [..., k] @ w[n, k]^T as one product, without materialising w^T. */
export function matmulTransB(x: Tensor, w: Tensor): Tensor {
  const k = x.shape[x.ndim - 1];
  const lead = x.shape.slice(0, -1);
  const x3 = reshape(x, [1, shapeSize(lead), k]);
  const w3 = reshape(w, [1, w.shape[0], w.shape[1]]);
  return reshape(bmm(x3, w3, false, true), [...lead, w.shape[0]]);
}

/**
 * x [..., inF] @ w [outF, inF]^T + bias [outF], then `act` if given: one kernel where the
 * backend fuses them (a Linear layer and the activation after it), else composed.
 */
export function linearAct(x: Tensor, w: Tensor, bias: Tensor | null, act: EpilogueOp | null): Tensor {
  const be = bias ? backendOf(x, w, bias) : backendOf(x, w);
  if (!be.linear) {
    const z = bias ? matmulTransB(x, w).add(bias) : matmulTransB(x, w);
    return act ? z[act]() : z;
  }
  const [outF, inF] = w.shape;
  const lead = x.shape.slice(0, -1);
  const rows = shapeSize(lead);
  const x2 = reshape(x, [rows, inF]);
  const parents = bias ? [x2, w, bias] : [x2, w];
  const s = be.linear(x2._s, w._s, bias ? bias._s : null, { rows, inF, outF }, act);
  const y: Tensor = output(be, s, [rows, outF], act ? `linear+${act}` : 'linear', parents, (g) => {
    const dz = act ? fusedDerivative(act, y, g) : g;
    const dz3 = reshape(dz, [1, rows, outF]);
    // The same two products as matmulTransB's gradient, and the bias's sum over rows.
    const gx = x2.requiresGrad ? reshape(bmm(dz3, reshape(w, [1, outF, inF]), false, false), [rows, inF]) : null;
    const gw = w.requiresGrad ? reshape(bmm(dz3, reshape(x2, [1, rows, inF]), true, false), [outF, inF]) : null;
    const gb = bias && bias.requiresGrad ? reduce('sum', dz, [0], false) : null;
    return bias ? [gx, gw, gb] : [gx, gw];
  });
  return reshape(y, [...lead, outF]);
}

export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) throw new Error('matmul(): both arguments need at least one dimension');
  const aVec = a.ndim === 1, bVec = b.ndim === 1;
  const A = aVec ? reshape(a, [1, a.shape[0]]) : a;
  const B = bVec ? reshape(b, [b.shape[0], 1]) : b;
  const [m, k] = A.shape.slice(-2);
  const [k2, n] = B.shape.slice(-2);
  if (k !== k2) throw new Error(`matmul(): shapes ${fmt(a.shape)} and ${fmt(b.shape)} do not match (inner ${k} vs ${k2})`);
  const aBatchShape = A.shape.slice(0, -2), bBatchShape = B.shape.slice(0, -2);
  const batchShape = broadcastShapes(aBatchShape, bBatchShape);
  const batch = shapeSize(batchShape);
  const prep = (t: Tensor, bs: number[], r: number, c: number): Tensor => {
    const own = shapeSize(bs);
    if (own === batch || own === 1) return reshape(t, [own, r, c]);
    return reshape(broadcastTo(t, [...batchShape, r, c]), [batch, r, c]);
  };
  const out = bmm(prep(A, aBatchShape, m, k), prep(B, bBatchShape, k, n), false, false);
  let shape = [...batchShape, m, n];
  if (aVec) shape = shape.filter((_, i) => i !== shape.length - 2);
  if (bVec) shape = shape.slice(0, -1);
  return reshape(out, shape);
}


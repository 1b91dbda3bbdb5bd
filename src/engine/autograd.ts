/**
 * The autograd tape, in the spirit of micrograd: each op wraps its fresh storage with
 * `output()`, which records the parents and a `backward` closure mapping the output's
 * gradient to one gradient per parent. `runBackward` walks the recorded graph in
 * reverse topological order and accumulates into `.grad` of the leaves.
 */
import type { Backend, FusedDerivativeOp, Storage } from './backend';
import { type Shape, fmt, sameShape } from './shape';
import { Tensor, currentScope, isGradEnabled, keep, setGradEnabled, tidy } from './tensor';
import { fromHost } from './creation';

export interface GradNode {
  op: string;
  parents: Tensor[];
  /** Maps the output gradient to one gradient (or null) per parent. */
  backward: (g: Tensor) => (Tensor | null)[];
}

export function backendOf(...ts: Tensor[]): Backend {
  const be = ts[0].backend;
  for (const t of ts) {
    t._check();
    if (t.backend !== be) throw new Error(`Tensors live on different backends ('${be.name}' and '${t.backend.name}')`);
  }
  return be;
}

/**
 * Wraps a fresh storage as the output of an op; records the backward rule when any
 * input requires grad and grad mode is on.
 */
export function output(
  be: Backend,
  storage: Storage,
  shape: Shape,
  op: string,
  parents: Tensor[],
  backward: ((g: Tensor) => (Tensor | null)[]) | null,
): Tensor {
  const t = Tensor._fromStorage(be, storage, shape);
  if (backward && isGradEnabled() && parents.some((p) => p.requiresGrad)) {
    t.requiresGrad = true;
    t._node = { op, parents, backward };
  }
  return t;
}


/**
 * g * f'(v) in the backend's fused derivative kernel, v being the op's input or output
 * as its registry entry says (an activation in a layer's epilogue: its output).
 */
export function fusedDerivative(op: FusedDerivativeOp, v: Tensor, g: Tensor): Tensor {
  const be = backendOf(v, g);
  // The backward pass runs without recording, so the fused kernel needs no derivative of its own.
  return output(be, be.unaryBackward(op, v._s, g._s), v.shape, `${op}Backward`, [v, g], null);
}

export function runBackward(root: Tensor, seedIn: Tensor | undefined, retainGraph: boolean): void {
  root._check();
  if (!root.requiresGrad) throw new Error('backward(): this tensor does not require grad (no input had requiresGrad, or it was made under noGrad)');
  let seed: Tensor;
  if (seedIn) {
    if (!sameShape(seedIn.shape, root.shape)) throw new Error(`backward(): gradient shape ${fmt(seedIn.shape)} does not match ${fmt(root.shape)}`);
    seed = seedIn;
  } else {
    if (root.size !== 1) throw new Error(`backward(): a gradient is needed for a non-scalar output (shape ${fmt(root.shape)})`);
    // Uploaded rather than filled: on the GPU a write, not a dispatch.
    seed = fromHost(Float32Array.of(1), root.shape, root.backend);
  }
  const userSeed = seedIn ?? null;

  // Reverse topological order by iterative depth-first search.
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  seen.add(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const [t, i] = top;
    const parents = t._node ? t._node.parents : [];
    if (i < parents.length) {
      top[1]++;
      const p = parents[i];
      if (p.requiresGrad && !seen.has(p)) {
        seen.add(p);
        stack.push([p, 0]);
      }
    } else {
      stack.pop();
      order.push(t);
    }
  }

  // Pending gradients of non-leaf tensors, with a count of holders of each gradient
  // tensor so that temporaries are disposed as soon as nothing needs them.
  const grads = new Map<Tensor, Tensor>();
  const holders = new Map<Tensor, number>();
  const hold = (t: Tensor) => holders.set(t, (holders.get(t) ?? 0) + 1);
  const release = (t: Tensor) => {
    const n = (holders.get(t) ?? 0) - 1;
    if (n > 0) holders.set(t, n);
    else {
      holders.delete(t);
      if (t !== userSeed && !t._kept) t.dispose();
    }
  };
  const held = (t: Tensor) => (holders.get(t) ?? 0) > 0 || t === userSeed;

  const accumulateLeaf = (leaf: Tensor, t: Tensor, fresh: boolean) => {
    if (leaf.grad && !leaf.grad.isDisposed) {
      leaf.grad._adopt(leaf.grad.add(t));
      if (fresh) t.dispose();
    } else {
      leaf.grad = keep(fresh ? t : t.clone());
      const scope = currentScope();
      if (scope) scope.delete(leaf.grad);
    }
  };

  grads.set(root, seed);
  hold(seed);
  const prevGrad = setGradEnabled(false);
  try {
    for (let q = order.length - 1; q >= 0; q--) {
      const t = order[q];
      const g = grads.get(t);
      if (!g) continue;
      grads.delete(t);
      const node = t._node;
      if (!node) {
        if (t._graphFreed) {
          throw new Error('backward(): part of the graph was already used by an earlier backward() and freed; pass {retainGraph: true} to the first call');
        }
        accumulateLeaf(t, g, false);
        release(g);
        continue;
      }
      if (t._retainGrad) accumulateLeaf(t, g, false);
      const pg = tidy(() => node.backward(g));
      pg.forEach((pgi, i) => {
        if (!pgi) return;
        const p = node.parents[i];
        const usedAgain = pg.indexOf(pgi) !== i || pg.lastIndexOf(pgi) !== i;
        if (!p.requiresGrad) {
          if (!held(pgi) && pgi !== g && !usedAgain) pgi.dispose();
          return;
        }
        if (!p._node) {
          if (p._graphFreed) {
            throw new Error('backward(): part of the graph was already used by an earlier backward() and freed; pass {retainGraph: true} to the first call');
          }
          // A leaf: accumulate straight into .grad.
          const fresh = !held(pgi) && pgi !== g && !usedAgain;
          accumulateLeaf(p, pgi, fresh);
          return;
        }
        const existing = grads.get(p);
        if (existing) {
          const sum = existing.add(pgi);
          grads.set(p, sum);
          hold(sum);
          release(existing);
          if (!held(pgi) && pgi !== g && !usedAgain) pgi.dispose();
        } else {
          grads.set(p, pgi);
          hold(pgi);
        }
      });
      release(g);
      if (!retainGraph) {
        t._node = null;
        t._graphFreed = true;
      }
    }
  } finally {
    setGradEnabled(prevGrad);
    for (const g of grads.values()) release(g);
  }
}



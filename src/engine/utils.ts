/** Helpers the model zoo and widgets need: parameter counts and per-layer shape traces. */
import { Module } from './nn/module';
import { Sequential } from './nn/layers';
import { Tensor, noGrad, tidy } from './tensor';
import { zeros } from './creation';

/** Number of scalar parameters (each shared parameter counted once). */
export function countParameters(module: Module, opts: { trainableOnly?: boolean } = {}): number {
  return module
    .parameters()
    .filter((p) => !opts.trainableOnly || p.requiresGrad)
    .reduce((n, p) => n + p.size, 0);
}

export interface LayerTrace {
  /** Dotted name in the module tree, e.g. '0' or '1.2'. */
  name: string;
  /** Class name, e.g. 'Conv2d'. */
  type: string;
  outputShape: number[];
  /** Parameters of this layer (not counting ones shared with earlier layers again). */
  numParams: number;
}

/**
 * Runs `module` on `input` (a tensor or a shape, filled with zeros) in eval mode
 * without gradients and returns each Sequential child's output shape, like d2l's
 * `for layer in net: X = layer(X); print(layer.__class__.__name__, X.shape)`.
 * Nested Sequentials are expanded when `recurse` is true. Training flags are restored.
 */
export function traceShapes(module: Module, input: Tensor | readonly number[], opts: { recurse?: boolean } = {}): LayerTrace[] {
  const modes = new Map(module.modules().map((m) => [m, m.training]));
  const out: LayerTrace[] = [];
  const counted = new Set<Tensor>();
  const paramsOf = (m: Module) => {
    let n = 0;
    for (const p of m.parameters()) {
      if (counted.has(p)) continue;
      counted.add(p);
      n += p.size;
    }
    return n;
  };
  const walk = (m: Module, x: Tensor, prefix: string): Tensor => {
    if (m instanceof Sequential && (prefix === '' || opts.recurse)) {
      for (const [name, child] of m.namedChildren()) x = walk(child, x, prefix ? `${prefix}.${name}` : name);
      return x;
    }
    const y = m.call(x) as Tensor;
    out.push({ name: prefix || m.typeName, type: m.typeName, outputShape: [...y.shape], numParams: paramsOf(m) });
    return y;
  };
  module.eval();
  try {
    noGrad(() =>
      tidy(() => {
        const x = input instanceof Tensor ? input : zeros(input);
        walk(module, x, '');
      }),
    );
  } finally {
    for (const [m, t] of modes) m.training = t;
  }
  return out;
}

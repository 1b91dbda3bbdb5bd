/**
 * The notes' 4 -> 8 -> 1 network on the engine: named parameters, state dict, the
 * initialisers applied with `apply`, and parameter tying through a shared layer.
 */
import { cat, countParameters, manualSeed, nn, noGrad, rand, tensor, tidy, where, withBackend, type Tensor } from '../../engine';

export type InitScheme = 'default' | 'normal' | 'constant' | 'xavier42' | 'custom';
export const INIT_SCHEMES: readonly InitScheme[] = ['default', 'normal', 'constant', 'xavier42', 'custom'];

export interface PMSettings {
  seed: number;
  init: InitScheme;
  /** State-dict entry shown in full. */
  entry: string;
  /** Edits to row 0 of the shared layer's weight: [column, value]. */
  tie: [number, number][];
}

export const PM_DEFAULTS: PMSettings = { seed: 0, init: 'default', entry: '0.weight', tie: [[0, 100]] };

export const ENTRIES = ['0.weight', '0.bias', '2.weight', '2.bias'] as const;

/** The initialiser, written as the notes write it (module by module through `apply`). */
export function applyInit(net: nn.Sequential, scheme: InitScheme): void {
  switch (scheme) {
    case 'default':
      // PyTorch's (and the engine's) own: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) drawn at construction.
      return;
    case 'normal':
      net.apply((m) => {
        if (m instanceof nn.Linear) {
          nn.init.normal_(m.weight, 0, 0.01);
          if (m.bias) nn.init.zeros_(m.bias);
        }
      });
      return;
    case 'constant':
      net.apply((m) => {
        if (m instanceof nn.Linear) {
          nn.init.constant_(m.weight, 1);
          if (m.bias) nn.init.zeros_(m.bias);
        }
      });
      return;
    case 'xavier42':
      net.at(0).apply((m) => {
        if (m instanceof nn.Linear) nn.init.xavierUniform_(m.weight);
      });
      net.at(2).apply((m) => {
        if (m instanceof nn.Linear) nn.init.constant_(m.weight, 42);
      });
      return;
    case 'custom':
      net.apply((m) => {
        if (m instanceof nn.Linear) {
          nn.init.uniform_(m.weight, -10, 10);
          // keep the entries with |w| >= 5, zero the rest (the notes' my_init)
          tidy(() => noGrad(() => m.weight.assign(m.weight.mul(m.weight.abs().ge(5)))));
        }
      });
      return;
  }
}

/** Class name of a module (instanceof, because production builds minify constructor names). */
export function moduleName(m: nn.Module): string {
  if (m instanceof nn.Sequential) return 'Sequential';
  if (m instanceof nn.Linear) return 'Linear';
  if (m instanceof nn.ReLU) return 'ReLU';
  return 'Module';
}

export interface ParamInfo {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface PMResult {
  params: ParamInfo[];
  stateDictKeys: string[];
  total: number;
  /** net(X) for the seeded X = rand([2, 4]). */
  X: Float32Array;
  out: Float32Array;
  /** net.at(2).weight.grad === null before any backward pass. */
  gradIsNull: boolean;
  /** Names of the modules `apply` visited, in order. */
  visited: string[];
  tied: {
    params: { name: string; shape: number[] }[];
    total: number;
    sameObject: boolean;
    row2: Float32Array;
    row4: Float32Array;
    out: Float32Array;
  };
}

/**
 * Builds both networks with the engine and reads back everything the widget shows.
 * The tensors are tiny (49 and 121 numbers), so they live on the engine's CPU backend:
 * a GPU round trip would cost more than the arithmetic.
 */
export function computeParameters(s: PMSettings): PMResult {
  const made: nn.Module[] = [];
  const temps: Tensor[] = [];
  try {
    const b = withBackend('cpu', () => {
      manualSeed(s.seed);
      const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 1));
      made.push(net);
      const X = rand([2, 4]);
      temps.push(X);
      applyInit(net, s.init);
      const visited: string[] = [];
      net.apply((m) => visited.push(moduleName(m)));
      const out = tidy(() => noGrad(() => net.call(X) as Tensor));
      temps.push(out);
      const named = net.namedParameters();
      const gradIsNull = (net.at(2) as nn.Linear).weight.grad === null;

      // Parameter tying: one Linear(8, 8) object in two places.
      manualSeed(s.seed);
      const shared = new nn.Linear(8, 8);
      const tiedNet = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), shared, new nn.ReLU(), shared, new nn.ReLU(), new nn.Linear(8, 1));
      made.push(tiedNet);
      const w2 = (tiedNet.at(2) as nn.Linear).weight;
      if (s.tie.length) {
        // Edits of row 0 of tied.at(2).weight, made by the engine: w = where(edited, value, w).
        const mask = new Float32Array(64);
        const vals = new Float32Array(64);
        for (const [col, value] of s.tie) {
          mask[col] = 1;
          vals[col] = value;
        }
        tidy(() => noGrad(() => w2.assign(where(tensor(mask, [8, 8]), tensor(vals, [8, 8]), w2))));
      }
      const w4 = (tiedNet.at(4) as nn.Linear).weight;
      const tiedOut = tidy(() => noGrad(() => tiedNet.call(X) as Tensor));
      temps.push(tiedOut);
      // Everything shown, in one tensor and one read back.
      const packed = tidy(() => {
        const pieces: Tensor[] = [...named.map(([, p]) => p), X, out, w2.narrow(0, 0, 1), w4.narrow(0, 0, 1), tiedOut];
        return cat(pieces.map((t) => t.detach().reshape([-1])), 0);
      });
      temps.push(packed);
      return { net, tiedNet, named, X, out, tiedOut, w2, w4, visited, gradIsNull, packed };
    });
    const all = b.packed.dataSync();
    let at = 0;
    const take = (n: number) => all.slice(at, (at += n));
    const params = b.named.map(([name, p]) => ({ name, shape: [...p.shape], values: take(p.size) }));
    const xs = take(b.X.size);
    const outs = take(b.out.size);
    const row2 = take(8);
    const row4 = take(8);
    const touts = take(b.tiedOut.size);
    return {
      params,
      stateDictKeys: Object.keys(b.net.stateDict()),
      total: countParameters(b.net),
      X: xs,
      out: outs,
      gradIsNull: b.gradIsNull,
      visited: b.visited,
      tied: {
        params: b.tiedNet.namedParameters().map(([name, p]) => ({ name, shape: [...p.shape] })),
        total: countParameters(b.tiedNet),
        sameObject: b.w2 === b.w4,
        row2,
        row4,
        out: touts,
      },
    };
  } finally {
    for (const t of temps) t.dispose();
    for (const m of made) m.dispose();
  }
}

/** Number formatting that keeps the engine's float32 digits readable. */
export function fmtParam(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(4).replace('-', '−');
}


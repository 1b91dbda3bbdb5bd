/**
 * The original chapter’s 4 -> 8 -> 1 network on the engine: named parameters, state dict, the
 * initialisers applied with `apply`, and parameter tying through a shared layer.
 */
import { countParameters, manualSeed, nn, noGrad, rand, tensor, tidy, where, type Tensor } from '../../engine';
import { small } from '../common/small';

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

/** The initialiser, written as the original chapter writes it (module by module through `apply`). */
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
          // keep the entries with |w| >= 5, zero the rest (the original chapter’s my_init)
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
  try {
    // Read on the CPU backend (synchronous, no transfer); every tensor but the modules' goes with the scope.
    return small(() => {
      manualSeed(s.seed);
      const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 1));
      made.push(net);
      const X = rand([2, 4]);
      applyInit(net, s.init);
      const visited: string[] = [];
      net.apply((m) => visited.push(moduleName(m)));
      const out = noGrad(() => net.call(X) as Tensor);
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
        noGrad(() => w2.assign(where(tensor(mask, [8, 8]), tensor(vals, [8, 8]), w2)));
      }
      const w4 = (tiedNet.at(4) as nn.Linear).weight;
      const tiedOut = noGrad(() => tiedNet.call(X) as Tensor);
      const row0 = (w: Tensor) => w.dataSync().slice(0, 8);
      return {
        params: net.namedParameters().map(([name, p]) => ({ name, shape: [...p.shape], values: p.dataSync() })),
        stateDictKeys: Object.keys(net.stateDict()),
        total: countParameters(net),
        X: X.dataSync(),
        out: out.dataSync(),
        gradIsNull,
        visited,
        tied: {
          params: tiedNet.namedParameters().map(([name, p]) => ({ name, shape: [...p.shape] })),
          total: countParameters(tiedNet),
          sameObject: w2 === w4,
          row2: row0(w2),
          row4: row0(w4),
          out: tiedOut.dataSync(),
        },
      };
    });
  } finally {
    for (const m of made) m.dispose();
  }
}

/** Number formatting that keeps the engine's float32 digits readable. */
export function fmtParam(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return v.toFixed(4).replace('-', '−');
}


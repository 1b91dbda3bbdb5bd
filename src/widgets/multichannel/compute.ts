/**
 * Multi-channel convolution on the engine: the per-channel cross-correlations, their
 * sum, the stacked output channels, the 1x1 convolution as a matrix product, and the
 * parameter count of the matching nn.Conv2d.
 */
import { F, countParameters, matmul, nn, noGrad, tensor, withBackend } from '../../engine';
import { small } from '../common/small';

export interface MCSettings {
  ci: number;
  co: number;
  h: number;
  w: number;
  kh: number;
  kw: number;
  /** Input [ci][h][w]. */
  X: number[][][];
  /** Kernels [co][ci][kh][kw]. */
  K: number[][][][];
  /** One bias per output channel. */
  b: number[];
  /** Output cell picked for the explanation: [channel, row, col]. */
  pick: [number, number, number];
}

export const MC_LIMITS = { maxCi: 3, maxCo: 3, minSide: 1, maxSide: 6, maxK: 3, maxAbs: 1e6 } as const;

/** The original chapter’s pattern: X[c][i][j] = i*w + j + c and K[o][c][i][j] = i*kw + j + c + o. */
export function patternX(c: number, i: number, j: number, w: number): number {
  return i * w + j + c;
}
export function patternK(o: number, c: number, i: number, j: number, kw: number): number {
  return i * kw + j + c + o;
}

/** Builds X, K and b of the requested shapes, keeping old values where their index still exists. */
export function reshapeValues(s: Pick<MCSettings, 'ci' | 'co' | 'h' | 'w' | 'kh' | 'kw'>, old?: Partial<Pick<MCSettings, 'X' | 'K' | 'b'>>): Pick<MCSettings, 'X' | 'K' | 'b'> {
  const X = Array.from({ length: s.ci }, (_, c) =>
    Array.from({ length: s.h }, (_, i) => Array.from({ length: s.w }, (_, j) => old?.X?.[c]?.[i]?.[j] ?? patternX(c, i, j, s.w))),
  );
  const K = Array.from({ length: s.co }, (_, o) =>
    Array.from({ length: s.ci }, (_, c) =>
      Array.from({ length: s.kh }, (_, i) => Array.from({ length: s.kw }, (_, j) => old?.K?.[o]?.[c]?.[i]?.[j] ?? patternK(o, c, i, j, s.kw))),
    ),
  );
  const b = Array.from({ length: s.co }, (_, o) => old?.b?.[o] ?? 0);
  return { X, K, b };
}

export const MC_DEFAULTS: MCSettings = (() => {
  const shape = { ci: 2, co: 1, h: 3, w: 3, kh: 2, kw: 2 };
  return { ...shape, ...reshapeValues(shape), pick: [0, 0, 0] };
})();

/**
 * The 1×1 part's own settings (URL key 'mc1'), so that its example does not replace the
 * channels part's: the text's 1×1 example, 3 channels in, 2 out, on a 3 × 3 input.
 */
export const MC1_DEFAULTS: MCSettings = (() => {
  const shape = { ci: 3, co: 2, h: 3, w: 3, kh: 1, kw: 1 };
  return { ...shape, ...reshapeValues(shape), pick: [0, 0, 0] };
})();

export interface MCResult {
  /** perChannel[o][c]: X_c correlated with K_oc, [oh*ow] row-major. */
  perChannel: Float32Array[][];
  /** Output [co, oh, ow] of conv2d (bias included). */
  out: Float32Array;
  oh: number;
  ow: number;
  /** countParameters(nn.Conv2d(ci, co, [kh, kw])). */
  paramCount: number;
  /** For 1x1 kernels: W [co, ci] @ X [ci, h*w] + b, reshaped [co, h, w]. */
  dense: Float32Array | null;
}

function flat(a: readonly unknown[]): number[] {
  return (a as unknown[]).flat(4) as number[];
}

/** Everything the widget shows, computed by the engine. */
export function computeMultiChannel(s: MCSettings): MCResult {
  const { ci, co, h, w, kh, kw } = s;
  // At most 3 x 6 x 6 numbers: the engine's CPU backend answers faster than a GPU round trip,
  // and reads synchronously; every tensor goes with the scope.
  return small(() =>
    noGrad(() => {
      const X = tensor(flat(s.X), [1, ci, h, w]);
      const K = tensor(flat(s.K), [co, ci, kh, kw]);
      const b = tensor(s.b, [co]);
      const out = F.conv2d(X, K, b);
      const perChannel = Array.from({ length: co }, (_, o) =>
        Array.from({ length: ci }, (_, c) => F.conv2d(X.narrow(1, c, 1), K.narrow(0, o, 1).narrow(1, c, 1)).dataSync()),
      );
      let dense: Float32Array | null = null;
      if (kh === 1 && kw === 1) {
        // A 1x1 convolution is one dense layer applied at every pixel: W [co, ci] times the ci-vector of each pixel.
        const W = K.reshape([co, ci]);
        const pixels = X.reshape([ci, h * w]);
        dense = matmul(W, pixels).add(b.reshape([co, 1])).dataSync();
      }
      const conv = new nn.Conv2d(ci, co, [kh, kw]);
      const paramCount = countParameters(conv);
      conv.dispose();
      return { perChannel, out: out.dataSync(), oh: out.shape[2], ow: out.shape[3], paramCount, dense };
    }),
  );
}

/** Reference in plain numbers (for tests): the multi-in multi-out cross-correlation. */
export function referenceMultiChannel(s: MCSettings): number[][][] {
  const oh = s.h - s.kh + 1;
  const ow = s.w - s.kw + 1;
  return Array.from({ length: s.co }, (_, o) =>
    Array.from({ length: oh }, (_, i) =>
      Array.from({ length: ow }, (_, j) => {
        let acc = s.b[o];
        for (let c = 0; c < s.ci; c++) for (let a = 0; a < s.kh; a++) for (let bb = 0; bb < s.kw; bb++) acc += s.X[c][i + a][j + bb] * s.K[o][c][a][bb];
        return acc;
      }),
    ),
  );
}

/**
 * The parameter-count part has settings of its own (URL key 'mcp'), since the layers it
 * counts are far larger than the ones the other parts draw cell by cell: the chapter's
 * nn.Conv2d(3, 64, 3) and its 1x1 convolution from 256 to 64 channels, for instance.
 */
export interface MCParamSettings {
  ci: number;
  co: number;
  kh: number;
  kw: number;
}

/** The channel counts its sliders step through (100 for the text's c_i = c_o = 100 example). */
export const MCP_CHANNELS = [1, 2, 3, 4, 8, 16, 32, 64, 100, 128, 256, 512] as const;
export const MCP_MAX_K = 7;
/** The shape the channels part opens with: 2 channels in, 1 out, a 2 x 2 kernel. */
export const MCP_DEFAULTS: MCParamSettings = { ci: 2, co: 1, kh: 2, kw: 2 };
/** The text's two examples. */
export const MCP_EXAMPLES = {
  rgb: { ci: 3, co: 64, kh: 3, kw: 3 },
  oneByOne: { ci: 256, co: 64, kh: 1, kw: 1 },
} as const satisfies Record<string, MCParamSettings>;

/** The list value nearest to n (the smaller of two equally near). */
export function nearestChannels(n: number): number {
  return MCP_CHANNELS.reduce<number>((best, c) => (Math.abs(c - n) < Math.abs(best - n) ? c : best), MCP_CHANNELS[0]);
}

/** Layers up to this many parameters are built on the engine and counted there (a few milliseconds). */
export const MCP_BUILD_LIMIT = 1_000_000;

export interface ParamCount {
  params: number;
  /** 'engine': nn.Conv2d was built on the CPU backend and countParameters summed it; 'shapes': counted from its parameter shapes. */
  source: 'engine' | 'shapes';
  /** Shapes of the weight and the bias. */
  shapes: number[][];
}

/**
 * The parameters of nn.Conv2d(ci, co, [kh, kw]): the engine's own count where the layer is
 * small enough to build at once, else the product of its parameter shapes (the largest,
 * 512 -> 512 channels with 7 x 7 kernels, would allocate 51 MB and take a quarter second).
 */
export function convParamCount(s: MCParamSettings): ParamCount {
  const shapes = [[s.co, s.ci, s.kh, s.kw], [s.co]];
  const fromShapes = s.co * s.ci * s.kh * s.kw + s.co;
  if (fromShapes > MCP_BUILD_LIMIT) return { params: fromShapes, source: 'shapes', shapes };
  return withBackend('cpu', () => {
    const conv = new nn.Conv2d(s.ci, s.co, [s.kh, s.kw]);
    try {
      return { params: countParameters(conv), source: 'engine' as const, shapes: conv.parameters().map((p) => [...p.shape]) };
    } finally {
      conv.dispose();
    }
  });
}

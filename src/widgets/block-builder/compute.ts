/**
 * The block builder's numbers, from the engine: the seeded input X = rand([2, 20]), the
 * nn.Sequential built from the settings, each layer run in turn on X (its output shape),
 * each layer's and the whole net's countParameters, and net(X).
 */
import { countParameters, manualSeed, nn, noGrad, rand, type Tensor } from '../../engine';
import { small } from '../common/small';
import { BATCH, IN_FEATURES, inputWidths, type BlockSettings } from './settings';

/** The seed of X and of the layers' initial weights. */
export const BLOCK_SEED = 0;

export interface BlockRow {
  /** The layer's key in the Sequential: '0', '1', … */
  key: string;
  /** The layer as PyTorch prints it, e.g. Linear(in_features=20, out_features=256, bias=True). */
  repr: string;
  kind: 'Linear' | 'ReLU';
  /** The shape the engine computed for this layer's output. */
  shape: number[];
  params: number;
}

export interface BlockResult {
  inShape: number[];
  rows: BlockRow[];
  /** countParameters(net). */
  total: number;
  /** The shape of net(X). */
  outShape: number[];
  /** net(X), row-major. */
  out: Float32Array;
}

export function computeBlock(s: BlockSettings): BlockResult {
  let net: nn.Sequential | null = null;
  try {
    return small(() => {
      manualSeed(BLOCK_SEED);
      // X first, so it stays the same whatever layers follow.
      const X = rand([BATCH, IN_FEATURES]);
      const ins = inputWidths(s.layers);
      const layers = s.layers.map((l, i) => (l === 'relu' ? new nn.ReLU() : new nn.Linear(ins[i], l)));
      net = new nn.Sequential(...layers);
      const built = net;
      return noGrad(() => {
        // The layers one by one, as `for layer in net: X = layer(X)` does.
        let x: Tensor = X;
        const rows: BlockRow[] = built.namedChildren().map(([key, m]) => {
          x = m.call(x) as Tensor;
          return { key, repr: m.toString(), kind: m instanceof nn.Linear ? 'Linear' : 'ReLU', shape: [...x.shape], params: countParameters(m) };
        });
        const out = built.call(X) as Tensor;
        return { inShape: [...X.shape], rows, total: countParameters(built), outShape: [...out.shape], out: out.dataSync() };
      });
    });
  } finally {
    (net as nn.Sequential | null)?.dispose();
  }
}

/** A float as PyTorch prints it at 4 decimals (sign kept, -0.0000 for tiny negatives). */
export function fmt4(v: number): string {
  return v.toFixed(4);
}

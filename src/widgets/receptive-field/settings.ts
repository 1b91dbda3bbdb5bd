import { intIn, oneOf } from '../common/useUrlState';
import { LIMITS, maxPadding, PRESETS, stackGeometry, type LayerKind, type LayerSpec, type Selection } from './geometry';

/** What the receptive-field widget keeps in the URL. */
export interface RFSettings {
  /** Side of the square input. */
  n: number;
  layers: LayerSpec[];
  /** Selected cell of the layer stack: [map, row, col]; map 0 is the input. */
  sel: [number, number, number];
  /** LeNet part: test image index, selected cell [map, row, col] and the channel shown per map. */
  img: number;
  lsel: [number, number, number];
  lch: number[];
}

export const RF_DEFAULTS: RFSettings = {
  // The original chapter’s example: a 3x3 input, two 2x2 convolutions; the last cell sees all nine inputs.
  n: PRESETS.twoByTwo.inputSize,
  layers: PRESETS.twoByTwo.stack,
  sel: [2, 0, 0],
  img: 0,
  lsel: [4, 2, 2],
  lch: [0, 0, 0, 0, 0],
};

export const KINDS: readonly LayerKind[] = ['conv', 'max', 'avg'];
export const LENET_TEST_IMAGES = 10000;

export function sanitizeLayer(raw: unknown): LayerSpec | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const o = raw as Record<string, unknown>;
  const kind = oneOf(o.kind, KINDS, 'conv');
  const k = intIn(o.k, LIMITS.minK, LIMITS.maxK, 3);
  const stride = intIn(o.stride, 1, LIMITS.maxStride, 1);
  const padding = intIn(o.padding, 0, maxPadding(kind, k), 0);
  return { kind, k, stride, padding };
}

/** Clamps a selection to the maps that exist (sizes[m] is map m's side). */
export function clampSelection(sel: readonly number[], sizes: readonly number[]): [number, number, number] {
  const map = intIn(sel[0], 0, sizes.length - 1, sizes.length - 1);
  const n = sizes[map];
  return [map, intIn(sel[1], 0, n - 1, 0), intIn(sel[2], 0, n - 1, 0)];
}

/** Side of every map that can be computed: the input, then each layer up to the first invalid one. */
export function mapSizes(n: number, layers: readonly LayerSpec[]): number[] {
  const g = stackGeometry(n, layers);
  return [n, ...g.layers.map((l) => l.size)];
}

export function sanitizeRF(raw: unknown, d: RFSettings): RFSettings {
  if (typeof raw !== 'object' || raw === null) return d;
  const o = raw as Record<string, unknown>;
  const n = intIn(o.n, LIMITS.minInput, LIMITS.maxInput, d.n);
  const layers = Array.isArray(o.layers)
    ? o.layers
        .slice(0, LIMITS.maxLayers)
        .map(sanitizeLayer)
        .filter((l): l is LayerSpec => l !== null)
    : d.layers;
  const sel = clampSelection(Array.isArray(o.sel) ? o.sel : d.sel, mapSizes(n, layers));
  const img = intIn(o.img, 0, LENET_TEST_IMAGES - 1, d.img);
  const lselRaw = Array.isArray(o.lsel) ? o.lsel : d.lsel;
  const lsel = clampSelection(lselRaw, LENET_SIZES);
  const lchRaw = Array.isArray(o.lch) ? o.lch : d.lch;
  const lch = LENET_CHANNELS.map((c, i) => intIn(lchRaw[i], 0, c - 1, 0));
  return { n, layers, sel, img, lsel, lch };
}

/** LeNet's maps on a 28x28 image: input, conv1, pool1, conv2, pool2 (sides and channels). */
export const LENET_SIZES = [28, 28, 14, 10, 5] as const;
export const LENET_CHANNELS = [1, 6, 6, 16, 16] as const;
export const LENET_STACK: readonly LayerSpec[] = PRESETS.lenet.stack;

export function selection(sel: readonly [number, number, number]): Selection {
  return { map: sel[0], row: sel[1], col: sel[2] };
}

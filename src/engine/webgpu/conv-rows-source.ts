/**
 * Builds the row-segment convolution shader (shaders/conv2d-rows.wgsl) from its
 * template: 8 pixels (4 or 2 for narrow outputs, where 8 would leave lanes idle) x 8
 * channels per invocation held in 2 vec4 accumulators per pixel, the
 * column taps either as a window sliding over any kW or fully unrolled for one kW (the
 * common 3 and 5), and the guarded stores. WGSL has neither macros nor registers that
 * can be indexed, so the repeated statements are written here once, as loops.
 */
import templateRaw from '../../../shaders/conv2d-rows.wgsl?raw';
import { wgsl } from './wgsl';

/** Output pixels one invocation computes along a row: 8, or 4 and 2 for narrow outputs. */
export type RowPixels = 8 | 4 | 2;

/** The fewest pixels per invocation that still cover an output row of width `outW` in one segment, at most 8. */
export function rowPixels(outW: number): RowPixels {
  return outW <= 2 ? 2 : outW <= 4 ? 4 : 8;
}
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const lines = (xs: string[]): string => xs.join('\n');

/** Input value `j` of the row: 0 outside the image (padding). */
const load = (j: number | string): string => {
  const at = typeof j === 'number' ? `ixs + ${j}` : j;
  return `select(0.0, x[u32(rowBase + clamp(${at}, 0, W - 1))], ${at} >= 0 && ${at} < W)`;
};

function accumulators(PIXELS: number): string {
  return lines(range(PIXELS).flatMap((p) => [`  var c${p}0 = vec4<f32>(0.0);`, `  var c${p}1 = vec4<f32>(0.0);`]));
}

/** Any kW: 8 inputs in registers, slid one column to the right per tap. */
function slidingTaps(PIXELS: number): string {
  const i = '      ';
  return lines([
    ...range(PIXELS).map((j) => `${i}var v${j} = ${load(j)};`),
    `${i}var kIndex = (ci * u.kH + ky) * u.kW;`,
    `${i}for (var kx = 0u; kx < u.kW; kx++) {`,
    `${i}  let w0 = textureLoad(wt, vec2<u32>(wq, kIndex), 0);`,
    `${i}  let w1 = textureLoad(wt, vec2<u32>(wq + 1u, kIndex), 0);`,
    `${i}  kIndex += 1u;`,
    ...range(PIXELS).flatMap((p) => [`${i}  c${p}0 += v${p} * w0;`, `${i}  c${p}1 += v${p} * w1;`]),
    ...range(PIXELS - 1).map((j) => `${i}  v${j} = v${j + 1};`),
    `${i}  let nx = ixs + i32(kx) + ${PIXELS};`,
    `${i}  v${PIXELS - 1} = ${load('nx')};`,
    `${i}}`,
  ]);
}

/** A fixed kW: the 8 + kW - 1 inputs and the kW taps' weights in registers, every product written out. */
function unrolledTaps(kW: number, PIXELS: number): string {
  const i = '      ';
  const sum = (p: number, half: number) => range(kW).map((k) => `v${p + k} * w${k}${half}`).join(' + ');
  return lines([
    ...range(PIXELS + kW - 1).map((j) => `${i}let v${j} = ${load(j)};`),
    `${i}let k0 = (ci * u.kH + ky) * ${kW}u;`,
    ...range(kW).flatMap((k) => [
      `${i}let w${k}0 = textureLoad(wt, vec2<u32>(wq, k0 + ${k}u), 0);`,
      `${i}let w${k}1 = textureLoad(wt, vec2<u32>(wq + 1u, k0 + ${k}u), 0);`,
    ]),
    ...range(PIXELS).flatMap((p) => [`${i}c${p}0 += ${sum(p, 0)};`, `${i}c${p}1 += ${sum(p, 1)};`]),
  ]);
}

function stores(PIXELS: number): string {
  const lanes = ['x', 'y', 'z', 'w'];
  return lines(
    range(PIXELS).flatMap((p) => [
      `  if (ox0 + ${p}u < u.outW) {`,
      `    let s${p}0 = c${p}0 + bias0;`,
      `    let s${p}1 = c${p}1 + bias1;`,
      ...range(8).map(
        (q) => `    if (co0 + ${q}u < u.cOut) { y[outRow + (co0 + ${q}u) * plane + ox0 + ${p}u] = act(s${p}${q >> 2}.${lanes[q & 3]}); }`,
      ),
      '  }',
    ]),
  );
}

const cache = new Map<string, string>();

/** The shader for kernel width `kW` (0: any width, with the sliding window), `pixels` pixels per invocation. */
export function convRowsSource(kW: number, pixels: RowPixels = 8): string {
  const key = `${kW}:${pixels}`;
  let code = cache.get(key);
  if (!code) {
    // The template with its //# directives expanded (wgsl.ts); the //@ lines are filled here.
    code = wgsl(templateRaw)
      .replace(/^\/\/@origin$/m, `  let ox0 = seg * ${pixels}u;`)
      .replace(/^\/\/@accumulators$/m, accumulators(pixels))
      .replace(/^\/\/@taps$/m, kW > 0 ? unrolledTaps(kW, pixels) : slidingTaps(pixels))
      .replace(/^\/\/@stores$/m, stores(pixels));
    cache.set(key, code);
  }
  return code;
}

/** The URL settings of the "Inside a trained model" widget. */

/** Test images the picker offers (the whole Fashion-MNIST test set). */
export const TEST_IMAGES = 10_000;

export interface InsideSettings {
  /** Index of the test image. */
  img: number;
  /** Index of the layer whose feature maps are shown. */
  layer: number;
}

export const INSIDE_DEFAULTS: InsideSettings = { img: 0, layer: 0 };

const int = (v: unknown, lo: number, hi: number, d: number) => (typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi ? v : d);

export function sanitizeInside(raw: unknown, d: InsideSettings): InsideSettings {
  if (!raw || typeof raw !== 'object') return d;
  const r = raw as Record<string, unknown>;
  return { img: int(r.img, 0, TEST_IMAGES - 1, d.img), layer: int(r.layer, 0, 999, d.layer) };
}

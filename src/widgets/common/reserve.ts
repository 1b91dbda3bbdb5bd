/**
 * How much room a widget takes once mounted, so that its placeholder (and its own
 * "computing…" state) can hold that room and the text below does not jump when it
 * arrives. Heights are measured in the book's column (46rem wide, the desktop layout) in
 * English, and are written in rem so presenter mode's larger type scales them; on narrow
 * screens widgets grow taller and the reserve is a lower bound. Pure data, no React.
 */

/**
 * Height of each lazily loaded widget, by its placeholder name (`lazyWidget`'s third
 * argument); `name:part` is one part of a composite widget, as a chapter embeds it.
 */
export const WIDGET_HEIGHT_REM: Record<string, number> = {
  corr2d: 68,
  'learn-kernel': 44.5,
  'padding-stride': 68,
  pooling: 70,
  'pooling-two-channel': 86,
  'receptive-field': 235,
  'receptive-field:stack': 70,
  'receptive-field:lenet': 166,
  multichannel: 78,
  'multichannel:channels': 63.5,
  'multichannel:1x1': 16.5,
  'multichannel:params': 16,
  parameters: 123,
  'parameters:access': 64,
  'parameters:init': 48,
  'parameters:tying': 43,
  'dense-vs-conv': 74,
  'dense-vs-conv:cost': 65.5,
  'dense-vs-conv:ladder': 24,
  'fashion-mnist': 63.45,
  'batch-norm': 204,
  'batch-norm:normalise': 85.5,
  'batch-norm:batch-size': 64,
  'batch-norm:running': 101.5,
  'train-model': 85,
  degradation: 37.5,
  'bn-compare': 46.5,
  'model-compare': 15,
  'inside-model': 24,
};

/**
 * Rows of each model's summary table: the top-level layers of `zoo[id].create()`
 * (tests/widgets/reserve.test.ts checks them against the zoo).
 */
export const SUMMARY_ROWS: Record<string, number> = {
  lenet: 12,
  alexnet: 21,
  vgg: 13,
  nin: 10,
  'lenet-bn': 16,
  resnet18: 8,
};

/** The height of a model summary (title, table, note) as a CSS length. */
export function summaryHeight(model: string): string {
  const rows = SUMMARY_ROWS[model] ?? SUMMARY_ROWS.lenet;
  return `calc(13.3rem + ${rows} * 2.1rem)`;
}

export interface DiagramBox {
  /** The SVG's viewBox width and height. */
  width: number;
  height: number;
  /** CSS px bounds of the drawing's width (see `Figure` in widgets/diagrams/svg.tsx). */
  minWidth: number;
  maxWidth: number;
}

/** Each diagram's box (tests/widgets/reserve.test.ts checks them against the drawings). */
export const DIAGRAM_BOX: Record<string, DiagramBox> = {
  lenet: { width: 400, height: 436, minWidth: 360, maxWidth: 560 },
  'alexnet-vs-lenet': { width: 660, height: 648, minWidth: 520, maxWidth: 860 },
  'vgg-block': { width: 660, height: 472, minWidth: 520, maxWidth: 860 },
  'nin-block': { width: 660, height: 480, minWidth: 520, maxWidth: 860 },
  residual: { width: 670, height: 441, minWidth: 540, maxWidth: 860 },
  resnet18: { width: 660, height: 622, minWidth: 540, maxWidth: 860 },
  'batch-norm': { width: 660, height: 310, minWidth: 520, maxWidth: 860 },
  'function-classes': { width: 640, height: 232, minWidth: 480, maxWidth: 820 },
};

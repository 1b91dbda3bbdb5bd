/**
 * How much room a widget takes once mounted, so that its placeholder (and its own
 * "computing…" state) can hold that room and the text below does not jump when it
 * arrives. Heights are measured in the book's column (46rem wide, the desktop layout) in
 * English (`WIDGET_HEIGHT_REM`) and in Chinese, where most widgets are shorter
 * (`WIDGET_HEIGHT_REM_ZH`, only where the two differ), and are written in rem so presenter
 * mode's larger type scales them; on narrow screens widgets grow taller and the reserve is
 * a lower bound. Pure data, no React.
 */
import { isModelId, type ModelId } from '../../models/ids';

/**
 * Height of each lazily loaded widget, by its placeholder name (`lazyWidget`'s third
 * argument); `name:part` is one part of a composite widget, as a chapter embeds it.
 */
export const WIDGET_HEIGHT_REM: Record<string, number> = {
  'block-builder': 46.1,
  corr2d: 68.28,
  'learn-kernel': 43.25,
  'padding-stride': 71.4,
  pooling: 70,
  'pooling-two-channel': 86,
  'receptive-field': 238.49,
  'receptive-field:stack': 70.58,
  'receptive-field:lenet': 167.75,
  multichannel: 85.61,
  'multichannel:channels': 63.5,
  'multichannel:1x1': 41.13,
  'multichannel:params': 19.68,
  parameters: 130.49,
  'parameters:access': 66.13,
  'parameters:init': 49.69,
  'parameters:tying': 48.72,
  'dense-vs-conv': 86.08,
  'dense-vs-conv:cost': 74.94,
  'dense-vs-conv:ladder': 24.41,
  'fashion-mnist': 65.27,
  'batch-norm': 194.79,
  'batch-norm:normalise': 80.91,
  'batch-norm:batch-size': 63.54,
  'batch-norm:running': 96.96,
  'train-model': 86.13,
  // Models trained in the tab at a smaller input than their recipe's: the recipe line says so on a second line.
  'train-model@alexnet': 87.61,
  'train-model@vgg': 87.61,
  'train-model@nin': 87.61,
  'train-model@resnet18': 87.61,
  degradation: 37.5,
  'bn-compare': 46.7,
  'model-compare': 15,
  'inside-model': 22.63,
  // The model's name is in the instructions and on a button; shorter or longer names take fewer or more lines.
  'inside-model@alexnet': 22.63,
  // A longer name wraps the row of its buttons and links.
  'inside-model@vgg': 25.4,
  'inside-model@lenet-bn': 25.5,
  'inside-model@resnet18': 22.63,
  'inside-model@nin': 21.14,
};

/** The same heights in Chinese, where they differ from the English ones. */
export const WIDGET_HEIGHT_REM_ZH: Record<string, number> = {
  'block-builder': 46.06,
  'learn-kernel': 45.16,
  'padding-stride': 51.19,
  pooling: 64.16,
  'pooling-two-channel': 80.16,
  'receptive-field': 179.8,
  'receptive-field:stack': 59.13,
  'receptive-field:lenet': 120.51,
  multichannel: 84.2,
  'multichannel:channels': 59.74,
  'multichannel:1x1': 38.32,
  'multichannel:params': 19.68,
  parameters: 126.01,
  'parameters:access': 66.13,
  'parameters:init': 49.69,
  'parameters:tying': 45.58,
  'dense-vs-conv': 78.45,
  'dense-vs-conv:cost': 67.31,
  'dense-vs-conv:ladder': 24.36,
  'batch-norm': 185.82,
  'batch-norm:normalise': 77.81,
  'batch-norm:batch-size': 61.89,
  'batch-norm:running': 89.44,
  'train-model': 84.64,
  'train-model@alexnet': 86.13,
  'train-model@vgg': 86.13,
  'train-model@nin': 86.13,
  'train-model@resnet18': 86.13,
  'bn-compare': 44.24,
  degradation: 35.83,
  'inside-model': 21.14,
  'inside-model@alexnet': 21.14,
  'inside-model@vgg': 21.14,
  'inside-model@lenet-bn': 21.14,
  'inside-model@resnet18': 21.14,
  'inside-model@nin': 21.14,
};

/**
 * A widget's reserved height in rem for a language: `name`, `name:part`, or
 * `name@model` for a widget whose height depends on the model it shows (the language's
 * own entry for that model, else the widget's height in that language).
 */
export function widgetHeightRem(name: string, lang: string): number {
  const at = name.indexOf('@');
  if (at > 0) return (lang === 'zh' ? WIDGET_HEIGHT_REM_ZH : WIDGET_HEIGHT_REM)[name] ?? widgetHeightRem(name.slice(0, at), lang);
  return (lang === 'zh' ? WIDGET_HEIGHT_REM_ZH[name] : undefined) ?? WIDGET_HEIGHT_REM[name];
}

/**
 * Rows of each model's summary table: the top-level layers of `zoo[id].create()`
 * (tests/widgets/reserve.test.ts checks them against the zoo).
 */
export const SUMMARY_ROWS: Record<ModelId, number> = {
  lenet: 12,
  alexnet: 21,
  vgg: 13,
  nin: 10,
  'lenet-bn': 16,
  resnet18: 8,
};

/** Height of an adjustable summary's input-size slider and its hint (one line in both languages). */
export const SUMMARY_SLIDER_REM = 4.3;

/**
 * The height of a model summary (title, table, note, and the input-size slider of an
 * adjustable one) as a CSS length, the same in both languages.
 */
export function summaryHeight(model: string, adjustable = false): string {
  const rows = isModelId(model) ? SUMMARY_ROWS[model] : SUMMARY_ROWS.lenet;
  const base = 13.3 + (adjustable ? SUMMARY_SLIDER_REM : 0);
  return `calc(${Number(base.toFixed(3))}rem + ${rows} * 2.1rem)`;
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

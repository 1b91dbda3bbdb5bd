/**
 * Geometry and validation of the pooling widget (pure: tested in Node).
 *
 * Padding here is PyTorch's: `padding=p` adds p rows on top AND p at the bottom, so the
 * the original chapter's total padding is p_h = 2p. PyTorch refuses p > k / 2 ("pad should be at most
 * half of kernel size"): an edge window would then hold more padding than input.
 */
import { oneOf } from '../common/useUrlState';
import { bothAxes, clampField, intFields, notesOutSize, outSize, paddingCells as gridPadding, rangeProblems, windowCells as gridWindow, type Limits, type Problem as FieldProblem, type WindowSettings } from '../common/grid';

export { notesOutSize };

export type PoolMode = 'max' | 'avg';

/** The window (kh × kw), the padding on EACH side (PyTorch), and the stride, ignored while `strideAuto`. */
export interface PoolingSettings extends WindowSettings {
  mode: PoolMode;
  /** Input height and width (the input is arange(h·w) reshaped, as in the original chapter). */
  h: number;
  w: number;
  /** Stride = window, PyTorch's default. */
  strideAuto: boolean;
  /** Number of channels: channel c is X + c (the original chapter uses X and X + 1). */
  channels: number;
}

export type NumField = 'h' | 'w' | 'kh' | 'kw' | 'ph' | 'pw' | 'sh' | 'sw' | 'channels';
export const NUM_FIELDS: readonly NumField[] = ['h', 'w', 'kh', 'kw', 'ph', 'pw', 'sh', 'sw', 'channels'];

export const LIMITS: Limits<NumField> = { ...bothAxes('', [1, 8]), ...bothAxes('k', [1, 5]), ...bothAxes('p', [0, 2]), ...bothAxes('s', [1, 5]), channels: [1, 3] };

/** The original chapter: arange(16) as 4 × 4, nn.MaxPool2d(3, padding=1, stride=2) gives [[5, 7], [13, 15]]. */
export const DEFAULTS: PoolingSettings = { mode: 'max', h: 4, w: 4, kh: 3, kw: 3, ph: 1, pw: 1, sh: 2, sw: 2, strideAuto: false, channels: 1 };
export const TWO_CHANNEL: PoolingSettings = { ...DEFAULTS, channels: 2 };

export function strides(s: PoolingSettings): { sh: number; sw: number } {
  return s.strideAuto ? { sh: s.kh, sw: s.kw } : { sh: s.sh, sw: s.sw };
}

export type Problem = FieldProblem<NumField>;

export function validate(s: PoolingSettings): Problem[] {
  const problems = rangeProblems(s, NUM_FIELDS, LIMITS);
  if (s.mode !== 'max' && s.mode !== 'avg') problems.push({ field: 'kh', en: 'The mode must be max or avg.', zh: '模式必须是 max 或 avg。' });
  if (problems.length) return problems;
  const axes = [
    { n: s.h, k: s.kh, p: s.ph, kf: 'kh', pf: 'ph', en: 'rows', zh: '行', side: 'high', zhSide: '高', name: 'height' },
    { n: s.w, k: s.kw, p: s.pw, kf: 'kw', pf: 'pw', en: 'columns', zh: '列', side: 'wide', zhSide: '宽', name: 'width' },
  ] as const;
  for (const a of axes) {
    if (2 * a.p > a.k) {
      problems.push({
        field: a.pf,
        en: `PyTorch allows padding of at most half the window: with a window ${a.k} ${a.en} ${a.side} the padding can be at most ${Math.floor(a.k / 2)}, not ${a.p}. More padding would leave the windows at the edge with more padding than input.`,
        zh: `PyTorch 要求填充不超过窗口的一半：窗口${a.zhSide} ${a.k} ${a.zh}时，填充最多为 ${Math.floor(a.k / 2)}，而不是 ${a.p}。否则边缘的窗口里填充会多于输入。`,
      });
    }
    if (a.k > a.n + 2 * a.p) {
      problems.push({
        field: a.kf,
        en: `A window ${a.k} ${a.en} ${a.side} does not fit in the padded input (${a.n} + 2 × ${a.p} = ${a.n + 2 * a.p} ${a.en}): there would be no output. Enlarge the input or shrink the window.`,
        zh: `${a.zhSide} ${a.k} ${a.zh}的窗口放不进填充后的输入（${a.n} + 2 × ${a.p} = ${a.n + 2 * a.p} ${a.zh}），将没有输出。请增大输入或减小窗口。`,
      });
    }
  }
  return problems;
}

export interface PoolGeometry {
  sh: number;
  sw: number;
  paddedH: number;
  paddedW: number;
  outH: number;
  outW: number;
}

export function geometry(s: PoolingSettings): PoolGeometry {
  const { sh, sw } = strides(s);
  return {
    sh,
    sw,
    paddedH: s.h + 2 * s.ph,
    paddedW: s.w + 2 * s.pw,
    outH: outSize(s.h, s.kh, s.ph, sh),
    outW: outSize(s.w, s.kw, s.pw, sw),
  };
}

export function paddingCells(s: PoolingSettings, g: PoolGeometry): Set<number> {
  return gridPadding(g.paddedH, g.paddedW, s.ph, s.pw, s.h, s.w);
}

export function windowCells(s: PoolingSettings, g: PoolGeometry, pos: number): Set<number> {
  return gridWindow({ cols: g.paddedW, outW: g.outW, kh: s.kh, kw: s.kw, sh: g.sh, sw: g.sw }, pos);
}

export function tryChange<F extends NumField | 'mode' | 'strideAuto'>(
  s: PoolingSettings,
  field: F,
  value: PoolingSettings[F],
): { next: PoolingSettings; problem: Problem | null } {
  const v = field === 'mode' || field === 'strideAuto' ? value : clampField(Number(value), s[field as NumField], LIMITS[field as NumField]);
  const next = { ...s, [field]: v };
  const problems = validate(next);
  if (problems.length === 0) return { next, problem: null };
  const p = problems.find((q) => q.field === field) ?? problems[0];
  return { next: s, problem: field === 'mode' || field === 'strideAuto' ? p : { ...p, field: field as NumField } };
}

export function sanitize(raw: unknown, defaults: PoolingSettings = DEFAULTS): PoolingSettings {
  const o = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const s: PoolingSettings = {
    ...defaults,
    ...intFields(o, NUM_FIELDS, LIMITS, defaults),
    mode: oneOf(o.mode, ['max', 'avg'] as const, defaults.mode),
    strideAuto: typeof o.strideAuto === 'boolean' ? o.strideAuto : defaults.strideAuto,
  };
  // Repair: padding at most half the window, then the window inside the padded input.
  s.ph = Math.min(s.ph, Math.floor(s.kh / 2));
  s.pw = Math.min(s.pw, Math.floor(s.kw / 2));
  s.kh = Math.min(s.kh, s.h + 2 * s.ph);
  s.kw = Math.min(s.kw, s.w + 2 * s.pw);
  s.ph = Math.min(s.ph, Math.floor(s.kh / 2));
  s.pw = Math.min(s.pw, Math.floor(s.kw / 2));
  return s;
}

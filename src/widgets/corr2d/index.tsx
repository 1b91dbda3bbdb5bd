import { useCallback, useMemo, useState } from 'react';
import { WidgetFrame } from '../common/WidgetFrame';
import { MatrixGrid } from '../common/MatrixGrid';
import type { FieldProblem } from '../common/NumberField';
import { Slider } from '../common/Slider';
import { PendingMatrix } from '../common/PendingMatrix';
import { EngineError } from '../common/EngineError';
import { ShapeCheck } from '../common/ShapeCheck';
import { WindowSteps, useSlidingWindow } from '../common/StepControls';
import { Tex, texNum } from '../common/Tex';
import { useUrlState } from '../common/useUrlState';
import { useCpuResult } from '../common/useEngineResult';
import { say, useTr } from '../common/i18n';
import { computeCorr2d } from './compute';
import {
  DEFAULTS,
  K_MAX,
  VALUE_MAX,
  X_MAX,
  cleanValue,
  edgeImage,
  edgeKernel,
  figureInput,
  figureKernel,
  outShape,
  positions,
  resize,
  sanitize,
  transpose,
  validate,
  windowCells,
  type Corr2dSettings,
  type Matrix,
} from './model';
import '../widgets.css';
import { notation } from '../common/Notation';

export interface Corr2dProps {
  /** URL key of this instance's settings (two instances on a page need different keys). */
  stateKey?: string;
}

function par(v: number): string {
  const s = texNum(v);
  return v < 0 ? `(${s})` : s;
}

/** Two-dimensional cross-correlation, one window at a time (the original chapter: image convolution). */
export function Corr2d({ stateKey = 'corr2d' }: Corr2dProps) {
  const t = useTr();
  const [s, setS] = useUrlState<Corr2dSettings>(stateKey, DEFAULTS, sanitize);
  const [notice, setNotice] = useState<string | null>(null);

  const problems = validate(s);
  const ok = problems.length === 0;
  const xh = s.x.length;
  const xw = s.x[0].length;
  const kh = s.k.length;
  const kw = s.k[0].length;
  const count = ok ? positions(s) : 0;

  const key = ok ? JSON.stringify([s.x, s.k]) : null;
  const res = useCpuResult(key, () => computeCorr2d(s.x, s.k));
  // Computed in this render (useCpuResult), so the result belongs to these settings.
  const [oh, ow] = ok ? outShape(s) : [0, 0];
  const r = ok ? res.value : null;
  // The formula (n - k + 1) against the engine's actual shape.
  const same = r ? r.outH === oh && r.outW === ow : null;

  const update = useCallback(
    (fn: (prev: Corr2dSettings) => Corr2dSettings) => {
      setS((prev) => {
        const next = fn(prev);
        const n = validate(next).length === 0 ? positions(next) : 1;
        return { ...next, pos: Math.min(next.pos, Math.max(0, n - 1)) };
      });
    },
    [setS],
  );

  const setPos = useCallback((p: number) => update((prev) => ({ ...prev, pos: p })), [update]);
  // The window's position is part of the settings, so a link shows the same step.
  const win = useSlidingWindow(count, { pos: s.pos, setPos });
  const pos = win.pos;

  const edit = (which: 'x' | 'k') => (index: number, value: number) => {
    const v = cleanValue(value);
    if (v === null) return;
    update((prev) => {
      const m = prev[which].map((row) => [...row]);
      const cols = m[0].length;
      m[Math.floor(index / cols)][index % cols] = v;
      return { ...prev, [which]: m };
    });
  };

  // A typed value out of range is refused while typed and clamped when the cell is left; the
  // notice says so once (it stays after the clamp, until the next accepted value).
  const cellProblem = (problem: FieldProblem | null, text: string) => {
    if (problem === 'range') {
      const near = cleanValue(Number(text));
      setNotice(t(`Values are kept between −${VALUE_MAX} and ${VALUE_MAX}: ${text} is outside, and leaving the cell keeps ${near}.`, `数值限制在 −${VALUE_MAX} 到 ${VALUE_MAX} 之间：${text} 超出范围，离开单元格时取 ${near}。`));
    } else if (problem === null) setNotice(null);
  };

  const resizeTo = (which: 'x' | 'k', rows: number, cols: number) => {
    const next = { ...s, [which]: resize(s[which], rows, cols) };
    const bad = validate(next);
    if (bad.length) {
      setNotice(say(t, bad[0]));
      return;
    }
    setNotice(null);
    update(() => next);
  };

  const preset = (x: Matrix | null, k: Matrix | null) => {
    win.setPlaying(false);
    setNotice(null);
    update((prev) => {
      const nx = x ?? prev.x;
      let nk = k ?? prev.k;
      if (nk.length > nx.length || nk[0].length > nx[0].length) nk = resize(nk, Math.min(nk.length, nx.length), Math.min(nk[0].length, nx[0].length));
      return { x: nx, k: nk, pos: 0 };
    });
  };

  const under = useMemo(() => (ok ? windowCells(s, pos) : new Set<number>()), [ok, s, pos]);
  const i = ow ? Math.floor(pos / ow) : 0;
  const j = ow ? pos % ow : 0;

  const prods = r ? Array.from({ length: kh * kw }, (_, c) => r.products[c * count + pos]) : [];
  const sum = r ? r.sums[pos] : NaN;

  // Each side in braces: a narrow screen breaks the line at an equals sign, never inside a factor.
  const sizeTex = `{(n_h - k_h + 1) \\times (n_w - k_w + 1)} = {(${xh} - ${kh} + 1) \\times (${xw} - ${kw} + 1)} = ${oh} \\times ${ow}`;

  return (
    <WidgetFrame id="corr2d" computedOn="cpu" title={t('Two-dimensional cross-correlation', '二维互相关')} onPresenterStep={win.onPresenterStep}>
      <div className="w-presets" role="group" aria-label={t('Presets', '预设')}>
        <button type="button" onClick={() => preset(edgeImage(), edgeKernel())}>
          {t('The classic 6×8 edge image, K = [1, −1]', '经典的 6×8 边缘图像，K = [1, −1]')}
        </button>
        <button type="button" onClick={() => preset(figureInput(), figureKernel())}>
          {t('The text’s example: 3×3 input, 2×2 kernel', '正文示例：3×3 输入，2×2 卷积核')}
        </button>
        <button type="button" onClick={() => preset(transpose(s.x), null)}>
          {t('Transpose X', '转置 X')}
        </button>
        <button type="button" onClick={() => preset(null, edgeKernel())}>
          K = [1, −1]
        </button>
        <button type="button" onClick={() => preset(null, transpose(edgeKernel()))}>
          K = [1, −1]ᵀ
        </button>
      </div>

      <div className="w-sliders">
        <Slider label={t('X rows', 'X 行数')} value={xh} min={1} max={X_MAX} onChange={(v) => resizeTo('x', v, xw)} />
        <Slider label={t('X columns', 'X 列数')} value={xw} min={1} max={X_MAX} onChange={(v) => resizeTo('x', xh, v)} />
        <Slider label={t('K rows', 'K 行数')} value={kh} min={1} max={K_MAX} onChange={(v) => resizeTo('k', v, kw)} />
        <Slider label={t('K columns', 'K 列数')} value={kw} min={1} max={K_MAX} onChange={(v) => resizeTo('k', kh, v)} />
      </div>
      <p className="w-notice" role="status" aria-live="polite">
        {notice ?? ''}
      </p>

      <div className="w-grids">
        <figure className="w-grid">
          <figcaption>{t('Input X (type to edit)', '输入 X（可直接输入修改）')}</figcaption>
          <MatrixGrid values={s.x.flat()} rows={xh} cols={xw} label={t('Input X', '输入 X')} highlight={under} onEdit={edit('x')} editMin={-VALUE_MAX} editMax={VALUE_MAX} onEditProblem={cellProblem} />
        </figure>
        <figure className="w-grid">
          <figcaption>{t('Kernel K', '卷积核 K')}</figcaption>
          <MatrixGrid values={s.k.flat()} rows={kh} cols={kw} label={t('Kernel K', '卷积核 K')} onEdit={edit('k')} editMin={-VALUE_MAX} editMax={VALUE_MAX} onEditProblem={cellProblem} />
        </figure>
        <figure className="w-grid" data-result-seq={res.seq} data-presenter-steps>
          <figcaption>{t('Output Y = corr2d(X, K)', '输出 Y = corr2d(X, K)')}</figcaption>
          {r ? (
            <MatrixGrid values={r.y} rows={r.outH} cols={r.outW} label={t('Output Y', '输出 Y')} selected={pos} onSelect={win.pick} />
          ) : ok ? (
            <PendingMatrix rows={oh} cols={ow} text={t('Computing…', '计算中…')} />
          ) : (
            <p className="w-wait">—</p>
          )}
        </figure>
      </div>

      {ok ? (
        <>
          <WindowSteps win={win} count={count} outW={ow} />
          <div className="w-step" aria-live="polite">
            <p>
              {t(`Window for Y[${i}, ${j}]: element-wise products X[${i}:${i + kh}, ${j}:${j + kw}] ⊙ K`, `窗口对应 Y[${i}, ${j}]：逐元素乘积 X[${i}:${i + kh}, ${j}:${j + kw}] ⊙ K`)}
            </p>
            {r ? (
              <div className="w-step-row">
                <MatrixGrid values={prods} rows={kh} cols={kw} label={t('Products', '乘积')} />
                <Tex tex={`\\textstyle\\sum = ${prods.map(par).join(' + ')} = ${texNum(sum)}`} />
              </div>
            ) : null}
          </div>
          <div className="w-formula">
            <Tex tex={sizeTex} />
            <ShapeCheck label={t('engine: Y.shape', '引擎：Y.shape')} shape={r ? [r.outH, r.outW] : null} same={same} />
          </div>
        </>
      ) : (
        <div className="w-problems" role="alert">
          {problems.map((p) => (
            <p key={p.en}>{notation(say(t, p))}</p>
          ))}
        </div>
      )}
      <EngineError className="w-error" prefix={t('The engine could not compute this: ', '引擎无法计算：')} error={res.error} />
    </WidgetFrame>
  );
}

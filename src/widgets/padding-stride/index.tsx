import { useCallback, useMemo, useState } from 'react';
import { WidgetFrame } from '../common/WidgetFrame';
import { MatrixGrid } from '../common/MatrixGrid';
import { Slider } from '../common/Slider';
import { StepControls } from '../common/StepControls';
import { PendingMatrix } from '../common/PendingMatrix';
import { Tex } from '../common/Tex';
import { useUrlState } from '../common/useUrlState';
import { useCpuResult } from '../common/useEngineResult';
import { useSettings } from '../../stores/settings';
import { computePaddingStride } from './compute';
import { DEFAULTS, LIMITS, geometry, paddingCells, samePadding, sanitize, tryChange, validate, windowCells, type Field, type PaddingStrideSettings, type Problem } from './geometry';
import '../widgets.css';

export interface PaddingStrideProps {
  stateKey?: string;
}

interface Local {
  pos: number;
}

/** Padding and stride: the window over the zero-padded input, and the output-size formula next to the engine's shape. */
export function PaddingStride({ stateKey = 'padding-stride' }: PaddingStrideProps) {
  const lang = useSettings((st) => st.lang);
  const t = (en: string, zh: string) => (lang === 'zh' ? zh : en);
  const [s, setS] = useUrlState<PaddingStrideSettings>(stateKey, DEFAULTS, sanitize);
  const [{ pos: rawPos }, setLocal] = useState<Local>({ pos: 0 });
  const [playing, setPlaying] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);

  const ok = validate(s).length === 0;
  const g = useMemo(() => geometry(s), [s]);
  const count = ok ? g.outH * g.outW : 0;
  const pos = Math.min(rawPos, Math.max(0, count - 1));
  const setPos = useCallback((p: number) => setLocal({ pos: p }), []);

  const res = useCpuResult(ok ? JSON.stringify(s) : null, () => computePaddingStride(s));
  // Computed in this render (useCpuResult): the result for these settings, or the last valid one.
  const r = res.value;

  const change = (field: Field, value: number) => {
    const { next, problem: p } = tryChange(s, field, value);
    setProblem(p);
    if (!p) {
      setPlaying(false);
      setS(next);
    }
  };
  const hint = (f: Field) => (problem && problem.field === f ? t(problem.en, problem.zh) : undefined);

  const onStep = useCallback(
    (dir: 1 | -1) => {
      const next = pos + dir;
      if (next < 0 || next >= count) return false;
      setPlaying(false);
      setPos(next);
      return true;
    },
    [pos, count, setPos],
  );

  const pads = useMemo(() => paddingCells(s, g), [s, g]);
  const win = useMemo(() => (count ? windowCells(s, g, pos) : new Set<number>()), [s, g, pos, count]);
  const describe = (p: number) => t(`output row ${Math.floor(p / g.outW) + 1}, column ${(p % g.outW) + 1}`, `输出第 ${Math.floor(p / g.outW) + 1} 行第 ${(p % g.outW) + 1} 列`);

  const axisTex = (a: 'h' | 'w') => {
    const [n, k, p, st, out] = a === 'h' ? [s.nh, s.kh, s.ph, s.sh, g.outH] : [s.nw, s.kw, s.pw, s.sw, g.outW];
    return `\\left\\lfloor \\frac{n_${a} - k_${a} + p_${a} + s_${a}}{s_${a}} \\right\\rfloor = \\left\\lfloor \\frac{${n} - ${k} + ${p} + ${st}}{${st}} \\right\\rfloor = ${out}`;
  };
  // The formula against the engine's actual shape.
  const same = r ? r.shape[2] === g.outH && r.shape[3] === g.outW : null;

  const split = (a: 'h' | 'w') => {
    const total = a === 'h' ? s.ph : s.pw;
    const [before, after] = a === 'h' ? [g.padTop, g.padBottom] : [g.padLeft, g.padRight];
    const torch = a === 'h' ? g.torchPadH : g.torchPadW;
    const names = a === 'h' ? [t('on top', '顶部'), t('at the bottom', '底部')] : [t('on the left', '左侧'), t('on the right', '右侧')];
    const unit = (n: number) => (a === 'h' ? t(n === 1 ? 'row' : 'rows', '行') : t(n === 1 ? 'column' : 'columns', '列'));
    if (torch !== null)
      return t(
        `p_${a} = ${total}: ${before} ${unit(before)} ${names[0]}, ${after} ${unit(after)} ${names[1]}; in PyTorch padding=${torch} (applied on both sides, so p_${a} = 2 × ${torch}).`,
        `p_${a} = ${total}：${names[0]} ${before} ${unit(before)}，${names[1]} ${after} ${unit(after)}；在 PyTorch 中 padding=${torch}（两侧都填充，所以 p_${a} = 2 × ${torch}）。`,
      );
    return t(
      `p_${a} = ${total} is odd: ⌈${total}/2⌉ = ${before} ${unit(before)} ${names[0]}, ⌊${total}/2⌋ = ${after} ${unit(after)} ${names[1]}. PyTorch's Conv2d padding is the same on both sides, so this needs F.pad first.`,
      `p_${a} = ${total} 是奇数：${names[0]} ⌈${total}/2⌉ = ${before} ${unit(before)}，${names[1]} ⌊${total}/2⌋ = ${after} ${unit(after)}。PyTorch 的 Conv2d 两侧填充相同，因此需要先用 F.pad。`,
    );
  };

  const torchCode =
    g.torchPadH !== null && g.torchPadW !== null
      ? `nn.Conv2d(1, 1, kernel_size=(${s.kh}, ${s.kw}), padding=(${g.torchPadH}, ${g.torchPadW}), stride=(${s.sh}, ${s.sw}))`
      : `conv(F.pad(X, (${g.padLeft}, ${g.padRight}, ${g.padTop}, ${g.padBottom})))  # conv = nn.Conv2d(1, 1, kernel_size=(${s.kh}, ${s.kw}), stride=(${s.sh}, ${s.sw}))`;

  const slider = (f: Field, en: string, zh: string, fmt?: (v: number) => string) => (
    <Slider key={f} label={t(en, zh)} value={s[f]} min={LIMITS[f][0]} max={LIMITS[f][1]} onChange={(v) => change(f, v)} format={fmt} hint={hint(f)} />
  );

  return (
    <WidgetFrame id="padding-stride" computedOn="cpu" title={t('Padding and stride', '填充和步幅')} onPresenterStep={onStep}>
      <div className="w-axes">
        <fieldset>
          <legend>{t('Height', '高度')}</legend>
          {slider('nh', 'Input height n_h', '输入高 n_h')}
          {slider('kh', 'Kernel height k_h', '卷积核高 k_h')}
          {slider('ph', 'Total padding p_h', '总填充 p_h', (v) => t(`${v} (${Math.ceil(v / 2)} top, ${Math.floor(v / 2)} bottom)`, `${v}（上 ${Math.ceil(v / 2)}，下 ${Math.floor(v / 2)}）`))}
          {slider('sh', 'Stride s_h', '步幅 s_h')}
        </fieldset>
        <fieldset>
          <legend>{t('Width', '宽度')}</legend>
          {slider('nw', 'Input width n_w', '输入宽 n_w')}
          {slider('kw', 'Kernel width k_w', '卷积核宽 k_w')}
          {slider('pw', 'Total padding p_w', '总填充 p_w', (v) => t(`${v} (${Math.ceil(v / 2)} left, ${Math.floor(v / 2)} right)`, `${v}（左 ${Math.ceil(v / 2)}，右 ${Math.floor(v / 2)}）`))}
          {slider('sw', 'Stride s_w', '步幅 s_w')}
        </fieldset>
      </div>
      <div className="w-presets" role="group" aria-label={t('Shortcuts', '快捷设置')}>
        <button
          type="button"
          onClick={() => {
            setProblem(null);
            setS((prev) => ({ ...prev, ph: samePadding(prev.kh), pw: samePadding(prev.kw), sh: 1, sw: 1 }));
          }}
        >
          {t('Keep the size: p = k − 1, s = 1', '保持尺寸：p = k − 1，s = 1')}
        </button>
        <button
          type="button"
          onClick={() => {
            setProblem(null);
            setS({ ...DEFAULTS });
          }}
        >
          {t('Notes: padding example', '笔记：填充示例')}
        </button>
        <button
          type="button"
          onClick={() => {
            setProblem(null);
            setS({ ...DEFAULTS, sh: 3, sw: 2 });
          }}
        >
          {t('Notes: stride 3 × 2', '笔记：步幅 3 × 2')}
        </button>
      </div>

      <ul className="w-split">
        <li>{split('h')}</li>
        <li>{split('w')}</li>
      </ul>
      <pre className="w-code">
        <code>{torchCode}</code>
      </pre>

      <div className="w-grids">
        <figure className="w-grid">
          <figcaption>{t(`Padded input (${g.paddedH} × ${g.paddedW}); hatched cells are padding`, `填充后的输入（${g.paddedH} × ${g.paddedW}）；斜线格为填充`)}</figcaption>
          {r ? <MatrixGrid values={r.padded} rows={g.paddedH} cols={g.paddedW} label={t('Padded input', '填充后的输入')} padding={pads} highlight={win} cellSize={32} /> : <PendingMatrix rows={g.paddedH} cols={g.paddedW} cellSize={32} text={t('Computing…', '计算中…')} />}
        </figure>
        <figure className="w-grid">
          <figcaption>{t('Kernel K = arange(k_h·k_w)', '卷积核 K = arange(k_h·k_w)')}</figcaption>
          {r ? <MatrixGrid values={r.kernel} rows={s.kh} cols={s.kw} label={t('Kernel K', '卷积核 K')} cellSize={32} /> : ok ? <PendingMatrix rows={s.kh} cols={s.kw} cellSize={32} text={t('Computing…', '计算中…')} /> : null}
        </figure>
        <figure className="w-grid" data-result-seq={res.seq}>
          <figcaption>{t('Output Y', '输出 Y')}</figcaption>
          {r ? <MatrixGrid values={r.y} rows={r.shape[2]} cols={r.shape[3]} label={t('Output Y', '输出 Y')} selected={pos} onSelect={(p) => { setPlaying(false); setPos(p); }} cellSize={32} /> : ok ? <PendingMatrix rows={g.outH} cols={g.outW} cellSize={32} text={t('Computing…', '计算中…')} /> : <p className="w-wait">{t('Computing…', '计算中…')}</p>}
        </figure>
      </div>

      {count > 0 ? <StepControls pos={pos} count={count} onPos={setPos} playing={playing} onPlaying={setPlaying} label={t('Window position', '窗口位置')} describe={describe} /> : null}

      <div className="w-formula" data-formula-shape={`${g.outH}x${g.outW}`}>
        <Tex tex={axisTex('h')} />
        <Tex tex={axisTex('w')} />
        <span className="w-engine-shape" data-shape={r ? r.shape.join('x') : ''} data-equal={same === null ? undefined : String(same)}>
          {r ? `${t('engine: Y.shape', '引擎：Y.shape')} = [${r.shape.join(', ')}] ${same === null ? '' : same ? '✓' : '≠'}` : ''}
        </span>
      </div>
      {res.error ? (
        <p className="w-error" role="alert">
          {t('The engine could not compute this: ', '引擎无法计算：')}
          {res.error}
        </p>
      ) : null}
    </WidgetFrame>
  );
}

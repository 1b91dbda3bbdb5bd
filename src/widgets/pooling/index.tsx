import { useCallback, useId, useMemo, useState } from 'react';
import { WidgetFrame } from '../common/WidgetFrame';
import { MatrixGrid } from '../common/MatrixGrid';
import { Slider } from '../common/Slider';
import { StepControls } from '../common/StepControls';
import { PendingMatrix } from '../common/PendingMatrix';
import { Tex } from '../common/Tex';
import { useUrlState } from '../common/useUrlState';
import { useCpuResult } from '../common/useEngineResult';
import { useSettings } from '../../stores/settings';
import { computePooling } from './compute';
import { DEFAULTS, LIMITS, TWO_CHANNEL, geometry, paddingCells, sanitize, tryChange, validate, windowCells, type NumField, type PoolMode, type PoolingSettings, type Problem } from './geometry';
import '../widgets.css';

export interface PoolingProps {
  stateKey?: string;
  /** 'two-channel': the notes' X and X + 1 stacked as two channels (URL key 'pooling-two-channel' unless stateKey is given). */
  preset?: 'two-channel';
}

/** Max and average pooling with padding and stride, on one or several channels. */
export function Pooling({ stateKey, preset }: PoolingProps) {
  const lang = useSettings((st) => st.lang);
  const t = (en: string, zh: string) => (lang === 'zh' ? zh : en);
  const defaults = preset === 'two-channel' ? TWO_CHANNEL : DEFAULTS;
  // A preset instance gets its own URL key by default, so the chapter's two instances do not share settings.
  const [s, setS] = useUrlState<PoolingSettings>(stateKey ?? (preset ? `pooling-${preset}` : 'pooling'), defaults, sanitize);
  const [rawPos, setPos] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const modeName = useId();

  const ok = validate(s).length === 0;
  const g = useMemo(() => geometry(s), [s]);
  const count = ok ? g.outH * g.outW : 0;
  const pos = Math.min(rawPos, Math.max(0, count - 1));

  const res = useCpuResult(ok ? JSON.stringify(s) : null, () => computePooling(s));
  // Computed in this render (useCpuResult): the result for these settings, or the last valid one.
  const r = res.value;

  const change = <F extends NumField | 'mode' | 'strideAuto'>(field: F, value: PoolingSettings[F]) => {
    const { next, problem: p } = tryChange(s, field, value);
    setProblem(p);
    if (!p) {
      setPlaying(false);
      setS(next);
    }
  };
  const hint = (f: NumField) => (problem && problem.field === f ? t(problem.en, problem.zh) : undefined);

  const onStep = useCallback(
    (dir: 1 | -1) => {
      const next = pos + dir;
      if (next < 0 || next >= count) return false;
      setPlaying(false);
      setPos(next);
      return true;
    },
    [pos, count],
  );

  const pads = useMemo(() => paddingCells(s, g), [s, g]);
  const win = useMemo(() => (count ? windowCells(s, g, pos) : new Set<number>()), [s, g, pos, count]);
  const describe = (p: number) => t(`output row ${Math.floor(p / g.outW) + 1}, column ${(p % g.outW) + 1}`, `输出第 ${Math.floor(p / g.outW) + 1} 行第 ${(p % g.outW) + 1} 列`);

  const axisTex = (a: 'h' | 'w') => {
    const [n, k, p, st, out] = a === 'h' ? [s.h, s.kh, s.ph, g.sh, g.outH] : [s.w, s.kw, s.pw, g.sw, g.outW];
    return `\\left\\lfloor \\frac{n_${a} - k_${a} + p_${a} + s_${a}}{s_${a}} \\right\\rfloor = \\left\\lfloor \\frac{${n} - ${k} + ${2 * p} + ${st}}{${st}} \\right\\rfloor = ${out}`;
  };
  // The formula against the engine's actual shape.
  const same = r ? r.shape[1] === s.channels && r.shape[2] === g.outH && r.shape[3] === g.outW : null;
  const cls = s.mode === 'max' ? 'MaxPool2d' : 'AvgPool2d';
  const code = s.strideAuto
    ? `nn.${cls}((${s.kh}, ${s.kw}), padding=(${s.ph}, ${s.pw}))  # stride = (${g.sh}, ${g.sw})`
    : `nn.${cls}((${s.kh}, ${s.kw}), stride=(${s.sh}, ${s.sw}), padding=(${s.ph}, ${s.pw}))`;

  const slider = (f: NumField, en: string, zh: string, disabled = false) => (
    <Slider key={f} label={t(en, zh)} value={f === 'sh' ? g.sh : f === 'sw' ? g.sw : s[f]} min={LIMITS[f][0]} max={LIMITS[f][1]} onChange={(v) => change(f, v)} hint={hint(f)} disabled={disabled} />
  );

  const plane = g.paddedH * g.paddedW;
  const outPlane = r ? r.shape[2] * r.shape[3] : 0;

  return (
    <WidgetFrame id="pooling" computedOn="cpu" title={t('Pooling', '汇聚（池化）')} onPresenterStep={onStep}>
      <fieldset className="w-radio">
        <legend>{t('Mode', '模式')}</legend>
        {(['max', 'avg'] as PoolMode[]).map((m) => (
          <label key={m}>
            <input type="radio" name={modeName} value={m} checked={s.mode === m} onChange={() => change('mode', m)} />
            {m === 'max' ? t('Maximum', '最大汇聚') : t('Average', '平均汇聚')}
          </label>
        ))}
      </fieldset>
      <div className="w-axes">
        <fieldset>
          <legend>{t('Height', '高度')}</legend>
          {slider('h', 'Input height', '输入高')}
          {slider('kh', 'Window height', '窗口高')}
          {slider('ph', 'Padding rows (each side)', '行填充（每侧）')}
          {slider('sh', 'Stride down', '纵向步幅', s.strideAuto)}
        </fieldset>
        <fieldset>
          <legend>{t('Width', '宽度')}</legend>
          {slider('w', 'Input width', '输入宽')}
          {slider('kw', 'Window width', '窗口宽')}
          {slider('pw', 'Padding columns (each side)', '列填充（每侧）')}
          {slider('sw', 'Stride across', '横向步幅', s.strideAuto)}
        </fieldset>
      </div>
      <label className="w-check">
        <input type="checkbox" checked={s.strideAuto} onChange={(e) => change('strideAuto', e.target.checked)} />
        {t('Stride = window (PyTorch’s default)', '步幅 = 窗口（PyTorch 默认）')}
      </label>
      {slider('channels', 'Channels (X, X + 1, …)', '通道数（X, X + 1, …）')}
      <div className="w-presets" role="group" aria-label={t('Shortcuts', '快捷设置')}>
        <button type="button" onClick={() => { setProblem(null); setS({ ...DEFAULTS, channels: s.channels }); }}>
          {t('Notes: MaxPool2d(3, padding=1, stride=2)', '笔记：MaxPool2d(3, padding=1, stride=2)')}
        </button>
        <button type="button" onClick={() => { setProblem(null); setS({ ...DEFAULTS, kh: 2, kw: 3, ph: 0, pw: 1, sh: 2, sw: 3, channels: s.channels }); }}>
          {t('Notes: window (2, 3), stride (2, 3), padding (0, 1)', '笔记：窗口 (2, 3)，步幅 (2, 3)，填充 (0, 1)')}
        </button>
      </div>
      <pre className="w-code">
        <code>{code}</code>
      </pre>

      <div className="w-channels">
        {Array.from({ length: s.channels }, (_, c) => (
          <div className="w-grids" key={c} data-channel={c}>
            <figure className="w-grid">
              <figcaption>
                {t(`Channel ${c + 1}: X${c ? ` + ${c}` : ''}, padded (${s.mode === 'max' ? 'padding counts as −∞' : 'padding counts as 0'})`, `通道 ${c + 1}：X${c ? ` + ${c}` : ''}，已填充（${s.mode === 'max' ? '填充视为 −∞' : '填充视为 0'}）`)}
              </figcaption>
              {r ? <MatrixGrid values={r.padded.subarray(c * plane, (c + 1) * plane)} rows={g.paddedH} cols={g.paddedW} label={t(`Input channel ${c + 1}`, `输入通道 ${c + 1}`)} padding={pads} highlight={win} cellSize={32} /> : <PendingMatrix rows={g.paddedH} cols={g.paddedW} cellSize={32} text={t('Computing…', '计算中…')} />}
            </figure>
            <figure className="w-grid" data-result-seq={res.seq}>
              <figcaption>{t(`Output channel ${c + 1}`, `输出通道 ${c + 1}`)}</figcaption>
              {r ? (
                <MatrixGrid values={r.y.subarray(c * outPlane, (c + 1) * outPlane)} rows={r.shape[2]} cols={r.shape[3]} label={t(`Output channel ${c + 1}`, `输出通道 ${c + 1}`)} selected={pos} onSelect={(p) => { setPlaying(false); setPos(p); }} cellSize={32} />
              ) : ok ? (
                <PendingMatrix rows={g.outH} cols={g.outW} cellSize={32} text={t('Computing…', '计算中…')} />
              ) : (
                <p className="w-wait">{t('Computing…', '计算中…')}</p>
              )}
            </figure>
          </div>
        ))}
      </div>

      {count > 0 ? <StepControls pos={pos} count={count} onPos={setPos} playing={playing} onPlaying={setPlaying} label={t('Window position', '窗口位置')} describe={describe} /> : null}

      <div className="w-formula" data-formula-shape={`${s.channels}x${g.outH}x${g.outW}`}>
        <Tex tex={axisTex('h')} />
        <Tex tex={axisTex('w')} />
        <span>{t(`(p_h = 2 × padding = ${2 * s.ph}, p_w = ${2 * s.pw})`, `（p_h = 2 × 填充 = ${2 * s.ph}，p_w = ${2 * s.pw}）`)}</span>
        <span className="w-engine-shape" data-shape={r ? r.shape.join('x') : ''} data-equal={same === null ? undefined : String(same)}>
          {r ? `${t('engine', '引擎')}: X.shape = [${r.inShape.join(', ')}] → Y.shape = [${r.shape.join(', ')}] ${same === null ? '' : same ? '✓' : '≠'}` : ''}
        </span>
      </div>
      {r ? (
        <p className="w-channels-note">
          {t(`${r.inShape[1]} channel${r.inShape[1] > 1 ? 's' : ''} in, ${r.shape[1]} out: each channel is pooled on its own, nothing is summed across channels.`, `输入 ${r.inShape[1]} 个通道，输出 ${r.shape[1]} 个通道：每个通道单独汇聚，不在通道之间求和。`)}
        </p>
      ) : null}
      {res.error ? (
        <p className="w-error" role="alert">
          {t('The engine could not compute this: ', '引擎无法计算：')}
          {res.error}
        </p>
      ) : null}
    </WidgetFrame>
  );
}

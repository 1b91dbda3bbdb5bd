import { useId } from 'react';
import { WidgetFrame } from '../common/WidgetFrame';
import { MatrixGrid } from '../common/MatrixGrid';
import { Slider } from '../common/Slider';
import { WindowSteps } from '../common/StepControls';
import { PendingMatrix } from '../common/PendingMatrix';
import { EngineError } from '../common/EngineError';
import { Announce } from '../common/Announce';
import { ShapeCheck } from '../common/ShapeCheck';
import { Tex, notesSizeTex } from '../common/Tex';
import { useUrlState } from '../common/useUrlState';
import { useGridWindow } from '../common/useGridWindow';
import { useFieldProblem } from '../common/useFieldProblem';
import { useTr } from '../common/i18n';
import { computePooling } from './compute';
import { DEFAULTS, LIMITS, TWO_CHANNEL, geometry, paddingCells, sanitize, tryChange, validate, windowCells, type NumField, type PoolMode, type PoolingSettings } from './geometry';
import '../widgets.css';
import { notation } from '../common/Notation';
import { Code } from '../common/Code';

export interface PoolingProps {
  stateKey?: string;
  /** 'two-channel': the original chapter’s X and X + 1 stacked as two channels (URL key 'pooling-two-channel' unless stateKey is given). */
  preset?: 'two-channel';
}

const SPEC = { validate, geometry, compute: computePooling, padding: paddingCells, window: windowCells };

/** Max and average pooling with padding and stride, on one or several channels. */
export function Pooling({ stateKey, preset }: PoolingProps) {
  const t = useTr();
  const defaults = preset === 'two-channel' ? TWO_CHANNEL : DEFAULTS;
  // A preset instance gets its own URL key by default, so the chapter's two instances do not share settings.
  const [s, setS] = useUrlState<PoolingSettings>(stateKey ?? (preset ? `pooling-${preset}` : 'pooling'), defaults, sanitize);
  const checks = useFieldProblem<NumField>();
  const modeName = useId();

  const { ok, g, count, win, res, pads, under } = useGridWindow(s, SPEC);
  const pos = win.pos;
  // Computed in this render (useCpuResult): the result for these settings, or the last valid one.
  const r = res.value;

  const change = <F extends NumField | 'mode' | 'strideAuto'>(field: F, value: PoolingSettings[F]) =>
    checks.settle(tryChange(s, field, value), (next) => {
      win.setPlaying(false);
      setS(next);
    });

  // PyTorch pads each side: the original chapter’s total padding is twice that.
  const axisTex = (a: 'h' | 'w') => (a === 'h' ? notesSizeTex(a, s.h, s.kh, 2 * s.ph, g.sh, g.outH) : notesSizeTex(a, s.w, s.kw, 2 * s.pw, g.sw, g.outW));
  // The formula against the engine's actual shape.
  const same = r ? r.shape[1] === s.channels && r.shape[2] === g.outH && r.shape[3] === g.outW : null;
  const cls = s.mode === 'max' ? 'MaxPool2d' : 'AvgPool2d';
  const code = s.strideAuto
    ? `nn.${cls}((${s.kh}, ${s.kw}), padding=(${s.ph}, ${s.pw}))  # stride = (${g.sh}, ${g.sw})`
    : `nn.${cls}((${s.kh}, ${s.kw}), stride=(${s.sh}, ${s.sw}), padding=(${s.ph}, ${s.pw}))`;

  const slider = (f: NumField, label: string, disabled = false) => (
    <Slider key={f} label={label} value={f === 'sh' ? g.sh : f === 'sw' ? g.sw : s[f]} min={LIMITS[f][0]} max={LIMITS[f][1]} onChange={(v) => change(f, v)} hint={checks.hint(f)} disabled={disabled} />
  );
  const axes = [
    { legend: t('Height', '高度'), fields: ['h', 'kh', 'ph', 'sh'] as const, names: [t('Input height', '输入高'), t('Window height', '窗口高'), t('Padding rows (each side)', '行填充（每侧）'), t('Stride down', '纵向步幅')] },
    { legend: t('Width', '宽度'), fields: ['w', 'kw', 'pw', 'sw'] as const, names: [t('Input width', '输入宽'), t('Window width', '窗口宽'), t('Padding columns (each side)', '列填充（每侧）'), t('Stride across', '横向步幅')] },
  ];
  const applyPreset = (patch: Partial<PoolingSettings>) => () => {
    checks.clear();
    setS({ ...DEFAULTS, ...patch, channels: s.channels });
  };

  // The result in one sentence for screen readers: the engine's output shape, the mode and the settings that gave it.
  const announced =
    r && res.fresh
      ? t(
          `${s.mode === 'max' ? 'Max' : 'Average'} pooling: output ${r.shape[1]} × ${r.shape[2]} × ${r.shape[3]} (input ${r.inShape[1]} × ${r.inShape[2]} × ${r.inShape[3]}, window ${s.kh} × ${s.kw}, padding ${s.ph} × ${s.pw} on each side, stride ${g.sh} × ${g.sw}).`,
          `${s.mode === 'max' ? '最大' : '平均'}汇聚：输出 ${r.shape[1]} × ${r.shape[2]} × ${r.shape[3]}（输入 ${r.inShape[1]} × ${r.inShape[2]} × ${r.inShape[3]}，窗口 ${s.kh} × ${s.kw}，每侧填充 ${s.ph} × ${s.pw}，步幅 ${g.sh} × ${g.sw}）。`,
        )
      : null;

  const plane = g.paddedH * g.paddedW;
  const outPlane = r ? r.shape[2] * r.shape[3] : 0;

  return (
    <WidgetFrame id="pooling" computedOn="cpu" title={t('Pooling', '汇聚（池化）')} onPresenterStep={win.onPresenterStep}>
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
        {axes.map((a) => (
          <fieldset key={a.fields[0]}>
            <legend>{a.legend}</legend>
            {a.fields.map((f, i) => slider(f, a.names[i], i === 3 && s.strideAuto))}
          </fieldset>
        ))}
      </div>
      <label className="w-check">
        <input type="checkbox" checked={s.strideAuto} onChange={(e) => change('strideAuto', e.target.checked)} />
        {t('Stride = window (PyTorch’s default)', '步幅 = 窗口（PyTorch 默认）')}
      </label>
      {slider('channels', t('Channels (X, X + 1, …)', '通道数（X, X + 1, …）'))}
      <div className="w-presets" role="group" aria-label={t('Shortcuts', '快捷设置')}>
        <button type="button" onClick={applyPreset({})}>
          {t('The text’s example: MaxPool2d(3, padding=1, stride=2)', '正文示例：MaxPool2d(3, padding=1, stride=2)')}
        </button>
        <button type="button" onClick={applyPreset({ kh: 2, kw: 3, ph: 0, pw: 1, sh: 2, sw: 3 })}>
          {t('The text’s example: window (2, 3), stride (2, 3), padding (0, 1)', '正文示例：窗口 (2, 3)，步幅 (2, 3)，填充 (0, 1)')}
        </button>
      </div>
      <pre className="w-code">
        <Code lang="python" code={code} />
      </pre>

      <div className="w-channels">
        {/* Channels counted from 0, as in the chapters and the code (channel c is X + c); MatrixGrid adds its cells' ordinal rows and columns. */}
        {Array.from({ length: s.channels }, (_, c) => (
          <div className="w-grids" key={c} data-channel={c}>
            <figure className="w-grid">
              <figcaption>
                {t(`Channel ${c}: X${c ? ` + ${c}` : ''}, padded (${s.mode === 'max' ? 'padding counts as −∞' : 'padding counts as 0'})`, `通道 ${c}：X${c ? ` + ${c}` : ''}，已填充（${s.mode === 'max' ? '填充视为 −∞' : '填充视为 0'}）`)}
              </figcaption>
              {r ? <MatrixGrid values={r.padded.subarray(c * plane, (c + 1) * plane)} rows={g.paddedH} cols={g.paddedW} label={t(`Input channel ${c}`, `输入通道 ${c}`)} padding={pads} highlight={under} cellSize={32} /> : <PendingMatrix rows={g.paddedH} cols={g.paddedW} cellSize={32} text={t('Computing…', '计算中…')} />}
            </figure>
            <figure className="w-grid" data-result-seq={res.seq} data-presenter-steps>
              <figcaption>{t(`Output channel ${c}`, `输出通道 ${c}`)}</figcaption>
              {r ? (
                <MatrixGrid values={r.y.subarray(c * outPlane, (c + 1) * outPlane)} rows={r.shape[2]} cols={r.shape[3]} label={t(`Output channel ${c}`, `输出通道 ${c}`)} selected={pos} onSelect={win.pick} cellSize={32} />
              ) : ok ? (
                <PendingMatrix rows={g.outH} cols={g.outW} cellSize={32} text={t('Computing…', '计算中…')} />
              ) : (
                <p className="w-wait">{t('Computing…', '计算中…')}</p>
              )}
            </figure>
          </div>
        ))}
      </div>

      {count > 0 ? <WindowSteps win={win} count={count} outW={g.outW} /> : null}

      <div className="w-formula" data-formula-shape={`${s.channels}x${g.outH}x${g.outW}`}>
        <Tex tex={axisTex('h')} />
        <Tex tex={axisTex('w')} />
        <span>{notation(t(`(p_h = 2 × padding = ${2 * s.ph}, p_w = ${2 * s.pw})`, `（p_h = 2 × 填充 = ${2 * s.ph}，p_w = ${2 * s.pw}）`))}</span>
        <ShapeCheck label={r ? `${t('engine: ', '引擎：')}X.shape = [${r.inShape.join(', ')}] → Y.shape` : ''} shape={r ? r.shape : null} same={same} />
      </div>
      {r ? (
        <p className="w-channels-note">
          {t(`${r.inShape[1]} channel${r.inShape[1] > 1 ? 's' : ''} in, ${r.shape[1]} out: each channel is pooled on its own, nothing is summed across channels.`, `输入 ${r.inShape[1]} 个通道，输出 ${r.shape[1]} 个通道：每个通道单独汇聚，不在通道之间求和。`)}
        </p>
      ) : null}
      <Announce text={announced} />
      <EngineError className="w-error" prefix={t('The engine could not compute this: ', '引擎无法计算：')} error={res.error} />
    </WidgetFrame>
  );
}

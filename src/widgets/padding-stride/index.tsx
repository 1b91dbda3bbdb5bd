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
import { say, useTr } from '../common/i18n';
import { computePaddingStride } from './compute';
import { DEFAULTS, LIMITS, geometry, paddingCells, paddingOnlyNote, samePadding, sanitize, tryChange, validate, windowCells, type Field, type PaddingStrideSettings } from './geometry';
import '../widgets.css';
import { notation } from '../common/Notation';
import { Code } from '../common/Code';

export interface PaddingStrideProps {
  stateKey?: string;
}

const SPEC = { validate, geometry, compute: computePaddingStride, padding: paddingCells, window: windowCells };

/** Padding and stride: the window over the zero-padded input, and the output-size formula next to the engine's shape. */
export function PaddingStride({ stateKey = 'padding-stride' }: PaddingStrideProps) {
  const t = useTr();
  const [s, setS] = useUrlState<PaddingStrideSettings>(stateKey, DEFAULTS, sanitize);
  const checks = useFieldProblem<Field>();

  const { ok, g, count, win, res, pads, under } = useGridWindow(s, SPEC);
  const pos = win.pos;
  // Computed in this render (useCpuResult): the result for these settings, or the last valid one.
  const r = res.value;

  const change = (field: Field, value: number) =>
    checks.settle(tryChange(s, field, value), (next) => {
      win.setPlaying(false);
      setS(next);
    });

  // The result in one sentence for screen readers: the engine's output shape and the settings that gave it.
  const announced =
    r && res.fresh
      ? t(
          `Output ${r.shape[2]} × ${r.shape[3]} (input ${s.nh} × ${s.nw}, kernel ${s.kh} × ${s.kw}, padding ${s.ph} × ${s.pw}, stride ${s.sh} × ${s.sw}).`,
          `输出 ${r.shape[2]} × ${r.shape[3]}（输入 ${s.nh} × ${s.nw}，卷积核 ${s.kh} × ${s.kw}，填充 ${s.ph} × ${s.pw}，步幅 ${s.sh} × ${s.sw}）。`,
        )
      : null;

  // Padding may be wider than the kernel (the sliders allow it, to show it): say which outputs then see only zeros.
  const onlyPadding = ok ? paddingOnlyNote(s, g) : null;

  const axisTex = (a: 'h' | 'w') => (a === 'h' ? notesSizeTex(a, s.nh, s.kh, s.ph, s.sh, g.outH) : notesSizeTex(a, s.nw, s.kw, s.pw, s.sw, g.outW));
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

  const slider = (f: Field, label: string, fmt?: (v: number) => string) => (
    <Slider key={f} label={label} value={s[f]} min={LIMITS[f][0]} max={LIMITS[f][1]} onChange={(v) => change(f, v)} format={fmt} hint={checks.hint(f)} />
  );
  // Each padding slider says how its total splits: the extra row (column) of an odd total goes first.
  const split2 = (v: number) => [Math.ceil(v / 2), Math.floor(v / 2)];
  const axes = [
    {
      legend: t('Height', '高度'),
      fields: ['nh', 'kh', 'ph', 'sh'] as const,
      names: [t('Input height n_h', '输入高 n_h'), t('Kernel height k_h', '卷积核高 k_h'), t('Total padding p_h', '总填充 p_h'), t('Stride s_h', '步幅 s_h')],
      pad: (v: number) => t(`${v} (${split2(v)[0]} top, ${split2(v)[1]} bottom)`, `${v}（上 ${split2(v)[0]}，下 ${split2(v)[1]}）`),
    },
    {
      legend: t('Width', '宽度'),
      fields: ['nw', 'kw', 'pw', 'sw'] as const,
      names: [t('Input width n_w', '输入宽 n_w'), t('Kernel width k_w', '卷积核宽 k_w'), t('Total padding p_w', '总填充 p_w'), t('Stride s_w', '步幅 s_w')],
      pad: (v: number) => t(`${v} (${split2(v)[0]} left, ${split2(v)[1]} right)`, `${v}（左 ${split2(v)[0]}，右 ${split2(v)[1]}）`),
    },
  ];
  const preset = (fn: (prev: PaddingStrideSettings) => PaddingStrideSettings) => () => {
    checks.clear();
    setS(fn);
  };

  return (
    <WidgetFrame id="padding-stride" computedOn="cpu" title={t('Padding and stride', '填充和步幅')} onPresenterStep={win.onPresenterStep}>
      <div className="w-axes">
        {axes.map((a) => (
          <fieldset key={a.fields[0]}>
            <legend>{a.legend}</legend>
            {a.fields.map((f, i) => slider(f, a.names[i], i === 2 ? a.pad : undefined))}
          </fieldset>
        ))}
      </div>
      <div className="w-presets" role="group" aria-label={t('Shortcuts', '快捷设置')}>
        <button type="button" onClick={preset((prev) => ({ ...prev, ph: samePadding(prev.kh), pw: samePadding(prev.kw), sh: 1, sw: 1 }))}>
          {t('Keep the size: p = k − 1, s = 1', '保持尺寸：p = k − 1，s = 1')}
        </button>
        <button type="button" onClick={preset(() => ({ ...DEFAULTS }))}>
          {t('The text’s padding example', '正文的填充示例')}
        </button>
        <button type="button" onClick={preset(() => ({ ...DEFAULTS, sh: 3, sw: 2 }))}>
          {t('The text’s example: stride 3 × 2', '正文示例：步幅 3 × 2')}
        </button>
      </div>

      <ul className="w-split">
        <li>{notation(split('h'))}</li>
        <li>{notation(split('w'))}</li>
      </ul>
      <pre className="w-code">
        <Code lang="python" code={torchCode} />
      </pre>

      <div className="w-grids">
        <figure className="w-grid">
          <figcaption>{t(`Padded input (${g.paddedH} × ${g.paddedW}); hatched cells with dashed borders are padding`, `填充后的输入（${g.paddedH} × ${g.paddedW}）；虚线边框的斜线格为填充`)}</figcaption>
          {r ? <MatrixGrid values={r.padded} rows={g.paddedH} cols={g.paddedW} label={t('Padded input', '填充后的输入')} padding={pads} highlight={under} cellSize={32} /> : <PendingMatrix rows={g.paddedH} cols={g.paddedW} cellSize={32} text={t('Computing…', '计算中…')} />}
        </figure>
        <figure className="w-grid">
          <figcaption>{notation(t('Kernel K = arange(k_h·k_w)', '卷积核 K = arange(k_h·k_w)'))}</figcaption>
          {r ? <MatrixGrid values={r.kernel} rows={s.kh} cols={s.kw} label={t('Kernel K', '卷积核 K')} cellSize={32} /> : ok ? <PendingMatrix rows={s.kh} cols={s.kw} cellSize={32} text={t('Computing…', '计算中…')} /> : null}
        </figure>
        <figure className="w-grid" data-result-seq={res.seq} data-presenter-steps>
          <figcaption>{t('Output Y', '输出 Y')}</figcaption>
          {r ? <MatrixGrid values={r.y} rows={r.shape[2]} cols={r.shape[3]} label={t('Output Y', '输出 Y')} selected={pos} onSelect={win.pick} cellSize={32} /> : ok ? <PendingMatrix rows={g.outH} cols={g.outW} cellSize={32} text={t('Computing…', '计算中…')} /> : <p className="w-wait">{t('Computing…', '计算中…')}</p>}
        </figure>
      </div>

      <p className="w-notice w-notice-rare" data-part="padding-only">
        {onlyPadding ? notation(say(t, onlyPadding)) : ''}
      </p>

      {count > 0 ? <WindowSteps win={win} count={count} outW={g.outW} /> : null}

      <div className="w-formula" data-formula-shape={`${g.outH}x${g.outW}`}>
        <Tex tex={axisTex('h')} />
        <Tex tex={axisTex('w')} />
        <ShapeCheck label={t('engine: Y.shape', '引擎：Y.shape')} shape={r ? r.shape : null} same={same} />
      </div>
      <Announce text={announced} />
      <EngineError className="w-error" prefix={t('The engine could not compute this: ', '引擎无法计算：')} error={res.error} />
    </WidgetFrame>
  );
}

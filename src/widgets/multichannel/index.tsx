import { Fragment, useMemo, useState, type ReactNode } from 'react';
import '../widgets-b.css';
import './multichannel.css';
import { Generator } from '../../engine';
import { MatrixGrid } from '../common/MatrixGrid';
import { NumberField, type FieldProblem } from '../common/NumberField';
import { Slider } from '../common/Slider';
import { WidgetFrame } from '../common/WidgetFrame';
import { useUrlState } from '../common/useUrlState';
import { groupDigits } from '../common/format';
import { outSize, windowCells } from '../common/grid';
import { useTr, type Tr } from '../common/i18n';
import { PendingMatrix } from '../common/PendingMatrix';
import { EngineError } from '../common/EngineError';
import { Announce } from '../common/Announce';
import { outputState, useCpuResult } from '../common/useEngineResult';
import { computeMultiChannel, convParamCount, MC1_DEFAULTS, MC_DEFAULTS, MC_LIMITS, MCP_DEFAULTS, reshapeValues, type MCParamSettings, type MCSettings } from './compute';
import { sanitizeMC, sanitizeMC1, sanitizeMCP, withShape } from './settings';
import { notation } from '../common/Notation';
import { ParamCount, paramSentence } from './ParamCount';
import { kernelsNote } from './words';

function fmtNum(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Number.isInteger(v) ? String(v) : v.toFixed(3).replace(/\.?0+$/, '');
}

/** The parts a chapter can embed on their own, each in the section that teaches it. */
export const MULTICHANNEL_PARTS = ['channels', '1x1', 'params'] as const;
export type MultiChannelPart = (typeof MULTICHANNEL_PARTS)[number];

export interface MultiChannelProps {
  /**
   * 'channels': inputs, kernels and outputs, channel by channel; '1x1': a 1×1 convolution
   * as a dense layer at every pixel; 'params': the layer's parameter count. None: every
   * part, as on the lab page. Each part a chapter embeds has settings of its own, so that one
   * part's example never replaces another's higher on the page: the channels part has the
   * URL key 'mc', the 1×1 part 'mc1' (opening on the text's 1×1 example), and the parameter
   * count, whose layers go up to 512 channels and 7 × 7 kernels, 'mcp'. The lab page shows
   * every part under one set of sliders and examples, so its channels and 1×1 sections share
   * 'mc': the sliders above them change both, and its 1×1 section explains the layer drawn above.
   */
  part?: MultiChannelPart;
}

/**
 * Widget 6: multi-input, multi-output channel convolution. Every output number is the
 * engine's conv2d; the per-channel maps are the engine's single-channel correlations.
 */
export function MultiChannel({ part }: MultiChannelProps) {
  const t = useTr();
  const shows = (p: MultiChannelPart) => part === undefined || part === p;
  // The 1×1 part alone keeps its own settings; the channels part and the lab page share 'mc'.
  const [s, setMc] = useUrlState<MCSettings>(part === '1x1' ? 'mc1' : 'mc', part === '1x1' ? MC1_DEFAULTS : MC_DEFAULTS, part === '1x1' ? sanitizeMC1 : sanitizeMC);
  // The parameter count's own settings: far larger layers than the other parts draw.
  const [ps, setMcp] = useUrlState<MCParamSettings>('mcp', MCP_DEFAULTS, sanitizeMCP);
  // Which of the two the reader changed last: the one the live region speaks for.
  const [spoke, setSpoke] = useState<'mc' | 'mcp'>(part === 'params' ? 'mcp' : 'mc');
  const set = (next: (p: MCSettings) => MCSettings) => {
    setSpoke('mc');
    setMc(next);
  };
  const setParams = (next: (p: MCParamSettings) => MCParamSettings) => {
    setSpoke('mcp');
    setMcp(next);
  };
  const key = JSON.stringify([s.ci, s.co, s.h, s.w, s.kh, s.kw, s.X, s.K, s.b]);
  const result = useCpuResult(part === 'params' ? null : key, () => computeMultiChannel(s));
  const paramResult = useCpuResult(shows('params') ? JSON.stringify([ps.ci, ps.co, ps.kh, ps.kw]) : null, () => convParamCount(ps));
  // After a failed computation the last result stays on screen, as long as its shapes still fit.
  const oh = outSize(s.h, s.kh, 0, 1);
  const ow = outSize(s.w, s.kw, 0, 1);
  const r = result.value && result.value.perChannel.length === s.co && result.value.perChannel[0].length === s.ci && result.value.oh === oh && result.value.ow === ow && (s.kh === 1 && s.kw === 1) === (result.value.dense !== null) ? result.value : null;
  const [po, pi, pj] = s.pick;
  const pickIdx = pi * ow + pj;
  const win = useMemo(() => windowCells({ cols: s.w, outW: ow, kh: s.kh, kw: s.kw }, pickIdx), [s.w, ow, s.kh, s.kw, pickIdx]);

  const editX = (c: number, idx: number, v: number) =>
    set((p) => {
      const X = p.X.map((ch) => ch.map((row) => row.slice()));
      X[c][Math.floor(idx / p.w)][idx % p.w] = v;
      return { ...p, X };
    });
  const editK = (o: number, c: number, idx: number, v: number) =>
    set((p) => {
      const K = p.K.map((oc) => oc.map((ch) => ch.map((row) => row.slice())));
      K[o][c][Math.floor(idx / p.kw)][idx % p.kw] = v;
      return { ...p, K };
    });
  // A typed value out of range is refused while typed and clamped when the cell is left; the
  // notice says so, on screen and to a screen reader (it stays after the clamp, until the
  // next accepted value).
  const [notice, setNotice] = useState<string | null>(null);
  const cellProblem = (problem: FieldProblem | null, text: string) => {
    if (problem === 'range') {
      const max = MC_LIMITS.maxAbs;
      const near = groupDigits(Math.max(-max, Math.min(max, Number(text))));
      setNotice(t(`Values are kept between −${groupDigits(max)} and ${groupDigits(max)}: ${text} is outside, and leaving the cell keeps ${near}.`, `数值限制在 −${groupDigits(max)} 到 ${groupDigits(max)} 之间：${text} 超出范围，离开单元格时取 ${near}。`));
    } else if (problem === null) setNotice(null);
  };
  const editB = (o: number, v: number) => set((p) => ({ ...p, b: p.b.map((x, i) => (i === o ? v : x)) }));
  const pick = (o: number, idx: number) => set((p) => ({ ...p, pick: [o, Math.floor(idx / outSize(p.w, p.kw, 0, 1)), idx % outSize(p.w, p.kw, 0, 1)] }));

  const randomise = () =>
    set((p) => {
      // Small integers drawn by the engine's seeded generator (seed from the clock, so each press differs).
      const gen = new Generator(Date.now() % 1_000_000);
      const toInts = (n: number) => Array.from({ length: n }, () => Math.floor(gen.nextFloat() * 7) - 3);
      const xs = toInts(p.ci * p.h * p.w);
      const ks = toInts(p.co * p.ci * p.kh * p.kw);
      const X = Array.from({ length: p.ci }, (_, c) => Array.from({ length: p.h }, (_, i) => Array.from({ length: p.w }, (_, j) => xs[(c * p.h + i) * p.w + j])));
      const K = Array.from({ length: p.co }, (_, o) =>
        Array.from({ length: p.ci }, (_, c) => Array.from({ length: p.kh }, (_, i) => Array.from({ length: p.kw }, (_, j) => ks[((o * p.ci + c) * p.kh + i) * p.kw + j]))),
      );
      return { ...p, X, K };
    });
  const notes = () => set(() => MC_DEFAULTS);
  const stackThree = () =>
    set(() => {
      const shape = { ...MC_DEFAULTS, co: 3 };
      return { ...shape, ...reshapeValues(shape), pick: [0, 0, 0] };
    });
  const oneByOne = () => set(() => MC1_DEFAULTS);

  // Channels, kernels, biases and positions are counted from 0, as in the chapters and the code:
  // X[c], K[o, c], b_o, Y[o] and Y[o, i, j]. (MatrixGrid adds its cells' ordinal rows and columns to the grid names.)
  const chName = (c: number) => t(`channel ${c}`, `通道 ${c}`);
  const pickedParts = r ? r.perChannel[po]?.map((m) => m[pickIdx]) : null;
  /** Output channel o as a grid whose cells pick the position the sums below explain. */
  const outputFigure = (o: number, caption: string) => (
    <figure className="b-fig" data-part="output" data-channel={o}>
      <figcaption>{caption}</figcaption>
      {r ? (
        <MatrixGrid
          values={r.out.subarray(o * oh * ow, (o + 1) * oh * ow)}
          rows={oh}
          cols={ow}
          label={t(`Output Y[${o}]`, `输出 Y[${o}]`)}
          selected={o === po ? pickIdx : null}
          onSelect={(idx) => pick(o, idx)}
        />
      ) : (
        <PendingMatrix rows={oh} cols={ow} />
      )}
    </figure>
  );
  // The result in one sentence for screen readers, from the engine's result: its output shape and channel counts (the parameters part speaks for itself).
  const channels = (n: number, what: string) => `${n} ${what} channel${n > 1 ? 's' : ''}`;
  const announced =
    r && result.fresh && part !== 'params'
      ? t(
          `Output ${r.perChannel.length} × ${r.oh} × ${r.ow}: ${channels(r.perChannel[0].length, 'input')}, ${channels(r.perChannel.length, 'output')}, kernel ${s.kh} × ${s.kw}.`,
          `输出 ${r.perChannel.length} × ${r.oh} × ${r.ow}：${r.perChannel[0].length} 个输入通道，${r.perChannel.length} 个输出通道，卷积核 ${s.kh} × ${s.kw}。`,
        )
      : null;

  // A kernel side is at most the input's along the same axis.
  const kernelSides = [
    { field: 'kh', side: s.h, label: t('Kernel height k_h', '卷积核高度 k_h'), hint: t(`At most the input height (${s.h}).`, `不超过输入高度（${s.h}）。`) },
    { field: 'kw', side: s.w, label: t('Kernel width k_w', '卷积核宽度 k_w'), hint: t(`At most the input width (${s.w}).`, `不超过输入宽度（${s.w}）。`) },
  ] as const;

  const onPresenterStep = (dir: 1 | -1) => {
    if (part === 'params') return false;
    const idx = (po * oh + pi) * ow + pj + dir;
    if (idx < 0 || idx >= s.co * oh * ow) return false;
    set((p) => ({ ...p, pick: [Math.floor(idx / (oh * ow)), Math.floor((idx % (oh * ow)) / ow), idx % ow] }));
    return true;
  };

  // Each example button, and the parts that offer it.
  const examples = (
    [
      [['channels'], notes, t('The text’s example: 2 channels in, 1 out', '正文示例：2 个输入通道，1 个输出通道')],
      [['channels'], stackThree, t('Stack K, K+1, K+2 (3 out)', '堆叠 K、K+1、K+2（3 个输出通道）')],
      [['1x1'], oneByOne, t('1×1 kernels: 3 in, 2 out', '1×1 卷积核：3 入 2 出')],
      [['channels', '1x1'], randomise, t('Random values', '随机数值')],
    ] as const
  ).filter(([parts]) => part === undefined || (parts as readonly MultiChannelPart[]).includes(part));
  const sizeSliders = (
    <>
      <Slider label={t('Input height', '输入高度')} value={s.h} min={MC_LIMITS.minSide} max={MC_LIMITS.maxSide} onChange={(v) => set((p) => withShape(p, { h: v }))} />
      <Slider label={t('Input width', '输入宽度')} value={s.w} min={MC_LIMITS.minSide} max={MC_LIMITS.maxSide} onChange={(v) => set((p) => withShape(p, { w: v }))} />
    </>
  );
  const channelSliders = (
    <>
      <Slider label={t('Input channels c_i', '输入通道数 c_i')} value={s.ci} min={1} max={MC_LIMITS.maxCi} onChange={(v) => set((p) => withShape(p, { ci: v }))} />
      <Slider label={t('Output channels c_o', '输出通道数 c_o')} value={s.co} min={1} max={MC_LIMITS.maxCo} onChange={(v) => set((p) => withShape(p, { co: v }))} />
    </>
  );
  const kernelSliders = kernelSides.map((k) => (
    <Slider
      key={k.field}
      label={k.label}
      value={s[k.field]}
      min={1}
      max={Math.min(MC_LIMITS.maxK, k.side)}
      disabled={k.side === 1}
      onChange={(v) => set((p) => withShape(p, { [k.field]: v }))}
      hint={k.side < MC_LIMITS.maxK ? k.hint : undefined}
    />
  ));
  const title = part === '1x1' ? t('1×1 convolution = a dense layer at every pixel', '1×1 卷积 = 在每个像素上的全连接层') : part === 'params' ? t('Parameters of a convolutional layer', '卷积层的参数数量') : t('Multiple input and output channels', '多输入多输出通道');

  return (
    <WidgetFrame id="multichannel" part={part} title={title} onPresenterStep={onPresenterStep} computedOn="cpu">
      {examples.length > 0 ? (
        <div className="b-toolbar" role="group" aria-label={t('Examples', '示例')}>
          <span className="b-toolbar-label">{t('Examples:', '示例：')}</span>
          {examples.map(([, onClick, label]) => (
            <button key={label} type="button" onClick={onClick}>
              {label}
            </button>
          ))}
        </div>
      ) : null}
      {part !== 'params' ? (
        <div className="b-controls">
          {channelSliders}
          {sizeSliders}
          {part !== '1x1' ? kernelSliders : null}
        </div>
      ) : null}

      <p className="w-notice w-notice-rare">{notice ?? ''}</p>

      {shows('channels') ? (
        <>
          <section className="mc-input" aria-label={t('Input X', '输入 X')}>
            <h4 className="b-subtitle">
              {t('Input X', '输入 X')} <span className="b-shape">{`${s.ci} × ${s.h} × ${s.w}`}</span>
            </h4>
            <div className="b-row">
              {s.X.map((ch, c) => (
                <figure key={c} className="b-fig" data-part="input" data-channel={c}>
                  <figcaption>{`X[${c}]`}</figcaption>
                  <MatrixGrid values={ch.flat()} rows={s.h} cols={s.w} label={t(`Input X[${c}]`, `输入 X[${c}]`)} highlight={win} onEdit={(idx, v) => editX(c, idx, v)} editMin={-MC_LIMITS.maxAbs} editMax={MC_LIMITS.maxAbs} onEditProblem={cellProblem} />
                </figure>
              ))}
            </div>
          </section>

          <div className="mc-state" data-state={outputState(result)} aria-busy={!result.fresh}>
            {s.K.map((ko, o) => (
              <section key={o} className="mc-out-row" data-out-channel={o} aria-label={t(`Output channel Y[${o}]`, `输出通道 Y[${o}]`)}>
                <h4 className="b-subtitle">
                  {t(`Kernel K[${o}]`, `卷积核 K[${o}]`)} <span className="b-shape">{`${s.ci} × ${s.kh} × ${s.kw}`}</span>
                  {' → '}
                  {t(`output channel Y[${o}]`, `输出通道 Y[${o}]`)}
                </h4>
                <div className="b-row mc-sum">
                  {ko.map((kc, c) => (
                    <div key={c} className="mc-term">
                      {c > 0 ? (
                        <span className="mc-op" aria-hidden="true">
                          +
                        </span>
                      ) : null}
                      <figure className="b-fig" data-part="kernel" data-channel={c}>
                        <figcaption>{`K[${o}, ${c}]`}</figcaption>
                        <MatrixGrid values={kc.flat()} rows={s.kh} cols={s.kw} label={t(`Kernel K[${o}, ${c}]`, `卷积核 K[${o}, ${c}]`)} onEdit={(idx, v) => editK(o, c, idx, v)} editMin={-MC_LIMITS.maxAbs} editMax={MC_LIMITS.maxAbs} onEditProblem={cellProblem} />
                      </figure>
                      <span className="mc-op" aria-hidden="true">
                        {`⋆ X[${c}] =`}
                      </span>
                      <figure className="b-fig" data-part="partial" data-channel={c}>
                        <figcaption>{t(`${chName(c)} correlation`, `${chName(c)} 的互相关`)}</figcaption>
                        {r ? (
                          <MatrixGrid values={r.perChannel[o][c]} rows={oh} cols={ow} label={t(`Kernel K[${o}], correlation of ${chName(c)}`, `卷积核 K[${o}]，${chName(c)} 的互相关`)} selected={o === po ? pickIdx : null} />
                        ) : (
                          <PendingMatrix rows={oh} cols={ow} />
                        )}
                      </figure>
                    </div>
                  ))}
                  <span className="mc-op" aria-hidden="true">
                    +
                  </span>
                  <label className="mc-bias">
                    <span>{notation(t(`bias b_${o}`, `偏置 b_${o}`))}</span>
                    <NumberField value={s.b[o]} min={-MC_LIMITS.maxAbs} max={MC_LIMITS.maxAbs} aria-label={t(`Bias b_${o} of output channel Y[${o}]`, `输出通道 Y[${o}] 的偏置 b_${o}`)} onCommit={(v) => editB(o, v)} />
                  </label>
                  <span className="mc-op" aria-hidden="true">
                    =
                  </span>
                  {outputFigure(o, t(`Output Y[${o}]`, `输出 Y[${o}]`))}
                </div>
              </section>
            ))}
          </div>

          {r && pickedParts ? (
            <p className="b-explain" data-part="explain">
              {t(`Output channel ${po}, row ${pi}, column ${pj}: Y[${po}, ${pi}, ${pj}] = `, `输出通道 ${po}，第 ${pi} 行第 ${pj} 列：Y[${po}, ${pi}, ${pj}] = `)}
              {pickedParts.map((v, c) => `${c > 0 ? ' + ' : ''}${fmtNum(v)}`).join('')}
              {` + ${fmtNum(s.b[po])} = `}
              <strong data-value={r.out[po * oh * ow + pickIdx]}>{fmtNum(r.out[po * oh * ow + pickIdx])}</strong>
              {t(' (one correlation per input channel, summed, plus the bias).', '（每个输入通道一次互相关，求和，再加偏置）。')}
            </p>
          ) : null}

          <section className="mc-stack" aria-label={t('Stacked output', '堆叠的输出')}>
            <h4 className="b-subtitle">
              {t('Stacked output Y', '堆叠的输出 Y')} <span className="b-shape" data-part="out-shape">{r ? `${s.co} × ${r.oh} × ${r.ow}` : '…'}</span>
            </h4>
            <div className="mc-stack-cards" style={{ ['--mc-depth' as string]: s.co }}>
              {Array.from({ length: s.co }, (_, o) => (
                <div key={o} className="mc-stack-card" style={{ ['--mc-i' as string]: o }} aria-hidden="true">
                  <span>{`Y[${o}]`}</span>
                </div>
              ))}
            </div>
            <p className="b-note" data-part="kernels-note">{kernelsNote(t, s.ci, s.co)}</p>
          </section>
        </>
      ) : null}

      {shows('params') ? <ParamCount s={ps} set={setParams} result={paramResult} heading={part === undefined} /> : null}

      {shows('1x1') ? (
        <section className="mc-1x1" aria-label={t('1×1 convolution', '1×1 卷积')}>
          {part === undefined ? <h4 className="b-subtitle">{t('1×1 convolution = a dense layer at every pixel', '1×1 卷积 = 在每个像素上的全连接层')}</h4> : null}
          {s.kh === 1 && s.kw === 1 ? (
            <>
              {part === '1x1' ? (
                // The conv2d output, where a click picks the pixel the dense layer is shown at.
                <div className="b-row mc-pick" data-state={outputState(result)} aria-busy={!result.fresh}>
                  {Array.from({ length: s.co }, (_, o) => (
                    <Fragment key={o}>{outputFigure(o, t(`conv2d output Y[${o}]`, `conv2d 输出 Y[${o}]`))}</Fragment>
                  ))}
                </div>
              ) : null}
              <OneByOne s={s} dense={r?.dense ?? null} out={r?.out ?? null} t={t} />
            </>
          ) : (
            <p>
              {t('With a 1×1 kernel the only computation runs across channels. ', '卷积核为 1×1 时，计算只发生在通道之间。')}
              <button type="button" onClick={() => set((p) => withShape(p, { kh: 1, kw: 1 }))}>
                {t('Use 1×1 kernels', '改用 1×1 卷积核')}
              </button>
            </p>
          )}
        </section>
      ) : null}
      <Announce text={notice ?? (spoke === 'mcp' ? (paramResult.value && paramResult.fresh ? paramSentence(t, ps, paramResult.value.params) : null) : announced)} />
      <EngineError className="b-problem" error={result.error} />
    </WidgetFrame>
  );
}

export function OneByOne({ s, dense, out, t }: { s: MCSettings; dense: Float32Array | null; out: Float32Array | null; t: Tr }) {
  const W = s.K.map((oc) => oc.map((ch) => ch[0][0]));
  const [, pi, pj] = s.pick;
  const px = pi * s.w + pj;
  const xVec = s.X.map((ch) => ch[pi][pj]);
  const maxDiff = dense && out ? dense.reduce((m, v, i) => Math.max(m, Math.abs(v - out[i])), 0) : null;
  const yVec = dense ? Array.from({ length: s.co }, (_, o) => dense[o * s.h * s.w + px]) : null;
  // The pixel as the chapters count it, from 0: (row, column).
  const at = `(${pi}, ${pj})`;
  // Each operator travels with the term after it, so a narrow screen breaks the line before an operator, never after one.
  const term = (op: string | null, caption: string, grid: ReactNode) => (
    <span className="mc-eq-term">
      {op ? (
        <span className="mc-op" aria-hidden="true">
          {op}
        </span>
      ) : null}
      <figure className="b-fig">
        <figcaption>{notation(caption)}</figcaption>
        {grid}
      </figure>
    </span>
  );
  return (
    <div className="mc-dense" data-part="dense">
      <div className="mc-eq" role="group" aria-label={t(`W times x plus b equals y, at pixel ${at}`, `像素 ${at} 处：W 乘 x 加 b 等于 y`)}>
        {term(null, t(`W, c_o × c_i = ${s.co} × ${s.ci}`, `W，c_o × c_i = ${s.co} × ${s.ci}`), <MatrixGrid values={W.flat()} rows={s.co} cols={s.ci} label={t('Weight matrix W', '权重矩阵 W')} />)}
        {term('×', t(`x at ${at}`, `x，像素 ${at}`), <MatrixGrid values={xVec} rows={s.ci} cols={1} label={t('Pixel vector x', '像素向量 x')} />)}
        {term('+', 'b', <MatrixGrid values={s.b} rows={s.co} cols={1} label={t('Bias b', '偏置 b')} />)}
        {term('=', t(`y at ${at}`, `y，像素 ${at}`), yVec ? <MatrixGrid values={yVec} rows={s.co} cols={1} label={t('Dense output y at the pixel', '该像素的全连接输出 y')} /> : <PendingMatrix rows={s.co} cols={1} />)}
      </div>
      <p className="b-note">
        {notation(
          t(
            `W has one row of weights per output channel; x is the column of the ${s.ci} input channels’ values at pixel ${at}; b holds one bias per output channel; y, from the engine’s matmul, is the ${s.co} output channels at that pixel.`,
            `W 的每一行是一个输出通道的权重；x 是像素 ${at} 处 ${s.ci} 个输入通道的值组成的列；b 是每个输出通道的偏置；y 由引擎的矩阵乘法算出，是该像素处的 ${s.co} 个输出通道。`,
          ),
        )}
      </p>
      <p className="b-note" data-part="dense-check" data-value={maxDiff ?? undefined}>
        {maxDiff === null
          ? '…'
          : t(
              `W (${s.co}×${s.ci}) times X reshaped to ${s.ci}×${s.h * s.w} gives every pixel at once; its largest difference from conv2d is ${maxDiff}. Pick a pixel by clicking an output cell.`,
              `W（${s.co}×${s.ci}）乘以变形为 ${s.ci}×${s.h * s.w} 的 X，一次算出所有像素；它与 conv2d 的最大差为 ${maxDiff}。点击输出单元格可选择像素。`,
            )}
      </p>
    </div>
  );
}

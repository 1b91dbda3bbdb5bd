import { useCallback, useId, useMemo, useState, type ReactNode } from 'react';
import { WidgetFrame } from '../common/WidgetFrame';
import { MatrixGrid } from '../common/MatrixGrid';
import { PendingMatrix } from '../common/PendingMatrix';
import { Slider } from '../common/Slider';
import { StepControls } from '../common/StepControls';
import { EngineError } from '../common/EngineError';
import { Announce } from '../common/Announce';
import { TableHead } from '../common/TableHead';
import { useUrlState } from '../common/useUrlState';
import { outputState, useCpuResult } from '../common/useEngineResult';
import { colon, useTr, type Tr } from '../common/i18n';
import { LineChartView } from '../training/Charts';
import type { LineSummary, Series } from '../../charts/lineChart';
import { SPREAD_SIZES, computeBatchMeans, computeNormalise, computeRunning, computeSpread, featureMap } from './compute';
import {
  CHANNELS,
  DEFAULTS,
  MAX_BATCH,
  RANGES,
  SEED_MAX,
  SIDE,
  STEPS,
  presenterSize,
  sanitize,
  withBatchSize,
  withChannelValue,
  type BatchNormSettings,
  type ChannelField,
  type Mode,
} from './settings';
import '../widgets.css';
import '../widgets-b.css';
import './batch-norm.css';
import { notation } from '../common/Notation';
import { ScrollRegion } from '../common/ScrollRegion';
import '../common/scroll-cue.css';
import { Code } from '../common/Code';

/** The parts a chapter can embed on their own, each in the section that teaches it. */
export const BATCH_NORM_PARTS = ['normalise', 'batch-size', 'running'] as const;
export type BatchNormPart = (typeof BATCH_NORM_PARTS)[number];

export interface BatchNormProps {
  /**
   * 'normalise': a batch, its per-channel statistics and the normalised output;
   * 'batch-size': how the batch mean scatters as the batch shrinks; 'running': training
   * steps, the running statistics, and training versus evaluation mode. None: every part,
   * as on the lab page. The parts share the URL key 'batch-norm' unless stateKey is given.
   */
  part?: BatchNormPart;
  stateKey?: string;
}

const CELL = 44;

/** A number as the widget shows it: three decimals, a real minus sign. */
export function num(v: number, digits = 3): string {
  if (!Number.isFinite(v)) return v > 0 ? '∞' : v < 0 ? '−∞' : 'NaN';
  const s = v.toFixed(digits);
  return (/^-0\.0*$/.test(s) ? s.slice(1) : s).replace('-', '−');
}

const channelName = (t: Tr, c: number) => t(`channel ${c + 1}`, `通道 ${c + 1}`);
const Channel = (t: Tr, c: number) => t(`Channel ${c + 1}`, `通道 ${c + 1}`);

/** A table cell holding one number: the full value in data-value, three decimals on screen. */
function Num({ v, stat, channel }: { v: number | undefined; stat: string; channel?: number }) {
  return (
    <td className="num" data-stat={stat} data-channel={channel} data-value={v}>
      {v === undefined ? '…' : num(v)}
    </td>
  );
}

/** A running statistic before and after the step, each number in its own data-value. */
function BeforeAfter({ before, after, stat, channel }: { before: number | undefined; after: number | undefined; stat: string; channel: number }) {
  return (
    <td className="num">
      <span data-stat={`${stat}-before`} data-channel={channel} data-value={before}>
        {before === undefined ? '…' : num(before)}
      </span>
      {' → '}
      <strong data-stat={stat} data-channel={channel} data-value={after}>
        {after === undefined ? '…' : num(after)}
      </strong>
    </td>
  );
}

/** A table that scrolls sideways on narrow screens, in a region the keyboard can reach and scroll. */
function ScrollTable({ name, label, children }: { name: string; label: string; children: ReactNode }) {
  return (
    <ScrollRegion className="bn-scroll scroll-cue" label={label}>
      <table className="b-table bn-table" data-table={name}>
        <caption>{notation(label)}</caption>
        {children}
      </table>
    </ScrollRegion>
  );
}

/** Batch normalisation on a batch of 3-channel 4 × 4 feature maps, computed by the engine's BatchNorm2d. */
export function BatchNorm({ part, stateKey = 'batch-norm' }: BatchNormProps) {
  const t = useTr();
  const shows = (p: BatchNormPart) => part === undefined || part === p;
  const [s, setS] = useUrlState<BatchNormSettings>(stateKey, DEFAULTS, sanitize);

  const setN = useCallback((n: number) => setS((p) => withBatchSize(p, n)), [setS]);
  const setStep = useCallback((step: number) => setS((p) => ({ ...p, step: Math.min(STEPS, Math.max(1, step)) })), [setS]);

  const onPresenterStep = (dir: 1 | -1): boolean => {
    if (shows('running')) {
      const next = s.step + dir;
      if (next < 1 || next > STEPS) return false;
      setStep(next);
      return true;
    }
    if (part === 'batch-size') {
      const next = presenterSize(s.n, dir);
      if (next === null) return false;
      setN(next);
      return true;
    }
    const next = s.example + dir;
    if (next < 0 || next >= s.n) return false;
    setS((p) => ({ ...p, example: next }));
    return true;
  };

  const title =
    part === 'normalise'
      ? t('Normalising a batch of feature maps', '规范化一批特征图')
      : part === 'batch-size'
        ? t('Batch statistics and the batch size', '批量统计量与批量大小')
        : part === 'running'
          ? t('Running statistics: training versus evaluation mode', '移动统计量：训练模式与评估模式')
          : t('Batch normalisation', '批量规范化');

  return (
    <WidgetFrame id="batch-norm" computedOn="cpu" title={title} onPresenterStep={onPresenterStep}>
      <div className="bn" data-bn-part={part ?? 'all'}>
        <DataControls s={s} setS={setS} setN={setN} affine={shows('normalise')} />
        {shows('normalise') ? <NormalisePart s={s} setS={setS} /> : null}
        {shows('batch-size') ? <BatchSizePart s={s} /> : null}
        {shows('running') ? <RunningPart s={s} setS={setS} setStep={setStep} /> : null}
      </div>
    </WidgetFrame>
  );
}

type SetS = (next: BatchNormSettings | ((prev: BatchNormSettings) => BatchNormSettings)) => void;

/** The batch size, the channel being edited, its data distribution (and γ, β), and the seed. */
function DataControls({ s, setS, setN, affine }: { s: BatchNormSettings; setS: SetS; setN: (n: number) => void; affine: boolean }) {
  const t = useTr();
  const name = useId();
  const c = s.channel;
  const slider = (field: ChannelField, label: string) => (
    <Slider
      key={field}
      label={label}
      value={s[field][c]}
      min={RANGES[field].min}
      max={RANGES[field].max}
      step={RANGES[field].step}
      format={(v) => num(v, 2)}
      onChange={(v) => setS((p) => withChannelValue(p, field, p.channel, v))}
    />
  );
  return (
    <div className="bn-controls">
      <Slider label={t('Batch size n', '批量大小 n')} value={s.n} min={1} max={MAX_BATCH} onChange={setN} format={(v) => t(`${v} example${v > 1 ? 's' : ''}`, `${v} 个样本`)} />
      <fieldset className="w-radio">
        <legend>{t('Channel to adjust', '要调整的通道')}</legend>
        {Array.from({ length: CHANNELS }, (_, i) => (
          <label key={i}>
            <input type="radio" name={name} value={i} checked={c === i} onChange={() => setS((p) => ({ ...p, channel: i }))} />
            {Channel(t, i)}
          </label>
        ))}
      </fieldset>
      <div className="w-sliders">
        {slider('shift', t(`Data mean (shift) of ${channelName(t, c)}`, `${Channel(t, c)} 的均值（平移）`))}
        {slider('scale', t(`Data standard deviation (scale) of ${channelName(t, c)}`, `${Channel(t, c)} 的标准差（缩放）`))}
        {affine ? slider('gamma', t(`γ (weight) of ${channelName(t, c)}`, `${Channel(t, c)} 的 γ（weight）`)) : null}
        {affine ? slider('beta', t(`β (bias) of ${channelName(t, c)}`, `${Channel(t, c)} 的 β（bias）`)) : null}
      </div>
      <div className="w-presets">
        <button type="button" onClick={() => setS((p) => ({ ...p, seed: (p.seed % SEED_MAX) + 1 }))}>
          {t(`Draw new data (seed ${s.seed})`, `重新抽取数据（种子 ${s.seed}）`)}
        </button>
        <button type="button" onClick={() => setS((p) => ({ ...DEFAULTS, mode: p.mode, step: p.step }))}>
          {t('Reset', '重置')}
        </button>
      </div>
      <p className="bn-note">
        {t(
          `The data: ${MAX_BATCH * STEPS} examples of 3 channels × ${SIDE} × ${SIDE}, each value drawn as shift + scale × N(0, 1) for its channel; batch t holds examples (t − 1)·n + 1 to t·n.`,
          `数据：${MAX_BATCH * STEPS} 个样本，每个样本 3 个通道 × ${SIDE} × ${SIDE}，每个值按所在通道取“平移 + 缩放 × N(0, 1)”；第 t 个批量由第 (t − 1)·n + 1 到第 t·n 个样本组成。`,
        )}
      </p>
    </div>
  );
}

/** Part 1: one batch, each channel's batch mean and variance, and BatchNorm2d's output in training mode. */
function NormalisePart({ s, setS }: { s: BatchNormSettings; setS: SetS }) {
  const t = useTr();
  const key = JSON.stringify([s.seed, s.n, s.shift, s.scale, s.gamma, s.beta]);
  const res = useCpuResult(key, () => computeNormalise(s));
  const r = res.value;
  const ex = Math.min(s.example, s.n - 1);
  const c = s.channel;
  // The result in one sentence for screen readers: the engine's batch statistics of the channel being adjusted and its output's.
  const announced =
    r && res.fresh
      ? t(
          `Batch of ${r.shape[0]}, ${channelName(t, c)}: batch mean ${num(r.mean[c])}, variance ${num(r.variance[c])}; the output has mean ${num(r.yMean[c])}, variance ${num(r.yVariance[c])}.`,
          `批量大小 ${r.shape[0]}，${Channel(t, c)}：批量均值 ${num(r.mean[c])}，方差 ${num(r.variance[c])}；输出的均值 ${num(r.yMean[c])}，方差 ${num(r.yVariance[c])}。`,
        )
      : null;
  const code = `bn = nn.BatchNorm2d(3)  # bn.weight = [${s.gamma.join(', ')}], bn.bias = [${s.beta.join(', ')}]\nY = bn(X)  # training mode; X.shape = [${s.n}, 3, ${SIDE}, ${SIDE}]`;
  return (
    <section className="bn-part" data-part="normalise" aria-label={t('A batch and its normalised output', '一个批量及其规范化输出')} data-state={outputState(res)} data-result-seq={res.seq}>
      <pre className="w-code">
        <Code lang="python" code={code} />
      </pre>
      <Slider label={t('Example shown', '显示的样本')} value={ex + 1} min={1} max={s.n} onChange={(v) => setS((p) => ({ ...p, example: v - 1 }))} format={(v) => t(`example ${v} of ${s.n}`, `第 ${v} 个，共 ${s.n} 个`)} disabled={s.n <= 1} />
      <div className="bn-maps">
        {[
          { which: 'x', heading: t(`Input X, example ${ex + 1}`, `输入 X，第 ${ex + 1} 个样本`), values: r?.x },
          { which: 'y', heading: t(`Output Y = bn(X), example ${ex + 1}`, `输出 Y = bn(X)，第 ${ex + 1} 个样本`), values: r?.y },
        ].map((row) => (
          <div key={row.which} data-maps={row.which}>
            <p className="bn-maps-heading">{row.heading}</p>
            <div className="w-grids">
              {Array.from({ length: CHANNELS }, (_, i) => {
                const label = row.which === 'x' ? t(`Input X, example ${ex + 1}, ${channelName(t, i)}`, `输入 X，第 ${ex + 1} 个样本，${Channel(t, i)}`) : t(`Output Y, example ${ex + 1}, ${channelName(t, i)}`, `输出 Y，第 ${ex + 1} 个样本，${Channel(t, i)}`);
                return (
                  <figure className="w-grid" key={i} data-channel={i}>
                    <figcaption>{Channel(t, i)}</figcaption>
                    {row.values ? <MatrixGrid values={featureMap(row.values, ex, i)} rows={SIDE} cols={SIDE} label={label} cellSize={CELL} /> : <PendingMatrix rows={SIDE} cols={SIDE} cellSize={CELL} text={t('Computing…', '计算中…')} />}
                  </figure>
                );
              })}
            </div>
          </div>
        ))}
      </div>
      <ScrollTable name="batch-stats" label={t(`Per channel, over all n · ${SIDE} · ${SIDE} = ${r?.count ?? s.n * SIDE * SIDE} values of the batch`, `每个通道，在批量的全部 n · ${SIDE} · ${SIDE} = ${r?.count ?? s.n * SIDE * SIDE} 个值上计算`)}>
        <TableHead columns={[t('Channel', '通道'), t('batch mean μ_B', '批量均值 μ_B'), t('batch variance σ²_B (1/m)', '批量方差 σ²_B（除以 m）'), 'γ', 'β', t('mean of Y', 'Y 的均值'), t('variance of Y', 'Y 的方差')]} />
        <tbody>
          {Array.from({ length: CHANNELS }, (_, i) => (
            <tr key={i} aria-selected={i === s.channel}>
              <th scope="row">{Channel(t, i)}</th>
              <Num v={r?.mean[i]} stat="mean" channel={i} />
              <Num v={r?.variance[i]} stat="variance" channel={i} />
              <td className="num">{num(s.gamma[i], 2)}</td>
              <td className="num">{num(s.beta[i], 2)}</td>
              <Num v={r?.yMean[i]} stat="y-mean" channel={i} />
              <Num v={r?.yVariance[i]} stat="y-variance" channel={i} />
            </tr>
          ))}
        </tbody>
      </ScrollTable>
      <p className="bn-note">
        {notation(t(
          `Y = γ · (X − μ_B) / √(σ²_B + ε) + β with ε = ${r?.eps ?? 1e-5}: each channel of Y has mean β and variance just under γ², whatever the data's own mean and scale.`,
          `Y = γ · (X − μ_B) / √(σ²_B + ε) + β，其中 ε = ${r?.eps ?? 1e-5}：无论数据本身的均值和尺度如何，Y 的每个通道均值都是 β，方差略小于 γ²。`,
        ))}
      </p>
      <Announce text={announced} />
      <EngineError error={res.error} className="w-error" />
    </section>
  );
}

/**
 * The spread chart's description: the curve's first and last points, and its value at the
 * chosen batch size `n` (the dashed line), which the chart's table leaves out.
 */
export function describeSpread(t: Tr, c: number, n: number, atN: number | undefined, m: LineSummary): string {
  if (!m.first || !m.last) return '';
  const chosen = atN === undefined ? '' : t(`; at the chosen batch size, n = ${n}, by ${num(atN)}`, `；所选批量大小 n = ${n} 时为 ${num(atN)}`);
  return t(
    `For ${channelName(t, c)}: with batch size ${m.first.x} the batch means scatter by ${num(m.first.y)}, with ${m.last.x} by ${num(m.last.y)}${chosen}.`,
    `${Channel(t, c)}：批量大小为 ${m.first.x} 时，批量均值的离散程度为 ${num(m.first.y)}；为 ${m.last.x} 时为 ${num(m.last.y)}${chosen}。`,
  );
}

/** Part 2: the spread of the batch mean over 16 batches, for every batch size, against the dataset's mean. */
function BatchSizePart({ s }: { s: BatchNormSettings }) {
  const t = useTr();
  const c = s.channel;
  const spreadRes = useCpuResult(JSON.stringify([s.seed, s.shift, s.scale]), () => computeSpread(s));
  const meansRes = useCpuResult(JSON.stringify([s.seed, s.n, s.shift, s.scale]), () => computeBatchMeans(s));
  const sp = spreadRes.value;
  const means = meansRes.value;
  const spreadAt = (n: number, ch: number) => (sp ? sp.spread[(n - 1) * CHANNELS + ch] : undefined);
  const channelMeans = useMemo(() => (means ? Float32Array.from({ length: STEPS }, (_, b) => means[b * CHANNELS + c]) : null), [means, c]);

  // The result in one sentence for screen readers: how far the engine's batch means scatter at this batch size.
  const spread = spreadAt(s.n, c);
  const announced =
    sp && spreadRes.fresh && spread !== undefined
      ? t(
          `Batch size ${s.n}, ${channelName(t, c)}: over ${STEPS} batches the batch mean has a standard deviation of ${num(spread)} (the dataset mean is ${num(sp.popMean[c])}).`,
          `批量大小 ${s.n}，${Channel(t, c)}：${STEPS} 个批量的批量均值的标准差为 ${num(spread)}（数据集均值为 ${num(sp.popMean[c])}）。`,
        )
      : null;

  const series: Series[] = useMemo(() => {
    if (!sp) return [];
    const top = Math.max(...Array.from(sp.spread.filter((_, i) => i % CHANNELS === c)));
    return [
      { key: 'spread', label: t('spread of μ_B', 'μ_B 的离散程度'), points: SPREAD_SIZES.map((b) => ({ x: b, y: sp.spread[(b - 1) * CHANNELS + c] })), color: 'var(--accent)' },
      // The chosen batch size, a guide line: the text alternative gives the curve's value there (describe), not the line's top.
      { key: 'current', label: `n = ${s.n}`, points: [{ x: s.n, y: 0 }, { x: s.n, y: top }], color: 'var(--muted)', dashed: true, marker: true },
    ];
  }, [sp, c, s.n, t]);
  const describe = useCallback((m: LineSummary) => describeSpread(t, c, s.n, spread, m), [t, c, s.n, spread]);

  return (
    <section className="bn-part" data-part="batch-size" aria-label={t('How noisy the batch statistics are', '批量统计量的噪声有多大')} data-state={outputState(meansRes)} data-result-seq={meansRes.seq}>
      <div className="bn-split">
        <div className="chart-box bn-chart">
          <LineChartView
            className="bn-chart-inner"
            series={series}
            options={{
              title: t(`Standard deviation of the batch mean over ${STEPS} batches, ${channelName(t, c)}`, `${STEPS} 个批量的批量均值的标准差，${Channel(t, c)}`),
              xLabel: t('batch size n', '批量大小 n'),
              yLabel: t('spread of μ_B', 'μ_B 的离散程度'),
              xMax: MAX_BATCH,
              format: (v) => num(v),
              describe,
            }}
          />
        </div>
        <figure className="w-grid">
          <figcaption>{t(`The means of batches 1–${STEPS} (size ${s.n}), ${channelName(t, c)}`, `第 1–${STEPS} 个批量（大小 ${s.n}）的均值，${Channel(t, c)}`)}</figcaption>
          {channelMeans ? <MatrixGrid values={channelMeans} rows={2} cols={STEPS / 2} label={t(`Batch means of ${channelName(t, c)}`, `${Channel(t, c)} 的批量均值`)} digits={2} cellSize={CELL} /> : <PendingMatrix rows={2} cols={STEPS / 2} cellSize={CELL} text={t('Computing…', '计算中…')} />}
        </figure>
      </div>
      <ScrollTable name="spread" label={t(`The batch mean μ_B over ${STEPS} batches of ${s.n} example${s.n > 1 ? 's' : ''}, against the mean of the whole dataset`, `${STEPS} 个各含 ${s.n} 个样本的批量的均值 μ_B，与整个数据集的均值对比`)}>
        <TableHead columns={[t('Channel', '通道'), t('dataset mean', '数据集均值'), t('lowest μ_B', '最小 μ_B'), t('highest μ_B', '最大 μ_B'), t('spread (std) of μ_B', 'μ_B 的标准差')]} />
        <tbody>
          {Array.from({ length: CHANNELS }, (_, i) => {
            let a = Infinity;
            let b = -Infinity;
            if (means) for (let k = 0; k < STEPS; k++) [a, b] = [Math.min(a, means[k * CHANNELS + i]), Math.max(b, means[k * CHANNELS + i])];
            return (
              <tr key={i} aria-selected={i === c}>
                <th scope="row">{Channel(t, i)}</th>
                <Num v={sp?.popMean[i]} stat="pop-mean" channel={i} />
                <Num v={means ? a : undefined} stat="lowest" channel={i} />
                <Num v={means ? b : undefined} stat="highest" channel={i} />
                <Num v={spreadAt(s.n, i)} stat="spread" channel={i} />
              </tr>
            );
          })}
        </tbody>
      </ScrollTable>
      <p className="bn-note">
        {notation(t(
          `Each batch normalises with its own μ_B: with small batches the value a given input is mapped to jumps from batch to batch. Quadrupling the batch size roughly halves the spread.`,
          `每个批量都用自己的 μ_B 做规范化：批量小时，同一个输入被映射成的值会随批量剧烈跳动。批量增大到 4 倍，离散程度大约减半。`,
        ))}
      </p>
      <Announce text={announced} />
      <EngineError error={spreadRes.error ?? meansRes.error} className="w-error" />
    </section>
  );
}

/** Part 3: the running statistics step by step (momentum 0.1), then the same batch in training and in evaluation mode. */
function RunningPart({ s, setS, setStep }: { s: BatchNormSettings; setS: SetS; setStep: (step: number) => void }) {
  const t = useTr();
  const name = useId();
  const c = s.channel;
  const key = JSON.stringify([s.seed, s.n, s.shift, s.scale, s.gamma, s.beta, s.step]);
  const res = useCpuResult(key, () => computeRunning(s));
  const r = res.value;
  const step = s.step;
  const ex = Math.min(s.example, s.n - 1);
  const at = (a: Float32Array | undefined, row: number, ch: number) => (a ? a[row * CHANNELS + ch] : undefined);
  const [playing, setPlaying] = useState(false);

  const series: Series[] = useMemo(() => {
    if (!r) return [];
    return [
      { key: 'running', label: t('running mean', '移动均值'), points: Array.from({ length: STEPS + 1 }, (_, k) => ({ x: k, y: r.runningMean[k * CHANNELS + c] })), color: 'var(--accent)' },
      { key: 'batch', label: t('batch mean', '批量均值'), points: Array.from({ length: STEPS }, (_, k) => ({ x: k + 1, y: r.batchMean[k * CHANNELS + c] })), color: 'var(--bad)' },
      { key: 'dataset', label: t('dataset mean', '数据集均值'), points: [{ x: 0, y: r.popMean[c] }, { x: STEPS, y: r.popMean[c] }], color: 'var(--muted)', dashed: true },
    ];
  }, [r, c, t]);
  const yDomain = useMemo((): [number, number] => {
    const ys = series.flatMap((q) => q.points.map((p) => p.y));
    if (!ys.length) return [0, 1];
    const lo = Math.min(...ys);
    const hi = Math.max(...ys);
    const pad = Math.max(0.1, (hi - lo) * 0.1);
    return [lo - pad, hi + pad];
  }, [series]);
  const describe = useCallback(
    (m: LineSummary) => (m.first && m.last ? t(`Running mean of ${channelName(t, c)}: ${num(m.first.y)} before training, ${num(m.last.y)} after ${m.last.x} steps.`, `${Channel(t, c)} 的移动均值：训练前为 ${num(m.first.y)}，${m.last.x} 步后为 ${num(m.last.y)}。`) : ''),
    [t, c],
  );

  const momentum = r?.momentum ?? 0.1;
  const keep = num(1 - momentum, 1);
  const mo = num(momentum, 1);
  const describeStep = (p: number) => t(`batch ${p + 1}: examples ${p * s.n + 1}–${(p + 1) * s.n}`, `第 ${p + 1} 个批量：第 ${p * s.n + 1}–${(p + 1) * s.n} 个样本`);
  const evalMode = s.mode === 'eval';
  const y = r ? (evalMode ? r.yEval : r.yTrain) : undefined;
  // The result in one sentence for screen readers: the engine's running statistics after this step, and the output's mean in the mode chosen.
  const announced =
    r && res.fresh
      ? t(
          `After step ${step}, ${channelName(t, c)}: running mean ${num(at(r.runningMean, step, c)!)}, running variance ${num(at(r.runningVar, step, c)!)}; in ${evalMode ? 'evaluation' : 'training'} mode the output has mean ${num((evalMode ? r.yEvalMean : r.yTrainMean)[c])}.`,
          `第 ${step} 步之后，${Channel(t, c)}：移动均值 ${num(at(r.runningMean, step, c)!)}，移动方差 ${num(at(r.runningVar, step, c)!)}；${evalMode ? '评估' : '训练'}模式下输出的均值为 ${num((evalMode ? r.yEvalMean : r.yTrainMean)[c])}。`,
        )
      : null;
  const modeLabel = (m: Mode) => (m === 'train' ? t('Training mode: bn.train()', '训练模式：bn.train()') : t('Evaluation mode: bn.eval()', '评估模式：bn.eval()'));

  return (
    <section className="bn-part" data-part="running" aria-label={t('Running statistics and the two modes', '移动统计量与两种模式')} data-state={outputState(res)} data-result-seq={res.seq}>
      <StepControls pos={step - 1} count={STEPS} onPos={(p) => setStep(p + 1)} playing={playing} onPlaying={setPlaying} label={t('Training step', '训练步')} describe={describeStep} />
      <p className="bn-step" data-step={step}>
        {step === 1
          ? t(`After training step 1 of ${STEPS}: the layer has seen batch 1 in training mode.`, `第 1 步（共 ${STEPS} 步）之后：这一层已在训练模式下见过第 1 个批量。`)
          : t(`After training step ${step} of ${STEPS}: the layer has seen batches 1–${step} in training mode.`, `第 ${step} 步（共 ${STEPS} 步）之后：这一层已在训练模式下见过第 1–${step} 个批量。`)}
      </p>
      <ScrollTable name="running" label={t(`Step ${step}: running = ${keep} × running + ${mo} × batch (momentum ${mo}; the variance enters unbiased, 1/(m − 1))`, `第 ${step} 步：移动值 = ${keep} × 移动值 + ${mo} × 批量值（动量 ${mo}；方差取无偏估计，除以 m − 1）`)}>
        <TableHead
          columns={[
            t('Channel', '通道'),
            t('batch mean', '批量均值'),
            t('running mean: before → after', '移动均值：更新前 → 更新后'),
            // No line break inside (1/(m − 1)) or（除以 m − 1）.
            t('batch variance (1/(m\u00a0−\u00a01))', '批量方差（除以\u00a0m\u00a0−\u00a01）'),
            t('running variance: before → after', '移动方差：更新前 → 更新后'),
            t('dataset mean', '数据集均值'),
            t('dataset variance', '数据集方差'),
          ]}
        />
        <tbody>
          {Array.from({ length: CHANNELS }, (_, i) => (
            <tr key={i} aria-selected={i === c}>
              <th scope="row">{Channel(t, i)}</th>
              <Num v={at(r?.batchMean, step - 1, i)} stat="batch-mean" channel={i} />
              <BeforeAfter before={at(r?.runningMean, step - 1, i)} after={at(r?.runningMean, step, i)} stat="running-mean" channel={i} />
              <Num v={at(r?.batchVarUnbiased, step - 1, i)} stat="batch-var-unbiased" channel={i} />
              <BeforeAfter before={at(r?.runningVar, step - 1, i)} after={at(r?.runningVar, step, i)} stat="running-var" channel={i} />
              <Num v={r?.popMean[i]} stat="pop-mean" channel={i} />
              <Num v={r?.popVariance[i]} stat="pop-variance" channel={i} />
            </tr>
          ))}
        </tbody>
      </ScrollTable>
      {r ? (
        <p className="bn-formula" data-formula="running-mean">
          {`${Channel(t, c)}${colon(t)}running_mean = ${keep} × ${num(at(r.runningMean, step - 1, c)!)} + ${mo} × ${num(at(r.batchMean, step - 1, c)!)} = ${num(at(r.runningMean, step, c)!)}`}
        </p>
      ) : null}
      <div className="chart-box bn-chart">
        <LineChartView
          className="bn-chart-inner"
          series={series}
          options={{
            title: t(`Running mean of ${channelName(t, c)} over ${STEPS} training steps`, `${Channel(t, c)} 在 ${STEPS} 个训练步中的移动均值`),
            xLabel: t('training step', '训练步'),
            yLabel: t('mean', '均值'),
            xMax: STEPS,
            yDomain,
            format: (v) => num(v),
            describe,
          }}
        />
      </div>

      <fieldset className="w-radio">
        <legend>{t(`Feed batch ${step} again, in`, `再次输入第 ${step} 个批量，使用`)}</legend>
        {(['train', 'eval'] as Mode[]).map((m) => (
          <label key={m}>
            <input type="radio" name={name} value={m} checked={s.mode === m} onChange={() => setS((p) => ({ ...p, mode: m }))} />
            {modeLabel(m)}
          </label>
        ))}
      </fieldset>
      <div className="w-grids">
        <figure className="w-grid">
          <figcaption>{t(`Input: batch ${step}, example ${ex + 1}, ${channelName(t, c)}`, `输入：第 ${step} 个批量，第 ${ex + 1} 个样本，${Channel(t, c)}`)}</figcaption>
          {r ? <MatrixGrid values={featureMap(r.x, ex, c)} rows={SIDE} cols={SIDE} label={t(`Input of batch ${step}, ${channelName(t, c)}`, `第 ${step} 个批量的输入，${Channel(t, c)}`)} cellSize={CELL} /> : <PendingMatrix rows={SIDE} cols={SIDE} cellSize={CELL} text={t('Computing…', '计算中…')} />}
        </figure>
        <figure className="w-grid" data-mode={s.mode}>
          <figcaption>{evalMode ? t(`Output in evaluation mode (running statistics after step ${step})`, `评估模式的输出（第 ${step} 步之后的移动统计量）`) : t('Output in training mode (this batch’s own statistics)', '训练模式的输出（本批量自己的统计量）')}</figcaption>
          {y ? <MatrixGrid values={featureMap(y, ex, c)} rows={SIDE} cols={SIDE} label={t(`Output of batch ${step} in ${evalMode ? 'evaluation' : 'training'} mode, ${channelName(t, c)}`, `第 ${step} 个批量在${evalMode ? '评估' : '训练'}模式下的输出，${Channel(t, c)}`)} cellSize={CELL} /> : <PendingMatrix rows={SIDE} cols={SIDE} cellSize={CELL} text={t('Computing…', '计算中…')} />}
        </figure>
      </div>
      <ScrollTable name="modes" label={t(`Batch ${step} through the same layer in both modes (${channelName(t, c)})`, `第 ${step} 个批量以两种模式通过同一层（${Channel(t, c)}）`)}>
        <TableHead columns={[t('Mode', '模式'), t('mean used', '所用均值'), t('variance used', '所用方差'), t('mean of the output', '输出的均值')]} />
        <tbody>
          <ModeRow selected={!evalMode} label={modeLabel('train')} mode="train" mean={at(r?.batchMean, step - 1, c)} variance={at(r?.batchVar, step - 1, c)} out={r?.yTrainMean[c]} />
          <ModeRow selected={evalMode} label={modeLabel('eval')} mode="eval" mean={at(r?.runningMean, step, c)} variance={at(r?.runningVar, step, c)} out={r?.yEvalMean[c]} />
        </tbody>
      </ScrollTable>
      <p className="bn-note" data-stat="max-diff" data-value={r?.maxDiff}>
        {r
          ? t(
              `Largest difference between the two outputs, over the whole batch: ${num(r.maxDiff)}. It shrinks as the running statistics settle near the dataset's; in training mode the output depends on the other examples of the batch, in evaluation mode it does not.`,
              `两种输出在整个批量上的最大差异：${num(r.maxDiff)}。随着移动统计量稳定在数据集的统计量附近，差异会变小；训练模式下的输出取决于批量中的其他样本，评估模式下则不然。`,
            )
          : '…'}
      </p>
      <Announce text={announced} />
      <EngineError error={res.error} className="w-error" />
    </section>
  );
}

function ModeRow({ selected, label, mode, mean, variance, out }: { selected: boolean; label: ReactNode; mode: Mode; mean?: number; variance?: number; out?: number }) {
  return (
    <tr aria-selected={selected} data-mode={mode}>
      <th scope="row">{label}</th>
      <Num v={mean} stat={`${mode}-mean-used`} />
      <Num v={variance} stat={`${mode}-variance-used`} />
      <Num v={out} stat={`${mode}-output-mean`} />
    </tr>
  );
}

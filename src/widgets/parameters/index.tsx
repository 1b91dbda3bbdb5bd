import { useLayoutEffect, useRef } from 'react';
import '../widgets-b.css';
import { ENGLISH_WORDS, weightHistogram, type HistogramOptions, type HistogramWords } from '../../charts/weightHistogram';
import { MatrixGrid } from '../common/MatrixGrid';
import { Slider } from '../common/Slider';
import { WidgetFrame } from '../common/WidgetFrame';
import { intIn, oneOf, useUrlState } from '../common/useUrlState';
import { useTr, type Tr } from '../common/i18n';
import { PendingMatrix } from '../common/PendingMatrix';
import { EngineError } from '../common/EngineError';
import { Announce } from '../common/Announce';
import { TableHead } from '../common/TableHead';
import { outputState, useCpuResult } from '../common/useEngineResult';
import { computeParameters, ENTRIES, fmtParam, INIT_SCHEMES, PM_DEFAULTS, type InitScheme, type PMSettings } from './compute';
import { ScrollRegion } from '../common/ScrollRegion';
import { Code } from '../common/Code';

const MAX_ABS = 1e6;
/** The largest seed the slider offers; a link may not ask for more. */
const SEED_MAX = 99;

export function sanitizePM(raw: unknown, d: PMSettings): PMSettings {
  if (typeof raw !== 'object' || raw === null) return d;
  const o = raw as Record<string, unknown>;
  const seed = intIn(o.seed, 0, SEED_MAX, d.seed);
  const init = oneOf(o.init, INIT_SCHEMES, d.init);
  const entry = oneOf(o.entry, ENTRIES, d.entry as (typeof ENTRIES)[number]);
  const tie: [number, number][] = [];
  if (Array.isArray(o.tie)) {
    for (const e of o.tie.slice(0, 8)) {
      if (!Array.isArray(e)) continue;
      const col = intIn(e[0], 0, 7, -1);
      const v = typeof e[1] === 'number' ? e[1] : Number(e[1]);
      if (col < 0 || !Number.isFinite(v)) continue;
      const clamped = Math.max(-MAX_ABS, Math.min(MAX_ABS, v));
      const at = tie.findIndex(([c]) => c === col);
      if (at >= 0) tie[at] = [col, clamped];
      else tie.push([col, clamped]);
    }
  } else tie.push(...d.tie);
  return { seed, init, entry, tie };
}

function schemeLabel(t: Tr, s: InitScheme): string {
  switch (s) {
    case 'default':
      return t('Default: U(±1/√fan_in)', '默认：U(±1/√fan_in)');
    case 'normal':
      return t('Normal(0, 0.01²), zero bias', '正态 N(0, 0.01²)，偏置为 0');
    case 'constant':
      return t('Constant 1, zero bias', '常数 1，偏置为 0');
    case 'xavier42':
      return t('Xavier on layer 0, 42 on layer 2', '第 0 层 Xavier，第 2 层 42');
    case 'custom':
      return t('Custom: U(−10, 10), keep |w| ≥ 5', '自定义：U(−10, 10)，保留 |w| ≥ 5');
  }
}

/** The tied network of the chapter's listing. */
const TIED_LISTING = `const shared = new nn.Linear(8, 8);
const tied = new nn.Sequential(
  new nn.Linear(4, 8), new nn.ReLU(),
  shared, new nn.ReLU(),
  shared, new nn.ReLU(),
  new nn.Linear(8, 1),
);`;

/** A scheme's listing; only its comments follow the reader's language, the code is the same in both. */
export function initListing(t: Tr, scheme: InitScheme): string {
  return listings(t)[scheme];
}

const listings = (t: Tr): Record<InitScheme, string> => ({
  default: `const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 1));
// ${t('weights and biases already drawn from U(-1/sqrt(fan_in), 1/sqrt(fan_in))', '权重和偏置已从 U(-1/sqrt(fan_in), 1/sqrt(fan_in)) 中抽取')}`,
  normal: `net.apply((m) => {
  if (m instanceof nn.Linear) {
    nn.init.normal_(m.weight, 0, 0.01);
    nn.init.zeros_(m.bias);
  }
});`,
  constant: `net.apply((m) => {
  if (m instanceof nn.Linear) {
    nn.init.constant_(m.weight, 1);
    nn.init.zeros_(m.bias);
  }
});`,
  xavier42: `net.at(0).apply((m) => { if (m instanceof nn.Linear) nn.init.xavierUniform_(m.weight); });
net.at(2).apply((m) => { if (m instanceof nn.Linear) nn.init.constant_(m.weight, 42); });`,
  custom: `net.apply((m) => {
  if (m instanceof nn.Linear) {
    nn.init.uniform_(m.weight, -10, 10);
    m.weight.assign(m.weight.mul(m.weight.abs().ge(5)));  // ${t('zero |w| < 5', '把 |w| < 5 的权重置零')}
  }
});`,
});

/** How a weight's histogram is drawn: its bins, its x domain, the bounds it marks and the values it counts apart. */
export interface HistogramLayout {
  bins: number;
  /** Undefined: the data's extent. Every key is always present, so a change of scheme replaces the chart's last options. */
  domain: [number, number] | undefined;
  /** The bounds the initialiser promises, as dashed lines. */
  markers: NonNullable<HistogramOptions['markers']>;
  /** Values an initialiser sets exactly (the custom scheme's zeros), drawn as a spike centred on them. */
  spikes: number[];
}

/** Bins between a bound b and its mirror −b: so many of width b/5, so ±b fall on bin edges. */
const BINS_PER_BOUND = 5;

/**
 * The histogram of a weight under a scheme. Where the scheme has bounds ±b (the default and
 * Xavier), the bins are b/5 wide over ±1.2·b, so the bounds are bin edges (no bar straddles a
 * dashed line) and the empty bin beyond each bound shows that no weight falls outside it. The
 * custom scheme's weights lie in [−10, −5] ∪ [5, 10] or are exactly 0: 8 bins over [−10, 10]
 * put ±5 on edges, and the zeros are a spike centred on 0 instead of a bar beside it.
 */
export function histogramLayout(scheme: InitScheme, name: string): HistogramLayout {
  const fanIn = name.startsWith('0.') ? 4 : 8;
  const fanOut = name.startsWith('0.') ? 8 : 1;
  const isW = name.endsWith('weight');
  const bounded = (b: number, label: string, minus: string): HistogramLayout => {
    const edge = b / BINS_PER_BOUND;
    return {
      bins: 2 * (BINS_PER_BOUND + 1),
      domain: [-b - edge, b + edge],
      markers: [
        { x: -b, label: minus },
        { x: b, label },
      ],
      spikes: [],
    };
  };
  if (scheme === 'default') return bounded(1 / Math.sqrt(fanIn), `1/√${fanIn}`, `−1/√${fanIn}`);
  if (scheme === 'xavier42' && isW && name.startsWith('0.')) return bounded(Math.sqrt(6 / (fanIn + fanOut)), '√(6/12)', '−√(6/12)');
  if (scheme === 'custom' && isW) {
    return {
      bins: 8,
      domain: [-10, 10],
      markers: [
        { x: -5, label: '−5' },
        { x: 5, label: '5' },
      ],
      spikes: [0],
    };
  }
  return { bins: 12, domain: undefined, markers: [], spikes: [] };
}

/** The histogram's title and list in the reader's language. */
export function histogramWords(t: Tr): HistogramWords {
  return {
    summary: (title, n, lo, hi) => t(ENGLISH_WORDS.summary(title, n, lo, hi), `${title}：${n} 个值，从 ${lo} 到 ${hi}`),
    bin: (x0, x1, count) => t(ENGLISH_WORDS.bin(x0, x1, count), `${x0} 到 ${x1}：${count} 个`),
    spike: (x, count) => t(ENGLISH_WORDS.spike(x, count), `恰好为 ${x}：${count} 个`),
  };
}

function Histogram({ values, options }: { values: Float32Array; options: HistogramOptions }) {
  const ref = useRef<HTMLDivElement>(null);
  const update = useRef<ReturnType<typeof weightHistogram> | null>(null);
  // Drawn before the browser paints, so the widget is never shown without its histograms.
  useLayoutEffect(() => {
    if (!ref.current) return;
    if (!update.current) update.current = weightHistogram(ref.current, Array.from(values), options);
    else update.current(Array.from(values), options);
  }, [values, options]);
  return <div ref={ref} className="pm-hist" />;
}

/** The parts a chapter can embed on their own, each in the section that teaches it. */
export const PARAMETERS_PARTS = ['access', 'init', 'tying'] as const;
export type ParametersPart = (typeof PARAMETERS_PARTS)[number];

export interface ParametersProps {
  /**
   * 'access': names, shapes, the state dictionary; 'init': the initialisers and their
   * histograms; 'tying': one layer used in two places. None: every part, as on the lab page.
   * The parts share the URL key 'pm', so a change in one shows in the others.
   */
  part?: ParametersPart;
}

/**
 * Widget 7: parameter management on the original chapter’s 4 -> 8 -> 1 network. Names, shapes and
 * values are read from the engine's module; the initialisers run through `apply`.
 */
export function Parameters({ part }: ParametersProps) {
  const t = useTr();
  const shows = (p: ParametersPart) => part === undefined || part === p;
  const [s, set] = useUrlState<PMSettings>('pm', PM_DEFAULTS, sanitizePM);
  const key = JSON.stringify(s.seed + '|' + s.init + '|' + JSON.stringify(s.tie));
  const result = useCpuResult(key, () => computeParameters(s));
  const r = result.value;
  const entry = r?.params.find((p) => p.name === s.entry) ?? null;

  // Each part's result in one sentence for screen readers, from the engine's module: the parameter
  // count and the network's output, the range of each initialised weight, and what the tied layer reads back.
  const done = r && result.fresh ? r : null;
  const list = (xs: ArrayLike<number>) => Array.from(xs, fmtParam).join(', ');
  const weights = done ? done.params.filter((p) => p.name.endsWith('weight')).map((p) => ({ name: p.name, lo: fmtParam(Math.min(...p.values)), hi: fmtParam(Math.max(...p.values)) })) : [];
  const sameRows = done ? done.tied.row2.every((v, i) => v === done.tied.row4[i]) : false;
  const announced = done
    ? {
        access: t(`Seed ${s.seed}: ${done.total} parameters in ${done.params.length} tensors; net(X) gives ${list(done.out)}.`, `种子 ${s.seed}：${done.params.length} 个张量共 ${done.total} 个参数；net(X) 得到 ${list(done.out)}。`),
        init: t(
          `${schemeLabel(t, s.init)}, seed ${s.seed}: ${weights.map((w) => `${w.name} from ${w.lo} to ${w.hi}`).join(', ')}.`,
          `${schemeLabel(t, s.init)}，种子 ${s.seed}：${weights.map((w) => `${w.name} 从 ${w.lo} 到 ${w.hi}`).join('，')}。`,
        ),
        tying: t(
          `Row 0 of layer 4 weight reads ${list(done.tied.row4)}: ${sameRows ? 'the same as' : 'not the same as'} row 0 of layer 2 weight.`,
          `第 4 层权重第 0 行读出 ${list(done.tied.row4)}：与第 2 层权重第 0 行${sameRows ? '相同' : '不同'}。`,
        ),
      }
    : null;

  const schemeIdx = INIT_SCHEMES.indexOf(s.init);
  const onPresenterStep = (dir: 1 | -1) => {
    const next = schemeIdx + dir;
    if (next < 0 || next >= INIT_SCHEMES.length) return false;
    set((p) => ({ ...p, init: INIT_SCHEMES[next] }));
    return true;
  };

  const editTie = (col: number, v: number) =>
    set((p) => {
      const value = Math.max(-MAX_ABS, Math.min(MAX_ABS, v));
      const tie = p.tie.filter(([c]) => c !== col);
      tie.push([col, value]);
      tie.sort((a, b) => a[0] - b[0]);
      return { ...p, tie };
    });

  return (
    <WidgetFrame
      id="parameters"
      part={part}
      title={part === 'init' ? t('Initialising the parameters', '初始化参数') : part === 'tying' ? t('Parameter tying: one layer in two places', '参数绑定：一个层用在两处') : t('Parameters of a small network', '小网络的参数')}
      onPresenterStep={shows('init') ? onPresenterStep : undefined}
      computedOn="cpu"
    >
      {shows('access') || shows('init') ? (
        <>
          <pre className="pm-code">
            <Code lang="ts" code="const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 1));" />
          </pre>
          <div className="b-toolbar">
            <Slider label={t('Random seed', '随机种子')} value={s.seed} min={0} max={SEED_MAX} onChange={(v) => set((p) => ({ ...p, seed: v }))} format={(v) => `manualSeed(${v})`} />
          </div>
        </>
      ) : null}

      {shows('access') || shows('init') ? (
        <div className="pm-layout" data-state={outputState(result)} aria-busy={!result.fresh}>
          {shows('access') ? (
            <section aria-label={t('Named parameters', '具名参数')}>
              <h4 className="b-subtitle">
                <code>net.namedParameters()</code>
              </h4>
              <ScrollRegion label={t('Named parameters', '具名参数')}>
                <table className="b-table pm-named">
                  <TableHead columns={[t('Name', '名称'), t('Shape', '形状'), t('Elements', '元素个数'), <span className="visually-hidden">{t('Show', '显示')}</span>]} />
                  <tbody>
                    {(r?.params ?? []).map((p) => (
                      <tr key={p.name} data-param={p.name} aria-selected={p.name === s.entry}>
                        <th scope="row">
                          <code>{p.name}</code>
                        </th>
                        <td data-value={JSON.stringify(p.shape)}>[{p.shape.join(', ')}]</td>
                        <td className="num" data-value={p.values.length}>
                          {p.values.length}
                        </td>
                        <td>
                          <button type="button" aria-pressed={p.name === s.entry} onClick={() => set((q) => ({ ...q, entry: p.name }))}>
                            {/* The row's name is in its first cell: the button shows one word, so it fits a phone, and says the whole name to a screen reader. */}
                            {t('Show', '显示')}
                            <span className="visually-hidden"> {p.name}</span>
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                  <tfoot>
                    <tr>
                      <th scope="row">{t('Total', '合计')}</th>
                      <td />
                      <td className="num" data-part="total" data-value={r?.total}>
                        {r?.total ?? '…'}
                      </td>
                      <td />
                    </tr>
                  </tfoot>
                </table>
              </ScrollRegion>
              <p className="b-note">
                {t(
                  'There is 0.weight and 2.weight but no 1.weight: child 1 is the ReLU, which has no parameters.',
                  '有 0.weight 和 2.weight，却没有 1.weight：第 1 个子模块是 ReLU，它没有参数。',
                )}
              </p>
              <p>
                <code>net.at(2).weight.grad === null</code> → <strong data-part="grad-null">{r ? String(r.gradIsNull) : '…'}</strong>
                <span className="b-note">{t(' (no backward pass yet)', '（还没有反向传播）')}</span>
              </p>
              <p>
                <code>Object.keys(net.stateDict())</code> → <span data-part="state-keys">{r ? r.stateDictKeys.join(', ') : '…'}</span>
              </p>
              <p>
                <code>net.call(X)</code>, <code>X = rand([2, 4])</code> →{' '}
                <span data-part="output">
                  {r
                    ? Array.from(r.out).map((v, i) => (
                        <span key={i} className="pm-out" data-value={v}>
                          {i > 0 ? ', ' : ''}
                          {fmtParam(v)}
                        </span>
                      ))
                    : '…'}
                </span>
              </p>
            </section>
          ) : null}

          {shows('init') ? (
            <section aria-label={t('Initialisation', '初始化')}>
              <fieldset className="pm-radio">
                <legend>{t('Initialise with apply', '用 apply 初始化')}</legend>
                {INIT_SCHEMES.map((scheme) => (
                  <label key={scheme}>
                    <input type="radio" name="pm-init" value={scheme} checked={s.init === scheme} onChange={() => set((p) => ({ ...p, init: scheme }))} />
                    {schemeLabel(t, scheme)}
                  </label>
                ))}
              </fieldset>
              <pre className="pm-code">
                <Code lang="ts" code={initListing(t, s.init)} />
              </pre>
              {r ? (
                <p className="b-note" data-part="visited">
                  {t('apply visits (children first): ', 'apply 访问的顺序（先子模块）：')}
                  {r.visited.join(' → ')}
                </p>
              ) : null}
              {r
                ? r.params
                    .filter((p) => p.name.endsWith('weight'))
                    .map((p) => (
                      <figure key={p.name} className="b-fig" data-hist={p.name}>
                        <figcaption>{t(`Histogram of ${p.name} (${p.values.length} values)`, `${p.name} 的直方图（${p.values.length} 个值）`)}</figcaption>
                        <Histogram
                          values={p.values}
                          options={{ title: `${p.name}`, ...histogramLayout(s.init, p.name), words: histogramWords(t) }}
                        />
                      </figure>
                    ))
                : null}
            </section>
          ) : null}
        </div>
      ) : null}

      {shows('access') ? (
        <section aria-label={t('State dictionary entry', '状态字典条目')}>
          <h4 className="b-subtitle">
            <code>{`net.stateDict()['${s.entry}']`}</code>
          </h4>
          {entry ? (
            <MatrixGrid
              values={entry.values}
              rows={entry.shape.length === 2 ? entry.shape[0] : 1}
              cols={entry.shape.length === 2 ? entry.shape[1] : entry.shape[0]}
              label={t(`State dict entry ${entry.name}`, `状态字典条目 ${entry.name}`)}
              digits={4}
              heat
            />
          ) : (
            <p>…</p>
          )}
        </section>
      ) : null}

      {shows('tying') ? (
        <section aria-label={t('Parameter tying', '参数绑定')}>
          {part === undefined ? <h4 className="b-subtitle">{t('Parameter tying: one layer in two places', '参数绑定：一个层用在两处')}</h4> : null}
          <pre className="pm-code">
            <Code lang="ts" code={TIED_LISTING} />
          </pre>
          <p className="b-instructions">
            {t('Edit any entry of row 0 of tied.at(2).weight; row 0 of tied.at(4).weight below is read back from its own layer.', '编辑 tied.at(2).weight 第 0 行的任意一项；下面 tied.at(4).weight 的第 0 行是从它自己的层读出来的。')}
          </p>
          <ScrollRegion label={t('Row 0 of both layers', '两层的第 0 行')}>
            <div className="b-row" data-part="tied" data-state={outputState(result)}>
              <figure className="b-fig" data-tied="2">
                <figcaption>
                  <code>tied.at(2).weight[0]</code>
                </figcaption>
                {r ? (
                  <MatrixGrid values={r.tied.row2} rows={1} cols={8} label={t('Row 0 of layer 2 weight', '第 2 层权重第 0 行')} onEdit={(i, v) => editTie(i, v)} digits={4} cellSize={72} />
                ) : (
                  <PendingMatrix rows={1} cols={8} />
                )}
              </figure>
              <figure className="b-fig" data-tied="4">
                <figcaption>
                  <code>tied.at(4).weight[0]</code>
                </figcaption>
                {r ? <MatrixGrid values={r.tied.row4} rows={1} cols={8} label={t('Row 0 of layer 4 weight', '第 4 层权重第 0 行')} digits={4} cellSize={72} /> : <PendingMatrix rows={1} cols={8} />}
              </figure>
            </div>
          </ScrollRegion>
          {r ? (
            <>
              <p>
                <code>tied.at(2).weight === tied.at(4).weight</code> → <strong data-part="same-object">{String(r.tied.sameObject)}</strong>
                {t('; ', '；')}
                {t('rows equal element by element: ', '逐元素相等：')}
                <strong data-part="rows-equal">{String(r.tied.row2.every((v, i) => v === r.tied.row4[i]))}</strong>
              </p>
              <p>
                <code>tied.namedParameters()</code> → {r.tied.params.map((p) => `${p.name} [${p.shape.join(', ')}]`).join(', ')}
                {t('. ', '。')}
                {t('The shared layer is listed once; total ', '共享层只列出一次；共 ')}
                <strong data-part="tied-total" data-value={r.tied.total}>
                  {r.tied.total}
                </strong>
                {t(' parameters, not ', ' 个参数，而不是 ')}
                {r.tied.total + 72}
                {t('. During training both uses add their gradients into the one weight.', '。训练时两处的梯度会加到同一个权重上。')}
              </p>
              <div className="b-buttons">
                <button type="button" onClick={() => set((p) => ({ ...p, tie: [] }))} disabled={s.tie.length === 0}>
                  {t('Undo the edits', '撤销修改')}
                </button>
                <button type="button" onClick={() => set((p) => ({ ...p, tie: [[0, 100]] }))}>
                  {t('The text’s example: set [0, 0] to 100', '正文示例：把 [0, 0] 设为 100')}
                </button>
              </div>
            </>
          ) : null}
        </section>
      ) : null}
      {PARAMETERS_PARTS.filter(shows).map((p) => (
        <Announce key={p} text={announced ? announced[p] : null} />
      ))}
      <EngineError className="b-problem" error={result.error} />
    </WidgetFrame>
  );
}

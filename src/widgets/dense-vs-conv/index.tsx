import { Fragment, useId } from 'react';
import '../widgets-b.css';
import './dense-vs-conv.css';
import { Slider } from '../common/Slider';
import { NumberField } from '../common/NumberField';
import { WidgetFrame } from '../common/WidgetFrame';
import { intIn, useUrlState } from '../common/useUrlState';
import { groupDigits } from '../common/format';
import { useLang, useTr, type Tr } from '../common/i18n';
import { Tex } from '../common/Tex';
import { EngineError } from '../common/EngineError';
import { Announce } from '../common/Announce';
import { TableHead } from '../common/TableHead';
import { outputState, useCpuResult } from '../common/useEngineResult';
import { BYTES_PER_FLOAT32, computeDenseVsConv, DC_DEFAULTS, DC_LIMITS, formatBytes, inWords, type DCSettings, type Ladder, type LayerCount } from './counts';
import { ScrollRegion } from '../common/ScrollRegion';
import { aboutTimes, countLabel, linearShare, logAxis, logShare, powerOfTen } from './scale';
import { Code } from '../common/Code';

export function sanitizeDC(raw: unknown, d: DCSettings): DCSettings {
  if (typeof raw !== 'object' || raw === null) return d;
  const o = raw as Record<string, unknown>;
  let k = intIn(o.k, 1, DC_LIMITS.maxK, d.k);
  if (k % 2 === 0) k -= 1;
  return {
    w: intIn(o.w, 1, DC_LIMITS.maxSide, d.w),
    h: intIn(o.h, 1, DC_LIMITS.maxSide, d.h),
    c: intIn(o.c, 1, 3, d.c),
    hidden: intIn(o.hidden, 1, DC_LIMITS.maxHidden, d.hidden),
    k,
    co: intIn(o.co, 1, DC_LIMITS.maxCo, d.co),
  };
}

const PRESETS: { id: string; en: string; zh: string; w: number; h: number; c: number }[] = [
  { id: 'fashion', en: 'Fashion-MNIST 28×28 grey', zh: 'Fashion-MNIST 28×28 灰度', w: 28, h: 28, c: 1 },
  { id: 'imagenet', en: 'ImageNet 224×224 RGB', zh: 'ImageNet 224×224 彩色', w: 224, h: 224, c: 3 },
  { id: 'photo', en: 'The text’s example: 12 MP photo, RGB', zh: '正文示例：1200 万像素彩色照片', w: 4000, h: 3000, c: 3 },
];

/** A number input next to a slider, for sizes the slider is too coarse for. */
function NumberBox({ label, value, min, max, onChange }: { label: string; value: number; min: number; max: number; onChange: (v: number) => void }) {
  const id = useId();
  return (
    <span className="b-select">
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <NumberField id={id} className="b-input" integer min={min} max={max} value={value} style={{ width: '6.5rem' }} onCommit={onChange} />
    </span>
  );
}

function LayerCard({ title, code, count, part }: { title: string; code: string; count: LayerCount; part: string }) {
  const t = useTr();
  const lang = useLang();
  const bytes = formatBytes(count.bytes);
  return (
    <section className="dc-card" data-part={part} aria-label={title}>
      <h4 className="b-subtitle">{title}</h4>
      <pre className="pm-code">
        <Code lang="python" code={code} />
      </pre>
      <p className="b-note">
        {t('Parameter shapes: ', '参数形状：')}
        {count.shapes.map((s) => `[${s.map((x) => groupDigits(x)).join(', ')}]`).join(' + ')}
      </p>
      <p className="dc-big" data-part={`${part}-params`} data-value={count.params}>
        {groupDigits(count.params)}
      </p>
      <p>
        {t(`parameters (${inWords(count.params, lang)})`, `个参数（${inWords(count.params, lang)}）`)} · <span data-part={`${part}-bytes`} data-value={count.bytes}>{`${groupDigits(count.bytes)} B ≈ ${bytes.si}${t(` (${bytes.binary})`, `（${bytes.binary}）`)}`}</span>
      </p>
      <p className="b-note" data-source={count.source}>
        {count.source === 'engine'
          ? t('Counted by the engine: the module was built and countParameters summed its tensors.', '由引擎计数：构建该模块，countParameters 对其张量求和。')
          : t(
              `Counted from the module’s parameter shapes: allocating it would take ${bytes.si}, so it is not built.`,
              `按模块的参数形状计数：真的分配它需要 ${bytes.si}，所以不构建。`,
            )}
      </p>
    </section>
  );
}

/** A share of a bar as a percentage with two significant digits, never in exponent notation: 1.3, 0.000078. */
export function percentText(share: number): string {
  const pct = share * 100;
  if (pct >= 10) return pct.toFixed(0);
  if (pct <= 0) return '0';
  const digits = Math.min(20, 1 - Math.floor(Math.log10(pct)));
  return pct.toFixed(digits).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

/**
 * The two counts as bars, twice: on a linear scale, where the lengths are in proportion and
 * the smaller bar all but vanishes, and on a log scale labelled with its powers of ten,
 * where each tick is ten times the one before.
 */
function ParamScales({ dense, conv }: { dense: number; conv: number }) {
  const t = useTr();
  const lang = useLang();
  const max = Math.max(dense, conv);
  const axis = logAxis(max);
  const rows = [
    { part: 'dense', name: t('Dense layer', '全连接层'), n: dense },
    { part: 'conv', name: t('Convolution', '卷积层'), n: conv },
  ];
  const denseBigger = dense >= conv;
  const small = linearShare(Math.min(dense, conv), max);
  const pct = percentText(small);
  // Under about a pixel of the widest bar the book draws (46rem), the bar is drawn as a hairline.
  const hairline = small < 1 / 700;
  const linearNote = denseBigger
    ? t(
        `To scale, the convolution’s bar is ${pct}% as long as the dense layer’s${hairline ? ': under a pixel, so drawn as a hairline' : ''}.`,
        `按比例，卷积层的条长是全连接层的 ${pct}%${hairline ? '：不到一个像素，所以画成一条细线' : ''}。`,
      )
    : t(
        `To scale, the dense layer’s bar is ${pct}% as long as the convolution’s${hairline ? ': under a pixel, so drawn as a hairline' : ''}.`,
        `按比例，全连接层的条长是卷积层的 ${pct}%${hairline ? '：不到一个像素，所以画成一条细线' : ''}。`,
      );
  const counts = t(`dense layer ${countLabel(dense, 'en')}, convolution ${countLabel(conv, 'en')}`, `全连接层 ${countLabel(dense, 'zh')}，卷积层 ${countLabel(conv, 'zh')}`);
  const bars = (share: (n: number) => number) =>
    rows.map((row) => (
      <Fragment key={row.part}>
        <span className="dc-scale-name">{row.name}</span>
        <div className="dc-bar-track">
          <div className="dc-bar" data-part={`${row.part}-bar`} data-share={share(row.n)} style={{ width: `${(share(row.n) * 100).toFixed(4)}%` }} />
        </div>
        <span className="dc-scale-value">{countLabel(row.n, lang)}</span>
      </Fragment>
    ));
  return (
    <div className="dc-scales">
      <figure className="dc-scale" data-scale="linear" role="img" aria-label={t(`Parameters on a linear scale: ${counts}. ${linearNote}`, `线性刻度上的参数数量：${counts}。${linearNote}`)}>
        <figcaption>{t('Linear scale: lengths in proportion', '线性刻度：长度与数量成正比')}</figcaption>
        <div className="dc-scale-grid">{bars((n) => linearShare(n, max))}</div>
        <p className="b-note">{linearNote}</p>
      </figure>
      <figure className="dc-scale" data-scale="log" role="img" aria-label={t(`Parameters on a log scale from 1 to ${powerOfTen(axis.top)}, each tick 10 times the one before: ${counts}; `, `对数刻度上的参数数量，从 1 到 ${powerOfTen(axis.top)}，每一格是前一格的 10 倍：${counts}；`) + ratioSentence(t, dense, conv) + t('.', '。')}>
        <figcaption>{t('Log scale: ×10 at each tick', '对数刻度：每一格 ×10')}</figcaption>
        <div className="dc-scale-grid">
          {bars((n) => logShare(n, axis))}
          <span />
          <div className="dc-axis" data-part="log-axis">
            {axis.ticks.map((tick) => (
              <span key={tick.exp} className="dc-tick" style={{ left: `${(tick.at * 100).toFixed(3)}%` }} data-exp={tick.exp}>
                {tick.labelled ? <span className="dc-tick-label">{powerOfTen(tick.exp)}</span> : null}
              </span>
            ))}
          </div>
          <span />
        </div>
      </figure>
    </div>
  );
}

/** The dense layer's card title: "Dense layer, 1 hidden unit", "Dense layer, 100 hidden units". */
export function denseLayerTitle(t: Tr, hidden: number): string {
  return t(`Dense layer, ${hidden} hidden unit${hidden === 1 ? '' : 's'}`, `全连接层，${hidden} 个隐藏单元`);
}

/** What the dense layer's count is to the convolution's, in one sentence ("about 1.3 million times as many"). */
export function ratioSentence(t: Tr, dense: number, conv: number): string {
  const en = aboutTimes(Math.max(dense, conv), Math.min(dense, conv), 'en');
  const zh = aboutTimes(Math.max(dense, conv), Math.min(dense, conv), 'zh');
  return dense >= conv ? t(`the dense layer has ${en} as many`, `全连接层约是卷积层的 ${zh}`) : t(`the convolution has ${en} as many`, `卷积层约是全连接层的 ${zh}`);
}

/**
 * Why the locality step's window is smaller than k x k, in words; null where it is not. On an
 * image h pixels high the row offset a runs only over |a| <= h - 1 (2h - 1 values), so a window
 * with more rows than that is clipped to them (and likewise for the columns and w).
 */
export function clippedWindowNote(t: Tr, s: Pick<DCSettings, 'w' | 'h' | 'k'>, ladder: Ladder, window: { rows: number; cols: number }): string | null {
  const rowsClipped = window.rows < s.k;
  const colsClipped = window.cols < s.k;
  if (!rowsClipped && !colsClipped) return null;
  const px = (n: number) => `${n} pixel${n === 1 ? '' : 's'}`;
  const offsets = (n: number, what: string) => `${n} ${what} offset${n === 1 ? '' : 's'}`;
  const rowsEn = `it is ${px(s.h)} high, so there ${2 * s.h - 1 === 1 ? 'is' : 'are'} only ${offsets(2 * s.h - 1, 'row')} (|a| ≤ ${s.h - 1})`;
  const colsEn = `${rowsClipped ? '' : 'it is '}${px(s.w)} wide, so ${rowsClipped ? '' : `there ${2 * s.w - 1 === 1 ? 'is' : 'are'} `}only ${offsets(2 * s.w - 1, 'column')} (|b| ≤ ${s.w - 1})`;
  const rowsZh = `图像高 ${s.h} 像素，行偏移只有 ${2 * s.h - 1} 个（|a| ≤ ${s.h - 1}）`;
  const colsZh = `${rowsClipped ? '' : '图像'}宽 ${s.w} 像素，列偏移只有 ${2 * s.w - 1} 个（|b| ≤ ${s.w - 1}）`;
  const en = [rowsClipped ? rowsEn : null, colsClipped ? colsEn : null].filter(Boolean).join(', and ');
  const zh = [rowsClipped ? rowsZh : null, colsClipped ? colsZh : null].filter(Boolean).join('；');
  const nothing = ladder.local === ladder.invariant;
  return t(
    `The ${s.k} × ${s.k} window is larger than the image allows: ${en}. A weight for an offset that never meets a pixel is never used, so the window is clipped to ${window.rows} × ${window.cols} = ${groupDigits(ladder.local)} weights${nothing ? ', and locality removes none here' : ''}.`,
    `${s.k} × ${s.k} 的窗口比图像允许的还大：${zh}。偏移永远碰不到像素的权重从不使用，所以窗口被裁剪为 ${window.rows} × ${window.cols} = ${groupDigits(ladder.local)} 个权重${nothing ? '，这里局部性没有去掉任何权重' : ''}。`,
  );
}

/** The parts a chapter can embed on their own, each in the section that teaches it. */
export const DENSE_VS_CONV_PARTS = ['cost', 'ladder'] as const;
export type DenseVsConvPart = (typeof DENSE_VS_CONV_PARTS)[number];

export interface DenseVsConvProps {
  /**
   * 'cost': the two layers' parameter counts and memory on one image; 'ladder': the weights
   * left after each assumption (dense, translation invariance, locality). None: both, as on
   * the lab page. The parts share the URL key 'dc'.
   */
  part?: DenseVsConvPart;
}

/** The text's worked example of the ladder: a 1000 x 1000 image, one channel in and out, Δ = 1. */
const LADDER_EXAMPLE = { w: 1000, h: 1000, k: 3 };

/**
 * Widget 8: a dense layer against a convolution layer on the same image, with the
 * original chapter’s cat-and-dog numbers (12 MP RGB, 100 hidden units: 3.6 billion parameters,
 * about 14 GB of float32).
 */
export function DenseVsConv({ part }: DenseVsConvProps) {
  const t = useTr();
  const shows = (p: DenseVsConvPart) => part === undefined || part === p;
  const [s, set] = useUrlState<DCSettings>('dc', DC_DEFAULTS, sanitizeDC);
  const key = JSON.stringify(s);
  const result = useCpuResult(key, () => computeDenseVsConv(s));
  const r = result.value;
  const setField = (patch: Partial<DCSettings>) => set((p) => ({ ...p, ...patch }));
  const presetIdx = PRESETS.findIndex((p) => p.w === s.w && p.h === s.h && p.c === s.c);
  const onPresenterStep = (dir: 1 | -1) => {
    if (!shows('cost')) return false;
    const next = (presetIdx < 0 ? (dir > 0 ? -1 : PRESETS.length) : presetIdx) + dir;
    if (next < 0 || next >= PRESETS.length) return false;
    const p = PRESETS[next];
    setField({ w: p.w, h: p.h, c: p.c });
    return true;
  };
  // The result in one sentence for screen readers, from the engine's counts: the two layers' parameters, or in the ladder part the weights left after each step.
  const announced =
    r && result.fresh
      ? part === 'ladder'
        ? t(
            `Weights: ${groupDigits(r.ladder.full)} for the dense layer, ${groupDigits(r.ladder.invariant)} with translation invariance, ${groupDigits(r.ladder.local)} with locality.`,
            `权重：全连接层 ${groupDigits(r.ladder.full)} 个，加上平移不变性 ${groupDigits(r.ladder.invariant)} 个，再加上局部性 ${groupDigits(r.ladder.local)} 个。`,
          )
        : t(`Dense layer: ${groupDigits(r.dense.params)} parameters; convolution: ${groupDigits(r.conv.params)} parameters; `, `全连接层：${groupDigits(r.dense.params)} 个参数；卷积层：${groupDigits(r.conv.params)} 个参数；`) + ratioSentence(t, r.dense.params, r.conv.params) + t('.', '。')
      : null;
  const clipped = r ? clippedWindowNote(t, s, r.ladder, r.window) : null;
  const mp = (s.w * s.h) / 1e6;
  const catsDogs = 1.5e9;
  const imageSize = (
    <>
      <div>
        <Slider label={t('Image width', '图像宽度')} value={s.w} min={1} max={DC_LIMITS.maxSide} onChange={(v) => setField({ w: v })} format={(v) => `${v} px`} />
        <NumberBox label={t('Image width in pixels', '图像宽度（像素）')} value={s.w} min={1} max={DC_LIMITS.maxSide} onChange={(v) => setField({ w: v })} />
      </div>
      <div>
        <Slider label={t('Image height', '图像高度')} value={s.h} min={1} max={DC_LIMITS.maxSide} onChange={(v) => setField({ h: v })} format={(v) => `${v} px`} />
        <NumberBox label={t('Image height in pixels', '图像高度（像素）')} value={s.h} min={1} max={DC_LIMITS.maxSide} onChange={(v) => setField({ h: v })} />
      </div>
    </>
  );
  const kernelSize = <Slider label={t('Kernel size (conv)', '卷积核大小（卷积）')} value={s.k} min={1} max={DC_LIMITS.maxK} step={2} onChange={(v) => setField({ k: v })} format={(v) => `${v} × ${v}`} />;

  return (
    <WidgetFrame
      id="dense-vs-conv"
      part={part}
      title={part === 'ladder' ? t('From a dense layer to a convolution, one channel in and out', '从全连接层到卷积（单通道输入输出）') : t('Dense layer versus convolution', '全连接层与卷积层')}
      onPresenterStep={onPresenterStep}
      computedOn="cpu"
    >
      {shows('cost') ? (
        <>
          <div className="b-toolbar" role="group" aria-label={t('Image presets', '图像预设')}>
            <span className="b-toolbar-label">{t('Image:', '图像：')}</span>
            {PRESETS.map((p, i) => (
              <button key={p.id} type="button" aria-pressed={i === presetIdx} onClick={() => setField({ w: p.w, h: p.h, c: p.c })}>
                {t(p.en, p.zh)}
              </button>
            ))}
          </div>
          <div className="b-controls">
            {imageSize}
            <Slider
              label={t('Colour channels', '颜色通道')}
              value={s.c}
              min={1}
              max={3}
              onChange={(v) => setField({ c: v })}
              format={(v) => (v === 1 ? t('1 (grey)', '1（灰度）') : v === 3 ? t('3 (RGB)', '3（RGB）') : String(v))}
            />
            <Slider label={t('Hidden units (dense)', '隐藏单元数（全连接）')} value={s.hidden} min={1} max={DC_LIMITS.maxHidden} onChange={(v) => setField({ hidden: v })} />
            {kernelSize}
            <Slider label={t('Output channels (conv)', '输出通道数（卷积）')} value={s.co} min={1} max={DC_LIMITS.maxCo} onChange={(v) => setField({ co: v })} />
          </div>
        </>
      ) : (
        <>
          <div className="b-toolbar" role="group" aria-label={t('Examples', '示例')}>
            <span className="b-toolbar-label">{t('Example:', '示例：')}</span>
            <button type="button" aria-pressed={s.w === LADDER_EXAMPLE.w && s.h === LADDER_EXAMPLE.h && s.k === LADDER_EXAMPLE.k} onClick={() => setField(LADDER_EXAMPLE)}>
              {t('The text’s example: 1000 × 1000, Δ = 1', '正文示例：1000 × 1000，Δ = 1')}
            </button>
          </div>
          <div className="b-controls">
            {imageSize}
            {kernelSize}
          </div>
        </>
      )}
      {shows('cost') ? (
        <>
          <p data-part="inputs">
            {t('Input: ', '输入：')}
            {`${groupDigits(s.w)} × ${groupDigits(s.h)} = ${mp >= 0.1 ? t(`${mp.toFixed(mp >= 10 ? 0 : 1)} megapixels`, `${inWords(s.w * s.h, 'zh')}像素`) : `${groupDigits(s.w * s.h)} ${t('pixels', '像素')}`}${t(', ', '，')}× ${s.c} ${t(s.c === 1 ? 'channel' : 'channels', '个通道')} = `}
            <strong data-value={r?.inputs}>{r ? groupDigits(r.inputs) : '…'}</strong>
            {t(' numbers', ' 个数值')}
          </p>

          <div className="dc-compare" data-state={outputState(result)} aria-busy={!result.fresh}>
            {r ? (
              <>
                <LayerCard
                  part="dense"
                  title={denseLayerTitle(t, s.hidden)}
                  code={`nn.Linear(${r.inputs}, ${s.hidden})`}
                  count={r.dense}
                />
                <LayerCard
                  part="conv"
                  title={t(`Convolution, ${s.k}×${s.k} kernel, ${s.co} channels`, `卷积层，${s.k}×${s.k} 卷积核，${s.co} 个通道`)}
                  code={`nn.Conv2d(${s.c}, ${s.co}, ${s.k})`}
                  count={r.conv}
                />
              </>
            ) : (
              <p>…</p>
            )}
          </div>

          {r ? (
            <>
              <ParamScales dense={r.dense.params} conv={r.conv.params} />
              <p data-part="ratio">
                {r.dense.params >= r.conv.params
                  ? t(
                      `The dense layer has ${aboutTimes(r.dense.params, r.conv.params, 'en')} as many parameters${r.dense.params >= 1e6 * r.conv.params ? ` (${groupDigits(Math.round(r.dense.params / r.conv.params))} times)` : ''}.`,
                      `全连接层的参数约是卷积层的 ${aboutTimes(r.dense.params, r.conv.params, 'zh')}${r.dense.params >= 1e6 * r.conv.params ? `（${groupDigits(Math.round(r.dense.params / r.conv.params))} 倍）` : ''}。`,
                    )
                  : t(
                      `Here the convolution has more parameters (${groupDigits(r.conv.params)} against ${groupDigits(r.dense.params)}, ${aboutTimes(r.conv.params, r.dense.params, 'en')} as many): the image is tiny.`,
                      `这里卷积层的参数更多（${groupDigits(r.conv.params)} 对 ${groupDigits(r.dense.params)}，约 ${aboutTimes(r.conv.params, r.dense.params, 'zh')}）：图像太小了。`,
                    )}
                {' '}
                {t('The convolution’s count does not depend on the image size at all.', '卷积层的参数数量与图像大小完全无关。')}
              </p>
              <p className="b-note">
                <Tex tex={`\\underbrace{${s.w * s.h * s.c}}_{\\text{${t('inputs', '输入')}}} \\times ${s.hidden} + ${s.hidden} = ${r.dense.params}, \\quad ${r.dense.params} \\times 4\\ \\text{${t('bytes', '字节')}} = ${r.dense.bytes}\\ \\text{${t('bytes', '字节')}}`} />
              </p>
              <p className="b-note">
                {t(
                  `Each float32 takes ${BYTES_PER_FLOAT32} bytes (32 bits). 1 GB is 10⁹ bytes (the “14 GB” of the text is 3.6 × 10⁹ × 4 = 1.44 × 10¹⁰ bytes); 1 GiB is 2³⁰ bytes, which is why the same size reads 13.4 GiB. Training needs the gradient (as much again) and optimizer state on top.`,
                  `每个 float32 占 ${BYTES_PER_FLOAT32} 字节（32 位）。1 GB 是 10⁹ 字节（正文中的“14 GB”就是 3.6 × 10⁹ × 4 = 1.44 × 10¹⁰ 字节）；1 GiB 是 2³⁰ 字节，所以同样的大小写成 13.4 GiB。训练时还需要同样大小的梯度以及优化器状态。`,
                )}
              </p>
              {r.dense.params > catsDogs ? (
                <p data-part="cats-dogs">
                  {t(
                    `That is more parameters than there are cats and dogs on Earth (about 600 million + 900 million = 1.5 billion): the layer could memorise every one of them.`,
                    `这比地球上猫和狗的总数（约 6 亿 + 9 亿 = 15 亿）还多：这个层完全可以把每一只都记住。`,
                  )}
                </p>
              ) : null}
            </>
          ) : null}
        </>
      ) : null}

      {shows('ladder') && r ? (
        <>
          {part === undefined ? <h4 className="b-subtitle">{t('From a dense layer to a convolution, one channel in and out', '从全连接层到卷积（单通道输入输出）')}</h4> : null}
          <ScrollRegion label={t('Weights of each layer', '各层的权重数')}>
            <table className="b-table dc-ladder">
              <TableHead columns={[t('Layer', '层'), t('Weights', '权重'), t('Count', '数量')]} />
              <tbody>
                {(
                  [
                    ['full', t('Dense, 4-D tensor', '全连接，四阶张量'), `[\\mathsf{W}]_{i,j,k,l}:\\ (h w)^2 = (${s.h} \\cdot ${s.w})^2`],
                    ['invariant', t('+ translation invariance', '+ 平移不变性'), `[\\mathbf{V}]_{a,b}:\\ (2h-1)(2w-1)`],
                    [
                      'local',
                      t('+ locality', '+ 局部性'),
                      clipped !== null
                        ? `|a|,|b| \\le \\Delta = ${(s.k - 1) / 2}:\\ \\min(2\\Delta+1, 2h-1)\\min(2\\Delta+1, 2w-1)`
                        : `|a|,|b| \\le \\Delta = ${(s.k - 1) / 2}:\\ (2\\Delta+1)^2`,
                    ],
                  ] as const
                ).map(([step, name, tex]) => (
                  <tr key={step}>
                    <th scope="row">{name}</th>
                    <td>
                      <Tex tex={tex} />
                    </td>
                    <td className="num" data-part={`ladder-${step}`} data-value={r.ladder[step]}>
                      {groupDigits(r.ladder[step])}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollRegion>
          {clipped ? (
            <p className="b-note" data-part="ladder-clipped">
              {clipped}
            </p>
          ) : null}
        </>
      ) : null}
      <Announce text={announced} />
      <EngineError className="b-problem" error={result.error} />
    </WidgetFrame>
  );
}

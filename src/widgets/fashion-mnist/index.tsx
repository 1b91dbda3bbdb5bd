import { memo, useEffect, useId, useMemo, useRef } from 'react';
import './fashion-mnist.css';
import type { Split } from '../../data/load';
import { WidgetFrame } from '../common/WidgetFrame';
import { FASHION_CLASSES } from '../common/fashion-classes';
import { groupDigits } from '../common/format';
import { say, useLang, useTr, type Tr } from '../common/i18n';
import { useSeen } from '../common/useSeen';
import { useUrlState } from '../common/useUrlState';
import { drawGrid, FM_DEFAULTS, GRID_ROWS, nextSeed, PER_ROW, pixelStats, sanitizeFM, SPLITS, type FMSettings, type SampleRow } from './samples';
import { ensureData, ensureHeader, useSplits, type LoadedSplit, type SplitState } from './store';
import { GrayCanvas } from '../common/GrayCanvas';
import { ScrollRegion } from '../common/ScrollRegion';

const splitName = (t: Tr, split: Split) => (split === 'train' ? t('training set', '训练集') : t('test set', '测试集'));
const imageWord = (t: Tr, split: Split) => (split === 'train' ? t('training image', '训练图像') : t('test image', '测试图像'));
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

/** One image of the split, drawn pixel for pixel (a 28 x 28 canvas scaled up by CSS, pixelated). */
export const SampleImage = memo(function SampleImage({ data, index, label, split }: { data: LoadedSplit; index: number; label: string; split: Split }) {
  const t = useTr();
  const { rows, cols, pixels } = data;
  const gray = useMemo(() => pixels.subarray(index * rows * cols, (index + 1) * rows * cols), [pixels, index, rows, cols]);
  const s = pixelStats(pixels, index, rows * cols);
  return (
    <GrayCanvas
      rows={rows}
      cols={cols}
      gray={gray}
      label={t(`${label}, ${imageWord(t, split)} #${index}`, `${label}，${imageWord(t, split)} #${index}`)}
      summary={t(`${rows} × ${cols} pixels from ${s.lo} to ${s.hi}, mean ${s.mean.toFixed(1)}`, `${rows} × ${cols} 个像素，取值 ${s.lo} 到 ${s.hi}，平均 ${s.mean.toFixed(1)}`)}
      data-index={index}
      data-label={data.labels[index]}
    />
  );
});

/** The grid of samples; blank cells of the same size until the split has loaded. */
export function SampleGrid({ rows, data, split, cls, lang, busy }: { rows: SampleRow[] | null; data: LoadedSplit | null; split: Split; cls: number; lang: 'en' | 'zh'; busy: boolean }) {
  const t = useTr();
  const names = FASHION_CLASSES[lang];
  return (
    <div className="fm-grid" aria-busy={busy} data-split={split} data-state={rows && data ? 'ready' : 'loading'}>
      {Array.from({ length: GRID_ROWS }, (_, r) => {
        const row = rows?.[r];
        const c = cls >= 0 ? cls : r;
        const first = r * PER_ROW + 1;
        const rowName = cls >= 0 ? t(`${names[c]}, images ${first}–${first + PER_ROW - 1} of the draw`, `${names[c]}，本次抽样的第 ${first}–${first + PER_ROW - 1} 张`) : t(`Class ${c}: ${names[c]}`, `类别 ${c}：${names[c]}`);
        return (
          <div key={r} className="fm-row" role="group" aria-label={rowName} data-class={c}>
            <span className="fm-class" aria-hidden="true">
              {cls < 0 || r === 0 ? (
                <>
                  <span className="fm-class-id">{c}</span> {names[c]}
                </>
              ) : null}
            </span>
            {Array.from({ length: PER_ROW }, (_, i) => {
              const index = row?.indices[i];
              return (
                <div key={i} className="fm-cell">
                  {data && index !== undefined ? <SampleImage data={data} index={index} label={names[c]} split={split} /> : null}
                </div>
              );
            })}
          </div>
        );
      })}
    </div>
  );
}

/** The facts of both splits, every number read from the files' headers (or the loaded file). */
function Facts({ splits }: { splits: Record<Split, SplitState> }) {
  const t = useTr();
  const cell = (s: SplitState, key: 'count' | 'size' | 'classes') => {
    const h = s.data ?? s.header;
    if (!h) return <td className="num">{s.headerError ? t('unavailable', '无法读取') : '…'}</td>;
    const value = key === 'count' ? h.count : key === 'classes' ? h.classes : `${h.rows}x${h.cols}`;
    const shown = key === 'count' ? groupDigits(h.count) : key === 'classes' ? String(h.classes) : `${h.rows} × ${h.cols}`;
    return (
      <td className="num" data-value={value}>
        {shown}
      </td>
    );
  };
  return (
    <ScrollRegion label={t('What the dataset files hold', '数据集文件的内容')}>
      <table className="fm-facts">
        <caption>{t('What the dataset files hold', '数据集文件的内容')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('Split', '划分')}</th>
            <th scope="col">{t('Images', '图像数')}</th>
            <th scope="col">{t('Pixels per image', '每张图像的像素')}</th>
            <th scope="col">{t('Classes', '类别数')}</th>
          </tr>
        </thead>
        <tbody>
          {SPLITS.map((split) => (
            <tr key={split} data-split={split}>
              <th scope="row">{split === 'train' ? t('Training set', '训练集') : t('Test set', '测试集')}</th>
              {cell(splits[split], 'count')}
              {cell(splits[split], 'size')}
              {cell(splits[split], 'classes')}
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}

/** How the current split divides among the classes, from its labels. */
function perClassText(t: Tr, data: LoadedSplit, split: Split): string {
  const sizes = data.byClass.map((ids) => ids.length);
  const lo = Math.min(...sizes);
  const hi = Math.max(...sizes);
  const where = splitName(t, split);
  return lo === hi
    ? t(`Every class has ${groupDigits(lo)} of the ${groupDigits(data.count)} images of the ${where}.`, `${where}的 ${groupDigits(data.count)} 张图像中，每个类别各有 ${groupDigits(lo)} 张。`)
    : t(`The classes have from ${groupDigits(lo)} to ${groupDigits(hi)} of the ${groupDigits(data.count)} images of the ${where}.`, `${where}的 ${groupDigits(data.count)} 张图像中，各类别有 ${groupDigits(lo)} 到 ${groupDigits(hi)} 张。`);
}

/**
 * Fashion-MNIST, the dataset every model of the book trains on: a seeded draw of real
 * images of each class from the training or test file, with the split sizes read from
 * the files themselves.
 */
export function FashionMnist() {
  const t = useTr();
  const lang = useLang();
  const uid = useId();
  const [s, setS] = useUrlState<FMSettings>('fm', FM_DEFAULTS, sanitizeFM);
  const splits = useSplits();
  const rootRef = useRef<HTMLDivElement>(null);
  // Fetch the headers and the images only when the widget comes near the view.
  const visible = useSeen(rootRef, '400px');
  useEffect(() => {
    if (!visible) return;
    for (const split of SPLITS) ensureHeader(split);
    ensureData(s.split);
  }, [visible, s.split]);

  const cur = splits[s.split];
  const data = cur.data;
  const rows = useMemo(() => (data ? drawGrid(data.byClass, s.seed, s.cls) : null), [data, s.seed, s.cls]);
  const names = FASHION_CLASSES[lang];
  const shown = rows ? rows.reduce((n, r) => n + r.indices.length, 0) : 0;

  const headers = SPLITS.map((sp) => splits[sp].data ?? splits[sp].header);
  const total = headers.every(Boolean) ? headers.reduce((n, h) => n + h!.count, 0) : null;
  const h0 = headers.find(Boolean);

  return (
    <WidgetFrame
      id="fashion-mnist"
      title={t('Fashion-MNIST, image by image', 'Fashion-MNIST，一张一张地看')}
      computedBy={t('Read from the dataset files, not computed', '直接读自数据集文件，不经计算')}
      computedByShort={t('Read from the dataset files', '读自数据集文件')}
    >
      <div ref={rootRef} className="fm-body">
        <p className="fm-intro" data-part="summary" data-total={total ?? undefined}>
          {total !== null && h0
            ? t(
                `${groupDigits(total)} grayscale photographs of clothing, shoes and bags, each ${h0.rows} × ${h0.cols} pixels (one byte per pixel, 0 black to 255 white), in ${h0.classes} classes.`,
                `${groupDigits(total)} 张服装、鞋和包的灰度照片，每张 ${h0.rows} × ${h0.cols} 像素（每个像素一个字节，0 为黑，255 为白），共 ${h0.classes} 个类别。`,
              )
            : t('Reading the dataset files…', '正在读取数据集文件…')}
        </p>
        <Facts splits={splits} />

        <div className="fm-controls">
          <fieldset className="fm-radio">
            <legend>{t('Show images from', '图像来自')}</legend>
            {SPLITS.map((split) => (
              <label key={split}>
                <input type="radio" name={`${uid}-split`} value={split} checked={s.split === split} onChange={() => setS((p) => ({ ...p, split }))} />
                {split === 'train' ? t('Training set', '训练集') : t('Test set', '测试集')}
              </label>
            ))}
          </fieldset>
          <div className="fm-select">
            <label htmlFor={`${uid}-class`}>{t('Class', '类别')}</label>
            <select id={`${uid}-class`} value={s.cls} onChange={(e) => setS((p) => ({ ...p, cls: Number(e.target.value) }))}>
              <option value={-1}>{t('All classes, a row each', '全部类别，每类一行')}</option>
              {names.map((n, c) => (
                <option key={c} value={c}>
                  {`${c} · ${n}`}
                </option>
              ))}
            </select>
          </div>
          <button type="button" onClick={() => setS((p) => ({ ...p, seed: nextSeed(p.seed) }))} disabled={!data}>
            {t('New samples', '换一批样本')}
          </button>
        </div>

        <div className="fm-status-area">
        <p className="fm-status" role="status" data-part="status" data-seed={s.seed}>
          {cur.error
            ? null
            : data && rows
              ? `${t(
                  s.cls < 0 ? `${shown} images from the ${splitName(t, s.split)}, ${PER_ROW} of each class (seed ${s.seed}).` : `${shown} images of class ${s.cls}, ${names[s.cls]}, from the ${splitName(t, s.split)} (seed ${s.seed}).`,
                  s.cls < 0 ? `${splitName(t, s.split)}中的 ${shown} 张图像，每类 ${PER_ROW} 张（种子 ${s.seed}）。` : `${splitName(t, s.split)}中类别 ${s.cls}（${names[s.cls]}）的 ${shown} 张图像（种子 ${s.seed}）。`,
                )} ${perClassText(t, data, s.split)}`
              : cur.loading && cur.total
                ? t(`Loading the ${splitName(t, s.split)} from this site (${mb(cur.total)} MB)…`, `正在从本站加载${splitName(t, s.split)}（${mb(cur.total)} MB）…`)
                : t(`Loading the ${splitName(t, s.split)}…`, `正在加载${splitName(t, s.split)}…`)}
        </p>
        {cur.loading && cur.total ? <progress className="fm-progress" max={cur.total} value={cur.loaded} aria-label={t(`Loading the ${splitName(t, s.split)}`, `加载${splitName(t, s.split)}`)} aria-valuetext={`${mb(cur.loaded)} / ${mb(cur.total)} MB`} /> : null}
        </div>
        {cur.error ? (
          <div className="fm-problem" role="alert">
            <p>
              {t('Could not load the images: ', '无法加载图像：')}
              {say(t, cur.error)}
            </p>
            <button type="button" onClick={() => ensureData(s.split)}>
              {t('Try again', '重试')}
            </button>
          </div>
        ) : null}

        <SampleGrid rows={rows} data={data} split={s.split} cls={s.cls} lang={lang} busy={visible && !data && !cur.error} />
      </div>
    </WidgetFrame>
  );
}

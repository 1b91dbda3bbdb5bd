import { FileButton } from '../common/FileButton';
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import './inside-model.css';
import { bilingualOf, isModelId, zoo, type Bilingual, type ModelId } from '../../models';
import { useTraining } from '../../stores/training';
import { WidgetFrame } from '../common/WidgetFrame';
import { NumberField } from '../common/NumberField';
import { FASHION_CLASSES } from '../common/fashion-classes';
import { joinZh, useLang, useTr, type Tr } from '../common/i18n';
import { trainedAmount } from '../common/format';
import { deviceLosses, lostSince } from '../common/engine';
import { useReducedMotion } from '../common/useReducedMotion';
import { useSeen } from '../common/useSeen';
import { useUrlState } from '../common/useUrlState';
import { ConfirmReplace, useWeightsImport } from '../training/ConfirmReplace';
import { inside, layerRef, mapLabel, MAX_CHANNELS, modelInput, stageCaption, stageOption, type InsideResult } from './compute';
import { getTestSet, loadSaved, takeUntrained, useWeights, type Weights } from './weights';
import { INSIDE_DEFAULTS, sanitizeInside, TEST_IMAGES, type InsideSettings } from './settings';
import { GrayCanvas } from '../common/GrayCanvas';

const f3 = (v: number) => v.toFixed(3);

function stats(m: ArrayLike<number>): { lo: number; hi: number; mean: number } {
  let lo = Infinity;
  let hi = -Infinity;
  let sum = 0;
  for (let i = 0; i < m.length; i++) {
    lo = Math.min(lo, m[i]);
    hi = Math.max(hi, m[i]);
    sum += m[i];
  }
  return { lo, hi, mean: m.length ? sum / m.length : 0 };
}

/**
 * One map as a grayscale picture, its values stretched from their smallest (black) to
 * their largest (white), drawn pixel-exact and scaled by CSS. Its accessible name says
 * what it is; its description gives the size and the range of the values.
 */
function MapImage({ values, rows, cols, label, px, part }: { values: Float32Array; rows: number; cols: number; label: string; px: number; part: string }) {
  const t = useTr();
  const s = stats(values);
  const gray = useMemo(() => values.map((v) => (s.hi > s.lo ? Math.round(((v - s.lo) / (s.hi - s.lo)) * 255) : 128)), [values, s.lo, s.hi]);
  return (
    <GrayCanvas
      rows={rows}
      cols={cols}
      gray={gray}
      label={label}
      summary={t(`${rows} × ${cols} values from ${f3(s.lo)} to ${f3(s.hi)}, mean ${f3(s.mean)}`, `${rows} × ${cols} 个值，从 ${f3(s.lo)} 到 ${f3(s.hi)}，平均 ${f3(s.mean)}`)}
      data-part={part}
      data-shape={`${rows}x${cols}`}
      style={{ width: px, height: (px * rows) / cols }}
    />
  );
}

function sourceLine(t: Tr, name: string, w: Weights): string {
  const size = `${w.inputSize} × ${w.inputSize}`;
  if (w.source === 'untrained')
    return t(`Untrained: ${name} with freshly initialised weights (Xavier, seed 0), ${size} inputs. Its maps and probabilities show what a network knows before training: nothing.`, joinZh`未训练：${name} 使用刚初始化的权重（Xavier，种子 0），输入 ${size}。这些特征图和概率展示的是网络训练之前的样子：它什么也不知道。`);
  if (w.source === 'imported') return t(`Weights imported from a .safetensors file, ${size} inputs.`, `权重导入自 .safetensors 文件，输入 ${size}。`);
  const acc = w.testAcc !== null ? t(`, test accuracy ${(w.testAcc * 100).toFixed(1)}%`, `，测试精度 ${(w.testAcc * 100).toFixed(1)}%`) : '';
  const amount = trainedAmount(t, w.epochs ?? 0, w.stepInEpoch);
  return t(`Trained in this browser (${amount}${acc}), ${size} inputs; weights read from the training checkpoint.`, `已在本浏览器中训练（${amount}${acc}），输入 ${size}；权重读自训练检查点。`);
}

/** "Inside a trained model": a zoo model's first kernels, its feature maps layer by layer and its class probabilities for one test image. */
export function InsideModel({ model: requested = 'lenet' }: { model?: string }) {
  const t = useTr();
  const lang = useLang();
  const uid = useId();
  const model: ModelId = isModelId(requested) ? requested : 'lenet';
  const name = zoo[model].name[lang];
  const reduced = useReducedMotion();
  const rootRef = useRef<HTMLDivElement>(null);
  const visible = useSeen(rootRef);
  const [settings, update] = useUrlState<InsideSettings>(`inside-${model}`, INSIDE_DEFAULTS, sanitizeInside);
  const w = useWeights(model);
  const savedAt = useTraining((s) => s.checkpoints[model]?.savedAt ?? null);
  const weightsVersion = useTraining((s) => s.weightsVersion);
  const [note, setNote] = useState<{ ok: boolean; text: string } | null>(null);
  const trainingBusy = useTraining((s) => s.state === 'loading' || s.state === 'training' || s.state === 'paused' || s.state === 'evaluating');

  // Look for the checkpoint once the widget is in view, and again whenever the training store says it changed.
  useEffect(() => {
    if (visible) void loadSaved(model);
  }, [visible, model, savedAt, weightsVersion]);

  // ---- the computation -------------------------------------------------------------------
  const weights = w.weights;
  const img = settings.img;
  const key = weights ? `${model}@${w.version}:${img}` : null;
  const [out, setOut] = useState<{ key: string; result: InsideResult; img: number; label: number; input: Float32Array; size: number } | null>(null);
  const [error, setError] = useState<Bilingual | null>(null);
  useEffect(() => {
    if (!key || !weights || !visible) return;
    let live = true;
    (async () => {
      const losses = deviceLosses();
      try {
        const ds = await getTestSet();
        const input = modelInput(ds, img, weights.inputSize);
        const result = await inside(weights.net, input, weights.inputSize, { onCpu: weights.onCpu });
        if (live) {
          setOut({ key, result, img, label: ds.labels[img], input, size: weights.inputSize });
          setError(null);
        }
      } catch (e) {
        // A device lost under the computation is no error of the model's: the network is
        // rebuilt on the new device (weights.ts), and its new version computes again.
        if (!weights.onCpu && (await lostSince(losses))) return;
        if (live) setError(bilingualOf(e));
      }
    })();
    return () => {
      live = false;
    };
  }, [key, weights, img, visible]);
  const fresh = out !== null && out.key === key;
  const result = out?.result ?? null;

  // ---- actions -----------------------------------------------------------------------------
  const setImg = (v: number) => update((s) => ({ ...s, img: Math.max(0, Math.min(TEST_IMAGES - 1, Math.round(v))) }));
  const stages = result?.stages ?? [];
  const layer = stages.length ? Math.min(settings.layer, stages.length - 1) : settings.layer;
  const stage = stages[layer] ?? null;

  const goTrain = () => {
    const target = document.querySelector<HTMLElement>(`[data-widget="train-model"][data-model="${model}"]`);
    if (!target) return false;
    target.scrollIntoView({ behavior: reduced ? 'auto' : 'smooth', block: 'start' });
    target.querySelector<HTMLElement>('button:not([disabled]), select, input')?.focus({ preventScroll: true });
    return true;
  };
  const trainHref = `?c=train`;

  // A file that records no input size is taken at the checkpoint's, else at the in-tab size.
  const weightsImport = useWeightsImport(model, {
    inputSize: () => useTraining.getState().checkpoints[model]?.config.inputSize ?? zoo[model].tabInputSize,
    after: () => loadSaved(model),
    report: (r) => setNote(r && (r.ok ? { ok: true, text: t(`Imported ${r.file}.`, `已导入 ${r.file}。`) } : { ok: false, text: t(`Not imported: ${r.why.en}`, `未导入：${r.why.zh}`) })),
  });

  const probs = result ? Array.from(result.probs) : null;
  const top = probs ? probs.reduce((best, p, i, a) => (p > a[best] ? i : best), 0) : null;
  const names = FASHION_CLASSES[lang];
  const k = result?.kernels ?? null;
  const untrainedUnavailable = weights?.source === 'untrained' || w.status === 'loading';

  return (
    <WidgetFrame id="inside-model" title={t(`Inside a trained model: ${name}`, joinZh`走进训练好的模型：${name}`)} computedOn={weights?.onCpu ? 'cpu' : undefined}>
      <div ref={rootRef} className="im" data-model={model} data-source={weights?.source ?? 'none'} data-state={!weights ? w.status : fresh ? 'ready' : 'computing'} aria-busy={weights ? !fresh : w.status === 'loading'}>
        <p className="b-instructions">
          {t(
            `Pick a Fashion-MNIST test image and a layer: the engine runs the image through ${name} and shows what every layer produced, the kernels of the first convolution, and the ten class probabilities.`,
            joinZh`选一张 Fashion-MNIST 测试图像和一层：引擎让图像流过 ${name}，展示每一层的输出、第一个卷积层的卷积核，以及十个类别的概率。`,
          )}
        </p>

        <div className="im-source" role="status" data-part="source">
          {weights ? (
            <p>{sourceLine(t, name, weights)}</p>
          ) : w.status === 'none' ? (
            <p>
              <strong>{t(`No trained ${name} weights in this browser yet.`, joinZh`本浏览器中还没有训练好的 ${name} 权重。`)}</strong>
              {t(' ', '')}
              {t('Train the model with the training widget, import a .safetensors file, or look inside with untrained weights.', '可以用训练组件训练模型、导入一个 .safetensors 文件，或者先用未训练的权重看看内部。')}
            </p>
          ) : w.status === 'error' ? (
            <p className="b-problem">{t(`Could not read the saved weights: ${w.error?.en ?? ''}`, `无法读取保存的权重：${w.error?.zh ?? ''}`)}</p>
          ) : (
            <p>{t('Looking for trained weights in this browser…', '正在本浏览器中查找训练好的权重…')}</p>
          )}
        </div>

        <div className="b-toolbar im-actions">
          <a
            className="im-button"
            href={trainHref}
            onClick={(e) => {
              if (goTrain()) e.preventDefault();
            }}
          >
            {t(`Go to ${name}’s training`, joinZh`前往 ${name} 的训练`)}
          </a>
          {/* Unavailable but still focusable (aria-disabled): pressing it must not drop the reader's focus to the page. */}
          <button type="button" onClick={() => void (untrainedUnavailable || takeUntrained(model))} aria-disabled={untrainedUnavailable || undefined}>
            {t('Use untrained weights', '使用未训练的权重')}
          </button>
          <FileButton label={t('Load weights (.safetensors)', '载入权重（.safetensors）')} inputRef={weightsImport.fileRef} accept=".safetensors,application/octet-stream" onChange={(e) => void weightsImport.onFile(e)} disabled={weightsImport.importing} />
        </div>
        {weightsImport.pending ? <ConfirmReplace pending={weightsImport.pending} busy={weightsImport.importing || trainingBusy} onDone={weightsImport.answer} /> : null}
        {note ? (
          <p className={note.ok ? 'im-note' : 'im-note b-problem'} data-note={note.ok ? 'ok' : 'bad'} role={note.ok ? 'status' : 'alert'}>
            {note.text}
          </p>
        ) : null}

        <div className="b-toolbar im-pick" role="group" aria-label={t('Test image and layer', '测试图像和层')}>
          <button type="button" onClick={() => setImg(img - 1)} disabled={img <= 0} aria-label={t('Previous test image', '上一张测试图像')}>
            ◀
          </button>
          <label htmlFor={`${uid}-img`}>{t('Test image #', '测试图像 #')}</label>
          <NumberField id={`${uid}-img`} integer min={0} max={TEST_IMAGES - 1} value={img} onCommit={setImg} />
          <button type="button" onClick={() => setImg(img + 1)} disabled={img >= TEST_IMAGES - 1} aria-label={t('Next test image', '下一张测试图像')}>
            ▶
          </button>
          <label htmlFor={`${uid}-layer`}>{t('Layer', '层')}</label>
          <select id={`${uid}-layer`} value={layer} onChange={(e) => update((s) => ({ ...s, layer: Number(e.target.value) }))} disabled={!stages.length}>
            {stages.length ? (
              stages.map((s, i) => (
                <option key={i} value={i}>
                  {stageOption(t, s)}
                </option>
              ))
            ) : (
              <option value={layer}>…</option>
            )}
          </select>
        </div>

        {error ? (
          <p className="b-problem" role="alert">
            {t(`Could not run the model: ${error.en}`, `无法运行模型：${error.zh}`)}
          </p>
        ) : null}

        {out && result ? (
          <>
            <div className="im-row">
              <figure className="im-input" data-part="input" data-index={out.img} data-label={out.label}>
                <MapImage values={out.input} rows={out.size} cols={out.size} px={112} part="input-image" label={t(`Test image #${out.img}: ${names[out.label]}`, `测试图像 #${out.img}：${names[out.label]}`)} />
                <figcaption>
                  {t('True class: ', '真实类别：')}
                  <strong>{names[out.label]}</strong>
                  <br />
                  {t(`${name} says: `, joinZh`${name} 的判断：`)}
                  <strong data-part="prediction" data-pred={top ?? undefined}>
                    {top !== null ? names[top] : '…'}
                  </strong>
                </figcaption>
              </figure>

              {k ? (
                <figure className="im-kernels" data-part="kernels" data-count={k.count} data-shape={`${k.count}x${k.inChannels}x${k.kh}x${k.kw}`}>
                  <figcaption>
                    {t(`First convolution: ${k.count} kernels of ${k.kh} × ${k.kw}`, `第一个卷积层：${k.count} 个 ${k.kh} × ${k.kw} 的卷积核`)}
                    {t(' ', '')}
                    <span className="im-muted">
                      {k.inChannels === 1
                        ? t('(the input has one channel, so each kernel has one slice: this is it; black is its smallest weight, white its largest)', '（输入只有一个通道，所以每个卷积核只有一片，显示的就是它；黑色是最小的权重，白色是最大的）')
                        : t(`(the mean of each kernel over its ${k.inChannels} input channels)`, `（每个卷积核在 ${k.inChannels} 个输入通道上的平均）`)}
                    </span>
                  </figcaption>
                  <div className="im-grid">
                    {k.data.map((v, i) => (
                      <MapImage key={i} values={v} rows={k.kh} cols={k.kw} px={k.kw >= 7 ? 44 : 36} part="kernel" label={t(`Kernel ${i + 1} of ${k.count}`, `卷积核 ${i + 1}/${k.count}`)} />
                    ))}
                  </div>
                </figure>
              ) : null}
            </div>

            {stage ? (
              <figure className="im-maps" data-part="maps" data-layer={layer} data-type={stage.type} data-shape={stage.shape.join('x')} data-expected={stage.expected.join('x')} data-shown={stage.maps.length}>
                <figcaption>
                  {stageCaption(t, stage)}
                  {stage.shape[0] > stage.maps.length ? (
                    <span className="im-muted" data-part="cap">
                      {t(' ', '')}
                      {t(`(the first ${stage.maps.length} of ${stage.shape[0]} channels)`, `（${stage.shape[0]} 个通道中的前 ${stage.maps.length} 个）`)}
                    </span>
                  ) : null}
                </figcaption>
                <div className="im-grid">
                  {stage.maps.map((m, c) => (
                    <MapImage
                      key={c}
                      values={m}
                      rows={stage.shape[1]}
                      cols={stage.shape[2]}
                      px={stage.shape[2] >= 24 ? 72 : 56}
                      part="map"
                      label={mapLabel(t, stage, c)}
                    />
                  ))}
                </div>
              </figure>
            ) : null}

            <details className="im-layers">
              <summary>{t(`Every layer’s output shape (${stages.length} layers)`, `每一层的输出形状（共 ${stages.length} 层）`)}</summary>
              <table className="b-table" data-part="layers">
                <thead>
                  <tr>
                    <th scope="col">{t('Layer', '层')}</th>
                    <th scope="col">{t('Type', '类型')}</th>
                    <th scope="col">{t('Output shape', '输出形状')}</th>
                  </tr>
                </thead>
                <tbody>
                  {stages.map((s, i) => (
                    <tr key={i} data-shape={s.shape.join('x')} data-expected={s.expected.join('x')}>
                      <td>{layerRef(s.name)}</td>
                      <td>{s.type}</td>
                      <td>{s.shape.join(' × ')}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>

            <div className="im-probs" data-part="probs" data-probs={JSON.stringify(probs)}>
              <h4 id={`${uid}-probs`}>{t('Class probabilities (softmax of the logits)', '类别概率（logits 的 softmax）')}</h4>
              <ol aria-labelledby={`${uid}-probs`}>
                {probs!.map((p, c) => (
                  <li key={c} data-class={c} data-prob={p} aria-current={c === top ? 'true' : undefined}>
                    <span className="im-class">{names[c]}</span>
                    <span className="im-bar" aria-hidden="true">
                      <span style={{ width: `${(p * 100).toFixed(2)}%` }} />
                    </span>
                    <span className="im-pct">{`${(p * 100).toFixed(1)}%`}</span>
                  </li>
                ))}
              </ol>
              <p className="im-muted">{t(`Feature maps: at most the first ${MAX_CHANNELS} channels of a layer are drawn. Each picture is stretched from its smallest value (black) to its largest (white).`, `特征图：每层最多画出前 ${MAX_CHANNELS} 个通道。每张图都从它的最小值（黑）拉伸到最大值（白）。`)}</p>
            </div>
          </>
        ) : weights ? (
          <p>{t('Running the model on the image…', '正在对图像运行模型…')}</p>
        ) : null}
      </div>
    </WidgetFrame>
  );
}

import { Fragment, useEffect, useId, useMemo, useRef, useSyncExternalStore } from 'react';
import { probabilityBars } from '../../charts/probabilityBars';
import { loadDataset } from '../../data/load';
import { Slider } from '../common/Slider';
import { useSeen } from '../common/useSeen';
import { say, useLang, useTr, type Bilingual, type Tr } from '../common/i18n';
import { deviceLosses, lostSince, onEngineRestart, startEngine } from '../common/engine';
import { trainedAmount } from '../common/format';
import { TableHead } from '../common/TableHead';
import { outputState, useEngineResult } from '../common/useEngineResult';
import { CellMap } from './CellMap';
import { dependencies, stackGeometry } from './geometry';
import { BRIEF, briefSteps, createLeNet, FASHION_CLASSES, lenetInputGradient, lenetMaps, trainBriefly } from './lenet-model';
import { clampSelection, LENET_CHANNELS, LENET_SIZES, LENET_STACK, LENET_TEST_IMAGES, selection, type RFSettings } from './settings';
import type { nn } from '../../engine';
import { bilingualOf, zoo, type HostStateDict } from '../../models';
import { useTraining } from '../../stores/training';
import { onceUntilFailure } from '../common/once';
import { ScrollRegion } from '../common/ScrollRegion';
import { FieldCells } from './FieldCells';

// ---- one LeNet and one test set for the page (shared by every copy of the widget) -----------

interface ModelState {
  net: nn.Sequential | null;
  status: 'none' | 'ready' | 'training' | 'error';
  trained: boolean;
  /** Where trained weights came from: the training chapter's checkpoint, an imported file, or a brief run in this tab. */
  source: 'checkpoint' | 'imported' | 'in-page' | null;
  /** For a checkpoint: completed epochs and the last test accuracy. */
  checkpoint: { epochs: number; stepInEpoch: number; testAcc: number | null } | null;
  step: number;
  acc: number | null;
  /** Why the brief training here failed, in both languages where the error has them. */
  error: Bilingual | null;
  /** Why this browser's checkpoint could not be loaded, if it could not. */
  loadError: Bilingual | null;
  /** Bumped whenever the weights change, so views recompute. */
  version: number;
  /** The GPU device was lost while LeNet trained here: the weights it had learned were lost with it. */
  lostTraining: boolean;
}

let model: ModelState = { net: null, status: 'none', trained: false, source: null, checkpoint: null, step: 0, acc: null, error: null, loadError: null, version: 0, lostTraining: false };
const listeners = new Set<() => void>();
function setModel(patch: Partial<ModelState>) {
  model = { ...model, ...patch };
  for (const l of listeners) l();
}
function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}
function useModel(): ModelState {
  // The same snapshot when drawn outside a browser (the unit tests' static rendering).
  return useSyncExternalStore(subscribe, () => model, () => model);
}

/**
 * The weights the page's LeNet holds, kept on the host: those of the checkpoint, or of a
 * brief training here, read back once it ends (null: the seeded initialisation). The
 * network lives on the engine's GPU backend, where a device loss takes its tensors; it is
 * rebuilt from these. Weights a brief training is still changing exist only on the device.
 */
let hostWeights: HostStateDict | null = null;

/** LeNet with the host's weights, on the engine's current backend. */
function buildNet(): nn.Sequential {
  const net = createLeNet();
  if (hostWeights) net.loadStateDict(hostWeights);
  return net;
}

/** The page's LeNet, built on the engine's GPU backend (this is what starts WebGPU, once). */
async function ensureNet(): Promise<nn.Sequential> {
  await startEngine();
  if (!model.net) setModel({ net: buildNet(), status: model.status === 'none' ? 'ready' : model.status, version: model.version + 1 });
  return model.net!;
}

// The engine started again on a new device: the network's tensors lived on the lost one
// (disposing them is allowed and frees nothing there). It is built again on the new device
// from the host's weights, and the views recompute.
onEngineRestart(() => {
  if (!model.net) return;
  model.net.dispose();
  let net: nn.Sequential | null = null;
  try {
    net = buildNet();
  } catch {
    // The next computation builds it (ensureNet) and says what went wrong.
  }
  setModel({ net, version: model.version + 1 });
});

const getTest = onceUntilFailure(() => loadDataset('fashion', 'test'));
const getTrain = onceUntilFailure(() => loadDataset('fashion', 'train'));

/** The `savedAt` of the checkpoint whose weights the page's LeNet holds, so each is loaded once. */
let loadedSavedAt: number | null = null;
let loading: Promise<void> = Promise.resolve();
/** Whether a brief training in this tab is under way (its weights are not to be replaced). */
const trainingHere = () => model.status === 'training';

/**
 * Loads LeNet's weights from this browser's checkpoint (through the training store): those
 * of a run of the training chapter with at least one step, or imported ones, at 28x28.
 * Called when the part comes into view and whenever the checkpoint changes (a run saves,
 * weights are imported), so a newer checkpoint replaces the weights held, a brief training
 * here included; a brief training under way keeps its own. Does nothing without a checkpoint.
 */
function loadCheckpoint(): Promise<void> {
  loading = loading.then(async () => {
    try {
      const info = await useTraining.getState().refreshCheckpoint('lenet');
      const usable = !!info && info.config.inputSize === 28 && (info.status === 'imported' || info.epoch + info.stepInEpoch > 0);
      if (!usable || info.savedAt === loadedSavedAt || trainingHere()) return;
      // The engine starts before any tensor is made (reading the file makes tensors).
      const net = await ensureNet();
      const { bytes } = await useTraining.getState().exportWeights('lenet');
      const sd = zoo.lenet.fromSafetensors(bytes, { inputSize: 28 });
      // A brief training may have begun meanwhile: its weights win.
      if (trainingHere()) return;
      net.loadStateDict(sd);
      hostWeights = sd;
      loadedSavedAt = info.savedAt;
      const last = info.history.epochs[info.history.epochs.length - 1];
      const imported = info.status === 'imported';
      setModel({
        trained: true,
        source: imported ? 'imported' : 'checkpoint',
        checkpoint: { epochs: info.epoch, stepInEpoch: imported ? 0 : info.stepInEpoch, testAcc: imported ? null : (last?.testAcc ?? null) },
        loadError: null,
        lostTraining: false,
        version: model.version + 1,
      });
    } catch (e) {
      // The widget keeps what it holds (untrained or briefly trained weights) and says why.
      setModel({ loadError: bilingualOf(e) });
    }
  });
  return loading;
}

async function trainInPage() {
  if (model.status === 'training') return;
  setModel({ status: 'training', step: 0, acc: null, error: null, lostTraining: false });
  let seen: number | null = null;
  try {
    const net = await ensureNet();
    const train = await getTrain();
    seen = deviceLosses();
    const acc = await trainBriefly(net, train, (step, a) => setModel({ step, acc: a }));
    // Read back at once: from here on a device loss no longer takes what was learned.
    const weights = await net.stateDictData();
    hostWeights = weights;
    setModel({ status: 'ready', trained: true, source: 'in-page', checkpoint: null, acc, version: model.version + 1 });
  } catch (e) {
    // Lost with the device: the network is rebuilt with the weights it held before (see onEngineRestart).
    if (seen !== null && (await lostSince(seen))) setModel({ status: 'ready', step: 0, acc: null, lostTraining: true });
    else setModel({ status: 'error', error: bilingualOf(e) });
  }
}

// ---- view --------------------------------------------------------------------------------------

const STAGE_CELL = [9, 9, 16, 22, 36];

function stageName(t: Tr, s: number): string {
  return [
    t('Input image', '输入图像'),
    t('Conv 1 + sigmoid', '卷积 1 + sigmoid'),
    t('Avg pool 1', '平均汇聚 1'),
    t('Conv 2 + sigmoid', '卷积 2 + sigmoid'),
    t('Avg pool 2', '平均汇聚 2'),
  ][s];
}

/** Smallest, largest and mean of a map, for its text alternative. */
function stats(m: Float32Array): { lo: number; hi: number; mean: number } {
  let lo = Infinity;
  let hi = -Infinity;
  let sum = 0;
  for (const v of m) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
    sum += v;
  }
  return { lo, hi, mean: m.length ? sum / m.length : 0 };
}

/**
 * Every channel of a stage as a small picture, a pointer shortcut for the channel slider
 * (hidden from assistive technology, which has the slider and the grid of values). Each
 * picture still carries a name and a summary of its numbers.
 */
function Thumbs({ maps, channels, size, current, onPick, label }: { maps: Float32Array[] | null; channels: number; size: number; current: number; onPick: (c: number) => void; label: string }) {
  const t = useTr();
  const ref = useRef<HTMLDivElement>(null);
  const uid = useId().replace(/[^A-Za-z0-9_-]/g, '');
  useEffect(() => {
    const canvases = ref.current?.querySelectorAll('canvas');
    if (!canvases || !maps) return;
    maps.forEach((m, c) => {
      const cv = canvases[c];
      const ctx = cv?.getContext('2d');
      if (!ctx) return;
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of m) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      const img = ctx.createImageData(size, size);
      for (let i = 0; i < m.length; i++) {
        const g = hi > lo ? Math.round(((m[i] - lo) / (hi - lo)) * 255) : 128;
        img.data.set([g, g, g, 255], i * 4);
      }
      ctx.putImageData(img, 0, 0);
    });
  }, [maps, size]);
  return (
    <div ref={ref} className="rf-thumbs" aria-hidden="true" title={label}>
      {Array.from({ length: channels }, (_, c) => {
        const m = maps?.[c];
        const f = (v: number) => v.toFixed(3);
        const about = m ? stats(m) : null;
        return (
          <Fragment key={c}>
            <canvas
              width={size}
              height={size}
              role="img"
              aria-label={t(`${label}: channel ${c}`, `${label}：通道 ${c}`)}
              aria-describedby={`${uid}-${c}`}
              aria-current={c === current}
              onClick={() => onPick(c)}
            />
            <span id={`${uid}-${c}`} className="visually-hidden">
              {about
                ? t(`${size} × ${size} values from ${f(about.lo)} to ${f(about.hi)}, mean ${f(about.mean)}`, `${size} × ${size} 个值，从 ${f(about.lo)} 到 ${f(about.hi)}，平均 ${f(about.mean)}`)
                : t(`${size} × ${size} values, not computed yet`, `${size} × ${size} 个值，尚未计算`)}
            </span>
          </Fragment>
        );
      })}
    </div>
  );
}

/** LeNet's class probabilities; the box holds the chart's room before the first image is run. */
function Probabilities({ probs }: { probs: Float32Array | null }) {
  const t = useTr();
  const lang = useLang();
  const ref = useRef<HTMLDivElement>(null);
  const update = useRef<ReturnType<typeof probabilityBars> | null>(null);
  useEffect(() => {
    if (!ref.current || !probs) return;
    const opts = { title: t('LeNet’s class probabilities', 'LeNet 给出的类别概率'), labels: FASHION_CLASSES[lang] };
    if (!update.current) update.current = probabilityBars(ref.current, probs, opts);
    else update.current(probs, opts);
  }, [probs, lang, t]);
  return <div ref={ref} className="rf-probs" />;
}

interface Props {
  settings: RFSettings;
  update: (fn: (s: RFSettings) => RFSettings) => void;
}

/** The trained LeNet on a Fashion-MNIST test image: its feature maps and receptive fields. */
export function LeNetPart({ settings, update }: Props) {
  const t = useTr();
  const lang = useLang();
  const m = useModel();
  const steps = briefSteps();
  const rootRef = useRef<HTMLDivElement>(null);
  // Build the network and fetch the test set only when this part scrolls into view.
  const visible = useSeen(rootRef);
  const savedAt = useTraining((s) => s.checkpoints.lenet?.savedAt ?? null);
  const weightsVersion = useTraining((s) => s.weightsVersion);
  useEffect(() => {
    if (visible) void loadCheckpoint();
  }, [visible, savedAt, weightsVersion]);

  const sel = clampSelection(settings.lsel, LENET_SIZES);
  const img = settings.img;
  const geo = useMemo(() => stackGeometry(28, LENET_STACK), []);
  const dep = useMemo(() => dependencies(28, LENET_STACK, selection(sel)), [sel]);
  const channels = LENET_CHANNELS.map((c, i) => Math.min(settings.lch[i] ?? 0, c - 1));

  const mapsKey = `${img}@${m.version}`;
  const maps = useEngineResult(
    mapsKey,
    async () => {
      const net = await ensureNet();
      const ds = await getTest();
      return { result: await lenetMaps(net, ds, img), label: ds.labels[img] };
    },
    { enabled: visible },
  );
  const gradKey = `${img}@${m.version}:${sel.join(',')}:${channels[sel[0]]}`;
  const grad = useEngineResult(
    gradKey,
    async () => {
      const net = await ensureNet();
      const ds = await getTest();
      return lenetInputGradient(net, ds, img, sel[0], channels[sel[0]], sel[1], sel[2]);
    },
    { enabled: visible && m.status !== 'training' },
  );
  const current = maps.value;
  const g = grad.fresh ? grad.value : null;
  let nonzero = 0;
  let outside = 0;
  if (g) {
    for (let r = 0; r < 28; r++)
      for (let c = 0; c < 28; c++) {
        if (g[r * 28 + c] === 0) continue;
        nonzero++;
        if (!(dep.rowMasks[0][r] && dep.colMasks[0][c])) outside++;
      }
  }
  const region0 = dep.regions[0];
  const fieldCells = region0.rows * region0.cols;
  const pred = current ? Array.from(current.result.probs).reduce((best, p, i, a) => (p > a[best] ? i : best), 0) : null;

  const setChannel = (stage: number, c: number) =>
    update((s) => {
      const lch = LENET_CHANNELS.map((n, i) => Math.min(s.lch[i] ?? 0, n - 1));
      lch[stage] = c;
      return { ...s, lch };
    });

  return (
    <div ref={rootRef} className="rf-lenet" data-part="lenet">
      <p className="b-instructions">
        {t(
          'LeNet (conv 5×5 pad 2, sigmoid, avg pool 2, conv 5×5, sigmoid, avg pool 2) from the model zoo, run by the engine on a Fashion-MNIST test image. Click a cell of any feature map: the outlined cells of earlier maps are its receptive field (in every channel).',
          '来自模型库的 LeNet（5×5 卷积填充 2、sigmoid、2×2 平均汇聚、5×5 卷积、sigmoid、2×2 平均汇聚），由引擎在一张 Fashion-MNIST 测试图像上运行。点击任意特征图的单元格：前面各特征图中描边的单元格就是它的感受野（每个通道都一样）。',
        )}
      </p>
      <div className="b-toolbar">
        <Slider label={t('Test image', '测试图像')} value={img} min={0} max={LENET_TEST_IMAGES - 1} onChange={(v) => update((s) => ({ ...s, img: v }))} format={(v) => `#${v}`} />
      </div>
      <div className="b-row">
        <p className="rf-pred" data-part="lenet-status" data-trained={String(m.trained)}>
          {m.status === 'training'
            ? t(`Training in this tab… step ${m.step} of ${steps}${m.acc !== null ? `, recent batch accuracy ${(m.acc * 100).toFixed(0)}%` : ''}`, `正在本页训练… 第 ${m.step}/${steps} 步${m.acc !== null ? `，最近批次精度 ${(m.acc * 100).toFixed(0)}%` : ''}`)
            : m.trained && m.source === 'checkpoint'
              ? t(
                  `Trained in the training chapter (${trainedAmount(t, m.checkpoint?.epochs ?? 0, m.checkpoint?.stepInEpoch ?? 0)}${m.checkpoint?.testAcc != null ? `, test accuracy ${(m.checkpoint.testAcc * 100).toFixed(1)}%` : ''}); weights loaded from this browser’s checkpoint.`,
                  `已在训练一章中训练（${trainedAmount(t, m.checkpoint?.epochs ?? 0, m.checkpoint?.stepInEpoch ?? 0)}${m.checkpoint?.testAcc != null ? `，测试精度 ${(m.checkpoint.testAcc * 100).toFixed(1)}%` : ''}）；权重读自本浏览器保存的检查点。`,
                )
              : m.trained && m.source === 'imported'
                ? t('Imported weights (a .safetensors file), loaded from this browser’s checkpoint.', '导入的权重（.safetensors 文件），读自本浏览器保存的检查点。')
              : m.trained
              ? t(`Trained briefly in this tab (${steps} Adam steps of ${BRIEF.batchSize} images; recent batch accuracy ${((m.acc ?? 0) * 100).toFixed(0)}%).`, `已在本页简短训练（${steps} 步 Adam，每批 ${BRIEF.batchSize} 张；最近批次精度 ${((m.acc ?? 0) * 100).toFixed(0)}%）。`)
              : t('Untrained: Xavier-initialised weights (seed 0). The receptive fields are the same; the feature maps become meaningful after training.', '未训练：Xavier 初始化的权重（种子 0）。感受野不变；训练之后特征图才有意义。')}
        </p>
        <button type="button" onClick={() => void trainInPage()} disabled={m.status === 'training' || m.trained || !visible}>
          {t(`Train briefly here (${steps} steps)`, `在这里简短训练（${steps} 步）`)}
        </button>
      </div>
      {m.error ? (
        <p className="b-problem" role="alert">
          {say(t, m.error)}
        </p>
      ) : null}
      {m.lostTraining ? (
        <p className="b-problem" role="alert" data-part="lenet-lost-training">
          {t(
            'The GPU was reset while LeNet trained here, and the weights it had learned were lost with it (they stay on the GPU until training ends). Train again to see trained feature maps.',
            'LeNet 在这里训练时 GPU 被重置，已学到的权重随之丢失（训练结束前它们只在 GPU 上）。请重新训练，以查看训练后的特征图。',
          )}
        </p>
      ) : null}
      {m.loadError ? (
        <p className="b-problem" role="alert" data-part="lenet-load-error">
          {t(`Could not read the saved LeNet weights: ${m.loadError.en}`, `无法读取保存的 LeNet 权重：${m.loadError.zh}`)}
        </p>
      ) : null}
      {current ? (
        <p data-part="lenet-label" data-label={current.label} data-pred={pred ?? undefined}>
          {t('True class: ', '真实类别：')}
          <strong>{FASHION_CLASSES[lang][current.label]}</strong>
          {' · '}
          {t('LeNet says: ', 'LeNet 的判断：')}
          <strong>{pred !== null ? FASHION_CLASSES[lang][pred] : '…'}</strong>
        </p>
      ) : maps.error ? (
        <p className="b-problem" role="alert">
          {t('Could not load the images or run LeNet: ', '无法加载图像或运行 LeNet：')}
          {maps.error}{' '}
          <button
            type="button"
            onClick={() => {
              maps.retry();
              grad.retry();
            }}
          >
            {t('Try again', '重试')}
          </button>
        </p>
      ) : (
        <p>{t('Loading the test images…', '正在加载测试图像…')}</p>
      )}

      <div className="rf-lenet-maps" data-state={outputState(maps)} aria-busy={!maps.fresh}>
        {LENET_SIZES.map((size, s) => {
          const ch = channels[s];
          const values = current ? current.result.maps[s][ch] : null;
          const inField = s <= sel[0];
          const rm = inField ? dep.rowMasks[s] : null;
          const cm = inField ? dep.colMasks[s] : null;
          const shape = current ? current.result.shapes[s] : [LENET_CHANNELS[s], size, size];
          return (
            <figure key={s} className="rf-map-panel" data-stage={s} data-shape={shape.join('x')}>
              <figcaption>
                {stageName(t, s)} <span className="b-shape">{shape.join(' × ')}</span>
              </figcaption>
              {LENET_CHANNELS[s] > 1 ? (
                // Channels are counted from 0, as the maps' tensor indexes them.
                <Slider label={t(`${stageName(t, s)} channel`, `${stageName(t, s)} 通道`)} value={ch} min={0} max={LENET_CHANNELS[s] - 1} onChange={(v) => setChannel(s, v)} />
              ) : null}
              <CellMap
                values={values}
                rows={size}
                cols={size}
                label={`${stageName(t, s)}${LENET_CHANNELS[s] > 1 ? t(`, channel ${ch}`, `，通道 ${ch}`) : ''}`}
                cellSize={STAGE_CELL[s]}
                showNumbers={STAGE_CELL[s] >= 34}
                shade="range"
                gray={s === 0}
                isHot={rm && cm ? (r, c) => rm[r] && cm[c] : undefined}
                selected={s === sel[0] ? { row: sel[1], col: sel[2] } : null}
                onSelect={(r, c) => update((st) => ({ ...st, lsel: [s, r, c] }))}
              />
              {/* Drawn blank until the maps arrive, so the panel keeps its size. */}
              {LENET_CHANNELS[s] > 1 ? <Thumbs maps={current ? current.result.maps[s] : null} channels={LENET_CHANNELS[s]} size={size} current={ch} onPick={(c) => setChannel(s, c)} label={stageName(t, s)} /> : null}
            </figure>
          );
        })}
      </div>

      <p className="b-check" role="status" data-part="lenet-check" data-agrees={g ? String(outside === 0 && nonzero > 0) : 'pending'} data-nonzero={g ? nonzero : undefined} data-field={fieldCells}>
        {g
          ? outside === 0
            ? t(
                `✓ The engine’s gradient of the chosen activation with respect to the image is nonzero on ${nonzero} pixels, all inside its ${region0.rows}×${region0.cols} receptive field (${fieldCells} pixels).`,
                `✓ 引擎计算的所选激活值对图像的梯度在 ${nonzero} 个像素上非零，全部位于它 ${region0.rows}×${region0.cols} 的感受野内（${fieldCells} 个像素）。`,
              )
            : t(`✗ ${outside} pixels outside the outlined field have a nonzero gradient.`, `✗ 有 ${outside} 个描边区域外的像素梯度非零。`)
          : t('Checking with the engine…', '正在用引擎核对…')}
      </p>

      <ScrollRegion label={t('Receptive fields of LeNet\'s maps', 'LeNet 各特征图的感受野')}>
        <table className="b-table rf-table" data-part="lenet-table">
          <TableHead columns={[t('Map', '特征图'), t('Shape', '形状'), t('Receptive field r', '感受野 r'), t('Jump j', '跳距 j'), t('Region the chosen cell depends on', '所选单元格依赖的区域')]} />
          <tbody>
            {LENET_SIZES.map((size, s) => {
              const gs = s === 0 ? { rf: 1, jump: 1 } : geo.layers[s - 1];
              const region = s <= sel[0] ? dep.regions[s] : null;
              const shape = current ? current.result.shapes[s] : null;
              return (
                <tr key={s} data-stage={s}>
                  <th scope="row">{stageName(t, s)}</th>
                  <td data-value={shape ? shape.join('x') : undefined}>{shape ? shape.join(' × ') : `${LENET_CHANNELS[s]} × ${size} × ${size}`}</td>
                  <FieldCells rf={gs.rf} jump={gs.jump} region={region} />
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollRegion>
      <Probabilities probs={current ? current.result.probs : null} />
    </div>
  );
}

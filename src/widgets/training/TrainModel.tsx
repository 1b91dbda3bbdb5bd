import { FileButton } from '../common/FileButton';
import { useEffect, useId, useMemo, useRef, useState, type ChangeEvent } from 'react';
import { useSettings } from '../../stores/settings';
import { useTraining } from '../../stores/training';
import { MODEL_IDS, isModelId, zoo, type ModelId } from '../../models/index';
import { MAX_WEIGHTS_FILE_BYTES } from '../../models/safetensors';
import type { Divergence, OptimizerName, TrainConfig } from '../../worker/protocol';
import { ConfusionView, LineChartView } from './Charts';
import { GrayImage } from './GrayImage';
import { ModelSummary } from './ModelSummary';
import { TryYourImage } from './TryYourImage';
import { ComputeOn } from './ComputeOn';
import { ConfirmReplace, useWeightsImport } from './ConfirmReplace';
import { configProblems, TRAIN_LIMITS } from '../../models/train-limits';
import { backendDetail, backendLine } from '../common/backend-choice';
import { say, sayError, trIn } from '../common/i18n';
import { useFocusHandoff } from '../common/useFocusHandoff';
import { fill, formatDuration, useTr } from './strings';
import { FASHION_CLASSES } from '../common/fashion-classes';
import { downloadBytes } from './files';
import './training.css';

/** The settings the reader edits: the run's configuration but the model. */
type Form = Pick<TrainConfig, 'epochs' | 'lr' | 'batchSize' | 'inputSize' | 'optimizer' | 'seed'>;

/**
 * The recipe's settings; the input size is the recipe's own on a real GPU and the smaller
 * in-tab size on a software adapter or the CPU, where the recipe's would take hours.
 */
function defaultsFor(model: ModelId, realGpu: boolean): Form {
  const e = zoo[model];
  return { epochs: e.recipe.epochs, lr: e.recipe.lr, batchSize: e.recipe.batchSize, inputSize: realGpu ? e.recipe.inputSize : e.tabInputSize, optimizer: 'sgd', seed: 0 };
}

/** Strings of the reliability notices and the import hint, in both languages. */
const NOTICES = {
  gpuReset: {
    en: 'The GPU was reset. Training resumed from the last checkpoint: epoch {epoch}, step {step} ({global} steps in all).',
    zh: 'GPU 已重置。训练已从最近的检查点继续：第 {epoch} 轮，第 {step} 步（共 {global} 步）。',
  },
  gpuResetFresh: {
    en: 'The GPU was reset before the first checkpoint. Training started again from the beginning.',
    zh: 'GPU 在第一个检查点之前被重置，训练已从头重新开始。',
  },
  gpuResetCpu: { en: 'WebGPU could not start again, so training goes on on the CPU (slower).', zh: 'WebGPU 无法重新启动，训练改在 CPU 上继续（较慢）。' },
  diverged: {
    en: 'The loss blew up to {loss} at epoch {epoch}, step {step}, where guessing at random gives {chance}: a learning rate of {lr} is too large for {model}, so each update overshoots, the next gradients are larger still, and the weights run off. Training stopped there.',
    zh: '第 {epoch} 轮第 {step} 步时损失暴涨到 {loss}（随机猜测的损失只有 {chance}）：对 {model} 来说学习率 {lr} 太大了，每次更新都冲过头，下一次的梯度更大，权重一路失控。训练已在此停止。',
  },
  divergedRestored: {
    en: 'The model is back at its last checkpoint (epoch {epoch}, step {step}), saved while the loss was sound. Try a smaller learning rate; the recipe uses {recipe}.',
    zh: '模型已回到损失尚正常时保存的最近检查点（第 {epoch} 轮，第 {step} 步）。请换一个更小的学习率；原书用的是 {recipe}。',
  },
  divergedFresh: {
    en: 'This run had saved no checkpoint yet. Try a smaller learning rate; the recipe uses {recipe}.',
    zh: '这次训练还没有保存过检查点。请换一个更小的学习率；原书用的是 {recipe}。',
  },
  useRecipeLr: { en: 'Use the recipe’s learning rate ({lr})', zh: '使用原书的学习率（{lr}）' },
  importHint: { en: 'Weights file: .safetensors, up to {mb} MB', zh: '权重文件：.safetensors，不超过 {mb} MB' },
} as const;

function notice(lang: 'en' | 'zh', key: keyof typeof NOTICES, vars: Record<string, string | number> = {}): string {
  return fill(lang, NOTICES[key][lang], vars);
}

const pct = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : `${(v * 100).toFixed(1)}%`);

/** Training view: hyper-parameters, controls, live curves, evaluation, weights in and out. */
export function TrainModel({ model: initial = 'lenet' }: { model?: string }) {
  const tr = useTr();
  const lang = useSettings((s) => s.lang);
  const pick = trIn(lang);
  const [model, setModel] = useState<ModelId>(isModelId(initial) ? initial : 'lenet');
  const [form, setForm] = useState<Form>(() => defaultsFor(isModelId(initial) ? initial : 'lenet', false));
  // Whether the reader set the input size (then the backend's verdict no longer moves it).
  const sizeSet = useRef(false);
  const [note, setNote] = useState<{ kind: 'ok' | 'bad'; text: string; file?: string } | null>(null);
  const [discardError, setDiscardError] = useState<string | null>(null);
  // The shape table runs the model in the worker: only once the reader opens it.
  const [summaryOpen, setSummaryOpen] = useState(false);
  const controls = useRef<HTMLDivElement>(null);
  useFocusHandoff(controls);
  const uid = useId();

  const t = useTraining();
  const entry = zoo[model];
  const mine = t.model === model;
  const busy = t.state === 'loading' || t.state === 'training' || t.state === 'paused' || t.state === 'evaluating';
  const busyMine = busy && mine;
  const busyOther = busy && !mine;
  const ck = t.checkpoints[model] ?? null;
  const refreshCheckpoint = t.refreshCheckpoint;
  const realGpu = t.backend?.name === 'webgpu' && t.backend.software === false;
  // The header's line: the backend and what it is, in the reader's language.
  const backendText = t.backend ? [backendLine(pick, t.backend).name, t.backend.about ? backendDetail(pick, t.backend.about) : t.backend.description].join(' · ') : '';

  // Once the worker says what computes, the default input size follows it.
  useEffect(() => {
    if (sizeSet.current) return;
    const size = realGpu ? zoo[model].recipe.inputSize : zoo[model].tabInputSize;
    setForm((f) => (f.inputSize === size ? f : { ...f, inputSize: size }));
  }, [realGpu, model]);

  useEffect(() => {
    void refreshCheckpoint(model);
  }, [model, refreshCheckpoint]);

  const set = <K extends keyof Form>(k: K, v: Form[K]) => {
    if (k === 'inputSize') sizeSet.current = true;
    setForm((f) => ({ ...f, [k]: v }));
  };
  // What the reader typed, kept as typed: a half-typed number ('.', '-', '1e') reads as ''
  // from the input, which is no setting (NaN: the form explains it and Start waits), never 0.
  const [drafts, setDrafts] = useState<Partial<Record<keyof Form, string>>>({});
  const num = (k: keyof Form) => (e: ChangeEvent<HTMLInputElement>) => {
    const text = e.target.value;
    setDrafts((d) => ({ ...d, [k]: text }));
    set(k, (text.trim() === '' ? NaN : Number(text)) as never);
  };
  /** The field's text: the draft while it still says the form's value, else the value (set by a button, a model change). */
  const shown = (k: Exclude<keyof Form, 'optimizer'>): string => {
    const d = drafts[k];
    const v = form[k];
    return d !== undefined && (d.trim() === '' ? Number.isNaN(v) : Number(d) === v) ? d : String(v);
  };
  const config: TrainConfig = { model, ...form };
  // Settings a run cannot take are explained under the form, and Start waits for them.
  const problems = configProblems(config);
  const invalid = (k: keyof Form) => problems.some((q) => q.field === k);
  /** A labelled number input for one setting of the form. */
  const numberField = (k: Exclude<keyof Form, 'optimizer'>, limits: { min?: number; max?: number; step: number | 'any' }) => (
    <label>
      <span>{tr(k)}</span>
      <input type="number" {...limits} value={shown(k)} onChange={num(k)} disabled={busyMine} aria-invalid={invalid(k) || undefined} aria-describedby={invalid(k) ? `${uid}-problems` : undefined} />
    </label>
  );

  const chooseModel = (id: ModelId) => {
    setModel(id);
    sizeSet.current = false;
    setForm(defaultsFor(id, realGpu));
    setNote(null);
    weightsImport.drop();
    setDiscardError(null);
  };

  const resumable = !!ck && (ck.status === 'running' || ck.status === 'paused' || ck.status === 'stopped') && ck.epoch < ck.config.epochs && !busyMine;
  const hasWeights = (mine && (t.progress !== null || t.state === 'done')) || !!ck;

  const history = mine ? t.history : { points: [], epochs: [] };
  const epochsPlanned = (mine ? t.config?.epochs : undefined) ?? form.epochs;
  const lossSeries = useMemo(() => [{ key: 'loss', label: tr('loss'), points: history.points.map((p) => ({ x: p.epoch, y: p.loss })) }], [history.points, tr]);
  const accSeries = useMemo(
    () => [
      { key: 'train', label: tr('trainAcc'), points: history.points.map((p) => ({ x: p.epoch, y: p.trainAcc })) },
      { key: 'test', label: tr('testAcc'), points: history.epochs.map((p) => ({ x: p.epoch, y: p.testAcc })), dashed: true },
    ],
    [history.points, history.epochs, tr],
  );

  const exportWeights = async () => {
    setNote(null);
    try {
      const { bytes, name } = await t.exportWeights(model);
      downloadBytes(bytes, name);
    } catch (e) {
      setNote({ kind: 'bad', text: tr('exportFailed', { message: sayError(pick, e) }) });
    }
  };

  // A file records the input size it was trained at; the form's counts only for a file that
  // records none, and only when a run could take it.
  const weightsImport = useWeightsImport(model, {
    inputSize: () => (invalid('inputSize') ? undefined : form.inputSize),
    report: (r) => setNote(r && (r.ok ? { kind: 'ok', text: tr('imported', { name: r.file, size: r.inputSize }), file: r.file } : { kind: 'bad', text: tr('importFailed', { message: say(pick, r.why) }), file: r.file })),
  });

  const discardCheckpoint = async () => {
    setDiscardError(null);
    try {
      await t.discardCheckpoint(model);
    } catch (e) {
      setDiscardError(tr('discardFailed', { message: sayError(pick, e) }));
    }
  };

  // The shape table at the form's input size, kept within what a run takes: the worker
  // builds the model at that size (a run may be paused in it).
  const summarySize = Number.isFinite(form.inputSize) ? Math.min(TRAIN_LIMITS.inputSize.max, Math.max(entry.minInputSize, Math.round(form.inputSize))) : entry.tabInputSize;
  const p = mine ? t.progress : null;
  // Where the run is: every step's beat says so, long before the first loss is read.
  const at = mine ? (t.position ?? p) : null;
  const unsaved = mine && t.saveFailed && (t.state === 'paused' || t.state === 'stopped');
  // The banner shows until dismissed; the status line says why the run stopped until the next one.
  const divergence = mine && t.warning?.code === 'diverged' ? t.diverged : null;
  const stateKey = mine && t.diverged && t.state === 'stopped' ? 'state_diverged' : unsaved ? (t.state === 'paused' ? 'state_paused_unsaved' : 'state_stopped_unsaved') : (`state_${mine ? t.state : 'idle'}` as const);
  const dataPct = t.dataProgress && t.dataProgress.total ? t.dataProgress.loaded / t.dataProgress.total : null;

  return (
    <section className="widget train-model" data-widget="train-model" data-model={model} data-state={mine ? t.state : 'idle'} aria-labelledby={`${uid}-title`}>
      <header className="widget-header">
        <h3 id={`${uid}-title`} className="widget-title">
          {tr('trainTitle', { model: entry.name[lang] })}
        </h3>
        {/* Always one line, from the first paint: the backend arrives when the worker starts, and must not push the widget down. */}
        {t.backend ? (
          <p className="widget-backend" data-computed-by={t.backend.name} data-reason={t.backend.reason} data-start-ms={t.backend.startMs} title={backendText}>
            {backendText}
          </p>
        ) : (
          <p className="widget-backend" data-computed-by="idle">
            {tr('workerPending')}
          </p>
        )}
      </header>

      <div className="widget-body">
        {t.stalled && mine ? (
          <div className="train-banner warn" role="alert" data-banner="stalled">
            <p>{tr('stalled', { seconds: Math.round(t.stalled.silentMs / 1000) })}</p>
            <button type="button" onClick={() => void t.restartWorker()}>
              {tr('restartWorker')}
            </button>
            <button type="button" onClick={t.keepWaiting}>
              {tr('keepWaiting')}
            </button>
          </div>
        ) : null}
        {t.died && mine ? (
          <div className="train-banner bad" role="alert" data-banner="died">
            <p>{tr('died')}</p>
            {ck ? (
              <button type="button" onClick={() => t.resumeFromCheckpoint(model)}>
                {tr('resumeCheckpoint')}
              </button>
            ) : null}
          </div>
        ) : null}
        {divergence ? (
          <DivergedBanner
            at={divergence}
            model={entry.name[lang]}
            recipeLr={entry.recipe.lr}
            onUseRecipe={
              form.lr === entry.recipe.lr || busyMine
                ? null
                : () => {
                    setForm((f) => ({ ...f, lr: entry.recipe.lr }));
                    t.dismissWarning();
                  }
            }
            onDismiss={t.dismissWarning}
          />
        ) : t.warning && mine && t.warning.code === 'gpu-reset' ? (
          <GpuResetBanner resumedFrom={t.warning.resumedFrom ?? null} onCpu={!!t.backend && t.backend.name !== 'webgpu'} onDismiss={t.dismissWarning} />
        ) : t.warning && mine ? (
          <div className="train-banner warn" role="alert" data-banner={t.warning.code}>
            <p>{t.warning.code === 'quota' ? tr('quota') : say(pick, t.warning.text)}</p>
            {t.warning.code === 'quota' || t.warning.code === 'storage' ? (
              <button type="button" onClick={exportWeights}>
                {tr('export')}
              </button>
            ) : null}
            <button type="button" onClick={t.dismissWarning}>
              {tr('dismiss')}
            </button>
          </div>
        ) : null}
        {resumable && !(t.died && mine) && !divergence ? (
          <div className="train-banner" role="status" data-banner="checkpoint">
            <p>
              {tr('checkpointFound', {
                model: entry.name[lang],
                time: new Date(ck!.savedAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US'),
                epoch: ck!.epoch + 1,
                epochs: ck!.config.epochs,
                step: ck!.stepInEpoch,
              })}
            </p>
            <button
              type="button"
              onClick={() => {
                setDiscardError(null);
                t.resumeFromCheckpoint(model);
              }}
              disabled={busyOther}
            >
              {tr('resumeCheckpoint')}
            </button>
            <button type="button" onClick={() => void discardCheckpoint()} disabled={busyOther}>
              {tr('discard')}
            </button>
            {discardError ? (
              <p className="bad" role="alert" data-note="discard">
                {discardError}
              </p>
            ) : null}
          </div>
        ) : null}

        <form className="train-form" onSubmit={(e) => e.preventDefault()} aria-label={tr('trainTitle', { model: entry.name[lang] })}>
          <label>
            <span>{tr('model')}</span>
            <select value={model} onChange={(e) => chooseModel(e.target.value as ModelId)} disabled={busyMine}>
              {MODEL_IDS.map((id) => (
                <option key={id} value={id}>
                  {zoo[id].name[lang]}
                </option>
              ))}
            </select>
          </label>
          {numberField('epochs', { ...TRAIN_LIMITS.epochs, step: 1 })}
          {numberField('lr', { ...TRAIN_LIMITS.lr, step: 'any' })}
          {numberField('batchSize', { ...TRAIN_LIMITS.batchSize, step: 1 })}
          {numberField('inputSize', { min: entry.minInputSize, max: TRAIN_LIMITS.inputSize.max, step: 1 })}
          <label>
            <span>{tr('optimizer')}</span>
            <select value={form.optimizer} onChange={(e) => set('optimizer', e.target.value as OptimizerName)} disabled={busyMine}>
              <option value="sgd">SGD</option>
              <option value="adam">Adam</option>
            </select>
          </label>
          {numberField('seed', { step: 1 })}
          <p className="train-recipe">
            {tr('recipe', { lr: entry.recipe.lr, epochs: entry.recipe.epochs, batch: entry.recipe.batchSize, size: entry.recipe.inputSize })}{' '}
            {entry.tabInputSize !== entry.recipe.inputSize ? tr(realGpu ? 'recipeInputOnGpu' : entry.sizeDependent ? 'smallerInput' : 'smallerInputPooled', { size: entry.tabInputSize, min: entry.minInputSize }) : null}{' '}
            <button type="button" className="link-button" onClick={() => {
                sizeSet.current = true;
                setForm((f) => ({ ...f, epochs: entry.recipe.epochs, lr: entry.recipe.lr, batchSize: entry.recipe.batchSize, inputSize: entry.recipe.inputSize }));
              }} disabled={busyMine}>
              {tr('useRecipe')}
            </button>
          </p>
        </form>
        {problems.length > 0 && !busyMine ? (
          <ul className="train-problems bad" id={`${uid}-problems`} role="alert" data-testid="config-problems">
            {problems.map((q) => (
              <li key={q.field}>{`${q[lang].charAt(0).toUpperCase()}${q[lang].slice(1)}.`}</li>
            ))}
          </ul>
        ) : null}

        <ComputeOn />

        <div className="train-controls" role="group" aria-label={tr('status')} ref={controls}>
          <button type="button" className="primary" data-focus-name="start" data-focus-next="pause stop" onClick={() => t.start(config)} disabled={busy || problems.length > 0}>
            {tr('start')}
          </button>
          <button type="button" data-focus-name="pause" data-focus-next="resume stop start" onClick={t.pause} disabled={!(busyMine && (t.state === 'training' || t.state === 'loading'))}>
            {tr('pause')}
          </button>
          <button type="button" data-focus-name="resume" data-focus-next="pause stop start" onClick={t.resume} disabled={!(busyMine && t.state === 'paused')}>
            {tr('resume')}
          </button>
          <button type="button" data-focus-name="stop" data-focus-next="start" onClick={t.stop} disabled={!busyMine}>
            {tr('stop')}
          </button>
        </div>

        <p className="train-state" role="status" aria-live="polite" data-testid="train-state">
          {tr('status')}{tr('colon')}{tr(stateKey)}
          {t.error && mine ? <span className="bad"> — {t.error.code === 'out-of-memory' ? `${tr('outOfMemory')}${lang === 'zh' ? `（${t.error.text.en}）` : ` (${t.error.text.en})`}` : say(pick, t.error.text)}</span> : null}
          {t.lastSaved && mine && (t.state === 'training' || t.state === 'paused') ? <span className="muted"> · {tr('savedAt', { epoch: t.lastSaved.epoch + 1, step: t.lastSaved.step })}</span> : null}
        </p>

        {mine && t.kernelTuning && t.kernelTuning.model === model ? (
          <p className="train-tuning muted" data-testid="kernel-tuning">
            {t.kernelTuning.done
              ? tr('kernelTuned', { tuned: t.kernelTuning.tuned, shapes: t.kernelTuning.shapes, s: (t.kernelTuning.ms / 1000).toFixed(1) })
              : tr('kernelTuning')}
          </p>
        ) : null}

        {mine && t.state === 'loading' && t.dataProgress ? (
          <label className="train-data">
            <span>
              {tr('dataLoading')}
              {t.dataProgress.from === 'cache' ? ` — ${tr('fromCache')}` : ''}
              {tr('colon')}
              {(t.dataProgress.loaded / 1e6).toFixed(1)} MB
              {t.dataProgress.total ? ` / ${(t.dataProgress.total / 1e6).toFixed(1)} MB` : ''}
            </span>
            <progress max={1} value={dataPct ?? undefined} />
          </label>
        ) : null}

        <dl className="train-stats">
          <div>
            <dt>{tr('epoch')}</dt>
            <dd data-stat="epoch" data-value={at ? at.epoch + (at.step === at.stepsPerEpoch ? 1 : 0) : ''}>{at ? `${Math.min(at.epoch + 1, at.epochs)} / ${at.epochs}` : '–'}</dd>
          </div>
          <div>
            <dt>{tr('step')}</dt>
            <dd data-stat="step" data-value={at?.globalStep ?? ''}>{at ? `${at.step} / ${at.stepsPerEpoch}` : '–'}</dd>
          </div>
          <div>
            <dt>{tr('loss')}</dt>
            <dd data-stat="loss" data-value={p?.loss ?? ''}>{p ? p.loss.toFixed(4) : '–'}</dd>
          </div>
          <div>
            <dt>{tr('trainAcc')}</dt>
            <dd data-stat="train-acc" data-value={p?.trainAcc ?? ''}>{pct(p?.trainAcc)}</dd>
          </div>
          <div>
            <dt>{tr('testAcc')}</dt>
            <dd data-stat="test-acc" data-value={p?.testAcc ?? ''}>{pct(p?.testAcc)}</dd>
          </div>
          <div>
            <dt>{tr('speed')}</dt>
            <dd data-stat="images-per-sec">{p ? Math.round(p.imagesPerSec).toLocaleString() : '–'}</dd>
          </div>
          <div>
            <dt>{tr('eta')}</dt>
            <dd data-stat="eta">{p && t.state === 'training' ? formatDuration(p.etaSec) : '–'}</dd>
          </div>
        </dl>

        <div className="train-charts">
          <LineChartView
            series={lossSeries}
            options={{ title: `${tr('lossChart')} — ${entry.name[lang]}`, xLabel: tr('xEpoch'), yLabel: tr('loss'), xMax: epochsPlanned, valueLabel: tr('value'), emptyText: tr('noPoints') }}
          />
          <LineChartView
            series={accSeries}
            options={{ title: `${tr('accChart')} — ${entry.name[lang]}`, xLabel: tr('xEpoch'), yLabel: tr('accChart'), yDomain: [0, 1], xMax: epochsPlanned, valueLabel: tr('value'), emptyText: tr('noPoints'), format: (v) => pct(v) }}
          />
        </div>

        <Evaluation model={model} />

        <div className="train-weights" role="group" aria-label={tr('weights')}>
          {ck && (ck.status === 'done' || ck.status === 'imported') && !busyMine ? (
            <p className="muted" data-banner="trained">
              {tr(ck.status === 'imported' ? 'checkpointImported' : 'checkpointDone', { model: entry.name[lang], time: new Date(ck.savedAt).toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-US') })}
            </p>
          ) : null}
          <button type="button" onClick={exportWeights} disabled={!hasWeights}>
            {tr('export')}
          </button>
          <FileButton label={tr('import')} inputRef={weightsImport.fileRef} accept=".safetensors,application/octet-stream" onChange={(e) => void weightsImport.onFile(e)} disabled={busy || weightsImport.importing} describedBy={`${uid}-import-hint`} />
          <p className="muted train-import-hint" id={`${uid}-import-hint`} data-max-bytes={MAX_WEIGHTS_FILE_BYTES}>
            {notice(lang, 'importHint', { mb: MAX_WEIGHTS_FILE_BYTES / 1e6 })}
          </p>
          {weightsImport.pending ? <ConfirmReplace pending={weightsImport.pending} busy={busy || weightsImport.importing} onDone={weightsImport.answer} /> : null}
          {note ? (
            <p className={note.kind} role={note.kind === 'bad' ? 'alert' : 'status'} data-note={note.kind} data-file={note.file}>
              {note.text}
            </p>
          ) : null}
        </div>

        <details className="train-summary" onToggle={(e) => setSummaryOpen((e.currentTarget as HTMLDetailsElement).open)}>
          <summary>{tr('summaryTitle', { model: entry.name[lang] })}</summary>
          {summaryOpen ? <ModelSummary model={model} inputSize={summarySize} /> : null}
        </details>

        <TryYourImage model={model} />
      </div>
    </section>
  );
}

/** The notice after a lost GPU device: training went on by itself, from the last checkpoint. */
function GpuResetBanner({ resumedFrom, onCpu, onDismiss }: { resumedFrom: { epoch: number; stepInEpoch: number; globalStep: number } | null; onCpu: boolean; onDismiss: () => void }) {
  const tr = useTr();
  const lang = useSettings((s) => s.lang);
  // Epoch counted from 1 for readers.
  const at = resumedFrom ? { epoch: resumedFrom.epoch + 1, step: resumedFrom.stepInEpoch, global: resumedFrom.globalStep } : null;
  return (
    <div className="train-banner" role="status" data-banner="gpu-reset" data-global-step={at?.global ?? 0}>
      <p>
        {at ? notice(lang, 'gpuReset', at) : notice(lang, 'gpuResetFresh')}
        {onCpu ? `${lang === 'zh' ? '' : ' '}${notice(lang, 'gpuResetCpu')}` : null}
      </p>
      <button type="button" onClick={onDismiss}>
        {tr('dismiss')}
      </button>
    </div>
  );
}

/** The notice after a run whose loss blew up: where, why, where the weights are now, and what to try. */
function DivergedBanner({ at, model, recipeLr, onUseRecipe, onDismiss }: { at: Divergence; model: string; recipeLr: number; onUseRecipe: (() => void) | null; onDismiss: () => void }) {
  const tr = useTr();
  const lang = useSettings((s) => s.lang);
  const loss = Number.isFinite(at.loss) ? at.loss.toPrecision(3) : Number.isNaN(at.loss) ? 'NaN' : '∞';
  const what = notice(lang, 'diverged', { loss, epoch: at.epoch + 1, step: at.step, chance: at.chance.toFixed(2), lr: at.lr, model });
  const then = at.restored ? notice(lang, 'divergedRestored', { epoch: at.restored.epoch + 1, step: at.restored.stepInEpoch, recipe: recipeLr }) : notice(lang, 'divergedFresh', { recipe: recipeLr });
  return (
    <div className="train-banner warn long" role="alert" data-banner="diverged" data-loss={String(at.loss)} data-global-step={at.globalStep}>
      <p>
        {what}
        {lang === 'zh' ? '' : ' '}
        {then}
      </p>
      {onUseRecipe ? (
        <button type="button" onClick={onUseRecipe}>
          {notice(lang, 'useRecipeLr', { lr: recipeLr })}
        </button>
      ) : null}
      <button type="button" onClick={onDismiss}>
        {tr('dismiss')}
      </button>
    </div>
  );
}

function Evaluation({ model }: { model: ModelId }) {
  const tr = useTr();
  const lang = useSettings((s) => s.lang);
  const t = useTraining();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mine = t.model === model;
  const ev = mine ? t.evaluation : null;
  const ck = t.checkpoints[model];
  const busyRun = t.state === 'loading' || t.state === 'training' || t.state === 'evaluating';
  const canEvaluate = !busyRun && ((mine && (t.state === 'done' || t.state === 'stopped' || t.state === 'paused')) || !!ck);
  const labels = FASHION_CLASSES[lang];

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      await t.evaluate(model);
    } catch (e) {
      setError(sayError(trIn(lang), e));
    } finally {
      setBusy(false);
    }
  };

  if (!ev) {
    return canEvaluate ? (
      <div className="train-evaluation">
        <button type="button" onClick={run} disabled={busy || t.state === 'paused'}>
          {tr('evaluate')}
        </button>
        {error ? <p role="alert">{error}</p> : null}
      </div>
    ) : null;
  }
  return (
    <section className="train-evaluation" aria-label={tr('evaluation')} data-accuracy={ev.accuracy}>
      <h4>{tr('evaluation')}</h4>
      <p>{tr('accuracyOf', { n: ev.count.toLocaleString(), acc: pct(ev.accuracy) })}</p>
      <ConfusionView matrix={ev.confusion} options={{ title: tr('confusion'), labels, trueLabel: tr('trueClass'), predLabel: tr('predClass') }} />
      <h5>{tr('samples')}</h5>
      <ul className="train-samples">
        {ev.samples.map((s) => (
          <li key={s.index} className={s.pred === s.label ? 'ok' : 'bad'} data-pred={s.pred} data-label={s.label}>
            <GrayImage pixels={s.pixels} label={tr('sampleAlt', { i: s.index + 1, label: labels[s.label], pred: labels[s.pred], prob: pct(s.prob) })} />
            <span>
              {tr('predicted')}
              {tr('colon')}
              {labels[s.pred]}
              {lang === 'zh' ? `（${pct(s.prob)}）` : ` (${pct(s.prob)})`}
            </span>
            <span>
              {tr('truth')}
              {tr('colon')}
              {labels[s.label]}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

import { useCallback, useEffect, useRef, useState } from 'react';
import { WidgetFrame } from '../common/WidgetFrame';
import { MatrixGrid } from '../common/MatrixGrid';
import { PendingMatrix } from '../common/PendingMatrix';
import { Slider } from '../common/Slider';
import { Tex } from '../common/Tex';
import { useUrlState } from '../common/useUrlState';
import { useReducedMotion } from '../common/useReducedMotion';
import { useFocusHandoff } from '../common/useFocusHandoff';
import { useTr } from '../common/i18n';
import { lineChart, type LineSummary, type Point } from '../../charts/lineChart';
import { KernelTrainer, type EpochResult, type TrainerData } from './trainer';
import { DEFAULTS, EPOCHS_MAX, LRS, SEED_MAX, sanitize, updateRuleTex, type LearnKernelSettings } from './settings';
import '../widgets.css';
import './learn-kernel.css';

export interface LearnKernelProps {
  stateKey?: string;
}

interface View {
  data: TrainerData | null;
  /** Current weights (after the last update). */
  weight: [number, number] | null;
  epoch: number;
  /** (step, loss) of every step trained; the trainer calls a full-batch step an epoch. */
  history: Point[];
  error: string | null;
}

const EMPTY: View = { data: null, weight: null, epoch: 0, history: [], error: null };

/** A Conv2d kernel learned from X and Y = corr2d(X, [1, -1]) by gradient descent, live. */
export function LearnKernel({ stateKey = 'learn-kernel' }: LearnKernelProps) {
  const t = useTr();
  const [s, setS] = useUrlState<LearnKernelSettings>(stateKey, DEFAULTS, sanitize);
  const reduced = useReducedMotion();
  const [view, setView] = useState<View>(EMPTY);
  const [playing, setPlaying] = useState(false);
  /** Bumped by Reset: a fresh trainer with the same seed and rate. */
  const [generation, setGeneration] = useState(0);
  const trainer = useRef<KernelTrainer | null>(null);
  const chartEl = useRef<HTMLDivElement>(null);
  const buttons = useRef<HTMLDivElement>(null);
  useFocusHandoff(buttons);
  const chart = useRef<ReturnType<typeof lineChart> | null>(null);
  const lr = LRS[s.lr];

  // A fresh trainer (and a fresh curve) whenever the seed or the learning rate changes, or on Reset.
  useEffect(() => {
    setPlaying(false);
    setView(EMPTY);
    let made: KernelTrainer | null = null;
    try {
      made = new KernelTrainer(s.seed, lr);
      trainer.current = made;
      const now = made.current();
      setView({ data: made.data(), weight: now.weight, epoch: 0, history: [], error: null });
    } catch (e) {
      setView({ ...EMPTY, error: (e as Error).message });
    }
    return () => {
      if (trainer.current === made) trainer.current = null;
      made?.dispose();
    };
  }, [s.seed, lr, generation]);

  // Synchronous on the CPU backend: the new weights are on screen in the frame of the click.
  const stepOnce = useCallback((): EpochResult | null => {
    const tr = trainer.current;
    if (!tr) return null;
    try {
      const r = tr.step();
      setView((v) => ({ ...v, weight: r.weight, epoch: r.epoch, history: [...v.history, { x: r.epoch, y: r.loss }] }));
      return r;
    } catch (e) {
      setView((v) => ({ ...v, error: (e as Error).message }));
      return null;
    }
  }, []);

  // Training loop: one step per tick while playing, up to the chosen number of steps.
  useEffect(() => {
    if (!playing) return;
    let live = true;
    (async () => {
      while (live) {
        const tr = trainer.current;
        if (!tr || tr.epoch >= s.epochs) break;
        const r = stepOnce();
        if (!r || !Number.isFinite(r.loss)) break;
        if (!reduced) await new Promise((res) => window.setTimeout(res, 180));
      }
      if (live) setPlaying(false);
    })();
    return () => {
      live = false;
    };
  }, [playing, s.epochs, reduced, stepOnce]);

  // The loss chart (d3), redrawn with each new point.
  useEffect(() => {
    if (!chartEl.current) return;
    const at = (p: Point) => t(`step ${p.x}: ${p.y.toPrecision(3)}`, `第 ${p.x} 步：${p.y.toPrecision(3)}`);
    const describe = (m: LineSummary) =>
      m.first && m.lowest && m.last
        ? t(`${m.count} steps of loss. First, ${at(m.first)}; lowest, ${at(m.lowest)}; last, ${at(m.last)}.`, `共 ${m.count} 步的损失。第一个，${at(m.first)}；最低，${at(m.lowest)}；最后，${at(m.last)}。`)
        : t(`No steps yet; the axis runs from step ${m.xDomain[0]} to ${m.xDomain[1]}.`, `尚无数据；横轴从第 ${m.xDomain[0]} 步到第 ${m.xDomain[1]} 步。`);
    const series = [{ key: 'loss', label: t('loss', '损失'), points: view.history }];
    const opts = {
      title: t('Loss per step', '每步损失'),
      xLabel: t('step', '步数'),
      yLabel: t('loss (log scale)', '损失（对数刻度）'),
      yScale: 'log' as const,
      xMax: Math.max(s.epochs, view.epoch),
      legend: false,
      className: 'loss-chart',
      describe,
    };
    if (!chart.current) chart.current = lineChart(chartEl.current, series, opts);
    else chart.current(series, opts);
  }, [view.history, view.epoch, s.epochs, t]);

  const onStep = useCallback(
    (dir: 1 | -1) => {
      // A press trains one more step until the chosen number is done; then it moves on.
      if (dir < 0 || !trainer.current || view.epoch >= s.epochs) return false;
      setPlaying(false);
      stepOnce();
      return true;
    },
    [stepOnce, view.epoch, s.epochs],
  );

  const last = view.history[view.history.length - 1];
  const prev = view.history[view.history.length - 2];
  const diverging = !!last && (!Number.isFinite(last.y) || (!!prev && last.y > prev.y * 1.5 && view.history.length > 3));
  const done = view.epoch >= s.epochs;

  return (
    <WidgetFrame id="learn-kernel" computedOn="cpu" title={t('Learning a kernel', '学习卷积核')} onPresenterStep={onStep}>
      <div className="w-sliders">
        <Slider
          label={t('Learning rate η', '学习率 η')}
          value={s.lr}
          min={0}
          max={LRS.length - 1}
          format={(i) => String(LRS[i])}
          onChange={(i) => setS((p) => ({ ...p, lr: i }))}
          hint={lr > 1 / 30 ? t('Above 2/60 ≈ 0.033 the steps overshoot and the loss grows: try it.', '超过 2/60 ≈ 0.033 时每一步都会越过最低点，损失反而增大：试试看。') : undefined}
        />
        <Slider label={t('Steps', '步数')} value={s.epochs} min={1} max={EPOCHS_MAX} onChange={(v) => setS((p) => ({ ...p, epochs: v }))} />
        <Slider label={t('Seed of the initial kernel', '初始卷积核的随机种子')} value={s.seed} min={0} max={SEED_MAX} onChange={(v) => setS((p) => ({ ...p, seed: v }))} />
      </div>
      <div className="step-buttons" ref={buttons}>
        <button type="button" className="play" data-focus-next="reset" aria-pressed={playing} disabled={!view.weight || (done && !playing)} onClick={() => setPlaying((p) => !p)}>
          {playing ? t('❚❚ Pause', '❚❚ 暂停') : t('▶ Train', '▶ 训练')}
        </button>
        <button type="button" disabled={!view.weight || playing || view.epoch >= EPOCHS_MAX} onClick={() => void stepOnce()}>
          {t('One step', '训练一步')}
        </button>
        <button
          type="button"
          data-focus-name="reset"
          disabled={!view.weight}
          onClick={() => {
            setPlaying(false);
            setGeneration((g) => g + 1);
          }}
        >
          {t('Reset', '重置')}
        </button>
      </div>

      <div className="w-grids">
        <figure className="w-grid">
          <figcaption>{t('Input X', '输入 X')}</figcaption>
          {view.data ? <MatrixGrid values={view.data.x} rows={6} cols={8} label={t('Input X', '输入 X')} cellSize={26} /> : <PendingMatrix rows={6} cols={8} cellSize={26} text={t('Starting…', '启动中…')} />}
        </figure>
        <figure className="w-grid">
          <figcaption>{t('Target Y = corr2d(X, [1, −1])', '目标 Y = corr2d(X, [1, −1])')}</figcaption>
          {view.data ? <MatrixGrid values={view.data.y} rows={6} cols={7} label={t('Target Y', '目标 Y')} cellSize={26} /> : <PendingMatrix rows={6} cols={7} cellSize={26} text={t('Starting…', '启动中…')} />}
        </figure>
      </div>
      <div className="w-grids">
        <figure className="w-grid" data-epoch={view.epoch}>
          <figcaption>{t(`Learned kernel after ${view.epoch} step${view.epoch === 1 ? '' : 's'} (target [1, −1])`, `训练 ${view.epoch} 步后的卷积核（目标 [1, −1]）`)}</figcaption>
          {view.weight ? <MatrixGrid values={view.weight} rows={1} cols={2} label={t('Learned kernel', '学到的卷积核')} digits={4} cellSize={72} /> : <PendingMatrix rows={1} cols={2} cellSize={72} text={t('Starting…', '启动中…')} />}
        </figure>
        <figure className="w-grid w-chart">
          <figcaption>
            {/* The loss and the update rule, each kept whole: where both do not fit on one line, the rule moves to the next as a unit (KaTeX would otherwise break it after its minus sign). */}
            <span className="lk-formula">
              {t('Loss ', '损失 ')}
              <Tex tex={`\\ell = \\sum_{i,j} (\\hat Y_{ij} - Y_{ij})^2,`} />
            </span>
            {'\u2002'}
            <span className="lk-formula">
              <Tex tex={updateRuleTex(lr)} />
            </span>
          </figcaption>
          <div ref={chartEl} className="chart-box" />
          <p className="w-loss" aria-live="polite" data-loss={last ? last.y : undefined}>
            {last ? t(`step ${last.x}, loss ${last.y.toFixed(3)}`, `第 ${last.x} 步，损失 ${last.y.toFixed(3)}`) : t('Press Train or One step.', '按“训练”或“训练一步”。')}
          </p>
        </figure>
      </div>
      {diverging ? (
        <p className="w-problems" role="alert">
          {t('The loss is growing: the learning rate is too large, each step overshoots the minimum. Choose η ≤ 0.03 and reset.', '损失在增大：学习率太大，每一步都越过了最低点。请选择 η ≤ 0.03 并重置。')}
        </p>
      ) : null}
      {view.error ? (
        <p className="w-error" role="alert">
          {view.error}
        </p>
      ) : null}
    </WidgetFrame>
  );
}

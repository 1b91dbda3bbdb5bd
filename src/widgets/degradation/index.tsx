import { useMemo } from 'react';
import type { ExperimentWorkerName } from '../experiments.worker';
import { countParameters } from '../../engine';
import type { LineChartOptions, Series } from '../../charts/lineChart';
import { WidgetFrame } from '../common/WidgetFrame';
import { Slider } from '../common/Slider';
import { EngineError } from '../common/EngineError';
import { useBackend } from '../common/engine';
import { groupDigits } from '../common/format';
import { useTr, type Tr } from '../common/i18n';
import { small } from '../common/small';
import { useExperimentRun } from '../common/useExperimentRun';
import { RunButtons } from '../common/RunButtons';
import { useUrlState } from '../common/useUrlState';
import { LineChartView } from '../training/Charts';
import { DeepStack, type ExperimentConfig, type LossPoint } from './experiment';
import { DEFAULTS, DEPTHS, FIXED, LRS, SEED_MAX, STEPS_LIMITS, STEP_UNIT, configOf, effective, sanitize, type DegradationSettings } from './settings';
import '../widgets.css';
import '../common/experiment.css';
import './degradation.css';

export interface DegradationProps {
  stateKey?: string;
}


const fmtLoss = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '∞');

/** A point's two losses in words, without its step. */
function lossValues(t: Tr, p: LossPoint): string {
  return t(`plain ${fmtLoss(p.plain)}, residual ${fmtLoss(p.residual)}`, `普通 ${fmtLoss(p.plain)}，残差 ${fmtLoss(p.residual)}`);
}

function lossText(t: Tr, p: LossPoint): string {
  return t(`step ${p.step}: ${lossValues(t, p)}`, `第 ${p.step} 步：${lossValues(t, p)}`);
}

/**
 * The degradation problem, measured: a deep plain stack of dense layers and the same stack
 * with residual connections, trained side by side in the tab from the same initial weights
 * on the same batches; their training losses on one chart.
 */
export function Degradation({ stateKey = 'degradation' }: DegradationProps) {
  const t = useTr();
  const [s, setS] = useUrlState<DegradationSettings>(stateKey, DEFAULTS, sanitize);
  const backend = useBackend();

  const ready = backend.state === 'ready';
  const eff = effective(s, backend.name);
  const config = useMemo(() => configOf(s, eff), [s, eff.depth, eff.steps]); // eslint-disable-line react-hooks/exhaustive-deps
  const { run, drawn, last, shownState, running, start, stop, startError, announced } = useExperimentRun<ExperimentConfig, LossPoint>(
    config,
    config.steps,
    () => new Worker(new URL('../experiments.worker.ts', import.meta.url), { type: 'module', name: 'degradation' satisfies ExperimentWorkerName }),
    (p) => lossValues(t, p),
    undefined,
    stateKey,
  );

  // Both stacks have the same parameters: counted by the engine, once per depth.
  const params = useMemo(
    () =>
      small(() => {
        const net = new DeepStack(eff.depth, FIXED.width, false);
        const n = countParameters(net);
        net.dispose();
        return n;
      }),
    [eff.depth],
  );


  const series: Series[] = [
    { key: 'plain', label: t('plain', '普通'), color: 'var(--bad)', dashed: true, points: drawn.map((p) => ({ x: p.step, y: p.plain })) },
    { key: 'residual', label: t('residual', '残差'), color: 'var(--accent)', points: drawn.map((p) => ({ x: p.step, y: p.residual })) },
  ];
  const drawnLast = drawn[drawn.length - 1];
  const options: LineChartOptions = {
    title: t(`Training loss of a plain and a residual stack of ${eff.depth} layers`, `${eff.depth} 层普通堆叠与残差堆叠的训练损失`),
    xLabel: t('step', '步数'),
    yLabel: t('training loss (log scale)', '训练损失（对数刻度）'),
    yScale: 'log',
    xMax: config.steps,
    valueLabel: t('loss', '损失'),
    emptyText: t('Press Start', '按“开始”'),
    className: 'deg-line-chart',
    describe: () =>
      drawnLast
        ? t(`Losses on all ${FIXED.points} points, measured every ${config.evalEvery} steps; latest at ${lossText(t, drawnLast)}.`, `在全部 ${FIXED.points} 个点上每 ${config.evalEvery} 步测一次损失；最新为${lossText(t, drawnLast)}。`)
        : t(`No steps yet; the axis runs to step ${config.steps}.`, `尚未训练；横轴到第 ${config.steps} 步。`),
  };

  const depthIndex = Math.max(0, DEPTHS.indexOf(eff.depth as (typeof DEPTHS)[number]));
  const final = shownState === 'done' || shownState === 'stopped' ? last : undefined;
  const busy = !ready && !startError;

  return (
    <WidgetFrame id="degradation" title={t('Plain and residual stacks, trained side by side', '普通堆叠与残差堆叠：并排训练')}>
      <p className="xp-task">
        {t(
          `Task: tell two interleaved spirals apart (${FIXED.points} points, 2 classes). Each stack: a dense layer in, ${eff.depth} dense layers of width ${FIXED.width} with ReLU, a dense layer out; ${groupDigits(params)} parameters each. Plain SGD, batch ${FIXED.batch}, default initialisation, no batch normalization.`,
          `任务：分开两条交织的螺旋线（${FIXED.points} 个点，2 类）。每个堆叠：一个输入全连接层，${eff.depth} 个宽 ${FIXED.width}、带 ReLU 的全连接层，一个输出全连接层；各有 ${groupDigits(params)} 个参数。普通 SGD，批量大小 ${FIXED.batch}，默认初始化，没有批量规范化。`,
        )}
      </p>
      <div className="w-sliders">
        <Slider
          label={t('Layers in the stack', '堆叠的层数')}
          value={depthIndex}
          min={0}
          max={DEPTHS.length - 1}
          format={(i) => t(`${DEPTHS[i]} layers`, `${DEPTHS[i]} 层`)}
          disabled={running || busy}
          onChange={(i) => setS((p) => ({ ...p, depth: DEPTHS[i] }))}
        />
        <Slider
          label={t('Steps of SGD', 'SGD 步数')}
          value={eff.steps}
          min={STEPS_LIMITS[0]}
          max={STEPS_LIMITS[1]}
          step={STEP_UNIT}
          disabled={running || busy}
          onChange={(v) => setS((p) => ({ ...p, steps: v }))}
        />
        <Slider label={t('Learning rate η', '学习率 η')} value={s.lr} min={0} max={LRS.length - 1} format={(i) => String(LRS[i])} disabled={running} onChange={(i) => setS((p) => ({ ...p, lr: i }))} />
        <Slider label={t('Seed of the initial weights and batches', '初始权重与批次的随机种子')} value={s.seed} min={0} max={SEED_MAX} disabled={running} onChange={(v) => setS((p) => ({ ...p, seed: v }))} />
      </div>
      <RunButtons
        canStart={!running && !busy && !startError}
        running={running}
        isDefault={s.depth === DEFAULTS.depth && s.steps === DEFAULTS.steps && s.lr === DEFAULTS.lr && s.seed === DEFAULTS.seed}
        onStart={() => void start()}
        onStop={stop}
        onDefaults={() => setS(DEFAULTS)}
      />

      <div className="xp-progress">
        <label>
          {t('Progress', '进度')}{' '}
          <progress max={config.steps} value={last ? last.step : 0} aria-valuetext={t(`step ${last ? last.step : 0} of ${config.steps}`, `第 ${last ? last.step : 0} 步，共 ${config.steps} 步`)} />
        </label>{' '}
        <span className="xp-step">{t(`step ${last ? last.step : 0} of ${config.steps}`, `第 ${last ? last.step : 0} / ${config.steps} 步`)}</span>
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announced}
      </p>

      <div className="xp-out deg-out" data-state={shownState} aria-busy={running}>
        <LineChartView series={series} options={options} className="chart-box deg-chart" />
        <table className="xp-final deg-final">
          <caption>{final ? (shownState === 'done' ? t(`Final training loss (step ${final.step})`, `最终训练损失（第 ${final.step} 步）`) : t(`Training loss when stopped (step ${final.step})`, `停止时的训练损失（第 ${final.step} 步）`)) : last ? t(`Training loss at step ${last.step}`, `第 ${last.step} 步的训练损失`) : t('Training loss', '训练损失')}</caption>
          <tbody>
            {(['plain', 'residual'] as const).map((stack) => (
              <tr key={stack} data-stack={stack}>
                <th scope="row">
                  <span className={`xp-key xp-key-${stack}`} aria-hidden="true" />
                  {stack === 'plain' ? t('plain stack', '普通堆叠') : t('residual stack', '残差堆叠')}
                </th>
                <td data-loss={last ? last[stack] : undefined}>{last ? fmtLoss(last[stack]) : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="w-notice">{t(`ln 2 ≈ 0.693 is the loss of a stack that always answers “50 : 50”: it has learned nothing.`, `ln 2 ≈ 0.693 是永远回答“五五开”的堆叠的损失：它什么都没学到。`)}</p>
      <EngineError className="w-error" prefix={t('The engine could not train: ', '引擎无法训练：')} error={startError ?? (shownState === 'error' ? run.error : null)} />
    </WidgetFrame>
  );
}

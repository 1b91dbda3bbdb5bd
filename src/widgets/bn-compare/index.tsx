import { useMemo } from 'react';
import type { ExperimentWorkerName } from '../experiments.worker';
import type { LineChartOptions, Series } from '../../charts/lineChart';
import { WidgetFrame } from '../common/WidgetFrame';
import { Slider } from '../common/Slider';
import { EngineError } from '../common/EngineError';
import { useBackend } from '../common/engine';
import { groupDigits } from '../common/format';
import { useTr, type Tr } from '../common/i18n';
import { useExperimentRun } from '../common/useExperimentRun';
import { RunButtons } from '../common/RunButtons';
import { useUrlState } from '../common/useUrlState';
import { LineChartView } from '../training/Charts';
import { NETS, type BnCompareConfig, type ComparePoint, type NetKey } from './experiment';
import { DEFAULTS, FIXED, LRS, SEED_MAX, STEPS_LIMITS, STEP_UNIT, configOf, effectiveSteps, sanitize, type BnCompareSettings } from './settings';
import '../widgets.css';
import '../common/experiment.css';
import './bn-compare.css';

export interface BnCompareProps {
  stateKey?: string;
}


const fmtLoss = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : '∞');
const fmtAcc = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '–');
const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

function netName(t: Tr, k: NetKey): string {
  return k === 'plain' ? t('LeNet', 'LeNet') : t('LeNet with batch norm', '带批量规范化的 LeNet');
}

/** A point's two losses in words, without its step. */
function lossValues(t: Tr, p: ComparePoint): string {
  return t(`LeNet ${fmtLoss(p.plain.loss)}, with batch norm ${fmtLoss(p.bn.loss)}`, `LeNet ${fmtLoss(p.plain.loss)}，带批量规范化 ${fmtLoss(p.bn.loss)}`);
}

function lossText(t: Tr, p: ComparePoint): string {
  return t(`step ${p.step}: ${lossValues(t, p)}`, `第 ${p.step} 步：${lossValues(t, p)}`);
}

/**
 * LeNet and LeNet with batch normalisation, trained side by side in the tab by a worker, on
 * the same mini-batches with the same optimiser and learning rate; their training losses and
 * held-out accuracies on two charts.
 */
export function BnCompare({ stateKey = 'bn-compare' }: BnCompareProps) {
  const t = useTr();
  const [s, setS] = useUrlState<BnCompareSettings>(stateKey, DEFAULTS, sanitize);
  const backend = useBackend();

  const ready = backend.state === 'ready';
  const steps = effectiveSteps(s, backend.name);
  const config = useMemo(() => configOf(s, steps), [s, steps]);
  const { run, drawn, last, shownState, running, start, stop, startError, announced } = useExperimentRun<BnCompareConfig, ComparePoint>(
    config,
    config.steps,
    () => new Worker(new URL('../experiments.worker.ts', import.meta.url), { type: 'module', name: 'bn-compare' satisfies ExperimentWorkerName }),
    (p) => lossValues(t, p),
    () => ({ base: new URL('./', document.baseURI).href }),
    stateKey,
  );


  const style: Record<NetKey, Pick<Series, 'color' | 'dashed'>> = { plain: { color: 'var(--bad)', dashed: true }, bn: { color: 'var(--accent)' } };
  const seriesOf = (value: (p: ComparePoint, k: NetKey) => number): Series[] =>
    NETS.map((k) => ({ key: k, label: netName(t, k), ...style[k], points: drawn.map((p) => ({ x: p.step, y: value(p, k) })) }));
  const drawnLast = drawn[drawn.length - 1];
  const lossOptions: LineChartOptions = {
    title: t(`Training loss of LeNet with and without batch normalisation, learning rate ${LRS[s.lr]}`, `有无批量规范化的 LeNet 的训练损失，学习率 ${LRS[s.lr]}`),
    xLabel: t('step', '步数'),
    yLabel: t('training loss', '训练损失'),
    xMax: config.steps,
    valueLabel: t('loss', '损失'),
    emptyText: t('Press Start', '按“开始”'),
    className: 'bnc-line-chart bnc-loss-chart',
    describe: () =>
      drawnLast
        ? t(`Mean loss of the mini-batches between points, a point every ${config.evalEvery} steps; latest at ${lossText(t, drawnLast)}.`, `每 ${config.evalEvery} 步一个点，取两点之间各小批量损失的平均；最新为${lossText(t, drawnLast)}。`)
        : t(`No steps yet; the axis runs to step ${config.steps}.`, `尚未训练；横轴到第 ${config.steps} 步。`),
  };
  const accOptions: LineChartOptions = {
    title: t(`Accuracy on ${groupDigits(FIXED.heldOut)} held-out images`, `在 ${groupDigits(FIXED.heldOut)} 张留出图像上的精度`),
    xLabel: t('step', '步数'),
    yLabel: t('held-out accuracy', '留出精度'),
    yDomain: [0, 1],
    xMax: config.steps,
    valueLabel: t('accuracy', '精度'),
    emptyText: t('Press Start', '按“开始”'),
    className: 'bnc-line-chart bnc-acc-chart',
    describe: () =>
      drawnLast
        ? t(`Latest, at step ${drawnLast.step}: LeNet ${fmtAcc(drawnLast.plain.acc)}, with batch norm ${fmtAcc(drawnLast.bn.acc)}.`, `最新（第 ${drawnLast.step} 步）：LeNet ${fmtAcc(drawnLast.plain.acc)}，带批量规范化 ${fmtAcc(drawnLast.bn.acc)}。`)
        : t(`No steps yet; the axis runs to step ${config.steps}.`, `尚未训练；横轴到第 ${config.steps} 步。`),
  };

  const final = shownState === 'done' || shownState === 'stopped' ? last : undefined;
  const busy = !ready && !startError;
  const loading = shownState === 'running' && !last ? run.loading : null;
  const isDefault = s.steps === DEFAULTS.steps && s.lr === DEFAULTS.lr && s.seed === DEFAULTS.seed;
  const stepText = (step: number) => t(`step ${step} of ${config.steps}`, `第 ${step} 步，共 ${config.steps} 步`);

  return (
    <WidgetFrame id="bn-compare" title={t('LeNet with and without batch normalisation, trained side by side', '有无批量规范化的 LeNet：并排训练')}>
      <p className="xp-task">
        {t(
          `Both networks train on the same mini-batches of ${FIXED.batch} images, in the same order, with plain SGD at the same learning rate. To keep the download small, the images are Fashion-MNIST's 10,000 test images: the first ${groupDigits(FIXED.train)} are the training images here, the last ${groupDigits(FIXED.heldOut)} are held out to measure accuracy.`,
          `两个网络用同样的小批量（每批 ${FIXED.batch} 张图像）、按同样的顺序训练，都用普通 SGD 和同一个学习率。为了少下载一些数据，这里的图像取自 Fashion-MNIST 的 10,000 张测试图像：前 ${groupDigits(FIXED.train)} 张用来训练，最后 ${groupDigits(FIXED.heldOut)} 张留出来测精度。`,
        )}
      </p>
      <div className="w-sliders">
        <Slider label={t('Learning rate η', '学习率 η')} value={s.lr} min={0} max={LRS.length - 1} format={(i) => String(LRS[i])} disabled={running} onChange={(i) => setS((p) => ({ ...p, lr: i }))} />
        <Slider label={t('Steps of SGD', 'SGD 步数')} value={steps} min={STEPS_LIMITS[0]} max={STEPS_LIMITS[1]} step={STEP_UNIT} disabled={running || busy} onChange={(v) => setS((p) => ({ ...p, steps: v }))} />
        <Slider label={t('Seed of the initial weights and batches', '初始权重与批次的随机种子')} value={s.seed} min={0} max={SEED_MAX} disabled={running} onChange={(v) => setS((p) => ({ ...p, seed: v }))} />
      </div>
      <RunButtons
        canStart={!running && !busy && !startError}
        running={running}
        isDefault={isDefault}
        onStart={() => void start()}
        onStop={stop}
        onDefaults={() => setS(DEFAULTS)}
      />

      <div className="xp-progress">
        <label>
          {t('Progress', '进度')} <progress max={config.steps} value={last ? last.step : 0} aria-valuetext={stepText(last ? last.step : 0)} />
        </label>{' '}
        <span className="xp-step">
          {loading
            ? t(`loading images: ${mb(loading.loaded)}${loading.total ? ` of ${mb(loading.total)}` : ''} MB`, `正在加载图像：${mb(loading.loaded)}${loading.total ? ` / ${mb(loading.total)}` : ''} MB`)
            : t(`step ${last ? last.step : 0} of ${config.steps}`, `第 ${last ? last.step : 0} / ${config.steps} 步`)}
        </span>
      </div>
      <p className="visually-hidden" role="status" aria-live="polite">
        {announced}
      </p>

      <div className="xp-out bnc-out" data-state={shownState} aria-busy={running}>
        <div className="bnc-charts">
          <LineChartView series={seriesOf((p, k) => p[k].loss)} options={lossOptions} className="chart-box bnc-chart" />
          <LineChartView series={seriesOf((p, k) => p[k].acc)} options={accOptions} className="chart-box bnc-chart" />
        </div>
        <table className="xp-final bnc-final">
          <caption>
            {final
              ? shownState === 'done'
                ? t(`At the end (step ${final.step})`, `结束时（第 ${final.step} 步）`)
                : t(`When stopped (step ${final.step})`, `停止时（第 ${final.step} 步）`)
              : last
                ? t(`At step ${last.step}`, `第 ${last.step} 步`)
                : t('Latest values', '最新数值')}
          </caption>
          <thead>
            <tr>
              <th scope="col">{t('network', '网络')}</th>
              <th scope="col">{t('training loss', '训练损失')}</th>
              <th scope="col">{t('held-out accuracy', '留出精度')}</th>
            </tr>
          </thead>
          <tbody>
            {NETS.map((k) => (
              <tr key={k} data-net={k}>
                <th scope="row">
                  <span className={`xp-key xp-key-${k}`} aria-hidden="true" />
                  {netName(t, k)}
                </th>
                <td data-loss={last ? last[k].loss : undefined}>{last ? fmtLoss(last[k].loss) : '–'}</td>
                <td data-acc={last ? last[k].acc : undefined}>{last ? fmtAcc(last[k].acc) : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="w-notice">
        {t(
          `ln 10 ≈ 2.303 is the loss of a network that gives each of the 10 classes the same probability, and 0.10 its accuracy: it has learned nothing.`,
          `ln 10 ≈ 2.303 是给 10 个类别同样概率的网络的损失，0.10 是它的精度：它什么都没学到。`,
        )}
      </p>
      <EngineError className="w-error" prefix={t('The engine could not train: ', '引擎无法训练：')} error={startError ?? (shownState === 'error' ? run.error : null)} />
    </WidgetFrame>
  );
}

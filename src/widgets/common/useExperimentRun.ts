/**
 * The page side of a widget that trains in its own worker (the degradation experiment, the
 * batch-norm comparison; the worker side is experiment-worker.ts): the run and its points,
 * Start and Stop (the buttons are RunButtons.tsx), the engine started on
 * mount (the defaults depend on where it computes), the worker ended when the page leaves,
 * the points to draw (with reduced motion, a quarter of the run at a time) and what a
 * screen reader hears of the run.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { getBackend } from '../../engine';
import { startEngine } from './engine';
import { useTr } from './i18n';
import { useReducedMotion } from './useReducedMotion';
import { useExperimentLog } from '../../stores/experiment-log';
import type { LoopMessage, WorkerBackend } from './experiment-worker';

export type RunState = 'idle' | 'running' | 'done' | 'stopped' | 'error';

export interface ExperimentRun<C, P> {
  state: RunState;
  /** The configuration the points belong to. */
  config: C | null;
  points: P[];
  /** Bytes of the data loaded so far, while it loads (workers that load data say so). */
  loading: { loaded: number; total: number | null } | null;
  error: string | null;
}

type FromWorker<P> = LoopMessage<P> | { type: 'loading'; run: number; loaded: number; total: number | null };

/**
 * `config` is what a run trains (`steps` of them); `makeWorker` creates the worker on the
 * first Start; `pointText` says a point's losses in words (without its step, which the
 * announcements add); `startExtra` adds fields to the start message (e.g. the page's base URL).
 */
export function useExperimentRun<C, P extends { step: number }>(
  config: C,
  steps: number,
  makeWorker: () => Worker,
  pointText: (p: P) => string,
  startExtra: () => object = () => ({}),
  logAs?: string,
) {
  const t = useTr();
  const reduced = useReducedMotion();
  const [run, setRun] = useState<ExperimentRun<C, P>>({ state: 'idle', config: null, points: [], loading: null, error: null });
  const [startError, setStartError] = useState<string | null>(null);
  const worker = useRef<Worker | null>(null);
  const runId = useRef(0);

  useEffect(() => {
    startEngine().catch((e: unknown) => setStartError(e instanceof Error ? e.message : String(e)));
  }, []);
  // Leaving the page ends the worker and its run.
  useEffect(
    () => () => {
      worker.current?.terminate();
      worker.current = null;
    },
    [],
  );

  // A run that ends is logged once, with its configuration and points, for the exercises.
  const logged = useRef<ExperimentRun<C, P> | null>(null);
  useEffect(() => {
    if (!logAs || run.state !== 'done' || logged.current === run) return;
    logged.current = run;
    useExperimentLog.getState().record(logAs, { config: run.config, points: run.points });
  }, [run, logAs]);

  const running = run.state === 'running';
  // A run of other settings is cleared (its curves never shown under the new settings' labels).
  const current = useMemo(() => run.config !== null && JSON.stringify(run.config) === JSON.stringify(config), [run.config, config]);
  const points = useMemo(() => (current ? run.points : []), [current, run.points]);
  const shownState: RunState = current ? run.state : 'idle';

  const start = useCallback(async () => {
    if (running) return;
    const id = ++runId.current;
    const cfg = config;
    setRun({ state: 'running', config: cfg, points: [], loading: null, error: null });
    const fail = (message: string) => {
      if (id !== runId.current) return;
      setRun((r) => ({ ...r, state: 'error', loading: null, error: message }));
    };
    try {
      const status = await startEngine();
      const w = (worker.current ??= makeWorker());
      w.onmessage = (ev: MessageEvent<FromWorker<P>>) => {
        const msg = ev.data;
        if (msg.run !== runId.current) return;
        if (msg.type === 'loading') setRun((r) => (r.points.length ? r : { ...r, loading: { loaded: msg.loaded, total: msg.total } }));
        else if (msg.type === 'point') setRun((r) => ({ ...r, loading: null, points: [...r.points, msg.point] }));
        else if (msg.type === 'error') fail(msg.message);
        else setRun((r) => ({ ...r, state: msg.state, loading: null }));
      };
      w.onerror = (e) => {
        e.preventDefault();
        worker.current?.terminate();
        worker.current = null;
        fail(e.message || 'the training worker failed');
      };
      const backend: WorkerBackend = status.name ?? 'cpu';
      w.postMessage({ type: 'start', run: id, backend, tuning: backend === 'webgpu' ? getBackend().tuning : undefined, config: cfg, ...startExtra() });
    } catch (e) {
      fail(e instanceof Error ? e.message : String(e));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [config, running]);

  const stop = () => worker.current?.postMessage({ type: 'stop', run: runId.current });

  const last: P | undefined = points[points.length - 1];
  const progress = last ? last.step / steps : 0;
  const drawn = useMemo(() => {
    if (!reduced || shownState !== 'running') return points;
    const quarter = Math.floor(progress * 4) / 4;
    return points.filter((p) => p.step <= quarter * steps);
  }, [reduced, shownState, points, progress, steps]);

  // What a screen reader hears (the text of an aria-live region): each quarter of the run,
  // and the end, not every point.
  const quarter = Math.floor(progress * 4);
  const announced = useMemo(() => {
    if (shownState === 'idle' || shownState === 'error') return '';
    if (!last) return t('Training started.', '训练开始。');
    const losses = pointText(last);
    if (shownState === 'done') return t(`Done. Final training loss at step ${last.step}: ${losses}.`, `完成。第 ${last.step} 步的最终训练损失：${losses}。`);
    if (shownState === 'stopped') return t(`Stopped at step ${last.step}: ${losses}.`, `已停止于第 ${last.step} 步：${losses}。`);
    return t(`${quarter * 25}% done, step ${last.step}: ${losses}.`, `已完成 ${quarter * 25}%，第 ${last.step} 步：${losses}。`);
    // Only a new quarter or a new state is announced.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shownState, quarter, t]);

  return { run, points, drawn, last, progress, shownState, running, start, stop, startError, announced };
}

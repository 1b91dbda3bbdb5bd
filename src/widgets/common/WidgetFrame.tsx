import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useBackend } from './engine';
import { useSettings } from '../../stores/settings';

export type WidgetId =
  | 'corr2d'
  | 'learn-kernel'
  | 'padding-stride'
  | 'pooling'
  | 'receptive-field'
  | 'multichannel'
  | 'parameters'
  | 'dense-vs-conv';

/** Detail of the `presenter-step` event that presenter mode sends to the widget on screen. */
export interface PresenterStepDetail {
  direction: 1 | -1;
}

interface Props {
  id: WidgetId;
  title: string;
  children: ReactNode;
  /**
   * Presenter mode sends arrow / PageUp / PageDown presses to the widget on screen first:
   * return true when the widget used the press (e.g. moved its sliding window one step),
   * false to let the presentation move on.
   */
  onPresenterStep?: (direction: 1 | -1) => boolean;
  /** Overrides the backend line, e.g. when a widget computes on the CPU by choice. */
  computedBy?: string;
  /** The widget computes on the engine's CPU backend by choice (tiny tensors, see small.ts). */
  computedOn?: 'cpu';
}

/** The root of every live widget: its data-widget name, its title, and which backend computed it. */
export function WidgetFrame({ id, title, children, onPresenterStep, computedBy, computedOn }: Props) {
  const headingId = useId();
  const ref = useRef<HTMLElement>(null);
  const backend = useBackend();
  const lang = useSettings((s) => s.lang);
  const stepRef = useRef(onPresenterStep);
  stepRef.current = onPresenterStep;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const onStep = (e: Event) => {
      const detail = (e as CustomEvent<PresenterStepDetail>).detail;
      if (stepRef.current?.(detail.direction)) e.preventDefault();
    };
    el.addEventListener('presenter-step', onStep);
    return () => el.removeEventListener('presenter-step', onStep);
  }, []);

  const engineLine =
    computedBy ??
    (computedOn === 'cpu'
      ? lang === 'zh'
        ? '由引擎在 CPU 后端上计算（张量很小，比 GPU 往返更快）'
        : 'Computed by the engine on its CPU backend (for tensors this small, faster than a GPU round trip)'
      : backend.state === 'starting'
      ? lang === 'zh'
        ? '引擎启动中…'
        : 'Starting the engine…'
      : lang === 'zh'
        ? `由引擎在 ${backend.name === 'webgpu' ? 'WebGPU' : 'CPU'} 上计算`
        : `Computed by the engine on ${backend.name === 'webgpu' ? 'WebGPU' : 'the CPU'}`);
  const computedName = computedOn ?? backend.name ?? 'starting';

  return (
    <section ref={ref} className="widget" data-widget={id} aria-labelledby={headingId}>
      <header className="widget-header">
        <h3 id={headingId} className="widget-title">
          {title}
        </h3>
        <p className="widget-backend" data-computed-by={computedName}>
          {engineLine}
        </p>
      </header>
      <div className="widget-body">{children}</div>
    </section>
  );
}

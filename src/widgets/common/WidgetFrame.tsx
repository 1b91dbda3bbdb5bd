import { useEffect, useId, useRef, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { useBackend } from './engine';
import { useTr } from './i18n';

export type WidgetId =
  | 'block-builder'
  | 'corr2d'
  | 'learn-kernel'
  | 'padding-stride'
  | 'pooling'
  | 'receptive-field'
  | 'multichannel'
  | 'parameters'
  | 'dense-vs-conv'
  | 'fashion-mnist'
  | 'batch-norm'
  | 'bn-compare'
  | 'degradation'
  | 'inside-model';

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
  /** Overrides the backend line, e.g. for a widget that computes partly on the CPU and partly on the GPU. */
  computedBy?: string;
  /** computedBy's short form, shown instead where the full line would be cut off. */
  computedByShort?: string;
  /** The widget computes on the engine's CPU backend by choice (tiny tensors, see small.ts). */
  computedOn?: 'cpu';
  /** The part of a composite widget this frame shows (`data-widget-part`); none: the whole widget. */
  part?: string;
}

/** The name of what computes a GPU widget: the backend once ready, else the engine's state ('idle', 'starting'). */
export function computedName(backend: ReturnType<typeof useBackend>): string {
  return backend.state === 'ready' ? (backend.name ?? 'cpu') : backend.state;
}

/** The root of every live widget: its data-widget name, its title, and which backend computed it. */
export function WidgetFrame({ id, title, children, onPresenterStep, computedBy, computedByShort, computedOn, part }: Props) {
  const headingId = useId();
  const ref = useRef<HTMLElement>(null);
  const backend = useBackend();
  const t = useTr();
  const stepRef = useRef(onPresenterStep);
  stepRef.current = onPresenterStep;

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const onStep = (e: Event) => {
      const detail = (e as CustomEvent<PresenterStepDetail>).detail;
      // Rendered before the next press: React would otherwise schedule this custom event's
      // update for later, and the presses of a held clicker would each step from the same
      // stale position.
      let used = false;
      flushSync(() => {
        used = stepRef.current?.(detail.direction) ?? false;
      });
      if (used) e.preventDefault();
    };
    el.addEventListener('presenter-step', onStep);
    return () => el.removeEventListener('presenter-step', onStep);
  }, []);

  // The line in full, and (for the engine's own states) a short form that narrow screens
  // show instead of cutting the full one off; the full line stays the accessible text.
  const [engineLine, engineShort] =
    computedBy !== undefined
      ? [computedBy, computedByShort ?? null]
      : computedOn === 'cpu'
        ? [t('Computed by the engine on the CPU (for tensors this small, faster than the GPU)', '由引擎在 CPU 上计算（张量这么小，比 GPU 往返更快）'), t('Engine: CPU', '引擎：CPU')]
        : backend.state === 'idle'
          ? [t('Computed by the engine; WebGPU starts when this widget first needs it', '由引擎计算；组件第一次需要时才启动 WebGPU'), t('Engine: WebGPU starts when needed', '引擎：需要时启动 WebGPU')]
          : backend.state === 'starting'
            ? [t('Starting the engine…', '引擎启动中…'), null]
            : backend.name === 'webgpu'
              ? [t('Computed by the engine on WebGPU', '由引擎在 WebGPU 上计算'), t('Engine: WebGPU', '引擎：WebGPU')]
              : backend.name === 'wasm'
                ? [t('Computed by the engine on WebAssembly (the CPU)', '由引擎在 WebAssembly（CPU）上计算'), t('Engine: WebAssembly (CPU)', '引擎：WebAssembly（CPU）')]
                : [t('Computed by the engine on the CPU', '由引擎在 CPU 上计算'), t('Engine: CPU', '引擎：CPU')];

  return (
    <section ref={ref} className="widget" data-widget={id} data-widget-part={part} aria-labelledby={headingId}>
      <header className="widget-header">
        <h3 id={headingId} className="widget-title">
          {title}
        </h3>
        <p className="widget-backend" data-computed-by={computedOn ?? computedName(backend)} title={engineLine}>
          {engineShort ? (
            <>
              <span className="engine-long">{engineLine}</span>
              <span className="engine-short" aria-hidden="true">
                {engineShort}
              </span>
            </>
          ) : (
            engineLine
          )}
        </p>
      </header>
      <div className="widget-body">{children}</div>
    </section>
  );
}

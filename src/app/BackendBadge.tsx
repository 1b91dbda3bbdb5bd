import { useBackend, type BackendStatus } from '../widgets/common/engine';
import { useTraining } from '../stores/training';
import { useT } from './i18n';

/** What the badge shows: nothing started yet, starting, or the backend that computes (and its adapter). */
export interface BadgeView {
  backend: 'idle' | 'starting' | string;
  description?: string;
  reason?: string;
}

/**
 * The page's engine once it has started (it fell back to the CPU if WebGPU failed);
 * else the training worker's backend once the training view has started it; else
 * whether the page's engine is starting or has not been asked for the GPU at all.
 */
export function badgeView(page: BackendStatus, worker: { name: string; description: string } | null): BadgeView {
  if (page.state === 'ready') return { backend: page.name ?? 'cpu', description: page.description, reason: page.reason };
  if (worker) return { backend: worker.name, description: worker.description };
  return { backend: page.state };
}

/**
 * Says what computes the numbers on the page. Widgets with small tensors compute on the
 * engine's CPU backend and start nothing, so until something asks for the GPU (the
 * LeNet view starts the page's WebGPU engine, the training view its worker's) the badge
 * says so; then it names the backend and its adapter. It keeps one width whatever it
 * says (see styles.css), so the header does not move.
 */
export function BackendBadge() {
  const view = badgeView(useBackend(), useTraining((s) => s.backend));
  const t = useT();
  if (view.backend === 'idle' || view.backend === 'starting') {
    const starting = view.backend === 'starting';
    return (
      <p className="backend-badge" role="status" data-backend={view.backend} title={starting ? undefined : t('backendIdleTitle')}>
        <span className="dot" aria-hidden="true" />
        <span className="backend-label">{starting ? t('backendStarting') : t('backendIdle')}</span>
      </p>
    );
  }
  return (
    <p className="backend-badge" role="status" data-backend={view.backend} title={view.reason ?? view.description}>
      <span className={`dot dot-${view.backend}`} aria-hidden="true" />
      <span className="backend-label">{view.backend === 'webgpu' ? t('backendWebgpu') : t('backendCpu')}</span>
      {view.description ? <span className="backend-adapter"> · {view.description}</span> : null}
    </p>
  );
}

/** A banner when the page's engine was asked for the GPU and runs without WebGPU: everything still works, only slower. */
export function CpuBanner() {
  const status = useBackend();
  const t = useT();
  if (status.state !== 'ready' || status.name !== 'cpu') return null;
  return (
    <div className="cpu-banner" role="status" data-testid="cpu-banner">
      <strong>{t('cpuBannerTitle')}</strong> {t('cpuBannerBody')}
      {status.reason ? <span className="cpu-banner-reason"> ({status.reason})</span> : null}
    </div>
  );
}

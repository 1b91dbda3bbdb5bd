import { useBackend } from '../widgets/common/engine';
import { useT } from './i18n';

/** Says which backend computes every number on the page, and on which adapter. */
export function BackendBadge() {
  const status = useBackend();
  const t = useT();
  if (status.state === 'starting') {
    return (
      <p className="backend-badge" role="status" data-backend="starting">
        {t('backendStarting')}
      </p>
    );
  }
  const label = status.name === 'webgpu' ? t('backendWebgpu') : t('backendCpu');
  return (
    <p className="backend-badge" role="status" data-backend={status.name} title={status.reason ?? status.description}>
      <span className={`dot dot-${status.name}`} aria-hidden="true" />
      {label}
      {status.description ? <span className="backend-adapter"> · {status.description}</span> : null}
    </p>
  );
}

/** A banner when the engine runs without WebGPU: everything still works, only slower. */
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

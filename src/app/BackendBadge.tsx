import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { BackendAbout, ChoiceReason } from '../engine';
import { useBackend, type BackendStatus } from '../widgets/common/engine';
import { backendLine, WITHOUT_WEBGPU } from '../widgets/common/backend-choice';
import { useTr, type Tr } from '../widgets/common/i18n';
import { useTraining } from '../stores/training';
import { useT } from './i18n';

/** What the badge shows: nothing started yet, starting, or the backend that computes and why. */
export interface BadgeView {
  backend: 'idle' | 'starting' | string;
  about?: BackendAbout;
  reason?: ChoiceReason;
  adapter?: string;
  detail?: string;
  /** The detail in Chinese, where the engine said it in both languages. */
  detailZh?: string;
}

type WorkerBackend = { name: string; about?: BackendAbout; reason?: ChoiceReason; adapter?: string; detail?: string; detailZh?: string };

/**
 * The training worker's backend once the training view has started it (the reader's
 * "Compute on" choice moves it, and the badge follows); else the page's engine once it
 * has started; else whether the page's engine is starting or has not been asked for the
 * GPU at all. Both are chosen by the same chooseBackend, so they agree unless the reader
 * changed the choice after the page's engine started (it follows on the next load).
 */
export function badgeView(page: BackendStatus, worker: WorkerBackend | null): BadgeView {
  if (worker) return { backend: worker.name, about: worker.about, reason: worker.reason, adapter: worker.adapter, detail: worker.detail, detailZh: worker.detailZh };
  if (page.state === 'ready') return { backend: page.name ?? 'cpu', about: page.about, reason: page.reason, adapter: page.adapter, detail: page.detail, detailZh: page.detailZh };
  return { backend: page.state };
}

/** The error behind a fallback in the reader's language (English where the engine has only English). */
export function detailOf(tr: Tr, view: BadgeView): string | undefined {
  return view.detail === undefined ? undefined : tr(view.detail, view.detailZh ?? view.detail);
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
  const tr = useTr();
  // One button from idle through starting to ready, so a reader's focus on it survives the engine starting.
  const ready = view.backend !== 'idle' && view.backend !== 'starting';
  const line = ready ? backendLine(tr, { name: view.backend, reason: view.reason, adapter: view.adapter, about: view.about, detail: detailOf(tr, view) }) : null;
  return (
    <BadgeDisclosure backend={view.backend} reason={view.reason} more={line ? line.title : t('backendIdleTitle')}>
      <span className={ready ? `dot dot-${view.backend}` : 'dot'} aria-hidden="true" />
      <span className="backend-label">{line ? line.name : view.backend === 'starting' ? t('backendStarting') : t('backendIdle')}</span>
      {line?.why ? <span className="backend-adapter"> · {line.why}</span> : null}
    </BadgeDisclosure>
  );
}

/**
 * The badge's line, cut to the header's room, is a button that shows all of it (and what
 * the tooltip says) in a panel below: a touch or keyboard reader has no hover. Escape or
 * a second press, a press elsewhere or moving the focus away closes it.
 */
function BadgeDisclosure({ backend, reason, more, children }: { backend: string; reason?: string; more: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const wrap = useRef<HTMLDivElement>(null);
  // The panel lies over the page: a press anywhere else closes it.
  useEffect(() => {
    if (!open) return;
    const away = (e: PointerEvent) => {
      if (!wrap.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', away);
    return () => document.removeEventListener('pointerdown', away);
  }, [open]);
  return (
    <div
      ref={wrap}
      className="backend-badge-wrap"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          setOpen(false);
        }
      }}
      onBlur={(e) => {
        if (!wrap.current?.contains(e.relatedTarget as Node | null)) setOpen(false);
      }}
    >
      <p className="backend-badge" role="status" data-backend={backend} data-reason={reason}>
        <button type="button" className="backend-badge-toggle" aria-expanded={open} aria-controls={id} title={more} onClick={() => setOpen(!open)}>
          {children}
        </button>
      </p>
      <p className="backend-more" id={id} hidden={!open}>
        {more}
      </p>
    </div>
  );
}

/**
 * A banner once the page's engine or the training worker has been asked for the GPU and
 * this browser has no usable WebGPU (missing, no adapter, or it failed to start):
 * everything still works on the CPU, only slower. A software adapter that lost the probe
 * to WebAssembly is no reason for alarm, and gets none.
 */
export function CpuBanner() {
  const view = badgeView(useBackend(), useTraining((s) => s.backend));
  const t = useT();
  const tr = useTr();
  if (!view.reason || !WITHOUT_WEBGPU.includes(view.reason)) return null;
  const detail = detailOf(tr, view);
  return (
    <div className="cpu-banner" role="status" data-testid="cpu-banner" data-reason={view.reason}>
      <strong>{t('cpuBannerTitle')}</strong> {t('cpuBannerBody')}
      {detail ? <span className="cpu-banner-reason"> ({detail})</span> : null}
    </div>
  );
}

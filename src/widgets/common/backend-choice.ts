/**
 * How the book names a backend and the reason it computes (see chooseBackend in
 * src/engine/choose.ts), in both languages: the header's badge and the training view's
 * "Compute on" menu say the same words.
 */
import { WASM_MAX_THREADS, type BackendAbout, type ChoiceReason } from '../../engine';
import type { Bilingual, Tr } from './i18n';

/** The backends by the names readers see. */
export const BACKEND_NAMES: Record<string, Bilingual> = {
  webgpu: { en: 'WebGPU', zh: 'WebGPU' },
  wasm: { en: 'WebAssembly', zh: 'WebAssembly' },
  cpu: { en: 'CPU', zh: 'CPU' },
};

/** Why a backend computes, as a short phrase after its name ("WebAssembly · no WebGPU in this browser"). */
export const CHOICE_REASONS: Record<ChoiceReason, Bilingual> = {
  gpu: { en: 'GPU adapter', zh: 'GPU 适配器' },
  'software-faster': { en: 'software GPU adapter was faster', zh: '软件 GPU 适配器更快' },
  'software-slower': { en: 'software GPU adapter was slower', zh: '软件 GPU 适配器较慢' },
  'no-webgpu': { en: 'no WebGPU in this browser', zh: '此浏览器不支持 WebGPU' },
  'no-adapter': { en: 'no GPU adapter available', zh: '没有可用的 GPU 适配器' },
  'webgpu-failed': { en: 'WebGPU failed to start', zh: 'WebGPU 启动失败' },
  chosen: { en: 'your choice', zh: '你的选择' },
  'wasm-failed': { en: 'WebAssembly failed to load', zh: 'WebAssembly 加载失败' },
};

/** The reasons that mean WebGPU cannot be used in this browser at all. */
export const WITHOUT_WEBGPU: readonly ChoiceReason[] = ['no-webgpu', 'no-adapter', 'webgpu-failed'];

export interface BackendLine {
  /** 'WebGPU', 'WebAssembly' or 'CPU'. */
  name: string;
  /** Why: the adapter on a real GPU, else the reason's phrase (empty when unknown). */
  why: string;
  /** The whole story for a tooltip: name, reason, adapter and the error behind a fallback. */
  title: string;
}

/** Names `backend` and says why it computes, in the reader's language. */
export function backendLine(t: Tr, b: { name: string; reason?: ChoiceReason; adapter?: string; about?: BackendAbout; detail?: string }): BackendLine {
  const names = BACKEND_NAMES[b.name];
  const name = names ? t(names.en, names.zh) : b.name;
  const reason = b.reason ? CHOICE_REASONS[b.reason] : undefined;
  const why = b.reason === 'gpu' || !reason ? (b.adapter ?? (b.about ? backendDetail(t, b.about) : '')) : t(reason.en, reason.zh);
  const parts = [name, why, b.reason !== 'gpu' ? b.adapter : undefined, b.detail].filter((s): s is string => !!s);
  return { name, why, title: parts.join(' · ') };
}

/**
 * What a backend computes on (the engine's `about`) in the reader's language and without
 * the backend's name: "SIMD with fused multiply-add, 2 threads" for WebAssembly, the
 * adapter for WebGPU.
 */
export function backendDetail(t: Tr, about: BackendAbout, page: PageThreads = pageThreads()): string {
  switch (about.kind) {
    case 'wasm': {
      const n = about.threads;
      let threads = t(`${n} ${n === 1 ? 'thread' : 'threads'}`, `${n} 个线程`);
      // One thread where the machine has more: the page is not cross-origin isolated (yet).
      if (n === 1 && page.isolated === false && page.cores > 1) {
        const more = Math.min(WASM_MAX_THREADS, page.cores);
        threads += t(` (reload the page to use ${more})`, `（重新加载页面即可使用 ${more} 个）`);
      }
      return about.fma ? t(`SIMD with fused multiply-add, ${threads}`, `SIMD 融合乘加，${threads}`) : t(`SIMD, ${threads}`, `SIMD，${threads}`);
    }
    case 'cpu':
      return about.float64 ? t('float64 test reference', 'float64 测试参考') : t('TypeScript reference backend', 'TypeScript 参考后端');
    case 'webgpu':
      return about.adapter;
  }
}

/** Whether this page may share memory with workers, and the cores it could use (undefined outside a browser). */
export interface PageThreads {
  isolated?: boolean;
  cores: number;
}

/**
 * The page's side of the wasm backend's thread count: without cross-origin isolation it
 * runs on one thread, and the built site's service worker isolates the page from its
 * next load on (scripts/pwa-plugin.ts).
 */
export function pageThreads(): PageThreads {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  return { isolated: g.crossOriginIsolated, cores: g.navigator?.hardwareConcurrency ?? 1 };
}

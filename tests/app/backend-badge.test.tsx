import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { BackendBadge, CpuBanner, badgeView, detailOf } from '../../src/app/BackendBadge';
import { backendDetail, backendLine } from '../../src/widgets/common/backend-choice';
import { CpuBackend } from '../../src/engine/cpu/index';
import { trIn } from '../../src/widgets/common/i18n';

describe('the backend badge', () => {
  it('says the page computes on the CPU until something asks for the GPU, and shows no banner', () => {
    const html = renderToStaticMarkup(<BackendBadge />);
    expect(html).toContain('data-backend="idle"');
    expect(html).toContain('CPU · WebGPU when needed');
    expect(html).toContain('role="status"');
    // The cut line is a button that opens all of it (the tooltip's words) in a panel of its own.
    expect(html).toMatch(/<button type="button" class="backend-badge-toggle" aria-expanded="false" aria-controls="([^"]+)"[^>]*>.*<p class="backend-more" id="\1" hidden="">The widgets on this page compute on the engine’s CPU backend\./);
    expect(renderToStaticMarkup(<CpuBanner />)).toBe('');
  });

  it('follows the page’s engine from not started to starting to the backend it chose', () => {
    expect(badgeView({ state: 'idle' }, null).backend).toBe('idle');
    expect(badgeView({ state: 'starting' }, null).backend).toBe('starting');
    expect(badgeView({ state: 'ready', name: 'webgpu', description: 'WebGPU: Adapter A', reason: 'gpu', adapter: 'Adapter A' }, null)).toMatchObject({ backend: 'webgpu', reason: 'gpu', adapter: 'Adapter A' });
    expect(badgeView({ state: 'ready', name: 'wasm', description: 'wasm', reason: 'no-adapter', detail: 'requestAdapter() returned null' }, null)).toMatchObject({ backend: 'wasm', reason: 'no-adapter', detail: 'requestAdapter() returned null' });
  });

  it('gives the error behind a fallback in the reader’s language where the engine said it in both, else in English', () => {
    const wrong = { detail: "the device computed a training step wrongly: step 1's loss is 3, not 2.3", detailZh: '设备把一步训练算错了：第 1 步的损失为 3，应为 2.3' };
    const fromPage = badgeView({ state: 'ready', name: 'wasm', description: 'wasm', reason: 'webgpu-failed', ...wrong }, null);
    const fromWorker = badgeView({ state: 'idle' }, { name: 'wasm', reason: 'webgpu-failed', ...wrong });
    for (const view of [fromPage, fromWorker]) {
      expect(detailOf(trIn('zh'), view)).toBe(wrong.detailZh);
      expect(detailOf(trIn('en'), view)).toBe(wrong.detail);
    }
    const englishOnly = badgeView({ state: 'ready', name: 'wasm', description: 'wasm', reason: 'no-adapter', detail: 'requestAdapter() returned null' }, null);
    expect(detailOf(trIn('zh'), englishOnly)).toBe('requestAdapter() returned null');
    expect(detailOf(trIn('zh'), badgeView({ state: 'ready', name: 'webgpu', description: 'A', reason: 'gpu' }, null))).toBeUndefined();
  });

  it('names the training worker’s backend once the training view has started it, since the reader’s choice moves it', () => {
    const b = { kind: 'webgpu', adapter: 'Adapter B', software: false } as const;
    expect(badgeView({ state: 'idle' }, { name: 'webgpu', about: b })).toMatchObject({ backend: 'webgpu', about: b });
    expect(badgeView({ state: 'ready', name: 'webgpu', description: 'A', reason: 'gpu' }, { name: 'wasm', reason: 'chosen' })).toMatchObject({ backend: 'wasm', reason: 'chosen' });
  });

  it('says which backend computes and why, in English and Chinese', () => {
    const en = trIn('en');
    const zh = trIn('zh');
    expect(backendLine(en, { name: 'wasm', reason: 'no-webgpu' })).toMatchObject({ name: 'WebAssembly', why: 'no WebGPU in this browser' });
    expect(backendLine(zh, { name: 'wasm', reason: 'no-webgpu' })).toMatchObject({ name: 'WebAssembly', why: '此浏览器不支持 WebGPU' });
    expect(backendLine(en, { name: 'wasm', reason: 'software-slower', adapter: 'google / swiftshader' })).toEqual({ name: 'WebAssembly', why: 'software GPU adapter was slower', title: 'WebAssembly · software GPU adapter was slower · google / swiftshader' });
    expect(backendLine(zh, { name: 'webgpu', reason: 'software-faster' }).why).toBe('软件 GPU 适配器更快');
    expect(backendLine(en, { name: 'webgpu', reason: 'gpu', adapter: 'NVIDIA RTX 4070' })).toMatchObject({ name: 'WebGPU', why: 'NVIDIA RTX 4070' });
    expect(backendLine(en, { name: 'webgpu', reason: 'chosen', adapter: 'X' }).why).toBe('your choice');
    expect(backendLine(zh, { name: 'cpu', reason: 'wasm-failed', detail: 'CompileError' })).toEqual({ name: 'CPU', why: 'WebAssembly 加载失败', title: 'CPU · WebAssembly 加载失败 · CompileError' });
    // A report without a reason (an older worker) still names the adapter.
    expect(backendLine(en, { name: 'webgpu', about: { kind: 'webgpu', adapter: 'Adapter C', software: false } }).why).toBe('Adapter C');
  });

  it('says what each backend is in the reader’s language, from the fields the engine reports', async () => {
    const en = trIn('en');
    const zh = trIn('zh');
    const { createWasmBackend } = await import('../../src/engine/wasm/index');
    for (const fma of [false, true]) {
      const be = await createWasmBackend({ threads: 1, fma });
      const fused = be.description.includes('fused');
      expect(be.about).toEqual({ kind: 'wasm', fma: fused, threads: 1 });
      expect(backendDetail(en, be.about)).toBe(fused ? 'SIMD with fused multiply-add, 1 thread' : 'SIMD, 1 thread');
      expect(backendDetail(zh, be.about)).toBe(fused ? 'SIMD 融合乘加，1 个线程' : 'SIMD，1 个线程');
      be.dispose?.();
    }
    expect(backendDetail(zh, { kind: 'wasm', fma: true, threads: 2 })).toBe('SIMD 融合乘加，2 个线程');
    expect(backendDetail(en, { kind: 'wasm', fma: false, threads: 4 })).toBe('SIMD, 4 threads');
    // One thread on a page that is not cross-origin isolated, where the machine has more cores: say how to get them.
    const one = { kind: 'wasm', fma: true, threads: 1 } as const;
    expect(backendDetail(en, one, { isolated: false, cores: 12 })).toBe('SIMD with fused multiply-add, 1 thread (reload the page to use 8)');
    expect(backendDetail(zh, one, { isolated: false, cores: 4 })).toBe('SIMD 融合乘加，1 个线程（重新加载页面即可使用 4 个）');
    expect(backendDetail(en, one, { isolated: true, cores: 12 })).toBe('SIMD with fused multiply-add, 1 thread');
    expect(backendDetail(en, one, { isolated: false, cores: 1 })).toBe('SIMD with fused multiply-add, 1 thread');
    expect(backendDetail(en, one, { cores: 12 })).toBe('SIMD with fused multiply-add, 1 thread');
    expect(backendDetail(zh, new CpuBackend().about)).toBe('TypeScript 参考后端');
    expect(backendDetail(zh, new CpuBackend({ float64: true }).about)).toBe('float64 测试参考');
    expect(backendDetail(zh, { kind: 'webgpu', adapter: 'NVIDIA H200', software: false })).toBe('NVIDIA H200');
  });
});

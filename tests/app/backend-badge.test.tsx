import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { BackendBadge, CpuBanner, badgeView } from '../../src/app/BackendBadge';
import { backendDetail, backendLine } from '../../src/widgets/common/backend-choice';
import { CpuBackend } from '../../src/engine/cpu/index';
import { trIn } from '../../src/widgets/common/i18n';

describe('the backend badge', () => {
  it('says the page computes on the CPU until something asks for the GPU, and shows no banner', () => {
    const html = renderToStaticMarkup(<BackendBadge />);
    expect(html).toContain('data-backend="idle"');
    expect(html).toContain('CPU · WebGPU starts when needed');
    expect(html).toContain('role="status"');
    expect(renderToStaticMarkup(<CpuBanner />)).toBe('');
  });

  it('follows the page’s engine from not started to starting to the backend it chose', () => {
    expect(badgeView({ state: 'idle' }, null).backend).toBe('idle');
    expect(badgeView({ state: 'starting' }, null).backend).toBe('starting');
    expect(badgeView({ state: 'ready', name: 'webgpu', description: 'WebGPU: Adapter A', reason: 'gpu', adapter: 'Adapter A' }, null)).toMatchObject({ backend: 'webgpu', reason: 'gpu', adapter: 'Adapter A' });
    expect(badgeView({ state: 'ready', name: 'wasm', description: 'wasm', reason: 'no-adapter', detail: 'requestAdapter() returned null' }, null)).toMatchObject({ backend: 'wasm', reason: 'no-adapter', detail: 'requestAdapter() returned null' });
  });

  it('names the training worker’s backend once the training view has started it, since the reader’s choice moves it', () => {
    expect(badgeView({ state: 'idle' }, { name: 'webgpu', description: 'Adapter B' })).toMatchObject({ backend: 'webgpu', description: 'Adapter B' });
    expect(badgeView({ state: 'ready', name: 'webgpu', description: 'A', reason: 'gpu' }, { name: 'wasm', description: 'wasm', reason: 'chosen' })).toMatchObject({ backend: 'wasm', reason: 'chosen' });
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
    expect(backendLine(en, { name: 'webgpu', description: 'WebGPU: Adapter C' }).why).toBe('Adapter C');
  });

  it('says what each backend is in the reader’s language, from the engine’s own descriptions', async () => {
    const en = trIn('en');
    const zh = trIn('zh');
    const { createWasmBackend } = await import('../../src/engine/wasm/index');
    for (const fma of [false, true]) {
      const be = await createWasmBackend({ threads: 1, fma });
      const fused = be.description.includes('fused');
      expect(backendDetail(en, be.description)).toBe(fused ? 'SIMD with fused multiply-add, 1 thread' : 'SIMD, 1 thread');
      expect(backendDetail(zh, be.description)).toBe(fused ? 'SIMD 融合乘加，1 个线程' : 'SIMD，1 个线程');
      be.dispose?.();
    }
    expect(backendDetail(zh, 'WebAssembly SIMD with fused multiply-add, 2 threads')).toBe('SIMD 融合乘加，2 个线程');
    expect(backendDetail(en, 'WebAssembly SIMD, 4 threads')).toBe('SIMD, 4 threads');
    expect(backendDetail(zh, new CpuBackend().description)).toBe('TypeScript 参考后端');
    expect(backendDetail(zh, new CpuBackend({ float64: true }).description)).toBe('float64 测试参考');
    expect(backendDetail(zh, 'WebGPU: NVIDIA H200')).toBe('NVIDIA H200');
    expect(backendDetail(en, 'something new')).toBe('something new');
  });
});

import { describe, expect, it } from 'vitest';
import { renderToStaticMarkup } from 'react-dom/server';
import { BackendBadge, CpuBanner, badgeView } from '../../src/app/BackendBadge';

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
    expect(badgeView({ state: 'ready', name: 'webgpu', description: 'Adapter A' }, null)).toEqual({ backend: 'webgpu', description: 'Adapter A', reason: undefined });
    expect(badgeView({ state: 'ready', name: 'cpu', description: 'CPU', reason: 'no adapter' }, null)).toEqual({ backend: 'cpu', description: 'CPU', reason: 'no adapter' });
  });

  it('names the training worker’s backend when only the training view has asked for the GPU', () => {
    expect(badgeView({ state: 'idle' }, { name: 'webgpu', description: 'Adapter B' })).toEqual({ backend: 'webgpu', description: 'Adapter B' });
    // Once the page's own engine has started, the badge speaks for it.
    expect(badgeView({ state: 'ready', name: 'cpu', description: 'CPU' }, { name: 'webgpu', description: 'Adapter B' }).backend).toBe('cpu');
  });
});

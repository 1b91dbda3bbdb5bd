/**
 * Starting the WebGPU backend: the adapter, a device with the limits worth raising,
 * the device-loss hook, and the kernel tuning (a saved one, or a short autotune).
 */
import { WebGPUBackend, type WebGPUBackendOptions } from './index';
import { tuningIsCurrent } from './variants';

/** Limits worth raising above the WebGPU defaults when the adapter allows. */
const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

/**
 * Creates the WebGPU backend on `opts.gpu ?? navigator.gpu`. Throws a clear Error when
 * WebGPU or an adapter is unavailable. Unless a saved `tuning` for this adapter, made
 * among this build's variants (tuningIsCurrent), is given (or `autotune: false`), a short
 * autotune picks the matmul/conv variants.
 */
export async function createWebGPUBackend(opts: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
  const gpu = opts.gpu ?? (typeof navigator !== 'undefined' ? (navigator as Navigator & { gpu?: GPU }).gpu : undefined);
  if (!gpu) throw new Error('WebGPU is not available in this environment (navigator.gpu is missing)');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('WebGPU is available but no GPU adapter was found');
  const requiredLimits: Record<string, number> = {};
  for (const k of opts.limits === 'default' ? [] : WANTED_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number>)[k];
    if (typeof v === 'number') requiredLimits[k] = v;
  }
  const requiredFeatures: GPUFeatureName[] = opts.timestamps && adapter.features.has('timestamp-query') ? ['timestamp-query'] : [];
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  } catch {
    device = await adapter.requestDevice();
  }
  const info = adapter.info ?? ({} as GPUAdapterInfo);
  const parts = [info.vendor, info.architecture, info.device, info.description].filter((s) => s && s.length > 0);
  const description = parts.length > 0 ? [...new Set(parts)].join(' / ') : 'WebGPU adapter';
  const adapterKey = [info.vendor, info.architecture, info.device, info.description].join('|');
  const backend = new WebGPUBackend(device, adapterKey, description);
  device.lost.then((lost) => backend.handleLost(lost, opts.onDeviceLost));
  if (opts.tuning && opts.tuning.adapter === adapterKey && tuningIsCurrent(opts.tuning)) backend.tuning = opts.tuning;
  else if (opts.autotune !== false) {
    const { autotune } = await import('./autotune');
    try {
      backend.tuning = await autotune(backend);
    } catch (e) {
      // No variant of an op computes correctly here (or the device failed): no backend.
      backend.destroy();
      throw e;
    }
  }
  return backend;
}

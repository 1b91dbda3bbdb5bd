import probeRaw from '../../../shaders/probe-double.wgsl?raw';
import { wgsl } from '../../engine/webgpu/wgsl';

const probeSource = wgsl(probeRaw);

export interface ProbeResult {
  ok: boolean;
  context: 'page' | 'worker';
  adapter?: { vendor: string; architecture: string; description: string; device: string };
  input?: number[];
  output?: number[];
  error?: string;
}

/** Runs the probe shader on the given values in this context (page or worker). */
export async function runProbe(context: 'page' | 'worker', values: number[]): Promise<ProbeResult> {
  try {
    if (!('gpu' in navigator) || !navigator.gpu) return { ok: false, context, error: 'navigator.gpu is missing' };
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) return { ok: false, context, error: 'requestAdapter returned null' };
    const info = adapter.info;
    const device = await adapter.requestDevice();
    const bytes = values.length * 4;
    const src = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    const dst = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(src, 0, new Float32Array(values));
    const pipeline = device.createComputePipeline({
      layout: 'auto',
      compute: { module: device.createShaderModule({ code: probeSource }), entryPoint: 'main' },
    });
    const bind = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: src } },
        { binding: 1, resource: { buffer: dst } },
      ],
    });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(Math.ceil(values.length / 64));
    pass.end();
    enc.copyBufferToBuffer(dst, 0, staging, 0, bytes);
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const output = Array.from(new Float32Array(staging.getMappedRange().slice(0)));
    staging.unmap();
    device.destroy();
    return {
      ok: true,
      context,
      adapter: { vendor: info.vendor, architecture: info.architecture, description: info.description, device: info.device },
      input: values,
      output,
    };
  } catch (e) {
    return { ok: false, context, error: (e as Error).message };
  }
}

/**
 * The WebGPU runtime under the backend: device limits, the buffer pool, the pipeline
 * cache, per-dispatch uniforms and the command batch.
 *
 * - Buffers come from a pool keyed by size class (buffer-pool.ts); `release` puts one
 *   back at once. Reusing a buffer inside the same unsubmitted batch is safe because commands of a
 *   queue run in order; uploads into a reused buffer go through the batch too (a
 *   staging copy), so they cannot overtake earlier commands that still read it.
 * - Pipelines are cached by shader key + variant (prelude and override constants).
 * - Uniform blocks and bind groups are kept and used again (bind-cache.ts): a steady
 *   training step makes almost no bind group and writes almost no uniforms (LeNet's: none).
 * - Dispatches are recorded into one command encoder (one compute pass while no copy
 *   intervenes) and submitted on `flush()`, on `read()`, or when the batch grows large.
 * - Dispatches over 65,535 workgroups in one dimension are folded into a 2-D/3-D grid;
 *   every shader derives its linear workgroup index from `num_workgroups`.
 * - On a device with 'timestamp-query', `startProfile()` ... `stopProfile()` times every
 *   dispatch on the GPU (each in a compute pass of its own, between two timestamps) and
 *   sums the times per kernel key.
 */

/** Dispatches per batch after which the batch is submitted on its own. */
const MAX_BATCH = 512;

/** Free texture bytes kept for reuse before textures are destroyed. */
const TEXTURE_KEEP_BYTES = 128 * 1024 * 1024;

import { MAP_MODE_READ, TEXTURE_USAGE, USAGE } from './flags';
import { DispatchProfile, type KernelTime } from './profile';
import { BufferPool, sizeClass } from './buffer-pool';
import { BindCache } from './bind-cache';

export { USAGE };
export { STORAGE_USAGE, sizeClass } from './buffer-pool';

export interface DispatchSpec {
  /** Cache key of the shader source (plus variant) — must identify `code` + `constants`. */
  key: string;
  code: string;
  constants?: Record<string, number>;
  /**
   * Storage buffers (or texture views) for bindings 0..n-1, in order; null leaves a
   * binding out (one the kernel does not declare, in a layout it shares with others).
   */
  buffers: (GPUBuffer | GPUTextureView | null)[];
  /** Words of the uniform block, bound at binding n. */
  uniforms: ArrayBuffer;
  /** Total number of workgroups (linear); folded into a 3-D grid when large. */
  workgroups: number;
}

export class Runtime {
  readonly device: GPUDevice;
  readonly maxBufferBytes: number;
  readonly maxWorkgroupsPerDim: number;
  readonly maxWorkgroupStorage: number;
  readonly maxInvocations: number;
  /** Storage buffers one shader may bind. */
  readonly maxStorageBuffers: number;
  /** Validation / out-of-memory errors reported by the device (uncaptured). */
  readonly errors: string[] = [];
  /** How many of `errors` were taken (reported by a read, or by the autotune) already. */
  private errorsReported = 0;

  /** The device's errors since the last call (or the last read, which reports them). */
  takeErrors(): string[] {
    const fresh = this.errors.slice(this.errorsReported);
    this.errorsReported = this.errors.length;
    return fresh;
  }
  /** Submits issued so far (for tests and benchmarks). */
  submits = 0;
  /** Dispatches recorded so far. */
  dispatches = 0;
  /** The storage buffers (see buffer-pool.ts). */
  readonly buffers: BufferPool;

  private pipelines = new Map<string, GPUComputePipeline>();
  private modules = new Map<string, GPUShaderModule>();
  private stagingPool = new Map<number, GPUBuffer[]>();
  private texturePool = new Map<string, GPUTexture[]>();
  private textureBytes = 0;
  readonly maxTextureDim: number;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private batchCommands = 0;
  /** Uniform slots and bind groups, made once (see bind-cache.ts). */
  readonly bind: BindCache;
  private views = new WeakMap<GPUTexture, GPUTextureView>();
  private afterSubmit: (() => void)[] = [];
  lost = false;
  lostMessage = '';
  private profile: DispatchProfile | null = null;

  constructor(device: GPUDevice) {
    this.device = device;
    const l = device.limits;
    this.maxBufferBytes = Math.min(l.maxStorageBufferBindingSize, l.maxBufferSize);
    this.maxWorkgroupsPerDim = l.maxComputeWorkgroupsPerDimension;
    this.maxWorkgroupStorage = l.maxComputeWorkgroupStorageSize;
    this.maxInvocations = l.maxComputeInvocationsPerWorkgroup;
    this.maxStorageBuffers = l.maxStorageBuffersPerShaderStage;
    this.maxTextureDim = l.maxTextureDimension2D;
    this.buffers = new BufferPool(device, this.maxBufferBytes, (b) => this.destroyWhenUnused(b));
    this.bind = new BindCache(device, USAGE.UNIFORM | USAGE.COPY_DST, () => this.flush());
    device.addEventListener('uncapturederror', (e) => {
      const err = (e as GPUUncapturedErrorEvent).error;
      this.errors.push(err.message);
      console.error(`WebGPU error: ${err.message}`);
    });
  }

  checkAlive(): void {
    if (this.lost) throw new Error(`webgpu backend: the GPU device was lost (${this.lostMessage}); create a new backend`);
  }

  // ---- buffers ----------------------------------------------------------------------

  /** Throws a clear Error when `bytes` exceed what one storage binding may hold. */
  checkSize(bytes: number, what = 'a tensor'): void {
    if (bytes > this.maxBufferBytes) {
      throw new Error(
        `webgpu backend: ${what} of ${bytes / 4} float32 elements (${bytes} bytes) exceeds this device's ` +
          `limit of ${this.maxBufferBytes} bytes per storage buffer (maxStorageBufferBindingSize / maxBufferSize)`,
      );
    }
  }

  /** A storage buffer of at least `bytes`, from the pool when one is free; `fresh` when newly made (all zeros). */
  acquire(bytes: number): { buffer: GPUBuffer; fresh: boolean } {
    this.checkAlive();
    this.checkSize(bytes);
    return this.buffers.acquire(bytes);
  }

  release(buffer: GPUBuffer): void {
    this.buffers.release(buffer, this.lost);
  }

  /** Destroys a buffer, after the submit when the unsubmitted batch may still name it. */
  private destroyWhenUnused(buffer: GPUBuffer): void {
    if (this.encoder) this.afterSubmit.push(() => buffer.destroy());
    else buffer.destroy();
  }

  /** Uploads host data into `dst`, ordered after everything already recorded. */
  upload(dst: GPUBuffer, data: Float32Array, fresh: boolean): void {
    if (data.byteLength === 0) return;
    if (fresh || this.batchCommands === 0) {
      // Nothing recorded can still be using this buffer, so a queue write is in order.
      this.device.queue.writeBuffer(dst, 0, data.buffer, data.byteOffset, data.byteLength);
      return;
    }
    const staging = this.device.createBuffer({ size: align(data.byteLength, 4), usage: USAGE.COPY_SRC, mappedAtCreation: true });
    new Float32Array(staging.getMappedRange()).set(data);
    staging.unmap();
    const enc = this.commandEncoder();
    this.endPass();
    enc.copyBufferToBuffer(staging, 0, dst, 0, data.byteLength);
    this.batchCommands++;
    this.afterSubmit.push(() => staging.destroy());
  }

  // ---- pipelines --------------------------------------------------------------------

  pipeline(key: string, code: string, constants?: Record<string, number>): GPUComputePipeline {
    let p = this.pipelines.get(key);
    if (p) return p;
    let module = this.modules.get(code);
    if (!module) {
      module = this.device.createShaderModule({ code, label: key });
      this.modules.set(code, module);
    }
    p = this.device.createComputePipeline({
      label: key,
      layout: 'auto',
      compute: { module, entryPoint: 'main', constants },
    });
    this.pipelines.set(key, p);
    return p;
  }

  pipelineCount(): number {
    return this.pipelines.size;
  }

  // ---- recording --------------------------------------------------------------------

  private commandEncoder(): GPUCommandEncoder {
    if (!this.encoder) this.encoder = this.device.createCommandEncoder();
    return this.encoder;
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }

  /** Folds a linear workgroup count into a grid no wider than the device allows per dimension. */
  grid(total: number): [number, number, number] {
    const m = this.maxWorkgroupsPerDim;
    if (total <= m) return [total, 1, 1];
    const y = Math.ceil(total / m);
    if (y <= m) return [m, y, 1];
    const z = Math.ceil(y / m);
    if (z > m) throw new Error(`webgpu backend: dispatch of ${total} workgroups is too large`);
    return [m, m, z];
  }

  dispatch(spec: DispatchSpec): void {
    this.checkAlive();
    if (spec.workgroups <= 0) return;
    const pipeline = this.pipeline(spec.key, spec.code, spec.constants);
    const u = this.bind.uniform(spec.uniforms);
    const bindGroup = this.bind.group(pipeline, spec.buffers, u);
    const enc = this.commandEncoder();
    const timed = this.profile;
    if (timed) {
      this.endPass();
      this.pass = timed.beginPass(enc, spec.key);
    } else if (!this.pass) this.pass = enc.beginComputePass();
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, bindGroup);
    const [x, y, z] = this.grid(spec.workgroups);
    this.pass.dispatchWorkgroups(x, y, z);
    this.batchCommands++;
    this.dispatches++;
    if (timed) this.endPass();
    if (this.batchCommands >= MAX_BATCH || timed?.full()) this.flush();
  }

  /** Submits the batch. */
  flush(): void {
    if (!this.encoder) return;
    this.endPass();
    const readBack = this.profile?.resolve(this.encoder);
    const cb = this.encoder.finish();
    this.encoder = null;
    this.batchCommands = 0;
    this.device.queue.submit([cb]);
    this.submits++;
    readBack?.();
    const after = this.afterSubmit;
    this.afterSubmit = [];
    for (const f of after) f();
  }

  /** Copies `bytes` of `src` to the host: records the copy, submits, and waits only on the mapping. */
  read(src: GPUBuffer, bytes: number): Promise<Float32Array> {
    return this.readRanges(src, [[0, bytes]]);
  }

  /** Copies the given [byte offset, bytes] ranges of `src` to the host, one after another, as `read` does. */
  async readRanges(src: GPUBuffer, ranges: ReadonlyArray<readonly [number, number]>): Promise<Float32Array> {
    this.checkAlive();
    const total = ranges.reduce((sum, [, size]) => sum + size, 0);
    if (total === 0) return new Float32Array(0);
    const cls = sizeClass(total);
    const list = this.stagingPool.get(cls);
    const staging = list?.pop() ?? this.device.createBuffer({ size: cls, usage: USAGE.MAP_READ | USAGE.COPY_DST });
    const enc = this.commandEncoder();
    this.endPass();
    let at = 0;
    for (const [offset, size] of ranges) {
      enc.copyBufferToBuffer(src, offset, staging, at, size);
      at += size;
    }
    this.batchCommands++;
    this.flush();
    try {
      await staging.mapAsync(MAP_MODE_READ, 0, total);
    } catch (e) {
      staging.destroy();
      if (this.lost) throw new Error(`webgpu backend: the GPU device was lost (${this.lostMessage}) before a read finished`, { cause: e });
      throw e;
    }
    const out = new Float32Array(staging.getMappedRange(0, total).slice(0));
    staging.unmap();
    let back = this.stagingPool.get(cls);
    if (!back) this.stagingPool.set(cls, (back = []));
    if (back.length < 4) back.push(staging);
    else staging.destroy();
    // A command the device refused drops its whole batch: the values read may be stale, so
    // they are not returned as if computed.
    const refused = this.takeErrors();
    if (refused.length) throw new Error(`webgpu backend: the GPU refused work before this read, so its values are not trustworthy (${refused[0]})`);
    return out;
  }

  // ---- profiling ----------------------------------------------------------------------

  /**
   * Starts timing each dispatch on the GPU. False (and nothing changes) where the device
   * was not created with 'timestamp-query' (see the backend's `timestamps` option).
   */
  startProfile(): boolean {
    if (!this.device.features.has('timestamp-query')) return false;
    if (this.profile) return true;
    this.flush();
    this.profile = new DispatchProfile(this.device, MAX_BATCH);
    return true;
  }

  /** Stops timing; resolves to the GPU time per kernel key since `startProfile`, longest first. */
  async stopProfile(): Promise<KernelTime[]> {
    const p = this.profile;
    if (!p) return [];
    this.flush();
    this.profile = null;
    return p.finish();
  }

  /** Resolves when every submitted command has finished. */
  async idle(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
  }

  // ---- textures (rgba32float operands for texture-reading kernels) -------------------

  /**
   * An rgba32float texture of width x height texels, for packing an operand into
   * (storage write) and reading it back with textureLoad. Like buffers, it may be
   * released as soon as the commands using it are recorded: the queue runs them in order.
   */
  acquireTexture(width: number, height: number): GPUTexture {
    this.checkAlive();
    const list = this.texturePool.get(`${width}x${height}`);
    if (list && list.length > 0) {
      this.textureBytes -= width * height * 16;
      return list.pop()!;
    }
    return this.device.createTexture({
      size: [width, height],
      format: 'rgba32float',
      usage: TEXTURE_USAGE.TEXTURE_BINDING | TEXTURE_USAGE.STORAGE_BINDING,
    });
  }

  /** The texture's view, one per texture, so that bind groups over it can be kept. */
  view(t: GPUTexture): GPUTextureView {
    let v = this.views.get(t);
    if (!v) this.views.set(t, (v = t.createView()));
    return v;
  }

  releaseTexture(t: GPUTexture): void {
    const bytes = t.width * t.height * 16;
    if (this.lost || this.textureBytes + bytes > TEXTURE_KEEP_BYTES) {
      t.destroy();
      return;
    }
    const key = `${t.width}x${t.height}`;
    let list = this.texturePool.get(key);
    if (!list) this.texturePool.set(key, (list = []));
    list.push(t);
    this.textureBytes += bytes;
  }

  destroyResources(): void {
    for (const list of this.texturePool.values()) for (const t of list) t.destroy();
    this.texturePool.clear();
    this.textureBytes = 0;
    this.buffers.trim();
    for (const list of this.stagingPool.values()) for (const b of list) b.destroy();
    this.bind.destroy();
    this.stagingPool.clear();
  }
}


export function align(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/** Builds a uniform block of 32-bit words: integers as u32 (or i32), numbers marked `f` as f32. */
export class Words {
  private u: Uint32Array;
  private i: Int32Array;
  private f: Float32Array;
  private n = 0;
  constructor(capacity = 64) {
    const buf = new ArrayBuffer(capacity * 4);
    this.u = new Uint32Array(buf);
    this.i = new Int32Array(buf);
    this.f = new Float32Array(buf);
  }
  u32(...vs: number[]): this {
    for (const v of vs) this.u[this.n++] = v >>> 0;
    return this;
  }
  i32(...vs: number[]): this {
    for (const v of vs) this.i[this.n++] = v | 0;
    return this;
  }
  f32(...vs: number[]): this {
    for (const v of vs) this.f[this.n++] = v;
    return this;
  }
  /** Pads to a multiple of 4 words (a vec4 boundary). */
  pad4(): this {
    while (this.n % 4 !== 0) this.u[this.n++] = 0;
    return this;
  }
  /** Writes `vs` as an array<vec4<u32>, slots> (zero-filled). */
  vec4s(vs: readonly number[], slots: number): this {
    this.pad4();
    for (let k = 0; k < slots * 4; k++) this.u[this.n++] = k < vs.length ? vs[k] >>> 0 : 0;
    return this;
  }
  buffer(): ArrayBuffer {
    this.pad4();
    return this.u.buffer.slice(0, Math.max(this.n, 4) * 4) as ArrayBuffer;
  }
}

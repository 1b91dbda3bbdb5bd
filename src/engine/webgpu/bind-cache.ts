/**
 * Bind groups made once and used again. A training step repeats the same dispatches with
 * the same buffers (the pool hands them out in the same order every step) and the same
 * parameters, so making a new bind group and writing a new uniform block per dispatch,
 * as a simple runtime does, is work the host repeats for nothing; on a fast GPU that
 * host work, not the kernels, bounds the small models' speed.
 *
 * - Uniform blocks are kept by content: each distinct block gets a 256-byte slot of its
 *   own, written once with `writeBuffer` when it is first asked for (a queue write, so
 *   it lands before the batch that uses it is submitted). A slot's content never changes
 *   while anything recorded may still read it: when the slots run out, the caller's
 *   `flush` submits what was recorded, and only then are the slots written anew.
 * - Bind groups are kept by (pipeline, resources, uniform slot). A destroyed buffer is
 *   never bound again, so its entries are simply never hit; the map is emptied when it
 *   grows large.
 */

const SLOT = 256;
const CHUNK = 64 * 1024;
/** Distinct uniform blocks kept before the slots are written anew (1 MiB of uniforms). */
const MAX_SLOTS = 4096;
/** Bind groups kept before the map is emptied. */
const MAX_GROUPS = 8192;

export interface UniformSlot {
  buffer: GPUBuffer;
  offset: number;
  /** Identifies the slot (and its content) in bind-group keys. */
  id: number;
}

export class BindCache {
  /** Bind groups made so far (for tests and benchmarks); the rest were found kept. */
  made = 0;
  private ids = new WeakMap<object, number>();
  private nextId = 1;
  private groups = new Map<string, GPUBindGroup>();
  /** Each pipeline's bind group layout (asking the pipeline makes a new object each time). */
  private layouts = new WeakMap<GPUComputePipeline, GPUBindGroupLayout>();
  private slots = new Map<string, UniformSlot>();
  private chunks: GPUBuffer[] = [];
  private used = 0;

  /** `flush` submits everything recorded so far (called before slots are reused). */
  constructor(
    private readonly device: GPUDevice,
    private readonly usage: number,
    private readonly flush: () => void,
  ) {}

  /** A small number naming `o` (a pipeline, buffer or texture view) for as long as it lives. */
  id(o: object): number {
    let id = this.ids.get(o);
    if (id === undefined) this.ids.set(o, (id = this.nextId++));
    return id;
  }

  /** The slot holding `words`, written now if no slot holds them yet. */
  uniform(words: ArrayBuffer): UniformSlot {
    if (words.byteLength > SLOT) throw new Error('webgpu backend: uniform block too large');
    const key = String.fromCharCode.apply(null, new Uint16Array(words) as unknown as number[]);
    let slot = this.slots.get(key);
    if (slot) return slot;
    if (this.slots.size >= MAX_SLOTS) this.restart();
    const chunk = Math.floor(this.used / CHUNK);
    if (chunk === this.chunks.length) this.chunks.push(this.device.createBuffer({ size: CHUNK, usage: this.usage }));
    slot = { buffer: this.chunks[chunk], offset: this.used % CHUNK, id: this.nextId++ };
    this.used += SLOT;
    this.device.queue.writeBuffer(slot.buffer, slot.offset, words);
    this.slots.set(key, slot);
    return slot;
  }

  /** The bind group of `pipeline` over `resources` (bindings 0..n-1, null left out) and the uniform slot at binding n. */
  group(pipeline: GPUComputePipeline, resources: readonly (GPUBuffer | GPUTextureView | null)[], u: UniformSlot): GPUBindGroup {
    let key = `${this.id(pipeline)}:${u.id}`;
    for (const r of resources) key += r ? `,${this.id(r)}` : ',-';
    let g = this.groups.get(key);
    if (g) return g;
    let layout = this.layouts.get(pipeline);
    if (!layout) this.layouts.set(pipeline, (layout = pipeline.getBindGroupLayout(0)));
    const entries: GPUBindGroupEntry[] = [];
    resources.forEach((r, i) => {
      if (r) entries.push({ binding: i, resource: isBuffer(r) ? { buffer: r } : r });
    });
    entries.push({ binding: resources.length, resource: { buffer: u.buffer, offset: u.offset, size: SLOT } });
    g = this.device.createBindGroup({ layout, entries });
    if (this.groups.size >= MAX_GROUPS) this.groups.clear();
    this.groups.set(key, g);
    this.made++;
    return g;
  }

  /** Submits what was recorded, then forgets every slot and bind group (their buffers are written anew from the start). */
  private restart(): void {
    this.flush();
    this.forget();
  }

  /** Destroys the uniform buffers (the device's resources go back). */
  destroy(): void {
    for (const b of this.chunks) b.destroy();
    this.chunks = [];
    this.forget();
  }

  private forget(): void {
    this.slots.clear();
    this.groups.clear();
    this.used = 0;
  }
}

function isBuffer(b: GPUBuffer | GPUTextureView): b is GPUBuffer {
  return typeof (b as GPUBuffer).mapAsync === 'function';
}

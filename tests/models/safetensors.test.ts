import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/engine';
import { SafetensorsError, decodeSafetensors, encodeSafetensors, zoo } from '../../src/models';

beforeAll(async () => {
  await setBackend('cpu');
});

function header(bytes: Uint8Array): Record<string, unknown> {
  const n = new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
  return JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
}

/** Builds a file from a header object and data bytes, as another tool might. */
function craft(h: unknown, data: Uint8Array, headerLen?: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(h));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, headerLen ?? json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);

describe('the .safetensors format', () => {
  it('writes the standard layout: u64 header length, JSON header with F32 entries, aligned, data in order', () => {
    const bytes = encodeSafetensors({ a: { shape: [2], data: new Float32Array([1, 2]) }, 'b.c': { shape: [1, 1], data: new Float32Array([3]) } }, { note: 'x' });
    const view = new DataView(bytes.buffer);
    const n = view.getUint32(0, true);
    expect(view.getUint32(4, true)).toBe(0);
    expect((8 + n) % 8).toBe(0);
    expect(header(bytes)).toEqual({
      __metadata__: { note: 'x', writer: 'cnn-textbook', crc32: expect.stringMatching(/^[0-9a-f]{8}$/) },
      a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] },
      'b.c': { dtype: 'F32', shape: [1, 1], data_offsets: [8, 12] },
    });
    expect(Array.from(new Float32Array(bytes.slice(8 + n).buffer))).toEqual([1, 2, 3]);
  });

  it('reads back exactly what it wrote, names in order', () => {
    const t = { x: { shape: [3], data: new Float32Array([0.1, -2.5, 1e-30]) }, y: { shape: [], data: new Float32Array([7]) } };
    const { tensors, metadata } = decodeSafetensors(encodeSafetensors(t, { m: 'v' }));
    expect(Object.keys(tensors)).toEqual(['x', 'y']);
    expect(tensors.x.data).toEqual(t.x.data);
    expect(tensors.y).toEqual({ shape: [], data: new Float32Array([7]) });
    expect(metadata).toEqual({ m: 'v' });
  });

  it('reads a PyTorch-style I64 num_batches_tracked', () => {
    const i64 = new Uint8Array(new BigInt64Array([42n]).buffer);
    const file = craft({ '1.num_batches_tracked': { dtype: 'I64', shape: [], data_offsets: [0, 8] } }, i64);
    expect(decodeSafetensors(file).tensors['1.num_batches_tracked'].data[0]).toBe(42);
  });

  it.each([
    ['a file shorter than the header', new Uint8Array([1, 2, 3]), /too short/],
    ['a header length past the end', craft({}, new Uint8Array(0), 9999), /does not fit/],
    ['a header that is not JSON', (() => { const b = craft({ a: 1 }, new Uint8Array(0)); b[8] = 0x7b; b[9] = 0x7b; return b; })(), /not valid UTF-8 JSON/],
    ['an unknown dtype', craft({ a: { dtype: 'Q7', shape: [1], data_offsets: [0, 4] } }, f32(1)), /unknown dtype/],
    ['a dtype other than F32', craft({ a: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, f32(1)), /F16 is not supported/],
    ['offsets that do not match the shape', craft({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } }, f32(1)), /do not match shape/],
    ['offsets past the data', craft({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32(1)), /outside/],
    ['a hole in the data', craft({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, f32(1, 2)), /expected 0/],
    ['trailing bytes', craft({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(1, 2)), /cover 4 of 8/],
    ['a NaN weight', craft({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32(1, NaN)), /NaN/],
    ['an infinite weight', craft({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(-Infinity)), /-Infinity/],
    ['a negative dimension', craft({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 0] } }, new Uint8Array(0)), /non-negative/],
  ])('refuses %s with a SafetensorsError', (_, bytes, message) => {
    expect(() => decodeSafetensors(bytes)).toThrow(SafetensorsError);
    expect(() => decodeSafetensors(bytes)).toThrow(message);
  });
});

describe('zoo weights as .safetensors', () => {
  it('round-trips every LeNet weight bit for bit and loads into a fresh model', async () => {
    const a = zoo.lenet.create({ seed: 1 });
    const bytes = await zoo.lenet.toSafetensors(a.stateDict());
    const sd = zoo.lenet.fromSafetensors(bytes);
    expect(Object.keys(sd)).toEqual(Object.keys(a.stateDict()));
    const b = zoo.lenet.create({ seed: 2 });
    b.loadStateDict(sd);
    for (const [k, t] of Object.entries(b.stateDict())) expect(await t.data()).toEqual(await a.stateDict()[k].data());
    expect(header(bytes).__metadata__).toMatchObject({ format: 'pt', model: 'lenet' });
    a.dispose();
    b.dispose();
  });

  it('keeps BatchNorm running statistics and num_batches_tracked', async () => {
    const a = zoo['lenet-bn'].create({ seed: 1 });
    const sd = zoo['lenet-bn'].fromSafetensors(await zoo['lenet-bn'].toSafetensors(a.stateDict()));
    expect(sd['1.running_var'].shape).toEqual([6]);
    expect(sd['1.num_batches_tracked'].shape).toEqual([]);
    a.dispose();
  });

  it('refuses another model\'s weights, naming what is missing or unexpected', async () => {
    const a = zoo['lenet-bn'].create();
    const bytes = await zoo['lenet-bn'].toSafetensors(a.stateDict());
    expect(() => zoo.lenet.fromSafetensors(bytes)).toThrow(/do not match LeNet.*unexpected/);
    a.dispose();
  });

  it('refuses weights of the right names but wrong shapes (another input size)', async () => {
    const a = zoo.lenet.create({ inputSize: 32 });
    const bytes = await zoo.lenet.toSafetensors(a.stateDict());
    expect(() => zoo.lenet.fromSafetensors(bytes)).toThrow(/7\.weight has shape \[120, 576\].*\[120, 400\]/);
    expect(() => zoo.lenet.fromSafetensors(bytes, { inputSize: 32 })).not.toThrow();
    a.dispose();
  });
});

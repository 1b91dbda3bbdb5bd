// Damaged and hostile weights files: every kind of corruption the import may meet is
// refused with a SafetensorsError that says what is wrong, and never with another kind
// of exception.
import { beforeAll, describe, expect, it } from 'vitest';
import { setBackend } from '../../src/engine';
import { zoo } from '../../src/models';
import { MAX_WEIGHTS_FILE_BYTES, SafetensorsError, crc32, decodeSafetensors, encodeSafetensors } from '../../src/models/safetensors';
import { mulberry32 } from '../../src/data/batches';

let lenet: Uint8Array;

beforeAll(async () => {
  await setBackend('cpu');
  const net = zoo.lenet.create({ seed: 3 });
  lenet = await zoo.lenet.toSafetensors(net.stateDict(), { inputSize: '28' });
  net.dispose();
});


function headerLength(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
}

/** A file from a header object and data bytes, as another tool might write it (no checksum). */
function craft(h: unknown, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(h));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);

/** Decodes as the LeNet import does (names and shapes included) and returns the refusal (null: accepted). */
function refusal(bytes: Uint8Array, opts: { maxBytes?: number } = {}): unknown {
  try {
    if (opts.maxBytes !== undefined) decodeSafetensors(bytes, opts);
    else zoo.lenet.fromSafetensors(bytes, { inputSize: 28 });
  } catch (error) {
    return error;
  }
  return null;
}

/**
 * A refusal says why in Chinese too (the page shows the reader's language): Chinese text,
 * with every number and name of the English (dimensions, bytes, tensor names, checksums).
 */
function expectSaidInChinese(error: SafetensorsError) {
  expect(error.zh, error.message).toMatch(/[\u4e00-\u9fff]/);
  // Checksums, tensor names (11.weight) and numbers (600.8), as the English writes them.
  const tokens = error.message.match(/\b[0-9a-f]{8}\b|\w+(?:\.\w+)+|\d+/g) ?? [];
  for (const token of tokens) expect(error.zh, error.message).toContain(token);
}

function expectRefused(bytes: Uint8Array, message: RegExp, opts: { maxBytes?: number } = {}) {
  const error = refusal(bytes, opts);
  expect(error, 'the file was accepted').toBeInstanceOf(SafetensorsError);
  expect((error as Error).message).toMatch(message);
  expectSaidInChinese(error as SafetensorsError);
}

describe('the integrity record of the files we write', () => {
  it('computes the standard CRC-32 (the check value of "123456789" is cbf43926)', () => {
    expect(crc32(new TextEncoder().encode('123456789')).toString(16)).toBe('cbf43926');
    expect(crc32(new Uint8Array(0))).toBe(0);
    // Continuing over pieces gives the CRC of the whole.
    const b = new Uint8Array(1000).map((_, i) => (i * 31) & 255);
    expect(crc32(b.subarray(300), crc32(b.subarray(0, 300)))).toBe(crc32(b));
  });

  it('the untouched LeNet export loads, and its metadata comes back without the integrity keys', () => {
    expect(() => zoo.lenet.fromSafetensors(lenet, { inputSize: 28 })).not.toThrow();
    const { metadata } = decodeSafetensors(lenet);
    expect(metadata).toMatchObject({ format: 'pt', model: 'lenet', inputSize: '28' });
    expect(metadata).not.toHaveProperty('crc32');
    expect(metadata).not.toHaveProperty('writer');
  });

  it('files from other tools, without an integrity record, are still read', () => {
    const file = craft({ __metadata__: { format: 'pt' }, a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32(1, 2));
    expect(Array.from(decodeSafetensors(file).tensors.a.data)).toEqual([1, 2]);
  });
});

describe('corrupted weights files are refused with a SafetensorsError that says why', () => {
  it('an empty file', () => {
    expectRefused(new Uint8Array(0), /the file is empty/);
  });

  it.each([
    ['inside the length field', 5],
    ['inside the header', 40],
    ['at the end of the header', 8 + 100],
    ['inside the data', -1000],
    ['by one byte', -1],
  ])('a truncated file: cut %s', (_, cut) => {
    const n = cut === 8 + 100 ? 8 + headerLength(lenet) : cut < 0 ? lenet.length + cut : cut;
    expectRefused(lenet.slice(0, n), /too short|does not fit|outside|cover|truncated/);
  });

  it('a header length field claiming a huge header (2^40 bytes, and 2^64 - 1)', () => {
    const huge = lenet.slice();
    new DataView(huge.buffer).setUint32(0, 0, true);
    new DataView(huge.buffer).setUint32(4, 256, true); // 256 * 2^32 = 2^40
    expectRefused(huge, /header length \(1099511627776 bytes\) does not fit/);
    const max = lenet.slice();
    max.fill(0xff, 0, 8);
    expectRefused(max, /header length .* does not fit/);
  });

  it('a header that is not JSON, not UTF-8, or not an object', () => {
    const notJson = lenet.slice();
    notJson.set(new TextEncoder().encode('{{'), 8);
    expectRefused(notJson, /not valid UTF-8 JSON/);
    const notUtf8 = lenet.slice();
    notUtf8[12] = 0xc3;
    notUtf8[13] = 0x28; // an invalid two-byte sequence
    expectRefused(notUtf8, /not valid UTF-8 JSON/);
    const array = craft([1, 2], new Uint8Array(0));
    expectRefused(array, /not a JSON object/);
  });

  it.each([
    ['an unknown dtype', { dtype: 'Q7', shape: [1], data_offsets: [0, 4] }, f32(1), /unknown dtype "Q7"/],
    ['F16 weights', { dtype: 'F16', shape: [2], data_offsets: [0, 4] }, f32(1), /F16 is not supported/],
    ['I32 weights', { dtype: 'I32', shape: [1], data_offsets: [0, 4] }, f32(1), /I32 is not supported/],
    ['I64 for a weight (only num_batches_tracked may be I64)', { dtype: 'I64', shape: [1], data_offsets: [0, 8] }, f32(1, 2), /I64 is not supported/],
    ['a missing dtype', { shape: [1], data_offsets: [0, 4] }, f32(1), /unknown dtype undefined/],
  ])('wrong dtypes: %s', (_, entry, data, message) => {
    expectRefused(craft({ a: entry }, data), message, { maxBytes: 1e6 });
  });

  it('wrong names: a renamed tensor, a missing one, an extra one', async () => {
    const sd = zoo.lenet.fromSafetensors(lenet);
    const renamed = Object.fromEntries(Object.entries(sd).map(([k, v]) => [k === '0.weight' ? 'conv1.weight' : k, v]));
    expectRefused(encodeSafetensors(renamed), /names do not match LeNet.*missing 0\.weight.*unexpected conv1\.weight/);
    const { ['11.bias']: _gone, ...missing } = sd;
    expectRefused(encodeSafetensors(missing), /missing 11\.bias/);
    expectRefused(encodeSafetensors({ ...sd, extra: { shape: [1], data: new Float32Array([0]) } }), /unexpected extra/);
  });

  it('wrong shapes: a layer transposed, and the weights of another input size', async () => {
    const sd = zoo.lenet.fromSafetensors(lenet);
    const transposed = { ...sd, '11.weight': { shape: [84, 10], data: sd['11.weight'].data } };
    expectRefused(encodeSafetensors(transposed), /11\.weight has shape \[84, 10\].*needs \[10, 84\]/);
    const big = zoo.lenet.create({ inputSize: 32 });
    const other = await zoo.lenet.toSafetensors(big.stateDict());
    big.dispose();
    expectRefused(other, /7\.weight has shape \[120, 576\].*\[120, 400\]/);
  });

  it.each([
    ['past the end of the data', { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, f32(1), /outside the 4 data bytes/],
    ['ending before they begin', { a: { dtype: 'F32', shape: [0], data_offsets: [4, 0] } }, f32(1), /outside/],
    ['negative', { a: { dtype: 'F32', shape: [1], data_offsets: [-4, 0] } }, f32(1), /two non-negative integers/],
    ['not integers', { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4.5] } }, f32(1), /two non-negative integers/],
    ['huge', { a: { dtype: 'F32', shape: [1], data_offsets: [2 ** 53 - 4, 2 ** 53] } }, f32(1), /outside/],
    ['overlapping', { a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [2], data_offsets: [4, 12] } }, f32(1, 2, 3), /overlapping or gapped/],
    ['the same bytes twice', { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, f32(1, 2), /overlapping or gapped/],
    ['leaving a hole', { a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: { dtype: 'F32', shape: [1], data_offsets: [8, 12] } }, f32(1, 2, 3), /expected 4/],
    ['not matching the shape', { a: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, f32(1, 2), /do not match shape/],
  ])('data offsets %s', (_, h, data, message) => {
    expectRefused(craft(h, data), message, { maxBytes: 1e6 });
  });

  it.each([
    ['NaN', NaN, /value 5 is NaN/],
    ['+Infinity', Infinity, /value 5 is Infinity/],
    ['-Infinity', -Infinity, /value 5 is -Infinity/],
  ])('a tensor containing %s, even in a file whose checksum is right', (_, bad, message) => {
    const sd = zoo.lenet.fromSafetensors(lenet);
    const w = sd['0.weight'].data.slice();
    w[5] = bad;
    // Written by our own encoder: the integrity record is valid, the value is not.
    expectRefused(encodeSafetensors({ ...sd, '0.weight': { shape: sd['0.weight'].shape, data: w } }), message);
  });

  it('a NaN written over the last weight of an export (the checksum would also catch it)', () => {
    const b = lenet.slice();
    b.fill(0xff, b.length - 4);
    expectRefused(b, /value \d+ is NaN/);
  });

  it('a non-safetensors file: a PNG, a text file, a gzip', () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89]);
    expectRefused(png, /does not fit a file of 33 bytes: not a \.safetensors file/);
    expectRefused(new TextEncoder().encode('hello, these are not weights'), /not a \.safetensors file/);
    expectRefused(new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4]), /not a \.safetensors file/);
  });

  it('a file larger than the cap, refused before it is read (600 MB by default)', () => {
    expect(MAX_WEIGHTS_FILE_BYTES).toBe(600_000_000);
    expectRefused(lenet, /the file is 0\.2 MB, larger than the 0 MB limit/, { maxBytes: 100_000 });
    // An allocation of zeros just over the default cap: refused without a look inside.
    const tooBig = new Uint8Array(MAX_WEIGHTS_FILE_BYTES + 1);
    expectRefused(tooBig, /the file is 600\.0 MB, larger than the 600 MB limit/, { maxBytes: MAX_WEIGHTS_FILE_BYTES });
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])('bit flips anywhere in the LeNet export (seed %i)', (seed) => {
    const r = mulberry32(seed); // seeded, so every fuzz case reproduces
    const b = lenet.slice();
    const flips = 1 + Math.floor(r() * 8);
    // Half of the seeds flip inside the header or its length, where the JSON lives.
    const span = seed % 2 ? b.length : 8 + headerLength(lenet);
    for (let i = 0; i < flips; i++) b[Math.floor(r() * span)] ^= 1 << Math.floor(r() * 8);
    if (b.every((v, i) => v === lenet[i])) b[0] ^= 1; // two flips of the same bit cancel out
    const error = refusal(b);
    expect(error, `seed ${seed} was accepted`).toBeInstanceOf(SafetensorsError);
    expectSaidInChinese(error as SafetensorsError);
  });

  it('every single flipped bit of a small file is refused, the checksum key itself included', () => {
    const file = encodeSafetensors({ w: { shape: [2, 2], data: new Float32Array([0.5, -1, 2, 3]) }, b: { shape: [2], data: new Float32Array([0, 1]) } }, { model: 'tiny' });
    let accepted = 0;
    for (let i = 0; i < file.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const b = file.slice();
        b[i] ^= 1 << bit;
        try {
          decodeSafetensors(b);
          accepted++;
        } catch (e) {
          if (!(e instanceof SafetensorsError)) throw e;
          expectSaidInChinese(e);
        }
      }
    }
    expect(file.length * 8).toBeGreaterThan(1000);
    expect(accepted).toBe(0);
  });

  it('a removed checksum in a file that names us as its writer', () => {
    const text = new TextDecoder().decode(lenet.subarray(8, 8 + headerLength(lenet)));
    const stripped = text.replace(/"crc32":"[0-9a-f]{8}"/, (m) => `"crc33"${m.slice(7)}`);
    const b = lenet.slice();
    b.set(new TextEncoder().encode(stripped), 8);
    expectRefused(b, /checksum is missing/);
  });

  it('a change of one weight to another finite value, which only the checksum can see', () => {
    const b = lenet.slice();
    const at = 8 + headerLength(lenet) + 100 * 4;
    new DataView(b.buffer).setFloat32(at, new DataView(lenet.buffer).getFloat32(at, true) + 0.25, true);
    expectRefused(b, /checksum does not match/);
  });
});

describe('a refused import changes nothing', () => {
  it('the model keeps its weights when fromSafetensors refuses a file', async () => {
    const net = zoo.lenet.create({ seed: 9 });
    const before = await net.stateDictData();
    const bad = lenet.slice(0, lenet.length - 3);
    expect(() => net.loadStateDict(zoo.lenet.fromSafetensors(bad, { model: net }))).toThrow(SafetensorsError);
    const after = await net.stateDictData();
    for (const k of Object.keys(before)) expect(after[k]).toEqual(before[k]);
    net.dispose();
  });
});

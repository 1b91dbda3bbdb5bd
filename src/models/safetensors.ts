/**
 * The .safetensors format (https://github.com/huggingface/safetensors), written and read
 * without any library:
 *
 *   8 bytes   N, the header length, unsigned 64-bit little-endian
 *   N bytes   a UTF-8 JSON object: { "<name>": { "dtype": "F32", "shape": [..],
 *             "data_offsets": [begin, end] }, ..., "__metadata__": { "<k>": "<v>" } }
 *             (padded with spaces to a multiple of 8 bytes)
 *   rest      the tensors' bytes, little-endian, row-major; offsets are relative to the
 *             start of this part, and the tensors cover it exactly, without holes
 *
 * We write F32 only. We read F32, and I64 for BatchNorm's `num_batches_tracked` (which is
 * how PyTorch saves that buffer); every other dtype is refused with a message.
 *
 * Integrity: the format has no checksum, so a flipped bit in the weights would load as a
 * slightly different, perfectly valid number. Files we write carry two metadata strings,
 * `writer` ("cnn-textbook") and `crc32`: the CRC-32 of the whole file, computed with the
 * eight hex digits of that value written as zeros. Reading verifies it whenever it is
 * present and requires it when `writer` names us, so every single flipped bit (in the
 * header, the checksum's own key included, or in the data) is refused; files from other
 * tools (PyTorch's safetensors) have neither key and are read as before.
 *
 * Files larger than MAX_WEIGHTS_FILE_BYTES (600 MB) are refused before anything is read:
 * the largest model of the zoo at the largest input the training view offers (AlexNet
 * at 224x224, 46.8 M parameters) takes 187 MB, so the cap leaves room for three times that.
 */

import { BilingualError, joinZh, type Bilingual } from './bilingual';

export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/** A state dict on the host, in insertion order (the model's state-dict order). */
export type HostStateDict = Record<string, HostTensor>;

/** Why a file was refused, in English (`message`) and Chinese (`zh`). */
export class SafetensorsError extends BilingualError {
  constructor(en: string, zh: string) {
    super({ en, zh });
    this.name = 'SafetensorsError';
  }
}

/** The largest weights file we read: 600 MB (decimal), over three times AlexNet's 187 MB at 224x224. */
export const MAX_WEIGHTS_FILE_BYTES = 600 * 1000 * 1000;
const MAX_HEADER_BYTES = 100 * 1024 * 1024;
/** The `writer` metadata value of the files we write; such files must carry a valid `crc32`. */
export const WRITER = 'cnn-textbook';
const CRC_PLACEHOLDER = '00000000';
const DTYPE_BYTES: Record<string, number> = {
  F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1,
  F8_E4M3: 1, F8_E5M2: 1, U16: 2, U32: 4, U64: 8,
};

/** Whether this platform stores floats little-endian (then bytes are copied, not converted one by one). */
const LITTLE_ENDIAN = new Uint8Array(new Float32Array([1]).buffer)[3] === 0x3f;

function numel(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** CRC-32 (IEEE 802.3, as zlib and PNG use it), slicing by 8 bytes: hundreds of MB per second. */
const CRC_TABLES: Uint32Array = (() => {
  const t = new Uint32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n];
    for (let k = 1; k < 8; k++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[k * 256 + n] = c >>> 0;
    }
  }
  return t;
})();

/** Continues a CRC-32 over `bytes` (start with 0). */
export function crc32(bytes: Uint8Array, crc = 0): number {
  const t = CRC_TABLES;
  let c = ~crc >>> 0;
  let i = 0;
  const n = bytes.length;
  for (; i + 8 <= n; i += 8) {
    const a = (c ^ (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24))) >>> 0;
    c =
      t[1792 + (a & 0xff)] ^
      t[1536 + ((a >>> 8) & 0xff)] ^
      t[1280 + ((a >>> 16) & 0xff)] ^
      t[1024 + (a >>> 24)] ^
      t[768 + bytes[i + 4]] ^
      t[512 + bytes[i + 5]] ^
      t[256 + bytes[i + 6]] ^
      t[bytes[i + 7]];
  }
  for (; i < n; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** The CRC-32 of `bytes` with the 8 bytes at `at` read as ASCII zeros. */
function crcWithPlaceholder(bytes: Uint8Array, at: number): number {
  let c = crc32(bytes.subarray(0, at));
  c = crc32(new TextEncoder().encode(CRC_PLACEHOLDER), c);
  return crc32(bytes.subarray(at + 8), c);
}

/** Where `"crc32":"<hex>"` sits in the header bytes: the offset of the hex digits in the file, or -1. */
function findCrc(bytes: Uint8Array, headerEnd: number, hex: string): number {
  const needle = new TextEncoder().encode(`"crc32":"${hex}"`);
  let found = -1;
  outer: for (let i = 8; i + needle.length <= headerEnd; i++) {
    for (let k = 0; k < needle.length; k++) if (bytes[i + k] !== needle[k]) continue outer;
    if (found >= 0) return -2; // twice: ambiguous
    found = i + 9;
  }
  return found;
}

/** Serialises tensors (in the given order) and optional string metadata, with our integrity record. */
export function encodeSafetensors(tensors: HostStateDict, metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = {};
  const meta: Record<string, string> = { ...metadata };
  delete meta.writer;
  delete meta.crc32;
  header.__metadata__ = { ...meta, writer: WRITER, crc32: CRC_PLACEHOLDER };
  let offset = 0;
  const names = Object.keys(tensors);
  for (const name of names) {
    if (name === '__metadata__') throw new SafetensorsError('a tensor may not be called __metadata__', '张量不能命名为 __metadata__');
    const t = tensors[name];
    const n = numel(t.shape);
    if (n !== t.data.length) throw new SafetensorsError(`${name}: shape [${t.shape.join(', ')}] holds ${n} values, data has ${t.data.length}`, `${name}：形状 [${t.shape.join(', ')}] 含 ${n} 个值，数据却有 ${t.data.length} 个`);
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + n * 4] };
    offset += n * 4;
  }
  let json = JSON.stringify(header);
  const enc = new TextEncoder();
  let headerBytes = enc.encode(json);
  const pad = (8 - (headerBytes.length % 8)) % 8;
  if (pad) {
    json += ' '.repeat(pad);
    headerBytes = enc.encode(json);
  }
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerBytes.length, true);
  view.setUint32(4, 0, true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const name of names) {
    const d = tensors[name].data;
    if (LITTLE_ENDIAN) {
      out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), pos);
      pos += d.byteLength;
    } else {
      for (let i = 0; i < d.length; i++, pos += 4) view.setFloat32(pos, d[i], true);
    }
  }
  const at = findCrc(out, 8 + headerBytes.length, CRC_PLACEHOLDER);
  if (at < 0) throw new SafetensorsError('internal error: the checksum field was not written once', '内部错误：校验和字段没有恰好写入一次');
  const hex = crc32(out).toString(16).padStart(8, '0');
  for (let k = 0; k < 8; k++) out[at + k] = hex.charCodeAt(k);
  return out;
}

export interface DecodedSafetensors {
  tensors: HostStateDict;
  metadata: Record<string, string>;
}

interface Entry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

export interface DecodeOptions {
  /** Refuse files larger than this (default MAX_WEIGHTS_FILE_BYTES). */
  maxBytes?: number;
}

/** The header of a .safetensors file as a JSON object, and its length; throws SafetensorsError. */
function readHeader(bytes: Uint8Array): { header: object; headerLen: number } {
  if (bytes.byteLength < 8) throw new SafetensorsError(`the file is ${bytes.byteLength} bytes, too short for a .safetensors header`, `文件只有 ${bytes.byteLength} 字节，放不下 .safetensors 的头部`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getUint32(0, true);
  const hi = view.getUint32(4, true);
  const headerLen = hi * 4294967296 + lo;
  if (headerLen < 2 || headerLen > MAX_HEADER_BYTES || 8 + headerLen > bytes.byteLength) {
    throw new SafetensorsError(
      `the header length (${headerLen} bytes) does not fit a file of ${bytes.byteLength} bytes: not a .safetensors file, or truncated`,
      `头部长度（${headerLen} 字节）与 ${bytes.byteLength} 字节的文件不符：这不是 .safetensors 文件，或者文件不完整`,
    );
  }
  let header: unknown;
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen));
    header = JSON.parse(text);
  } catch {
    throw new SafetensorsError('the header is not valid UTF-8 JSON: not a .safetensors file, or corrupt', '头部不是有效的 UTF-8 JSON：这不是 .safetensors 文件，或者文件已损坏');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new SafetensorsError('the header is not a JSON object', '头部不是 JSON 对象');
  }
  return { header, headerLen };
}

/**
 * The metadata a .safetensors file records (`__metadata__`, its string values), read from
 * the header alone; undefined when the header cannot be read (decoding the file says why).
 */
export function safetensorsMetadata(bytes: Uint8Array): Record<string, string> | undefined {
  try {
    const raw = (readHeader(bytes).header as Record<string, unknown>).__metadata__;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
    return Object.fromEntries(Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return undefined;
  }
}

/**
 * Parses and validates a .safetensors file. Throws SafetensorsError saying what is
 * wrong: empty, too large, too short, header length, JSON, entries, dtypes, offsets, a
 * value that is NaN or infinite, or a checksum that does not match. Returns the
 * metadata without our integrity record (`writer`, `crc32`).
 */
export function decodeSafetensors(bytes: Uint8Array, opts: DecodeOptions = {}): DecodedSafetensors {
  if (!(bytes instanceof Uint8Array)) throw new SafetensorsError('expected the file as bytes', '文件应以字节的形式传入');
  const maxBytes = opts.maxBytes ?? MAX_WEIGHTS_FILE_BYTES;
  if (bytes.byteLength === 0) throw new SafetensorsError('the file is empty', '文件是空的');
  if (bytes.byteLength > maxBytes) {
    throw new SafetensorsError(
      `the file is ${(bytes.byteLength / 1e6).toFixed(1)} MB, larger than the ${(maxBytes / 1e6).toFixed(0)} MB limit`,
      `文件大小为 ${(bytes.byteLength / 1e6).toFixed(1)} MB，超过了 ${(maxBytes / 1e6).toFixed(0)} MB 的上限`,
    );
  }
  const { header, headerLen } = readHeader(bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataStart = 8 + headerLen;
  const dataLen = bytes.byteLength - dataStart;
  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new SafetensorsError('__metadata__ must be an object of strings', '__metadata__ 必须是值为字符串的对象');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') throw new SafetensorsError(`__metadata__.${k} is not a string`, `__metadata__.${k} 不是字符串`);
        metadata[k] = v;
      }
      continue;
    }
    if (typeof raw !== 'object' || raw === null) throw new SafetensorsError(`entry ${name} is not an object`, `条目 ${name} 不是对象`);
    const e = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e.dtype !== 'string' || !(e.dtype in DTYPE_BYTES)) throw new SafetensorsError(`${name}: unknown dtype ${JSON.stringify(e.dtype)}`, `${name}：未知的数据类型 ${JSON.stringify(e.dtype)}`);
    if (!Array.isArray(e.shape) || !e.shape.every((s) => Number.isInteger(s) && s >= 0)) throw new SafetensorsError(`${name}: shape must be a list of non-negative integers`, `${name}：形状必须是由非负整数组成的列表`);
    if (!Array.isArray(e.data_offsets) || e.data_offsets.length !== 2 || !e.data_offsets.every((s) => Number.isInteger(s) && s >= 0)) {
      throw new SafetensorsError(`${name}: data_offsets must be two non-negative integers`, `${name}：data_offsets 必须是两个非负整数`);
    }
    const [begin, end] = e.data_offsets as number[];
    const shape = e.shape as number[];
    if (end < begin || end > dataLen) throw new SafetensorsError(
        `${name}: data_offsets [${begin}, ${end}] lie outside the ${dataLen} data bytes (truncated file?)`,
        `${name}：data_offsets [${begin}, ${end}] 超出了 ${dataLen} 个数据字节的范围（文件不完整？）`,
      );
    if (end - begin !== numel(shape) * DTYPE_BYTES[e.dtype]) {
      throw new SafetensorsError(`${name}: ${end - begin} bytes do not match shape [${shape.join(', ')}] of ${e.dtype}`, `${name}：${end - begin} 个字节与 ${e.dtype} 类型、形状 [${shape.join(', ')}] 不符`);
    }
    entries.push({ name, dtype: e.dtype, shape, begin, end });
  }
  // The tensors must tile the data part exactly (the format forbids holes and overlaps).
  const sorted = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expect = 0;
  for (const e of sorted) {
    if (e.begin !== expect) throw new SafetensorsError(
        `${e.name}: its data starts at byte ${e.begin}, expected ${expect} (overlapping or gapped offsets)`,
        `${e.name}：数据从第 ${e.begin} 字节开始，应从第 ${expect} 字节开始（偏移量重叠或有空隙）`,
      );
    expect = e.end;
  }
  if (expect !== dataLen) throw new SafetensorsError(`the tensors cover ${expect} of ${dataLen} data bytes (extra or missing bytes)`, `张量只覆盖了 ${dataLen} 个数据字节中的 ${expect} 个（有多余或缺少的字节）`);

  const tensors: HostStateDict = {};
  for (const e of entries) {
    const n = numel(e.shape);
    const data = new Float32Array(n);
    const base = dataStart + e.begin;
    if (e.dtype === 'F32') {
      if (LITTLE_ENDIAN) new Uint8Array(data.buffer).set(bytes.subarray(base, base + 4 * n));
      else for (let i = 0; i < n; i++) data[i] = view.getFloat32(base + 4 * i, true);
    } else if (e.dtype === 'I64' && /(^|\.)num_batches_tracked$/.test(e.name)) {
      for (let i = 0; i < n; i++) data[i] = Number(view.getBigInt64(base + 8 * i, true));
    } else {
      throw new SafetensorsError(`${e.name}: dtype ${e.dtype} is not supported (weights must be F32)`, `${e.name}：不支持数据类型 ${e.dtype}（权重必须是 F32）`);
    }
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(data[i])) throw new SafetensorsError(`${e.name}: value ${i} is ${data[i]} (weights must be finite numbers)`, `${e.name}：第 ${i} 个值是 ${data[i]}（权重必须是有限的数）`);
    }
    tensors[e.name] = { shape: e.shape, data };
  }
  verifyChecksum(bytes, dataStart, metadata);
  delete metadata.writer;
  delete metadata.crc32;
  return { tensors, metadata };
}

/** Checks our integrity record: required when `writer` names us, verified whenever present. */
function verifyChecksum(bytes: Uint8Array, headerEnd: number, metadata: Record<string, string>): void {
  const hex = metadata.crc32;
  if (hex === undefined) {
    if (metadata.writer === WRITER) throw new SafetensorsError('the checksum is missing from a file that should have one: the file is corrupt', '文件本应带有校验和，却没有：文件已损坏');
    return;
  }
  if (!/^[0-9a-f]{8}$/.test(hex)) throw new SafetensorsError(`the checksum ${JSON.stringify(hex)} is not 8 hex digits: the file is corrupt`, `校验和 ${JSON.stringify(hex)} 不是 8 位十六进制数：文件已损坏`);
  const at = findCrc(bytes, headerEnd, hex);
  if (at < 0) throw new SafetensorsError('the checksum entry of the header is malformed: the file is corrupt', '头部的校验和条目格式有误：文件已损坏');
  const actual = crcWithPlaceholder(bytes, at);
  if (actual !== parseInt(hex, 16)) {
    const computed = actual.toString(16).padStart(8, '0');
    throw new SafetensorsError(
      `the checksum does not match (stored ${hex}, computed ${computed}): the file was changed or damaged after it was written`,
      `校验和不符（文件记录 ${hex}，算得 ${computed}）：文件写出之后被改动或损坏了`,
    );
  }
}

/**
 * Checks decoded tensors against the names and shapes a model expects; throws a
 * SafetensorsError listing what is missing, unexpected or of the wrong shape. `what` names
 * the model in both languages.
 */
export function checkAgainst(tensors: HostStateDict, expected: Record<string, readonly number[]>, what: Bilingual = { en: 'the model', zh: '此模型' }): void {
  const missing = Object.keys(expected).filter((k) => !(k in tensors));
  const unexpected = Object.keys(tensors).filter((k) => !(k in expected));
  const list = (xs: string[]) => (xs.length > 5 ? `${xs.slice(0, 5).join(', ')} and ${xs.length - 5} more` : xs.join(', '));
  const listZh = (xs: string[]) => (xs.length > 5 ? `${xs.slice(0, 5).join('、')} 等 ${xs.length} 个` : xs.join('、'));
  if (missing.length || unexpected.length) {
    const en = [];
    const zh = [];
    if (missing.length) {
      en.push(`missing ${list(missing)}`);
      zh.push(`缺少 ${listZh(missing)}`);
    }
    if (unexpected.length) {
      en.push(`unexpected ${list(unexpected)}`);
      zh.push(`多出 ${listZh(unexpected)}`);
    }
    throw new SafetensorsError(`the tensor names do not match ${what.en}: ${en.join('; ')}`, joinZh`张量名称与 ${what.zh} 的不符：${zh.join('；')}`);
  }
  for (const [name, shape] of Object.entries(expected)) {
    const got = tensors[name].shape;
    if (got.length !== shape.length || got.some((s, i) => s !== shape[i])) {
      throw new SafetensorsError(
        `${name} has shape [${got.join(', ')}], ${what.en} needs [${shape.join(', ')}] (another model or input size?)`,
        joinZh`${name} 的形状是 [${got.join(', ')}]，${what.zh} 需要 [${shape.join(', ')}]（是别的模型或别的输入尺寸？）`,
      );
    }
  }
}

/**
 * The dataset file format written by scripts/prepare-data.mjs.
 *
 * A 32-byte little-endian header of eight uint32 words:
 *   0 magic 0x424e4e43 ("CNNB")   1 version (1)   2 count   3 rows   4 cols
 *   5 classes                     6 FNV-1a checksum of the payload   7 reserved (0)
 * then `count * rows * cols` uint8 pixels (row-major, 0-255, image after image)
 * and `count` uint8 labels.
 */
import { DATASET_HEADER_BYTES, DATASET_MAGIC, DATASET_VERSION, fnv1a } from './binary.js';

export { DATASET_HEADER_BYTES, DATASET_MAGIC, DATASET_VERSION, encodeDataset, fnv1a } from './binary.js';

export interface Dataset {
  count: number;
  rows: number;
  cols: number;
  classes: number;
  /** count * rows * cols bytes, 0-255. */
  pixels: Uint8Array;
  /** count bytes, each < classes. */
  labels: Uint8Array;
}

/**
 * Why a dataset file cannot be used, in English (the message) and in Chinese (`zh`), so
 * that the page can tell a reader in either language (bilingualOf reads both).
 */
export class DatasetError extends Error {
  readonly zh: string;
  constructor(en: string, zh: string) {
    super(en);
    this.name = 'DatasetError';
    this.zh = zh;
  }
}

/** What a dataset file's header says: how many images, their size, how many classes. */
export interface DatasetHeader {
  count: number;
  rows: number;
  cols: number;
  classes: number;
  /** FNV-1a of the payload. */
  checksum: number;
}

/** Validates and reads the 32-byte header at the start of `bytes` (the rest may be absent). */
export function parseDatasetHeader(bytes: Uint8Array, name = 'dataset'): DatasetHeader {
  if (bytes.byteLength < DATASET_HEADER_BYTES) {
    throw new DatasetError(
      `${name}: file is ${bytes.byteLength} bytes, shorter than its 32-byte header (missing or truncated download?)`,
      `${name}：文件只有 ${bytes.byteLength} 字节，比 32 字节的文件头还短（下载缺失或被截断？）`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const word = (i: number) => view.getUint32(i * 4, true);
  if (word(0) !== DATASET_MAGIC) throw new DatasetError(`${name}: not a dataset file (bad magic number)`, `${name}：不是数据集文件（魔数不对）`);
  if (word(1) !== DATASET_VERSION) throw new DatasetError(`${name}: unsupported format version ${word(1)}`, `${name}：不支持的格式版本 ${word(1)}`);
  const [count, rows, cols, classes] = [word(2), word(3), word(4), word(5)];
  if (rows === 0 || cols === 0 || rows > 4096 || cols > 4096 || classes === 0 || classes > 256) {
    throw new DatasetError(`${name}: implausible header (${rows}x${cols} images, ${classes} classes)`, `${name}：文件头不合理（${rows}×${cols} 的图像，${classes} 个类别）`);
  }
  return { count, rows, cols, classes, checksum: word(6) };
}

/** Validates and parses a dataset file; throws DatasetError with a readable reason. */
export function parseDataset(buffer: ArrayBuffer | Uint8Array, name = 'dataset'): Dataset {
  const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
  const { count, rows, cols, classes, checksum } = parseDatasetHeader(bytes, name);
  const expected = DATASET_HEADER_BYTES + count * rows * cols + count;
  if (bytes.byteLength !== expected) {
    throw new DatasetError(
      `${name}: expected ${expected} bytes for ${count} images of ${rows}x${cols}, got ${bytes.byteLength} (truncated or corrupt)`,
      `${name}：${count} 张 ${rows}×${cols} 的图像应有 ${expected} 字节，实际是 ${bytes.byteLength} 字节（文件被截断或已损坏）`,
    );
  }
  const payload = bytes.subarray(DATASET_HEADER_BYTES);
  if (fnv1a(payload) !== checksum) throw new DatasetError(`${name}: checksum mismatch (corrupt file)`, `${name}：校验和不符（文件已损坏）`);
  const pixels = payload.subarray(0, count * rows * cols);
  const labels = payload.subarray(count * rows * cols);
  for (let i = 0; i < count; i++) {
    if (labels[i] >= classes) throw new DatasetError(`${name}: label ${labels[i]} at ${i} is not below ${classes}`, `${name}：第 ${i} 个标签是 ${labels[i]}，不小于类别数 ${classes}`);
  }
  return { count, rows, cols, classes, pixels, labels };
}

export const FASHION_CLASSES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
  'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
] as const;

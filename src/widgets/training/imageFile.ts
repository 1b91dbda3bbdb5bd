/**
 * Checks a picked image file before the browser decodes it: the format from its first
 * bytes (never from the name or the MIME type), the pixel size from the header, and the
 * file's structure (PNG chunk checksums, JPEG markers up to the end-of-image, GIF blocks
 * up to the trailer, the RIFF size of WebP), so that a damaged, truncated or disguised
 * file is refused at once with a reason, and a huge picture is refused before anything
 * of its size is allocated. Pure: bytes in, verdict out.
 */
import { crc32 as crc32Bytes } from '../../models/safetensors';

/** Largest file accepted, in bytes. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
/** Largest width and height accepted, in pixels. */
export const MAX_IMAGE_SIDE = 8192;

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

export type ImageCheck =
  | { ok: true; format: ImageFormat; width: number; height: number }
  | { ok: false; reason: 'empty' | 'tooLarge' | 'notImage' | 'damaged' | 'tooManyPixels'; format?: ImageFormat; width?: number; height?: number };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** The format named by the file's first bytes, or null. */
export function sniffImageFormat(b: Uint8Array): ImageFormat | null {
  if (b.length >= 8 && PNG_SIGNATURE.every((v, i) => b[i] === v)) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 6 && /^GIF8[79]a$/.test(ascii(b, 0, 6))) return 'gif';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  return null;
}

function ascii(b: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = at; i < at + n && i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}

const be32 = (b: Uint8Array, i: number) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
const be16 = (b: Uint8Array, i: number) => (b[i] << 8) | b[i + 1];
const le16 = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8);
const le24 = (b: Uint8Array, i: number) => b[i] | (b[i + 1] << 8) | (b[i + 2] << 16);
const le32 = (b: Uint8Array, i: number) => (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;

/** CRC-32 (ISO 3309, as PNG uses) of b[from, to): the weights files' checksum, on a range. */
export function crc32(b: Uint8Array, from = 0, to = b.length): number {
  return crc32Bytes(b.subarray(from, to));
}

interface Header {
  width: number;
  height: number;
  /** False when the structure is broken (truncated, checksum mismatch, missing end). */
  intact: boolean;
}

/** PNG: IHDR first, every chunk inside the file with a matching CRC, at least one IDAT, and IEND. */
function png(b: Uint8Array): Header | null {
  if (b.length < 33 || be32(b, 8) !== 13 || ascii(b, 12, 4) !== 'IHDR') return null;
  const width = be32(b, 16);
  const height = be32(b, 20);
  let at = 8;
  let idat = false;
  while (at + 12 <= b.length) {
    const len = be32(b, at);
    const end = at + 12 + len;
    if (end > b.length) break;
    if (crc32(b, at + 4, at + 8 + len) !== be32(b, at + 8 + len)) break;
    const type = ascii(b, at + 4, 4);
    if (type === 'IDAT') idat = true;
    if (type === 'IEND') return { width, height, intact: idat };
    at = end;
  }
  return { width, height, intact: false };
}

/** JPEG: marker segments up to a start-of-frame (the size), then the scans up to EOI. */
function jpeg(b: Uint8Array): Header | null {
  let at = 2;
  let width = 0;
  let height = 0;
  let frame = false;
  while (at + 2 <= b.length) {
    if (b[at] !== 0xff) return frame ? { width, height, intact: false } : null;
    const marker = b[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd9) return frame ? { width, height, intact: true } : null;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (at + 4 > b.length) break;
    const len = be16(b, at + 2);
    if (len < 2 || at + 2 + len > b.length) break;
    // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (len < 7) break;
      height = be16(b, at + 5);
      width = be16(b, at + 7);
      frame = true;
    }
    at += 2 + len;
    if (marker === 0xda) {
      // Entropy-coded data: skip to the next marker that is not a stuffed byte or a restart.
      while (at + 1 < b.length && !(b[at] === 0xff && b[at + 1] !== 0x00 && !(b[at + 1] >= 0xd0 && b[at + 1] <= 0xd7))) at++;
      if (at + 1 < b.length && b[at + 1] === 0xd9) return frame ? { width, height, intact: true } : null;
    }
  }
  return frame ? { width, height, intact: false } : null;
}

/** GIF: the logical screen size, then every block up to the trailer (0x3B). */
function gif(b: Uint8Array): Header | null {
  if (b.length < 13) return null;
  const width = le16(b, 6);
  const height = le16(b, 8);
  const broken = { width, height, intact: false };
  let at = 13;
  if (b[10] & 0x80) at += 3 * (1 << ((b[10] & 7) + 1));
  const subBlocks = (i: number): number => {
    while (i < b.length) {
      const n = b[i];
      if (n === 0) return i + 1;
      i += n + 1;
    }
    return -1;
  };
  let images = 0;
  while (at < b.length) {
    const kind = b[at];
    if (kind === 0x3b) return { width, height, intact: images > 0 };
    if (kind === 0x21) {
      at = subBlocks(at + 2);
    } else if (kind === 0x2c) {
      if (at + 10 > b.length) return broken;
      const flags = b[at + 9];
      at += 10;
      if (flags & 0x80) at += 3 * (1 << ((flags & 7) + 1));
      at = subBlocks(at + 1); // after the LZW minimum code size
      images++;
    } else {
      return broken;
    }
    if (at < 0) return broken;
  }
  return broken;
}

/** WebP: the RIFF size matches the file, and the first chunk (VP8, VP8L or VP8X) gives the size. */
function webp(b: Uint8Array): Header | null {
  if (b.length < 30) return null;
  // A file shorter than its RIFF size says was cut off (trailing bytes after it are tolerated).
  const intact = le32(b, 4) + 8 <= b.length;
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8X') return { width: le24(b, 24) + 1, height: le24(b, 27) + 1, intact };
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) return null;
    const bits = le32(b, 21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1, intact };
  }
  if (chunk === 'VP8 ') {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null;
    return { width: le16(b, 26) & 0x3fff, height: le16(b, 28) & 0x3fff, intact };
  }
  return null;
}

/**
 * Checks a whole file (its bytes, at most MAX_IMAGE_BYTES of them: call with the size
 * first, see `checkImageSize`). Returns the format and size, or why it is refused.
 */
export function checkImageBytes(b: Uint8Array): ImageCheck {
  if (b.length === 0) return { ok: false, reason: 'empty' };
  if (b.length > MAX_IMAGE_BYTES) return { ok: false, reason: 'tooLarge' };
  const format = sniffImageFormat(b);
  if (!format) return { ok: false, reason: 'notImage' };
  const h = format === 'png' ? png(b) : format === 'jpeg' ? jpeg(b) : format === 'gif' ? gif(b) : webp(b);
  if (!h) return { ok: false, reason: 'damaged', format };
  const { width, height } = h;
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE) return { ok: false, reason: 'tooManyPixels', format, width, height };
  if (!h.intact || width < 1 || height < 1) return { ok: false, reason: 'damaged', format, width, height };
  return { ok: true, format, width, height };
}

/** The check that needs only the file's size, before reading any of it. */
export function checkImageSize(size: number): ImageCheck | null {
  if (size === 0) return { ok: false, reason: 'empty' };
  if (size > MAX_IMAGE_BYTES) return { ok: false, reason: 'tooLarge' };
  return null;
}

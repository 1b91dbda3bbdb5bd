import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { deflateSync } from 'node:zlib';
import { MAX_IMAGE_BYTES, MAX_IMAGE_SIDE, checkImageBytes, checkImageSize, crc32, sniffImageFormat } from '../../src/widgets/training/imageFile';

/** A valid 8-bit grayscale PNG of w x h, written by hand (zlib from Node). */
function makePng(w: number, h: number, opts: { idat?: boolean } = {}): Uint8Array {
  const chunk = (type: string, data: Uint8Array) => {
    const out = new Uint8Array(12 + data.length);
    const view = new DataView(out.buffer);
    view.setUint32(0, data.length);
    for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
    out.set(data, 8);
    view.setUint32(8 + data.length, crc32(out, 4, 8 + data.length));
    return out;
  };
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, w);
  v.setUint32(4, h);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  const raw = new Uint8Array((w + 1) * Math.min(h, 64));
  for (let i = 0; i < raw.length; i++) raw[i] = i % (w + 1) === 0 ? 0 : (i * 7) & 0xff;
  const parts = [Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (opts.idat !== false) parts.push(chunk('IDAT', new Uint8Array(deflateSync(raw))));
  parts.push(chunk('IEND', new Uint8Array(0)));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const b64 = (s: string) => new Uint8Array(Buffer.from(s, 'base64'));
// 5 x 3 pictures written by Pillow.
const JPEG_BASELINE = b64(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT/2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBT/wAARCAADAAUDASIAAhEBAxEB/8QAHwAAAQUBAQEBAQEAAAAAAAAAAAECAwQFBgcICQoL/8QAtRAAAgEDAwIEAwUFBAQAAAF9AQIDAAQRBRIhMUEGE1FhByJxFDKBkaEII0KxwRVS0fAkM2JyggkKFhcYGRolJicoKSo0NTY3ODk6Q0RFRkdISUpTVFVWV1hZWmNkZWZnaGlqc3R1dnd4eXqDhIWGh4iJipKTlJWWl5iZmqKjpKWmp6ipqrKztLW2t7i5usLDxMXGx8jJytLT1NXW19jZ2uHi4+Tl5ufo6erx8vP09fb3+Pn6/8QAHwEAAwEBAQEBAQEBAQAAAAAAAAECAwQFBgcICQoL/8QAtREAAgECBAQDBAcFBAQAAQJ3AAECAxEEBSExBhJBUQdhcRMiMoEIFEKRobHBCSMzUvAVYnLRChYkNOEl8RcYGRomJygpKjU2Nzg5OkNERUZHSElKU1RVVldYWVpjZGVmZ2hpanN0dXZ3eHl6goOEhYaHiImKkpOUlZaXmJmaoqOkpaanqKmqsrO0tba3uLm6wsPExcbHyMnK0tPU1dbX2Nna4uPk5ebn6Onq8vP09fb3+Pn6/9oADAMBAAIRAxEAPwDovhb8IvB3/COr/wAU9Z9v4T/jRRRX32Ox2K+s1P3st/5n/mepwtmON/sTC/v5/AvtP/M//9k=',
);
const JPEG_PROGRESSIVE = b64(
  '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAMCAgMCAgMDAwMEAwMEBQgFBQQEBQoHBwYIDAoMDAsKCwsNDhIQDQ4RDgsLEBYQERMUFRUVDA8XGBYUGBIUFRT/2wBDAQMEBAUEBQkFBQkUDQsNFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBT/wgARCAADAAUDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAX/xAAVAQEBAAAAAAAAAAAAAAAAAAAEBf/aAAwDAQACEAMQAAABoi+r/8QAFhABAQEAAAAAAAAAAAAAAAAABQQU/9oACAEBAAEFAiyI8/8A/8QAHBEAAQMFAAAAAAAAAAAAAAAAAwABBAUUIjFR/9oACAEDAQE/AaXINZCzfXV//8QAGhEAAQUBAAAAAAAAAAAAAAAAAwABAhMikf/aAAgBAgEBPwE5y2S0/V//xAAWEAADAAAAAAAAAAAAAAAAAAAAAjT/2gAIAQEABj8CnQ//xAAWEAADAAAAAAAAAAAAAAAAAAAAEbH/2gAIAQEAAT8hUwP/2gAMAwEAAgADAAAAEAP/xAAXEQADAQAAAAAAAAAAAAAAAAAAQWHR/9oACAEDAQE/EJ7tp//EABcRAAMBAAAAAAAAAAAAAAAAAABRYdH/2gAIAQIBAT8QoptP/8QAFxAAAwEAAAAAAAAAAAAAAAAAAEFx0f/aAAgBAQABPxCMm0//2Q==',
);
const GIF = b64('R0lGODdhBQADAIMAAMigyJagyGSgyMhQyJZQyGRQyDKgyACgyDJQyABQyMgAyJYAyGQAyDIAyAAAyAAAACwAAAAABQADAAAIFAAdNGCwQEECBAUIDDhgQEAAAAEBADs=');
const WEBP_LOSSLESS = b64('UklGRjwAAABXRUJQVlA4TC8AAAAvBIAAAHdAkG0zxCLcH+QMIzPI89+DDLC8AAYBIBGoWFJIIbgUVhg1ov/hIce+AAA=');
const WEBP_LOSSY = b64('UklGRlgAAABXRUJQVlA4IEwAAABwAgCdASoFAAMAAUAmJbACdLoA1AD9AAOzW4S4AP7eLlzUGJrANX/x2vfiVLTYD8FkKKUBoj//UcLQfPkVUenVzvXkNd3/RgXz1uAA');
// 1 x 1 with alpha (a VP8X chunk first).
const WEBP_EXTENDED = b64('UklGRkoAAABXRUJQVlA4WAoAAAAQAAAAAAAAAAAAQUxQSAwAAAARBxAR/Q9ERP8DAABWUDggGAAAABQBAJ0BKgEAAQAAAP4AAA3AAP7mtQAAAA==');

const VALID: [string, Uint8Array, string, number, number][] = [
  ['PNG', makePng(7, 5), 'png', 7, 5],
  ['baseline JPEG', JPEG_BASELINE, 'jpeg', 5, 3],
  ['progressive JPEG', JPEG_PROGRESSIVE, 'jpeg', 5, 3],
  ['GIF', GIF, 'gif', 5, 3],
  ['lossless WebP', WEBP_LOSSLESS, 'webp', 5, 3],
  ['lossy WebP', WEBP_LOSSY, 'webp', 5, 3],
  ['extended WebP', WEBP_EXTENDED, 'webp', 1, 1],
];

describe('checking an image file before decoding it', () => {
  it.each(VALID)('accepts a valid %s and reads its size from the header', (_, bytes, format, w, h) => {
    expect(checkImageBytes(bytes)).toEqual({ ok: true, format, width: w, height: h });
  });

  it('refuses an empty file and one over the size cap, from the size alone', () => {
    expect(checkImageSize(0)).toEqual({ ok: false, reason: 'empty' });
    expect(checkImageSize(MAX_IMAGE_BYTES + 1)).toEqual({ ok: false, reason: 'tooLarge' });
    expect(checkImageSize(MAX_IMAGE_BYTES)).toBeNull();
    expect(checkImageBytes(new Uint8Array(0))).toEqual({ ok: false, reason: 'empty' });
  });

  it('refuses text, a .safetensors file and random bytes as not an image, whatever their name', () => {
    const text = new TextEncoder().encode('hello, this is not a picture\n');
    const header = new TextEncoder().encode('{"0.weight":{"dtype":"F32","shape":[6,1,5,5],"data_offsets":[0,600]}}');
    const safetensors = new Uint8Array(8 + header.length + 600);
    new DataView(safetensors.buffer).setBigUint64(0, BigInt(header.length), true);
    safetensors.set(header, 8);
    const random = Uint8Array.from({ length: 4096 }, (_, i) => (i * 2654435761) >>> 24);
    for (const bytes of [text, safetensors, random]) expect(checkImageBytes(bytes)).toEqual({ ok: false, reason: 'notImage' });
  });

  it('refuses a PNG whose header claims 100000 x 100000 pixels without reading further', () => {
    const huge = makePng(100000, 100000, { idat: false });
    expect(checkImageBytes(huge)).toMatchObject({ ok: false, reason: 'tooManyPixels', width: 100000, height: 100000 });
    expect(checkImageBytes(makePng(MAX_IMAGE_SIDE + 1, 4))).toMatchObject({ ok: false, reason: 'tooManyPixels' });
    expect(checkImageBytes(makePng(MAX_IMAGE_SIDE, 4))).toMatchObject({ ok: true, width: MAX_IMAGE_SIDE });
  });

  it('refuses JPEG, GIF and WebP headers with sizes over the cap', () => {
    const jpeg = JPEG_BASELINE.slice();
    const sof = jpeg.findIndex((v, i) => v === 0xff && jpeg[i + 1] === 0xc0);
    new DataView(jpeg.buffer).setUint16(sof + 5, 60000); // height
    expect(checkImageBytes(jpeg)).toMatchObject({ ok: false, reason: 'tooManyPixels', height: 60000 });
    const gif = GIF.slice();
    new DataView(gif.buffer).setUint16(6, 65535, true);
    expect(checkImageBytes(gif)).toMatchObject({ ok: false, reason: 'tooManyPixels', width: 65535 });
    const webp = WEBP_EXTENDED.slice();
    webp.set([0xff, 0xff, 0x00], 24); // canvas width 65536
    expect(checkImageBytes(webp)).toMatchObject({ ok: false, reason: 'tooManyPixels', width: 65536 });
  });

  it('refuses a PNG with an image chunk missing', () => {
    expect(checkImageBytes(makePng(4, 4, { idat: false }))).toMatchObject({ ok: false, reason: 'damaged' });
  });

  it.each(VALID)('refuses every truncation of a valid %s', (_, bytes) => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: bytes.length - 1 }), (n) => {
        const r = checkImageBytes(bytes.slice(0, n));
        expect(r.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a PNG with any one bit flipped', () => {
    const png = makePng(9, 6);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: png.length * 8 - 1 }), (bit) => {
        const flipped = png.slice();
        flipped[bit >> 3] ^= 1 << (bit & 7);
        expect(checkImageBytes(flipped).ok).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on arbitrary bytes, including ones that start like an image', () => {
    const starts = [Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Uint8Array.from([0xff, 0xd8, 0xff]), new TextEncoder().encode('GIF89a'), new TextEncoder().encode('RIFF\0\0\0\0WEBPVP8X')];
    fc.assert(
      fc.property(fc.constantFrom(...starts), fc.uint8Array({ maxLength: 300 }), (start, rest) => {
        const bytes = new Uint8Array(start.length + rest.length);
        bytes.set(start);
        bytes.set(rest, start.length);
        const r = checkImageBytes(bytes);
        if (r.ok) expect(r.width).toBeLessThanOrEqual(MAX_IMAGE_SIDE);
      }),
      { numRuns: 2000 },
    );
  });

  it('names the format from the first bytes only', () => {
    expect(sniffImageFormat(makePng(1, 1))).toBe('png');
    expect(sniffImageFormat(JPEG_BASELINE)).toBe('jpeg');
    expect(sniffImageFormat(GIF)).toBe('gif');
    expect(sniffImageFormat(WEBP_LOSSY)).toBe('webp');
    expect(sniffImageFormat(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
    expect(sniffImageFormat(Uint8Array.from([0x42, 0x4d, 0, 0, 0, 0]))).toBeNull(); // BMP is not among the accepted formats
  });

  it('computes the CRC-32 PNG uses', () => {
    expect(crc32(new TextEncoder().encode('IEND'))).toBe(0xae426082);
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });
});

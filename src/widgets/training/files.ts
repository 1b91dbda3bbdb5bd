import { BilingualError } from '../../models/bilingual';

/** Saves bytes as a file download (a Blob URL on our own origin). */
export function downloadBytes(bytes: Uint8Array, name: string, type = 'application/octet-stream'): void {
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  const url = URL.createObjectURL(new Blob([copy], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Reads a picked file, refusing one larger than `maxBytes`. */
export async function readFileBytes(file: File, maxBytes: number): Promise<Uint8Array> {
  if (file.size > maxBytes) {
    const [mb, max] = [(file.size / 1e6).toFixed(1), (maxBytes / 1e6).toFixed(0)];
    throw new BilingualError({ en: `the file is ${mb} MB, larger than the ${max} MB limit`, zh: `文件大小为 ${mb} MB，超过了 ${max} MB 的上限` });
  }
  return new Uint8Array(await file.arrayBuffer());
}

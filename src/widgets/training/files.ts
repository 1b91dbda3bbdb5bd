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
  if (file.size > maxBytes) throw new Error(`the file is ${(file.size / 1e6).toFixed(1)} MB, larger than the ${(maxBytes / 1e6).toFixed(0)} MB limit`);
  return new Uint8Array(await file.arrayBuffer());
}

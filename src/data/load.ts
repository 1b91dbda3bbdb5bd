import { DatasetError, parseDataset, type Dataset } from './format';

export type DatasetName = 'fashion' | 'mnist';
export type Split = 'train' | 'test';

/** URL of a dataset file relative to the app's base, so any static host and base path works. */
export function datasetUrl(name: DatasetName, split: Split, base: string = import.meta.env?.BASE_URL ?? './'): string {
  return `${base.endsWith('/') ? base : base + '/'}data/${name}-${split}.bin`;
}

export interface LoadOptions {
  onProgress?: (loadedBytes: number, totalBytes: number | null) => void;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
  base?: string;
}

/** Fetches and validates one split; a missing, truncated or corrupt file gives a DatasetError. */
export async function loadDataset(name: DatasetName, split: Split, opts: LoadOptions = {}): Promise<Dataset> {
  const url = datasetUrl(name, split, opts.base);
  const f = opts.fetchImpl ?? fetch;
  let res: Response;
  try {
    res = await f(url, { signal: opts.signal });
  } catch (e) {
    throw new DatasetError(`${name}-${split}: could not fetch ${url} (${(e as Error).message})`);
  }
  if (!res.ok) throw new DatasetError(`${name}-${split}: ${url} answered ${res.status}; run \`npm run data\` to prepare the dataset`);
  const total = Number(res.headers.get('content-length')) || null;
  if (!res.body || !opts.onProgress) return parseDataset(await res.arrayBuffer(), `${name}-${split}`);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    opts.onProgress(loaded, total);
  }
  const all = new Uint8Array(loaded);
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.byteLength;
  }
  return parseDataset(all, `${name}-${split}`);
}

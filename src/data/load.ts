import { DATASET_HEADER_BYTES, DatasetError, parseDataset, parseDatasetHeader, type Dataset, type DatasetHeader } from './format';

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

/** The response for one split's file; a failed fetch or an error status gives a DatasetError. */
async function fetchSplit(name: DatasetName, split: Split, opts: Omit<LoadOptions, 'onProgress'>, headers?: Record<string, string>): Promise<Response> {
  const url = datasetUrl(name, split, opts.base);
  const f = opts.fetchImpl ?? fetch;
  let res: Response;
  try {
    res = await f(url, headers ? { signal: opts.signal, headers } : { signal: opts.signal });
  } catch (e) {
    throw new DatasetError(`${name}-${split}: could not fetch ${url} (${(e as Error).message})`, `${name}-${split}：无法获取 ${url}（${(e as Error).message}）`);
  }
  if (!res.ok) {
    throw new DatasetError(
      `${name}-${split}: ${url} answered ${res.status}; run \`npm run data\` to prepare the dataset`,
      `${name}-${split}：${url} 返回了 ${res.status}；请运行 \`npm run data\` 准备数据集`,
    );
  }
  return res;
}

/** Fetches and validates one split; a missing, truncated or corrupt file gives a DatasetError. */
export async function loadDataset(name: DatasetName, split: Split, opts: LoadOptions = {}): Promise<Dataset> {
  const res = await fetchSplit(name, split, opts);
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

/**
 * Reads only the 32-byte header of one split (its image count, size and classes), without
 * downloading the images: it asks for the first bytes with a Range request and stops
 * reading after the header even where the server (or a cached copy) sends the whole file.
 */
export async function loadDatasetHeader(name: DatasetName, split: Split, opts: Omit<LoadOptions, 'onProgress'> = {}): Promise<DatasetHeader> {
  const res = await fetchSplit(name, split, opts, { Range: `bytes=0-${DATASET_HEADER_BYTES - 1}` });
  if (!res.body) return parseDatasetHeader(new Uint8Array(await res.arrayBuffer()), `${name}-${split}`);
  const reader = res.body.getReader();
  const head = new Uint8Array(DATASET_HEADER_BYTES);
  let got = 0;
  try {
    while (got < DATASET_HEADER_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      const take = value.subarray(0, DATASET_HEADER_BYTES - got);
      head.set(take, got);
      got += take.byteLength;
    }
  } finally {
    // A server that ignored the range is still sending the images: stop it.
    void reader.cancel().catch(() => undefined);
  }
  return parseDatasetHeader(head.subarray(0, got), `${name}-${split}`);
}

/**
 * The worker threads of the threaded kernels. Each worker instantiates the same
 * compiled module over the same shared memory, takes its own stack, says it is ready
 * and then stays inside the module's worker_loop (see kernels/threads-shared.c),
 * sleeping on an atomic until the calling thread publishes work.
 *
 * Browsers (page or dedicated worker) get module workers bundled by Vite
 * (pool.worker.ts); Node gets worker_threads running pool-node.worker.mjs from the
 * source tree. Either way the first message carries { module, memory, thread,
 * stackTop, generation }.
 */

export interface Pool {
  /** Workers running, besides the calling thread. */
  readonly size: number;
  terminate(): void;
}

/** What a pool thread gets to start (pool.worker.ts in the browser, pool-node.worker.mjs in Node). */
export interface StartMessage {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** 1 .. pool size (0 is the calling thread). */
  thread: number;
  stackTop: number;
  generation: number;
}

/** A Node built-in, imported at run time only (kept out of browser bundles). */
export function importNode<T>(name: string): Promise<T> {
  return import(/* @vite-ignore */ name) as Promise<T>;
}

/** How long a worker may take to start before the pool gives up (and the kernels run on one thread). */
const START_TIMEOUT_MS = 15_000;

interface Endpoint {
  post(msg: StartMessage): void;
  /** Resolves on the worker's 'ready', rejects on an error or exit. */
  started: Promise<void>;
  terminate(): void;
}

function browserWorker(): Endpoint {
  const w = new Worker(new URL('./pool.worker.ts', import.meta.url), { type: 'module', name: 'wasm-kernels' });
  const started = new Promise<void>((resolve, reject) => {
    w.onmessage = (e: MessageEvent) => (e.data === 'ready' ? resolve() : reject(new Error(String(e.data))));
    w.onerror = (e) => reject(new Error(`wasm worker failed: ${e.message}`));
  });
  return { post: (msg) => w.postMessage(msg), started, terminate: () => w.terminate() };
}

interface NodeWorker {
  postMessage(msg: unknown): void;
  on(event: string, cb: (arg: unknown) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}

async function nodeWorker(): Promise<Endpoint> {
  const { Worker: NodeWorkerCtor } = await importNode<{ Worker: new (url: URL) => NodeWorker }>('node:worker_threads');
  const file = './pool-node.worker.mjs';
  const url = new URL(/* @vite-ignore */ file, import.meta.url);
  // Present when the engine runs from its sources; a bundle must ship the file beside itself.
  const { existsSync } = await importNode<{ existsSync(u: URL): boolean }>('node:fs');
  if (!existsSync(url)) throw new Error(`${url.pathname} not found`);
  const w = new NodeWorkerCtor(url);
  // Idle workers must not keep a Node process (a test run, a script) alive.
  w.unref();
  const started = new Promise<void>((resolve, reject) => {
    w.on('message', (m) => (m === 'ready' ? resolve() : reject(new Error(String(m)))));
    w.on('error', (e) => reject(e as Error));
    w.on('exit', (code) => reject(new Error(`wasm worker exited with ${code as number}`)));
  });
  return { post: (msg) => w.postMessage(msg), started, terminate: () => void w.terminate() };
}

export async function startPool(module: WebAssembly.Module, memory: WebAssembly.Memory, stackTops: number[], generation: number): Promise<Pool> {
  const endpoints: Endpoint[] = [];
  const terminate = () => endpoints.forEach((e) => e.terminate());
  try {
    for (const stackTop of stackTops) {
      const e = typeof Worker === 'function' ? browserWorker() : await nodeWorker();
      endpoints.push(e);
      e.post({ module, memory, thread: endpoints.length, stackTop, generation });
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('wasm workers did not start in time')), START_TIMEOUT_MS);
    });
    try {
      await Promise.race([Promise.all(endpoints.map((e) => e.started)), timeout]);
    } finally {
      clearTimeout(timer);
    }
  } catch (e) {
    terminate();
    throw e;
  }
  return { size: endpoints.length, terminate };
}

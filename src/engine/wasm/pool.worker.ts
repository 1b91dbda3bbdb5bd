/**
 * A thread of the wasm kernels' pool in the browser (see pool.ts): instantiates the
 * shared module over the shared memory, moves to its own stack, reports ready and
 * then serves work inside worker_loop for as long as it lives.
 */
import type { StartMessage } from './pool';

const scope = self as unknown as { onmessage: ((e: MessageEvent<StartMessage>) => void) | null; postMessage(msg: unknown): void };

interface PoolExports {
  __stack_pointer: WebAssembly.Global;
  worker_loop(thread: number, seen: number): void;
  worker_failed(thread: number): void;
}

scope.onmessage = (e) => {
  scope.onmessage = null;
  const { module, memory, thread, stackTop, generation } = e.data;
  WebAssembly.instantiate(module, { env: { memory } }).then(
    (instance) => {
      const exports = instance.exports as unknown as PoolExports;
      exports.__stack_pointer.value = stackTop;
      scope.postMessage('ready');
      try {
        exports.worker_loop(thread, generation);
      } catch (err) {
        // A trap in a task: the calling thread stops waiting for it and reports the call as failed.
        exports.worker_failed(thread);
        console.error(`wasm kernel thread ${thread} failed:`, err);
      }
    },
    (err: unknown) => scope.postMessage(`instantiate failed: ${String(err)}`),
  );
};

/**
 * A thread of the wasm kernels' pool in the browser (see pool.ts): instantiates the
 * shared module over the shared memory, moves to its own stack, reports ready and
 * then serves work inside worker_loop for as long as it lives.
 */
interface StartMessage {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  thread: number;
  stackTop: number;
  generation: number;
}

const scope = self as unknown as { onmessage: ((e: MessageEvent<StartMessage>) => void) | null; postMessage(msg: unknown): void };

scope.onmessage = (e) => {
  scope.onmessage = null;
  const { module, memory, thread, stackTop, generation } = e.data;
  WebAssembly.instantiate(module, { env: { memory } }).then(
    (instance) => {
      const exports = instance.exports as unknown as { __stack_pointer: WebAssembly.Global; worker_loop(thread: number, seen: number): void };
      exports.__stack_pointer.value = stackTop;
      scope.postMessage('ready');
      exports.worker_loop(thread, generation);
    },
    (err: unknown) => scope.postMessage(`instantiate failed: ${String(err)}`),
  );
};

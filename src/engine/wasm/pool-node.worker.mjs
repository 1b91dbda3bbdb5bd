// A thread of the wasm kernels' pool under Node (worker_threads); the browser twin is
// pool.worker.ts. Instantiates the shared module over the shared memory, moves to its
// own stack, reports ready and then serves work inside worker_loop forever.
import { parentPort } from 'node:worker_threads';

parentPort.once('message', ({ module, memory, thread, stackTop, generation }) => {
  WebAssembly.instantiate(module, { env: { memory } }).then(
    (instance) => {
      instance.exports.__stack_pointer.value = stackTop;
      parentPort.postMessage('ready');
      instance.exports.worker_loop(thread, generation);
    },
    (err) => parentPort.postMessage(`instantiate failed: ${String(err)}`),
  );
});

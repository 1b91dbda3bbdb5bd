// A thread of the wasm kernels' pool under Node (worker_threads); the browser twin is
// pool.worker.ts. Instantiates the shared module over the shared memory, moves to its
// own stack, reports ready and then serves work inside worker_loop forever.
import { parentPort } from 'node:worker_threads';

parentPort.once('message', ({ module, memory, thread, stackTop, generation }) => {
  WebAssembly.instantiate(module, { env: { memory } }).then(
    (instance) => {
      instance.exports.__stack_pointer.value = stackTop;
      parentPort.postMessage('ready');
      try {
        instance.exports.worker_loop(thread, generation);
      } catch (err) {
        // A trap in a task: the calling thread stops waiting for it and reports the call as failed.
        instance.exports.worker_failed(thread);
        console.error(`wasm kernel thread ${thread} failed:`, err);
      }
    },
    (err) => parentPort.postMessage(`instantiate failed: ${String(err)}`),
  );
});

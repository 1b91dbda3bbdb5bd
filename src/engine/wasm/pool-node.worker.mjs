// A thread of the wasm kernels' pool under Node (worker_threads); the browser twin is
// pool.worker.ts. Instantiates the shared module over the shared memory, moves to its
// own stack, reports ready and then serves work inside worker_loop forever.
import { parentPort } from 'node:worker_threads';
import { writeSync } from 'node:fs';

parentPort.once('message', ({ module, memory, thread, stackTop, generation }) => {
  WebAssembly.instantiate(module, { env: { memory } }).then(
    (instance) => {
      instance.exports.__stack_pointer.value = stackTop;
      parentPort.postMessage('ready');
      try {
        instance.exports.worker_loop(thread, generation);
      } catch (err) {
        // A trap in a task: said first (synchronously, before the calling thread can end the
        // process), then the calling thread stops waiting for it and reports the call as failed.
        writeSync(2, `wasm kernel thread ${thread} failed: ${err?.stack ?? err}\n`);
        instance.exports.worker_failed(thread);
      }
    },
    (err) => parentPort.postMessage(`instantiate failed: ${String(err)}`),
  );
});

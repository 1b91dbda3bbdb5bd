/**
 * What a code cell's program finds in its worker: the engine and the model zoo (on the
 * wasm backend, the CPU at full speed, like PyTorch's default device; the plain CPU
 * backend where WebAssembly cannot start), `print`/`display`, and `console.log`
 * writing under the cell. Loaded by the worker's script before the program (see
 * runner.ts); the program reaches it as `globalThis.__cellRuntime`.
 *
 * The page, the network and storage are out of reach: `document`, `window`,
 * `localStorage`, `fetch` and friends throw an error that says why. (The page's
 * Content-Security-Policy still applies underneath.)
 */
import { setBackend } from '../../engine';
import { createRuntime } from './runtime-core';

const { runtime, console: cellConsole, print, display } = createRuntime((e) => self.postMessage(e), self.location.href);

// Started before the sandbox below hides what starting needs (its kernel threads are workers).
await setBackend('wasm').catch(() => setBackend('cpu'));

function blocked(what: string, why: string): never {
  throw new Error(`${what} is not available in a code cell: ${why}`);
}
const PAGE = 'cells run in a worker, away from the page; use print() or console.log() to show values';
const NETWORK = 'cells cannot reach the network or storage';
const HIDDEN: [string, string][] = [
  ['document', PAGE],
  ['window', PAGE],
  ['localStorage', NETWORK],
  ['sessionStorage', NETWORK],
  ['indexedDB', NETWORK],
  ['caches', NETWORK],
  ['fetch', NETWORK],
  ['XMLHttpRequest', NETWORK],
  ['WebSocket', NETWORK],
  ['EventSource', NETWORK],
  ['importScripts', NETWORK],
  ['Worker', NETWORK],
  ['SharedWorker', NETWORK],
];
const scope = self as unknown as Record<string, unknown>;
for (const [name, why] of HIDDEN) {
  const throwing = () => blocked(`\`${name}\``, why);
  // Shadow the global on the scope and on every prototype that carries it.
  for (let o: object | null = scope; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    if (o !== scope && !Object.prototype.hasOwnProperty.call(o, name)) continue;
    try {
      Object.defineProperty(o, name, { get: throwing, configurable: false });
    } catch {
      /* a property that cannot be redefined stays; the CSP still applies */
    }
  }
}

Object.assign(console, cellConsole);
scope.print = print;
scope.display = display;
scope.__cellRuntime = runtime;
// A promise the cell forgot to await that fails still ends the run with its error.
self.addEventListener('unhandledrejection', (e) => {
  e.preventDefault();
  runtime.fail(e.reason, []);
});

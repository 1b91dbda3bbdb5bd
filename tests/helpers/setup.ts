// Gives Node a `navigator.gpu` backed by Dawn (the `webgpu` npm package), so the
// WebGPU backend runs in unit tests exactly as it runs in the browser.
import { create, globals } from 'webgpu';

Object.assign(globalThis, globals);
const g = globalThis as unknown as { navigator?: { gpu?: GPU } };
if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
if (!g.navigator!.gpu) Object.defineProperty(g.navigator!, 'gpu', { value: create([]), configurable: true });

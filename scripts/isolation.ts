/**
 * Cross-origin isolation: gives the page SharedArrayBuffer, so the wasm backend can run
 * its kernels on worker threads (without it the backend uses one thread). The dev and
 * preview servers send these headers; on any other host the service worker adds them
 * to what it serves (scripts/pwa-plugin.ts).
 */
export const ISOLATION_HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

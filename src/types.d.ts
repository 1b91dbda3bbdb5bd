declare module '*.wgsl?raw' {
  const source: string;
  export default source;
}
declare module '*.mdx?meta' {
  const meta: { title: string; order: number; [key: string]: string | number };
  export default meta;
}
declare module 'webgpu' {
  export function create(options: string[]): GPU;
  export const globals: Record<string, unknown>;
}
declare module 'virtual:search-index' {
  const entries: { lang: string; slug: string; chapter: string; id: string; title: string; text: string }[];
  export default entries;
}
/**
 * True only in a test build (`vite build --mode e2e`, and under Vitest): the testing aids
 * (window.__cnnTraining, the worker's crash / lose-device / storage-full messages) exist
 * behind it and are removed from a production build. Set with `define` in vite.config.ts.
 */
declare const __TEST_AIDS__: boolean;

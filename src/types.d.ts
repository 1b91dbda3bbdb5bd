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

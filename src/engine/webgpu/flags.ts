/**
 * WebGPU's usage and map-mode flags (fixed by the spec). Spelled out so that importing the
 * engine never touches the GPUBufferUsage global, which browsers without WebGPU (where the
 * engine falls back to the CPU backend) do not define.
 */
export const USAGE = { MAP_READ: 0x1, COPY_SRC: 0x4, COPY_DST: 0x8, UNIFORM: 0x40, STORAGE: 0x80, QUERY_RESOLVE: 0x200 } as const;
export const MAP_MODE_READ = 0x1;
/** GPUTextureUsage flags, spelled out for the same reason. */
export const TEXTURE_USAGE = { TEXTURE_BINDING: 0x04, STORAGE_BINDING: 0x08 } as const;

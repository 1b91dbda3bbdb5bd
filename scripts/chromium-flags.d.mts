// Types of chromium-flags.mjs.
export declare const CHROMIUM_FLAGS: readonly string[];
export declare const NODE_RELAXED_SIMD: string;

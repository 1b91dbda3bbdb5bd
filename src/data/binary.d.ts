// Types of binary.js (plain JavaScript, shared with scripts/prepare-data.mjs).
export declare const DATASET_MAGIC: number;
export declare const DATASET_VERSION: number;
export declare const DATASET_HEADER_BYTES: number;
export declare function fnv1a(bytes: Uint8Array): number;
export declare function mulberry32(seed: number): () => number;
export declare function shuffledIndices(n: number, seed: number): Uint32Array;
export declare function encodeDataset(d: { count: number; rows: number; cols: number; classes: number; pixels: Uint8Array; labels: Uint8Array }): Uint8Array;

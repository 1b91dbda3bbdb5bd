/**
 * The tensor engine's public API: the ONLY module the rest of the app imports.
 *
 *   import { tensor, nn, F, optim, tidy, setBackend } from '../engine';
 *
 * Vocabulary follows PyTorch (Sequential, Conv2d, namedParameters, stateDict,
 * apply, init.xavierUniform_, .grad, optim.SGD). See tensor.ts for memory rules
 * (tidy/keep/dispose), runtime.ts for backends and device loss, random.ts for the
 * seeded generator.
 */
import { activeBackend, getBackend } from './runtime';
import { liveTensorCount } from './tensor';

export { Tensor, tidy, keep, dispose, noGrad, isGradEnabled } from './tensor';
export { tensor, zeros, ones, full, rand, randn, arange, linspace, eye, zerosLike, onesLike } from './creation';
export { cat, stack } from './ops/layout';
export { where } from './ops/elementwise-ops';
export { matmul } from './ops/matmul';
export { broadcastShapes, outSize } from './shape';
export { UNARY_OPS, BINARY_OPS } from './ops/elementwise';
export type { UnaryOp, BinaryOp } from './ops/elementwise';
export type { Shape, NestedArray, TensorOptions } from './tensor';
export { manualSeed, randperm, Generator, globalGenerator } from './random';
export { setBackend, getBackend, ready, onBackendLost, restartBackend, trimBackendMemory, withBackend } from './runtime';
export type { BackendLostInfo, WebGPUOptions } from './runtime';
export { getConvPrecision, setConvPrecision, type ConvPrecision } from './precision';
export { chooseBackend, describeAdapter, probeCacheKey, timeProbeStep, WEBGPU_MARGIN } from './choose';
export { LossWatch, restartAfterLoss, withTimeout } from './recover';
export type { BackendDecision, BackendPreference, ChoiceReason, ChoiceCache, ChoiceEngine, ChooseOptions, AdapterLike, AdapterSummary, GpuLike, Unavailable } from './choose';
export type { Backend, BackendAbout, BackendName } from './backend';
export { WASM_MAX_THREADS } from './backend';
export * as F from './functional';
export * as nn from './nn/index';
export * as optim from './optim';
export { countParameters, traceShapes } from './utils';
export { tuneKernelShapes } from './shape-tune';
export type { ShapeTuneSummary } from './shape-tune';
export type { LayerTrace } from './utils';

export interface MemoryInfo {
  /** Tensors created and not yet disposed. */
  numTensors: number;
  /** Bytes the current backend holds for live storages. */
  numBytes: number;
  backend: string;
}

/** Live tensor count and backend bytes (for leak checks and the memory widget). */
export function memory(): MemoryInfo {
  const info = getBackend();
  let numBytes: number;
  try {
    numBytes = activeBackend().memoryBytes();
  } catch {
    numBytes = 0; // no usable backend (still starting, or its device was lost)
  }
  return { numTensors: liveTensorCount(), numBytes, backend: info.name };
}

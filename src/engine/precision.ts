/**
 * How closely float32 convolutions must round, after PyTorch's
 * `torch.set_float32_matmul_precision`:
 * - 'highest' (the default): every backend stays within the contract's 1e-4 of the CPU
 *   reference (backend.ts);
 * - 'high': a backend may take faster algorithms that round more. The wasm backend then
 *   runs Winograd's larger tiles, F(4x4, 3x3) and F(2x2, 5x5), whose error is about
 *   1e-5 of the output's largest value instead of about 1e-6 (wasm/plan.ts).
 * Training sets 'high' (src/worker/trainer.ts), the trade PyTorch makes by default for
 * cuDNN's convolutions on recent NVIDIA GPUs (TensorFloat-32, which rounds far more);
 * what the book's widgets show keeps 'highest'.
 */
export type ConvPrecision = 'highest' | 'high';

let precision: ConvPrecision = 'highest';

/** Sets the precision of the convolutions that run from now on, on every backend. */
export function setConvPrecision(p: ConvPrecision): void {
  if (p !== 'highest' && p !== 'high') throw new Error(`Unknown convolution precision '${p as string}' (use 'highest' or 'high')`);
  precision = p;
}

/** The precision set by setConvPrecision. */
export function getConvPrecision(): ConvPrecision {
  return precision;
}

/**
 * Shape arithmetic over a model's modules, without running anything: used while a model
 * is being built, so the first dense layer's size can follow from the input size (the
 * original chapter’s 6400 = 256 x 5 x 5 for AlexNet at 224), and to find the smallest input a model
 * accepts. ModelSummary's tables come from running the engine (summary.ts); tests check
 * that the two agree.
 */
import type { nn } from '../engine';

export class ShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShapeError';
  }
}

/**
 * Output shape of `m` for an input of shape `s`, from the layers' own shape rules
 * (`Module.outputShape`, the same rules the engine's ops check); throws ShapeError when
 * it does not fit. `lenient`: a dense layer accepts any number of input features (to ask
 * which input sizes the convolutional part accepts).
 */
export function inferShape(m: nn.Module, s: readonly number[], lenient = false): number[] {
  try {
    return m.outputShape(s, { lenient });
  } catch (e) {
    if (e instanceof ShapeError) throw e;
    throw new ShapeError((e as Error).message);
  }
}

/** Number of features after the layers, for one image of size x size with `channels` channels. */
export function flatFeatures(layers: nn.Module[], size: number, channels = 1): number {
  let s = [1, channels, size, size];
  for (const l of layers) s = inferShape(l, s);
  return s.slice(1).reduce((a, b) => a * b, 1);
}

/** The smallest square input the layers of `net` accept (dense layer sizes aside). */
export function smallestInputSize(net: nn.Module, max = 1024): number {
  for (let s = 1; s <= max; s++) {
    try {
      inferShape(net, [1, 1, s, s], true);
      return s;
    } catch (e) {
      if (!(e instanceof ShapeError)) throw e;
    }
  }
  return Infinity;
}

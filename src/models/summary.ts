/**
 * A model's size, measured by running the engine: each top-level layer's output shape
 * for a one-image input (the original chapter’s `for layer in net: X = layer(X); print(...)`), the
 * parameter count, and the multiply-accumulates of every convolution and dense layer
 * seen during that forward pass. FLOPs per image = 2 x MACs (one multiply, one add).
 */
import { countParameters, noGrad, nn, tidy, zeros, type Tensor } from '../engine';

/** PyTorch's class name of a layer (robust to minified class names in the build). */
export function layerType(m: nn.Module): string {
  // Each layer class names itself (`static typeName`), which minification leaves alone.
  return m.typeName;
}

export interface SummaryRow {
  /** State-dict prefix of the layer, e.g. '0' or '3'. */
  name: string;
  type: string;
  outputShape: number[];
  /** Parameters of this layer (and its sub-layers). */
  params: number;
  /** Multiply-accumulates of this layer for one image. */
  macs: number;
}

export interface ModelSummaryData {
  inputShape: number[];
  rows: SummaryRow[];
  params: number;
  macs: number;
  /** 2 x macs: floating-point operations of one forward pass for one image. */
  flops: number;
}

/** Runs `model` on one zero image of `inputSize` x `inputSize` (eval mode, no gradients). */
export function summarize(model: nn.Module, inputSize: number, channels = 1): ModelSummaryData {
  const inputShape = [1, channels, inputSize, inputSize];
  const macsOf = new Map<nn.Module, number>();
  const patched: nn.Module[] = [];
  for (const m of model.modules()) {
    if (m instanceof nn.Conv2d || m instanceof nn.Linear) {
      const layer = m;
      const original = layer.call;
      layer.call = (x: Tensor) => {
        const y = original.call(layer, x) as Tensor;
        const perOutput = layer instanceof nn.Conv2d ? layer.inChannels * layer.kernelSize[0] * layer.kernelSize[1] : layer.inFeatures;
        macsOf.set(layer, (macsOf.get(layer) ?? 0) + (y.size / y.shape[0]) * perOutput);
        return y;
      };
      patched.push(layer);
    }
  }
  const modes = new Map(model.modules().map((m) => [m, m.training]));
  const rows: SummaryRow[] = [];
  model.eval();
  try {
    noGrad(() =>
      tidy(() => {
        let x = zeros(inputShape);
        const top: [string, nn.Module][] = model instanceof nn.Sequential ? model.namedChildren() : [['', model]];
        for (const [name, layer] of top) {
          x = layer.call(x) as Tensor;
          const macs = layer.modules().reduce((n, m) => n + (macsOf.get(m) ?? 0), 0);
          rows.push({ name, type: layerType(layer), outputShape: [...x.shape], params: countParameters(layer), macs });
        }
      }),
    );
  } finally {
    for (const m of patched) delete (m as { call?: unknown }).call;
    for (const [m, t] of modes) m.training = t;
  }
  const macs = rows.reduce((n, r) => n + r.macs, 0);
  return { inputShape, rows, params: countParameters(model), macs, flops: 2 * macs };
}

/** The original chapter’s printout: `Conv2d output shape:\t torch.Size([1, 6, 28, 28])`. */
export function formatShapeTable(rows: readonly SummaryRow[]): string {
  return rows.map((r) => `${r.type} output shape:\t torch.Size([${r.outputShape.join(', ')}])`).join('\n');
}
